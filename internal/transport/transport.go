// Package transport is how every exchange of a run reaches the target: the API, the
// provider-state endpoint and the mailbox all send through one Pool per process. It
//
//   - waits out rate limits: a 429, or a 503 with Retry-After, means the request was not
//     processed, so the same request is sent again after the wait the target asks for (each
//     wait at least 1 s and capped, at most 30 sends a request, all waits of the process
//     within a budget), and the waits are counted for the reports;
//   - keeps the suite under a client-side request rate (AUTOSHARES_MAX_RPS), when set;
//   - trusts the configured extra CAs and presents the configured client certificate;
//   - reuses connections, takes a proxy from the environment, and never follows a redirect.
//
// A target that is still rate-limiting when the budget or the sends run out (or when the
// request's body cannot be sent again) has not answered the check: the request's Outcome
// (see WithOutcome) says so, so the suite reports "rate-limited, not proven" instead of
// judging the 429 as the target's answer.
package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Settings behind the messages, so a user knows what to change.
const (
	BudgetSetting  = "AUTOSHARES_RATE_LIMIT_BUDGET"
	MaxWaitSetting = "AUTOSHARES_RATE_LIMIT_MAX_WAIT"
	MaxRPSSetting  = "AUTOSHARES_MAX_RPS"
)

// NotProven starts the problem of an exchange that stayed rate-limited: reports tell such a
// failure (inconclusive) from a finding about the target (non-conformant) by it.
const NotProven = "rate-limited, not proven"

// Defaults when Options leaves them zero.
const (
	DefaultMaxWait = 10 * time.Second
	DefaultBudget  = 60 * time.Second
	// defaultRetryAfter is the wait for a 429 without Retry-After: the usual gateway window.
	// It is also the shortest wait: a Retry-After of 0 or a past date would otherwise make
	// every wait free and resend in a tight loop.
	defaultRetryAfter = time.Second
	// maxAttempts bounds the sends of one request, whatever the waits cost: a target that
	// keeps rate-limiting has not answered, and resending forever proves nothing.
	maxAttempts = 30
	// idleConnsPerHost is above any number of requests one process has in flight, so a
	// burst of concurrent requests returns its connections to the pool instead of closing them.
	idleConnsPerHost = 64
)

// Options configure a Pool.
type Options struct {
	CABundle   string // PEM file of CAs trusted besides the system's; "" = system only
	ClientCert string // PEM certificate for mutual TLS; with ClientKey, or neither
	ClientKey  string
	// MaxRPS is this process's share of the run's request rate ceiling; 0 = no ceiling.
	MaxRPS  float64
	MaxWait time.Duration // longest single rate-limit wait; 0 = DefaultMaxWait
	// Budget is the total of all rate-limit waits this process may spend; 0 = DefaultBudget,
	// negative = no waiting at all.
	Budget time.Duration
	Waits  *Waits // nil = a fresh counter
}

// Pool is one process's connections, rate ceiling and rate-limit budget, shared by every
// client built from it.
type Pool struct {
	base    *http.Transport
	waits   *Waits
	bucket  *bucket
	maxWait time.Duration

	protoMu sync.Mutex
	proto   string // how the first answer came: "HTTP/2 over TLS 1.3", ...
	// protoByHost is how the first answer from each host came.
	protoByHost map[string]string
}

