package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A Retry-After of 0 (or a past date) is no licence to resend at once: each wait is at least
// the 1 s default (here capped lower), so the budget bounds the resends.
func TestAZeroRetryAfterStillCostsAWait(t *testing.T) {
	for _, ra := range []string{"0", time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)} {
		s, url := serve(t, status(429, ra))
		p := pool(t, Options{MaxWait: 100 * time.Millisecond, Budget: time.Second})
		start := time.Now()
		resp, out, _ := post(t, p, url, `{"a":1}`)
		if resp.StatusCode != 429 || out.Err() == nil {
			t.Fatalf("Retry-After %q: %d, %v; want the 429 marked not proven", ra, resp.StatusCode, out.Err())
		}
		if n := len(s.bodies); n != 11 {
			t.Errorf("Retry-After %q: %d requests, want 11 (10 waits of 100ms in the 1s budget)", ra, n)
		}
		if el := time.Since(start); el < 900*time.Millisecond {
			t.Errorf("Retry-After %q: gave up after %s, want about the 1s budget", ra, el)
		}
	}
}

func TestResendsStopAtTheAttemptsCap(t *testing.T) {
	s, url := serve(t, status(429, "0"))
	p := pool(t, Options{MaxWait: time.Millisecond, Budget: time.Hour})
	resp, out, _ := post(t, p, url, "")
	if resp.StatusCode != 429 || len(s.bodies) != maxAttempts {
		t.Fatalf("%d after %d requests, want the 429 after %d", resp.StatusCode, len(s.bodies), maxAttempts)
	}
	var np *NotProvenError
	if err := out.Err(); !errors.As(err, &np) || !strings.HasPrefix(err.Error(), NotProven) || !strings.Contains(err.Error(), "30 attempts") {
		t.Errorf("outcome error %v", err)
	}
}

// The setting's 0 ("never wait") reaches the pool as a negative budget: no resend at all.
func TestANoWaitBudgetNeverResends(t *testing.T) {
	s, url := serve(t, status(429, "0"), status(200, ""))
	p := pool(t, Options{Budget: -1})
	resp, out, _ := post(t, p, url, "")
	if resp.StatusCode != 429 || len(s.bodies) != 1 {
		t.Fatalf("%d after %d requests, want the first 429, unresent", resp.StatusCode, len(s.bodies))
	}
	if err := out.Err(); err == nil || !strings.HasPrefix(err.Error(), NotProven) {
		t.Errorf("outcome error %v, want not proven", err)
	}
	if got := p.Waits().Snapshot(); got.Waits != 0 || !got.BudgetExhausted {
		t.Errorf("counter %+v", got)
	}
}

func TestAnUnresendableBodyIsNotProven(t *testing.T) {
	s, url := serve(t, status(429, "1"), status(200, ""))
	p := pool(t, Options{})
	ctx, out := WithOutcome(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, io.NopCloser(strings.NewReader("x")))
	resp, err := p.Client(5 * time.Second).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || len(s.bodies) != 1 {
		t.Fatalf("%d after %d requests", resp.StatusCode, len(s.bodies))
	}
	if err := out.Err(); err == nil || !strings.HasPrefix(err.Error(), NotProven) || !strings.Contains(err.Error(), "cannot be sent again") {
		t.Errorf("outcome error %v, want not proven", err)
	}
}

// wrapper is a RoundTripper around the pool's, as the suite's round-trip counter is.
type wrapper struct{ base http.RoundTripper }

func (w wrapper) RoundTrip(r *http.Request) (*http.Response, error) { return w.base.RoundTrip(r) }
func (w wrapper) Timeout() time.Duration {
	if t, ok := w.base.(interface{ Timeout() time.Duration }); ok {
		return t.Timeout()
	}
	return 0
}

func TestTimeoutOfSeesThroughAWrapper(t *testing.T) {
	c := pool(t, Options{}).Client(7 * time.Second)
	if got := TimeoutOf(c); got != 7*time.Second {
		t.Errorf("bare: %s", got)
	}
	c.Transport = wrapper{base: c.Transport}
	if got := TimeoutOf(c); got != 7*time.Second {
		t.Errorf("wrapped: %s, want 7s", got)
	}
	if got := TimeoutOf(&http.Client{Timeout: 3 * time.Second}); got != 3*time.Second {
		t.Errorf("plain client: %s", got)
	}
}

// The outcome says how long the rate ceiling held a request: a race check whose requests
// were held did not send them together.
func TestTheOutcomeCountsTheCeilingsHold(t *testing.T) {
	_, url := serve(t, status(200, ""))
	p := pool(t, Options{MaxRPS: 2})
	var held []time.Duration
	for range 3 {
		_, out, _ := post(t, p, url, "")
		held = append(held, out.Throttled)
	}
	if held[0] != 0 || held[1] != 0 || held[2] <= 0 {
		t.Errorf("held %v; want the burst of 2 unheld, the third held", held)
	}
}
