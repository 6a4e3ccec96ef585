package client

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// counting wraps the pool's RoundTripper as the suite's round-trip counter does; it tells
// the timeout by delegating.
type counting struct{ base http.RoundTripper }

func (c counting) RoundTrip(r *http.Request) (*http.Response, error) { return c.base.RoundTrip(r) }
func (c counting) Timeout() time.Duration {
	return c.base.(interface{ Timeout() time.Duration }).Timeout()
}

// The timeout message names the timeout the attempt had, also through a wrapping
// RoundTripper (it said "0s" once).
func TestTheTimeoutMessageNamesTheRealTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer srv.Close()
	pool, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	hc := pool.Client(200 * time.Millisecond)
	hc.Transport = counting{base: hc.Transport}
	c := &Client{BaseURL: srv.URL, AppKey: "k", HTTP: hc, TimeoutSetting: "AUTOSHARES_REQUEST_TIMEOUT"}
	ex := c.Do(context.Background(), SecretQuestion("someone"))
	if ex.Err == nil || !strings.Contains(ex.Err.Error(), "no response within 200ms (AUTOSHARES_REQUEST_TIMEOUT)") {
		t.Errorf("error %v, want it to name the 200ms timeout", ex.Err)
	}
}
