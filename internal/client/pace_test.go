package client

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A 429 lowers the ceiling to a share of what the target accepted in the window; a 429 to a
// request sent before that cut measures the old rate and teaches nothing; too little
// evidence teaches nothing either.
func TestTheCeilingIsLearnedFromWhatTheTargetAccepted(t *testing.T) {
	h := &hostPace{}
	t0 := time.Unix(1000, 0)
	if h.refused(t0, t0, time.Second); h.Ceiling != 0 {
		t.Fatalf("learned %v from a 429 with nothing accepted", h.Ceiling)
	}
	for i := range 48 { // 48 accepted in half a second
		h.advance(t0.Add(time.Duration(i) * 10 * time.Millisecond))
		h.accepted(h.Slot, 1)
	}
	now := t0.Add(500 * time.Millisecond)
	sent := now.Add(-10 * time.Millisecond)
	c := h.refused(now, sent, time.Second)
	if want := learnMargin * 48; c < want-0.01 || c > want+0.01 || h.Ceiling != c {
		t.Fatalf("ceiling %v, want %v", c, want)
	}
	if c := h.refused(now.Add(time.Millisecond), sent, time.Second); c != 0 {
		t.Errorf("a 429 to a request sent before the cut lowered the ceiling to %v", c)
	}
	if c := h.refused(now.Add(900*time.Millisecond), now.Add(800*time.Millisecond), time.Second); c != 0 {
		t.Errorf("a 429 to a request sent within the target's window after the cut lowered the ceiling to %v", c)
	}
	// Later, a 429 while the host accepted far less than the ceiling: a bunch, not the rate.
	quiet := now.Add(5 * time.Second)
	h.advance(quiet)
	h.accepted(h.Slot, 12)
	burst := h.Burst
	if c := h.refused(quiet, quiet, time.Second); c != 0 || h.Burst != burst/2 {
		t.Errorf("a 429 at 12 accepted in 1 s under a ceiling of %v: ceiling %v, burst %v (was %v); want the burst halved only", h.Ceiling, c, h.Burst, burst)
	}
	// Under the ceiling, requests are spaced; a batch waits for room for all of it.
	later := now.Add(20 * time.Second)
	if d := h.take(later, 1); d != 0 {
		t.Errorf("a request after a long pause waited %s", d)
	}
	if d := h.take(later, 12); d <= 0 {
		t.Errorf("a batch of 12 over a burst of %v did not wait", h.Burst)
	}
	if d := h.take(later, 1); d <= 0 {
		t.Error("the request after the batch did not pay its debt")
	}
}

// Two pools sharing a file (two processes of a run) against a gateway allowing 40 requests a
// second per client: they learn its rate together, and once learned their requests stay
// under it: nearly nothing is refused any more.
func TestProcessesLearnTheRateTogether(t *testing.T) {
	const limit = 40
	var mu sync.Mutex
	tokens, at := float64(limit), time.Now()
	var refused, accepted atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		now := time.Now()
		tokens = min(limit, tokens+now.Sub(at).Seconds()*limit)
		at = now
		ok := tokens >= 1
		if ok {
			tokens--
		}
		mu.Unlock()
		if !ok {
			refused.Add(1)
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(429)
			return
		}
		accepted.Add(1)
	}))
	t.Cleanup(srv.Close)
	file := filepath.Join(t.TempDir(), "pace")
	var pools []*Pool
	for range 2 {
		p := pool(t, Options{})
		if err := p.ShareRate(file); err != nil {
			t.Fatal(err)
		}
		pools = append(pools, p)
	}
	hammer := func(d time.Duration) {
		var wg sync.WaitGroup
		end := time.Now().Add(d)
		for _, p := range pools {
			for range 16 {
				wg.Go(func() {
					for time.Now().Before(end) {
						req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
						if resp, err := p.Client(5 * time.Second).Do(req); err == nil {
							resp.Body.Close()
						}
					}
				})
			}
		}
		wg.Wait()
	}
	hammer(1500 * time.Millisecond)
	host := srv.Listener.Addr().String()
	c0, c1 := pools[0].LearnedRate(host), pools[1].LearnedRate(host)
	if c0 <= 0 || c0 != c1 {
		t.Fatalf("learned %v and %v, want one ceiling for both", c0, c1)
	}
	t.Logf("learned %.1f requests a second; %d refused, %d accepted", c0, refused.Load(), accepted.Load())
	hammer(2 * time.Second) // the first measure counts the gateway's burst too: it settles
	before := refused.Load()
	hammer(2 * time.Second)
	t.Logf("then %.1f requests a second; %d refused, %d accepted", pools[0].LearnedRate(host), refused.Load()-before, accepted.Load())
	if c := pools[0].LearnedRate(host); c > limit {
		t.Errorf("settled at %.1f requests a second, over the gateway's %d", c, limit)
	}
	if n := refused.Load() - before; n > 2 {
		t.Errorf("%d requests refused after learning a ceiling of %.1f/s under the gateway's %d/s", n, pools[0].LearnedRate(host), limit)
	}
	// A batch booked together is not held one by one.
	ctx, _, err := pools[0].Together(context.Background(), host, 8)
	if err != nil {
		t.Fatal(err)
	}
	ctx, out := WithOutcome(ctx)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	if resp, err := pools[0].Client(time.Second).Do(req); err == nil {
		resp.Body.Close()
	}
	if out.Paced != 0 {
		t.Errorf("a request of a booked batch was held %s", out.Paced)
	}
}