// New builds a Pool. The TLS files are read here; config has validated them already, so an
// error means they changed since.
func New(o Options) (*Pool, error) {
	tlsConf, err := TLSConfig(o.CABundle, o.ClientCert, o.ClientKey)
	if err != nil {
		return nil, err
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.TLSClientConfig = tlsConf
	base.ForceAttemptHTTP2 = true // a custom TLS config turns HTTP/2 off unless asked for
	base.MaxIdleConnsPerHost = idleConnsPerHost
	base.MaxIdleConns = 4 * idleConnsPerHost
	base.Proxy = http.ProxyFromEnvironment
	p := &Pool{base: base, waits: o.Waits, maxWait: o.MaxWait}
	if p.waits == nil {
		p.waits = &Waits{}
	}
	if p.maxWait <= 0 {
		p.maxWait = DefaultMaxWait
	}
	switch {
	case o.Budget == 0:
		p.waits.setBudget(DefaultBudget)
	case o.Budget < 0:
		p.waits.setBudget(0)
	default:
		p.waits.setBudget(o.Budget)
	}
	if o.MaxRPS > 0 {
		p.bucket = newBucket(o.MaxRPS)
	}
	return p, nil
}

// TLSConfig is the client TLS configuration of the settings: the system's CAs plus the
// bundle's, and the client certificate if given. nil when nothing is configured.
func TLSConfig(caBundle, cert, key string) (*tls.Config, error) {
	if caBundle == "" && cert == "" && key == "" {
		return nil, nil
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if caBundle != "" {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		pem, err := os.ReadFile(caBundle)
		if err != nil {
			return nil, fmt.Errorf("AUTOSHARES_CA_BUNDLE: %w", err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("AUTOSHARES_CA_BUNDLE: %s holds no PEM certificate", caBundle)
		}
		c.RootCAs = pool
	}
	if cert != "" || key != "" {
		if cert == "" || key == "" {
			return nil, errors.New("AUTOSHARES_CLIENT_CERT and AUTOSHARES_CLIENT_KEY go together: set both, or neither")
		}
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("AUTOSHARES_CLIENT_CERT/AUTOSHARES_CLIENT_KEY: %w", err)
		}
		c.Certificates = []tls.Certificate{pair}
	}
	return c, nil
}

// Waits returns the pool's counter.
func (p *Pool) Waits() *Waits { return p.waits }

// Client is an http.Client over the pool whose every attempt (each resend after a rate-limit
// wait included) gets the timeout, so a wait never eats a request's time; it never follows
// a redirect: a 3xx is the target's answer, and the app key and passwords go nowhere else.
func (p *Pool) Client(timeout time.Duration) *http.Client {
	return &http.Client{
		Transport:     &RoundTripper{pool: p, timeout: timeout},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Close closes the pool's idle connections.
func (p *Pool) Close() { p.base.CloseIdleConnections() }

// RoundTripper is one client's view of a Pool.
type RoundTripper struct {
	pool    *Pool
	timeout time.Duration
}

// Timeout is what each attempt may take.
func (rt *RoundTripper) Timeout() time.Duration { return rt.timeout }

// TimeoutOf is the per-attempt timeout of a client built by Client, else its Timeout. A
// RoundTripper wrapping another one tells its timeout by a Timeout method too (delegating).
func TimeoutOf(c *http.Client) time.Duration {
	if rt, ok := c.Transport.(interface{ Timeout() time.Duration }); ok {
		if d := rt.Timeout(); d > 0 {
			return d
		}
	}
	return c.Timeout
}

// RoundTrip sends req, and sends it again, the same bytes, after each rate-limit wait.
func (rt *RoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	out := outcomeOf(req.Context())
	retry := !noRetry(req.Context())
	for attempt := 0; ; attempt++ {
		if rt.pool.bucket != nil {
			d, err := rt.pool.bucket.wait(req.Context())
			if err != nil {
				return nil, err
			}
			if out != nil {
				out.Throttled += d
			}
		}
		areq := req
		if attempt > 0 {
			areq = req.Clone(req.Context())
			if req.GetBody != nil {
				body, err := req.GetBody()
				if err != nil {
					return nil, fmt.Errorf("resending after a rate-limit wait: %w", err)
				}
				areq.Body = body
			}
		}
		if out != nil {
			out.LastSent = time.Now()
		}
		resp, err := rt.send(areq)
		if err != nil {
			return nil, err
		}
		rt.pool.noteProtocol(resp)
		wait, limited := RetryAfter(resp, time.Now())
		if !limited {
			return resp, nil
		}
		if out != nil {
			out.LastStatus = resp.StatusCode
		}
		if !retry {
			return resp, nil // the caller judges the 429 itself
		}
		if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
			// Cannot be resent: the 429 is still no answer to the check.
			if out != nil {
				out.Exhausted, out.Unresendable = true, true
			}
			return resp, nil
		}
		if attempt+1 >= maxAttempts {
			if out != nil {
				out.Exhausted, out.Attempts = true, attempt+1
			}
			return resp, nil
		}
		wait = min(max(wait, defaultRetryAfter), rt.pool.maxWait)
		if !rt.pool.waits.take(wait) {
			if out != nil {
				out.Exhausted = true
				out.Budget = rt.pool.waits.Budget()
			}
			return resp, nil // kept visible: the caller reports it as not proven
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
		resp.Body.Close()
		if out != nil {
			out.Waits++
			out.Waited += wait
		}
		t := time.NewTimer(wait)
		select {
		case <-req.Context().Done():
			t.Stop()
			return nil, req.Context().Err()
		case <-t.C:
		}
	}
}

// send is one attempt, bounded by the client's timeout until its body is closed.
func (rt *RoundTripper) send(req *http.Request) (*http.Response, error) {
	if rt.timeout <= 0 {
		return rt.pool.base.RoundTrip(req)
	}
	ctx, cancel := context.WithTimeoutCause(req.Context(), rt.timeout, &TimeoutError{After: rt.timeout})
	resp, err := rt.pool.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		// Read before cancel, which would make every failure look like a cancellation.
		timedOut, cause := ctx.Err() != nil && req.Context().Err() == nil, context.Cause(ctx)
		cancel()
		if timedOut {
			return nil, cause
		}
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, ctx: ctx, parent: req.Context(), cancel: cancel}
	return resp, nil
}

// TimeoutError is an attempt that got no (whole) answer within the client's timeout.
type TimeoutError struct{ After time.Duration }

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("timeout exceeded after %s awaiting the answer", e.After)
}
func (e *TimeoutError) Timeout() bool   { return true }
func (e *TimeoutError) Is(t error) bool { return t == context.DeadlineExceeded }

// cancelBody ends the attempt's timeout when the body is closed, and turns a read cut by
// that timeout into a TimeoutError.
type cancelBody struct {
	io.ReadCloser
	ctx, parent context.Context
	cancel      context.CancelFunc
}

func (b *cancelBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF && b.ctx.Err() != nil && b.parent.Err() == nil {
		if cause := context.Cause(b.ctx); cause != nil {
			err = cause
		}
	}
	return n, err
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// RetryAfter says whether resp means "not processed, come back later" and how long to wait:
// a 429 (Retry-After, or 1 s without it), or a 503 with Retry-After (a 503 without it is
// an outage, the target's answer). Retry-After is seconds or an HTTP date (RFC 9110
// 10.2.3); an unreadable one counts as absent.
func RetryAfter(resp *http.Response, now time.Time) (time.Duration, bool) {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return 0, false
	}
	d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now)
	switch {
	case ok:
		return d, true
	case resp.StatusCode == http.StatusTooManyRequests:
		return defaultRetryAfter, true
	}
	return 0, false
}

func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > 1<<20 { // far beyond any cap; avoids overflowing a Duration
			n = 1 << 20
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// Waits counts one process's rate-limit waits and holds what is left of its budget. The
// budget and the total are wall time spent waiting: concurrent requests told to wait the
// same second cost the run one second, not one each.
type Waits struct {
	mu           sync.Mutex
	count        int
	total        time.Duration
	budget       time.Duration
	exhausted    bool
	waitingUntil time.Time        // the end of the latest wait booked
	now          func() time.Time // time.Now; tests replace it
}

func (w *Waits) setBudget(b time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.budget = b
}

// Budget is the process's total budget.
func (w *Waits) Budget() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.budget
}

// take books a wait of d from now against the budget, counting only the part that does not
// overlap waits already booked; false, and the budget marked exhausted, if it does not fit.
func (w *Waits) take(d time.Duration) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := time.Now()
	if w.now != nil {
		now = w.now()
	}
	if w.budget <= 0 || d <= 0 { // a budget of 0 is "never wait"; a free wait is a tight loop
		w.exhausted = true
		return false
	}
	end := now.Add(d)
	extra := end.Sub(now)
	if w.waitingUntil.After(now) {
		extra = max(end.Sub(w.waitingUntil), 0)
	}
	if w.total+extra > w.budget {
		w.exhausted = true
		return false
	}
	w.count++
	w.total += extra
	if end.After(w.waitingUntil) {
		w.waitingUntil = end
	}
	return true
}

