package client

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// DoAll keeps the order of the requests and never has more than limit in flight.
func TestDoAllBoundsInFlightAndKeepsOrder(t *testing.T) {
	var inFlight, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		w.Write([]byte(r.URL.Query().Get("i")))
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, HTTP: srv.Client()}
	var reqs []Request
	for i := range 12 {
		reqs = append(reqs, Request{Method: http.MethodGet, Path: "/", Query: map[string][]string{"i": {strconv.Itoa(i)}}})
	}
	exs := c.DoAll(context.Background(), reqs, 3)
	for i, ex := range exs {
		if ex.Err != nil || string(ex.ResponseBody) != strconv.Itoa(i) {
			t.Fatalf("exchange %d: got %q, err %v", i, ex.ResponseBody, ex.Err)
		}
	}
	if p := peak.Load(); p > 3 || p < 2 {
		t.Errorf("peak in flight %d, want 2..3 with limit 3", p)
	}
}
