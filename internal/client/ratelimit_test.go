package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A target that never stops rate-limiting: once the budget is spent, the exchange keeps the
// last 429 (for the transcript) and carries the not-proven error, so no check judges it.
func TestAStillRateLimitedExchangeIsNotProven(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"message":"slow down"}`))
	}))
	defer srv.Close()
	pool, err := New(Options{MaxWait: 100 * time.Millisecond, Budget: 250 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c := &Client{BaseURL: srv.URL, AppKey: "k", HTTP: pool.Client(time.Second)}

	ex := c.Do(context.Background(), SecretQuestion("someone"))
	var np *NotProvenError
	if !errors.As(ex.Err, &np) || ex.Status != 429 || !strings.Contains(string(ex.ResponseBody), "slow down") || ex.RateLimitWaits != 2 {
		t.Errorf("exchange: status %d, err %v, waits %d, body %q", ex.Status, ex.Err, ex.RateLimitWaits, ex.ResponseBody)
	}

	// The throttling check asks for the 429 itself: no wait, no error.
	before := hits.Load()
	req := SecretQuestion("someone")
	req.NoRateLimitRetry = true
	ex = c.Do(context.Background(), req)
	if ex.Err != nil || ex.Status != 429 || hits.Load() != before+1 {
		t.Errorf("NoRateLimitRetry: status %d, err %v, %d request(s)", ex.Status, ex.Err, hits.Load()-before)
	}
}