// Snapshot is what the reports say about a process's (or, summed, a run's) waits.
type Snapshot struct {
	Waits           int     `json:"waits"`
	WaitSeconds     float64 `json:"wait_seconds"`
	BudgetExhausted bool    `json:"budget_exhausted"`
}

// Snapshot reads the counter.
func (w *Waits) Snapshot() Snapshot {
	w.mu.Lock()
	defer w.mu.Unlock()
	return Snapshot{Waits: w.count, WaitSeconds: w.total.Seconds(), BudgetExhausted: w.exhausted}
}

// Add sums two processes' snapshots.
func (s Snapshot) Add(o Snapshot) Snapshot {
	return Snapshot{Waits: s.Waits + o.Waits, WaitSeconds: s.WaitSeconds + o.WaitSeconds, BudgetExhausted: s.BudgetExhausted || o.BudgetExhausted}
}

// Outcome is what the transport did for one request, for the caller that asked (WithOutcome).
type Outcome struct {
	Waits  int
	Waited time.Duration
	// Throttled is how long the request was held for the rate ceiling (MaxRPS).
	Throttled time.Duration
	// LastSent is when the last attempt went out (after every wait).
	LastSent   time.Time
	LastStatus int  // the last rate-limiting status seen, 0 if none
	Exhausted  bool // the target still rate-limited when the transport stopped resending
	Budget     time.Duration
	// Why it stopped, when not for the budget: the attempts cap was reached (Attempts), or
	// the request's body could not be sent again (Unresendable).
	Attempts     int
	Unresendable bool
}

