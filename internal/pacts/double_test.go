package pacts

import (
	"net/http"
	"strings"
	"testing"
)

func TestDoubleRecordsRequestsAndRefuses(t *testing.T) {
	d := Start("P")
	defer d.Close()
	if !strings.HasPrefix(d.URL, "http://127.0.0.1:") {
		t.Fatalf("URL = %s, want loopback", d.URL)
	}
	get := func(path string) int {
		req, _ := http.NewRequest("GET", d.URL+path, nil)
		req.SetBasicAuth("user", "password")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := get("/"); s != 200 {
		t.Errorf("index: %d", s)
	}
	if s := get("/pacticipants/P"); s != 200 {
		t.Errorf("pacticipant: %d", s)
	}
	if s := get("/no/such/resource"); s != 404 {
		t.Errorf("an unknown resource: %d, want 404", s)
	}
	d.Refuse(http.StatusForbidden)
	if s := get("/pacticipants/P"); s != 403 {
		t.Errorf("refusing: %d, want 403", s)
	}
	reqs := d.Requests()
	if len(reqs) != 3 || reqs[0].Path != "/pacticipants/P" || reqs[0].Auth != "basic user" {
		t.Errorf("requests = %v (want the three after the index, authenticated as basic user)", reqs)
	}
}
