package pactverify

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pact-foundation/pact-go/v2/models"

	"github.com/autoshares/conformance/internal/redact"
)

// A state endpoint's URL may carry basic-auth credentials: a failed state change names the
// URL without them, and what the forwarder prints or answers is masked.
func TestAFailedStateChangeHidesTheURLsCredentials(t *testing.T) {
	const pass = "st4te-pa55word"
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such state", http.StatusBadRequest)
	}))
	defer refusing.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	for _, host := range []string{strings.TrimPrefix(refusing.URL, "http://"), closed} {
		stateURL := "http://user:" + pass + "@" + host + "/states"
		_, err := forwardState(stateURL, "a state")(true, models.ProviderState{})
		if err == nil || strings.Contains(err.Error(), pass) {
			t.Errorf("%s: error %v, want one without the password", host, err)
		}
		fw := stateForwarder(t, stateURL, redact.New())
		resp, err := http.Post(fw, "application/json", strings.NewReader(`{"action":"setup","state":"a state"}`))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusInternalServerError || strings.Contains(string(body), pass) {
			t.Errorf("%s: the forwarder answered %d %q, want a 500 without the password", host, resp.StatusCode, body)
		}
	}
}