// NotProvenError is an exchange the target kept rate-limiting until the budget ran out: the
// check it was for is neither passed nor failed.
type NotProvenError struct {
	Status       int
	Budget       time.Duration
	Waits        int
	Attempts     int  // > 0: stopped at the attempts cap, not the budget
	Unresendable bool // stopped because the body could not be sent again
}

func (e *NotProvenError) Error() string {
	switch {
	case e.Unresendable:
		return fmt.Sprintf("%s: the target answered %d %s, and the request's body cannot be sent again after a wait",
			NotProven, e.Status, http.StatusText(e.Status))
	case e.Attempts > 0:
		return fmt.Sprintf("%s: the target answered %d %s to each of %d attempts (%d wait(s)); stopped resending; lower %s",
			NotProven, e.Status, http.StatusText(e.Status), e.Attempts, e.Waits, MaxRPSSetting)
	}
	return fmt.Sprintf("%s: the target answered %d %s (still rate-limiting after this request's %d wait(s)), and the waiting budget %s (%s) ran out; raise it or lower %s",
		NotProven, e.Status, http.StatusText(e.Status), e.Waits, BudgetSetting, e.Budget, MaxRPSSetting)
}

// Err is the outcome as an error: a *NotProvenError when the budget ran out, else nil.
func (o *Outcome) Err() error {
	if o == nil || !o.Exhausted {
		return nil
	}
	return &NotProvenError{Status: o.LastStatus, Budget: o.Budget, Waits: o.Waits, Attempts: o.Attempts, Unresendable: o.Unresendable}
}

type outcomeKey struct{}
type noRetryKey struct{}

// WithOutcome returns a context whose requests report what the transport did into the
// returned Outcome (one request per context).
func WithOutcome(ctx context.Context) (context.Context, *Outcome) {
	o := &Outcome{}
	return context.WithValue(ctx, outcomeKey{}, o), o
}

func outcomeOf(ctx context.Context) *Outcome {
	o, _ := ctx.Value(outcomeKey{}).(*Outcome)
	return o
}

// WithoutRetry returns a context whose requests get a 429 as the answer, not waited out:
// for a check about throttling itself, where the 429 is the evidence.
func WithoutRetry(ctx context.Context) context.Context {
	return context.WithValue(ctx, noRetryKey{}, true)
}

func noRetry(ctx context.Context) bool { v, _ := ctx.Value(noRetryKey{}).(bool); return v }

// The process's pool: the preflight's client and every client of a process share it, so
// one budget, one rate ceiling and one connection pool serve the whole process.
var process struct {
	mu   sync.Mutex
	pool *Pool
}

// ForProcess returns this process's pool, building it from o on the first call; later
// calls get the same pool (o is the same configuration within a process).
func ForProcess(o Options) (*Pool, error) {
	process.mu.Lock()
	defer process.mu.Unlock()
	if process.pool != nil {
		return process.pool, nil
	}
	p, err := New(o)
	if err != nil {
		return nil, err
	}
	process.pool = p
	return p, nil
}

// ProcessPool is this process's pool, nil before ForProcess.
func ProcessPool() *Pool {
	process.mu.Lock()
	defer process.mu.Unlock()
	return process.pool
}
