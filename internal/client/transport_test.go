package client

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// script answers the i-th request with answers[i] (the last one repeats) and keeps every
// request body it saw.
type script struct {
	mu      sync.Mutex
	answers []func(w http.ResponseWriter)
	bodies  [][]byte
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	i := min(len(s.bodies), len(s.answers)-1)
	s.bodies = append(s.bodies, b)
	s.mu.Unlock()
	s.answers[i](w)
}

func status(code int, retryAfter string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.WriteHeader(code)
		io.WriteString(w, `{"n":1}`)
	}
}

func serve(t *testing.T, answers ...func(w http.ResponseWriter)) (*script, string) {
	s := &script{answers: answers}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv.URL
}

func post(t *testing.T, p *Pool, url, body string) (*http.Response, *Outcome, []byte) {
	t.Helper()
	ctx, out := WithOutcome(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	resp, err := p.Client(5 * time.Second).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, out, b
}

func pool(t *testing.T, o Options) *Pool {
	p, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

func TestA429IsWaitedOutAndTheSameBytesResent(t *testing.T) {
	s, url := serve(t, status(429, "1"), status(200, ""))
	p := pool(t, Options{})
	start := time.Now()
	resp, out, _ := post(t, p, url, `{"User":"x"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d, want 200 after the wait", resp.StatusCode)
	}
	if el := time.Since(start); el < 900*time.Millisecond {
		t.Errorf("resent after %s, want the 1 s Retry-After", el)
	}
	if len(s.bodies) != 2 || !bytes.Equal(s.bodies[0], s.bodies[1]) || string(s.bodies[1]) != `{"User":"x"}` {
		t.Errorf("bodies sent %q, want the same body twice", s.bodies)
	}
	if got := p.Waits().Snapshot(); got.Waits != 1 || got.WaitSeconds != 1 || got.BudgetExhausted {
		t.Errorf("counter %+v, want one wait of 1 s", got)
	}
	if out.Waits != 1 || out.Err() != nil {
		t.Errorf("outcome %+v", out)
	}
}

func TestA429WithoutRetryAfterWaitsOneSecond(t *testing.T) {
	_, url := serve(t, status(429, ""), status(200, ""))
	p := pool(t, Options{})
	if resp, _, _ := post(t, p, url, ""); resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if got := p.Waits().Snapshot(); got.Waits != 1 || got.WaitSeconds != 1 {
		t.Errorf("counter %+v, want one wait of 1 s", got)
	}
}

func TestA503IsRetriedOnlyWithRetryAfter(t *testing.T) {
	_, url := serve(t, status(503, "0"), status(200, ""))
	p := pool(t, Options{})
	if resp, _, _ := post(t, p, url, ""); resp.StatusCode != 200 {
		t.Fatalf("503 with Retry-After: status %d, want the resend's 200", resp.StatusCode)
	}
	s, url := serve(t, status(503, ""), status(200, ""))
	p = pool(t, Options{})
	if resp, _, _ := post(t, p, url, ""); resp.StatusCode != 503 {
		t.Fatalf("503 without Retry-After: status %d, want the 503 itself (an outage is an answer)", resp.StatusCode)
	}
	if len(s.bodies) != 1 || p.Waits().Snapshot().Waits != 0 {
		t.Errorf("503 without Retry-After was resent")
	}
}

func TestTheHTTPDateFormIsRead(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {now.Add(3 * time.Second).Format(http.TimeFormat)}}}
	if d, ok := RetryAfter(resp, now); !ok || d != 3*time.Second {
		t.Errorf("RetryAfter = %s, %v; want 3s", d, ok)
	}
	resp.Header.Set("Retry-After", now.Add(-time.Hour).Format(http.TimeFormat))
	if d, ok := RetryAfter(resp, now); !ok || d != 0 {
		t.Errorf("a past date: %s, %v; want 0", d, ok)
	}
	resp.Header.Set("Retry-After", "soon")
	if d, ok := RetryAfter(resp, now); !ok || d != time.Second {
		t.Errorf("unreadable on a 429: %s, %v; want the 1 s default", d, ok)
	}
	resp.StatusCode = 200
	if _, ok := RetryAfter(resp, now); ok {
		t.Error("a 200 is not rate-limited")
	}
}

func TestEachWaitIsCapped(t *testing.T) {
	_, url := serve(t, status(429, "3600"), status(200, ""))
	p := pool(t, Options{MaxWait: 200 * time.Millisecond})
	start := time.Now()
	if resp, _, _ := post(t, p, url, ""); resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("waited %s, want the 200ms cap", el)
	}
	if got := p.Waits().Snapshot(); got.WaitSeconds != 0.2 {
		t.Errorf("counted %v s, want 0.2", got.WaitSeconds)
	}
}

func TestWhenTheBudgetRunsOutThe429IsKeptAndMarked(t *testing.T) {
	s, url := serve(t, status(429, "1"))
	p := pool(t, Options{MaxWait: 300 * time.Millisecond, Budget: time.Second})
	resp, out, body := post(t, p, url, `{"a":1}`)
	if resp.StatusCode != 429 || string(body) != `{"n":1}` {
		t.Fatalf("got %d %q, want the last 429 with its body", resp.StatusCode, body)
	}
	got := p.Waits().Snapshot()
	if got.Waits != 3 || !got.BudgetExhausted {
		t.Errorf("counter %+v, want 3 waits of 300ms in the 1s budget, then exhausted", got)
	}
	if len(s.bodies) != 4 {
		t.Errorf("%d requests, want 4", len(s.bodies))
	}
	var np *NotProvenError
	if err := out.Err(); !errors.As(err, &np) {
		t.Fatalf("outcome error %v, want a NotProvenError", err)
	} else if msg := err.Error(); !strings.HasPrefix(msg, NotProven+": the target answered 429") ||
		!strings.Contains(msg, "AUTOSHARES_RATE_LIMIT_BUDGET (1s) ran out") || !strings.Contains(msg, "AUTOSHARES_MAX_RPS") {
		t.Errorf("message %q", msg)
	}
	// Once spent, the budget spends no more: the next 429 is marked at once.
	start := time.Now()
	if resp, out, _ := post(t, p, url, ""); resp.StatusCode != 429 || out.Err() == nil || time.Since(start) > 200*time.Millisecond {
		t.Errorf("after the budget: %d, %v, %s", resp.StatusCode, out.Err(), time.Since(start))
	}
}

func TestWithoutRetryTheCallerGetsThe429(t *testing.T) {
	s, url := serve(t, status(429, "1"), status(200, ""))
	p := pool(t, Options{})
	req, _ := http.NewRequestWithContext(WithoutRetry(context.Background()), http.MethodGet, url, nil)
	resp, err := p.Client(time.Second).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || len(s.bodies) != 1 || p.Waits().Snapshot().Waits != 0 {
		t.Errorf("got %d after %d request(s); want the 429, unretried", resp.StatusCode, len(s.bodies))
	}
}

func TestTheTimeoutBoundsEachAttemptNotTheWaits(t *testing.T) {
	_, url := serve(t, status(429, "1"), status(200, ""))
	p := pool(t, Options{})
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	resp, err := p.Client(700 * time.Millisecond).Do(req)
	if err != nil {
		t.Fatalf("a 1 s wait under a 700ms timeout: %v", err)
	}
	resp.Body.Close()
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer hang.Close()
	req, _ = http.NewRequest(http.MethodGet, hang.URL, nil)
	_, err = p.Client(100 * time.Millisecond).Do(req)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timeout exceeded after 100ms") {
		t.Errorf("hanging target: %v", err)
	}
}

func TestTheRateCeilingSpacesRequests(t *testing.T) {
	_, url := serve(t, status(200, ""))
	p := pool(t, Options{MaxRPS: 10})
	start := time.Now()
	for range 15 { // a burst of 10, then 5 at 10 a second
		post(t, p, url, "")
	}
	if el := time.Since(start); el < 400*time.Millisecond || el > 2*time.Second {
		t.Errorf("15 requests at 10 rps took %s, want about 0.5 s", el)
	}
}

func TestProtocolIsNamed(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	p := pool(t, Options{})
	p.base.TLSClientConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	if p.Protocol() != "" {
		t.Fatal("a protocol before any answer")
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	resp, err := p.Client(time.Second).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := p.Protocol(); got != "HTTP/2.0 over TLS 1.3" {
		t.Errorf("Protocol() = %q", got)
	}
	// A cleartext mailbox answering later does not change what the target is said to speak.
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer plain.Close()
	req, _ = http.NewRequest(http.MethodGet, plain.URL, nil)
	if resp, err = p.Client(time.Second).Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	host := strings.TrimPrefix(srv.URL, "https://")
	if got := p.ProtocolOf(host); got != "HTTP/2.0 over TLS 1.3" {
		t.Errorf("ProtocolOf(target) = %q", got)
	}
	if got := p.ProtocolOf(strings.TrimPrefix(plain.URL, "http://")); got != "HTTP/1.1 (cleartext)" {
		t.Errorf("ProtocolOf(mailbox) = %q", got)
	}
}

func TestConcurrentWaitsCostTheirWallTimeOnce(t *testing.T) {
	at := time.Unix(1000, 0)
	w := &Waits{budget: 3 * time.Second, now: func() time.Time { return at }}
	for range 8 { // eight requests told, at once, to come back in a second
		if !w.take(time.Second) {
			t.Fatal("overlapping waits exhausted the budget")
		}
	}
	at = at.Add(500 * time.Millisecond)
	w.take(time.Second) // overlaps half
	if got := w.Snapshot(); got.Waits != 9 || got.WaitSeconds != 1.5 {
		t.Errorf("%+v, want 9 waits costing 1.5 s of wall time", got)
	}
	at = at.Add(10 * time.Second)
	if !w.take(1500*time.Millisecond) || w.take(time.Second) && w.Snapshot().WaitSeconds > 3 {
		t.Errorf("the budget was overspent: %+v", w.Snapshot())
	}
}

func TestATransportFailureIsNotMaskedByTheTimeout(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	p := pool(t, Options{})
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	_, err := p.Client(5 * time.Second).Do(req)
	if err == nil || !strings.Contains(err.Error(), "certificate") || errors.Is(err, context.Canceled) {
		t.Errorf("an untrusted certificate gave %v", err)
	}
	if hint := TLSHint(err); !strings.Contains(hint, "AUTOSHARES_CA_BUNDLE") {
		t.Errorf("hint %q", hint)
	}
}

// Every answer the transport waited out is kept, with its headers and body, for the
// transcript; the answer handed over is the last one.
func TestEveryAttemptIsKept(t *testing.T) {
	_, url := serve(t, status(429, "0"), status(503, "0"), status(200, ""))
	p := pool(t, Options{MaxWait: 10 * time.Millisecond})
	resp, out, _ := post(t, p, url, `{"a":1}`)
	if resp.StatusCode != 200 || len(out.Earlier) != 2 {
		t.Fatalf("got %d with %d earlier attempt(s), want 200 after 2", resp.StatusCode, len(out.Earlier))
	}
	for i, want := range []int{429, 503} {
		a := out.Earlier[i]
		if a.Status != want || a.Header.Get("Retry-After") != "0" || string(a.Body) != `{"n":1}` || a.Wait <= 0 || a.Sent.IsZero() {
			t.Errorf("attempt %d: %+v", i+1, a)
		}
	}
}

// A 503 the same request keeps getting while the target answers others is the target's
// answer: handed over after repeated503 attempts. While nothing else is answered (the probe
// says so too), it is an outage: resent until the budget runs out, not proven.
func TestARepeated503IsTheAnswerOnlyWhileTheTargetServesOthers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/bad" {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(503)
			return
		}
		w.WriteHeader(200)
	}))
	t.Cleanup(srv.Close)
	p := pool(t, Options{MaxWait: 10 * time.Millisecond, Budget: 200 * time.Millisecond})
	probed := 0
	p.SetServingProbe(func(ctx context.Context, host string) bool {
		probed++
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/ok", nil)
		resp, err := p.Client(time.Second).Do(req)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	resp, out, _ := post(t, p, srv.URL+"/bad", "")
	if resp.StatusCode != 503 || out.Repeated503 != repeated503 || len(out.Earlier) != repeated503-1 || out.Err() != nil || probed != 1 {
		t.Fatalf("got %d, repeated %d, %d earlier, err %v, %d probe(s); want the 503 handed over after %d attempts, one probe",
			resp.StatusCode, out.Repeated503, len(out.Earlier), out.Err(), probed, repeated503)
	}

	down := pool(t, Options{MaxWait: 10 * time.Millisecond, Budget: 200 * time.Millisecond})
	down.SetServingProbe(func(context.Context, string) bool { return false })
	resp, out, _ = post(t, down, srv.URL+"/bad", "")
	if resp.StatusCode != 503 || out.Repeated503 != 0 || out.Err() == nil {
		t.Fatalf("target down: got %d, repeated %d, err %v; want not proven", resp.StatusCode, out.Repeated503, out.Err())
	}
}

// WithoutRetry makes a 429 the answer, not a 503 with Retry-After: an overloaded moment is
// no answer to the check that asked for the 429.
func TestWithoutRetryA503IsStillResent(t *testing.T) {
	s, url := serve(t, status(503, "0"), status(200, ""))
	p := pool(t, Options{MaxWait: 10 * time.Millisecond})
	req, _ := http.NewRequestWithContext(WithoutRetry(context.Background()), http.MethodGet, url, nil)
	resp, err := p.Client(time.Second).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || len(s.bodies) != 2 {
		t.Errorf("got %d after %d request(s); want the 200 of the resend", resp.StatusCode, len(s.bodies))
	}
}
