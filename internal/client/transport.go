// Package transport is how every exchange of a run reaches the target: the API, the
// provider-state endpoint and the mailbox all send through one Pool per process. It
//
//   - waits out rate limits: a 429, or a 503 with Retry-After, means the request was not
//     processed, so the same request is sent again after the wait the target asks for (each
//     wait at least 1 s and capped, at most 30 sends a request, all waits of the process
//     within a budget), and the waits are counted for the reports; every answer it did not
//     hand over is kept (Outcome.Earlier), so the transcript shows every attempt;
//   - hands over a 503 that the same request keeps getting while the target answers others:
//     that is the target's answer, to be judged;
//   - learns the target's rate from its 429s and keeps the run, all processes together,
//     under it (pace.go), so requests meant to arrive together do (Together);
//   - keeps the suite under a client-side request rate (AUTOSHARES_MAX_RPS), when set;
//   - trusts the configured extra CAs and presents the configured client certificate;
//   - reuses connections, takes a proxy from the environment, and never follows a redirect.
//
// A target that is still rate-limiting when the budget or the sends run out (or when the
// request's body cannot be sent again) has not answered the check: the request's Outcome
// (see WithOutcome) says so, so the suite reports "rate-limited, not proven" instead of
// judging the 429 as the target's answer.
package client

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
	pace    *pacer

	servedMu sync.Mutex
	// served is, per host, when the latest request was sent that the host answered with
	// something other than "not processed, come back later".
	served map[string]time.Time
	probe  func(ctx context.Context, host string) bool
	probes map[string]*probeRun

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
	p := &Pool{base: base, waits: o.Waits, maxWait: o.MaxWait, pace: newPacer(), served: map[string]time.Time{}, probes: map[string]*probeRun{}}
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

// RoundTrip sends req, and sends it again, the same bytes, after each rate-limit wait. Each
// answer it does not hand over (a 429, a 503 with Retry-After) is kept in the Outcome's
// Earlier, so the transcript shows every attempt.
//
// A 429 and a 503 with Retry-After mean "not processed, come back later" (RFC 6585 4,
// RFC 9110 15.6.4), so a resend is safe whatever the method: see docs/RUNNING.md for what
// that means for each step of the flow, and Exchange.Resent for the checks that care. A
// 503 is resent at most repeated503-1 times while the target serves other requests: the
// same request answered 503 again and again by a target that answers others is the
// target's answer to that request, and is handed over to be judged.
func (rt *RoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	out := outcomeOf(ctx)
	if out == nil {
		out = &Outcome{} // nobody asked; the loop keeps its count here
	}
	retry429 := !noRetry(ctx)
	single := isProbe(ctx)
	host := req.URL.Host
	var first503 time.Time
	n503 := 0
	for attempt := 0; ; attempt++ {
		if err := rt.pool.hold(ctx, host, attempt == 0 && prepaid(ctx), out); err != nil {
			return nil, err
		}
		areq := req
		if attempt > 0 {
			areq = req.Clone(ctx)
			if req.GetBody != nil {
				body, err := req.GetBody()
				if err != nil {
					return nil, fmt.Errorf("resending after a rate-limit wait: %w", err)
				}
				areq.Body = body
			}
		}
		sent := time.Now()
		out.LastSent = sent
		resp, err := rt.send(areq)
		if err != nil {
			return nil, err
		}
		took := time.Since(sent)
		rt.pool.noteProtocol(resp)
		wait, limited := RetryAfter(resp, time.Now())
		rt.pool.noteAnswer(host, resp.StatusCode, limited, sent, wait, retry429 && !single)
		if !limited || single {
			return resp, nil
		}
		out.LastStatus = resp.StatusCode
		if resp.StatusCode == http.StatusTooManyRequests && !retry429 {
			return resp, nil // the caller judges the 429 itself
		}
		if resp.StatusCode == http.StatusServiceUnavailable {
			n503++
			if first503.IsZero() {
				first503 = sent
			}
			if n503 >= repeated503 && rt.pool.serving(ctx, host, first503) {
				out.Repeated503 = n503
				return resp, nil // the target's answer to this request: judged
			}
		}
		if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
			// Cannot be resent: the 429 is still no answer to the check.
			out.Exhausted, out.Unresendable = true, true
			return resp, nil
		}
		if attempt+1 >= maxAttempts {
			out.Exhausted, out.Attempts = true, attempt+1
			return resp, nil
		}
		wait = min(max(wait, defaultRetryAfter), rt.pool.maxWait)
		if !rt.pool.waits.take(wait) {
			out.Exhausted = true
			out.Budget = rt.pool.waits.Budget()
			return resp, nil // kept visible: the caller reports it as not proven
		}
		out.Earlier = append(out.Earlier, keep(resp, sent, took, wait))
		out.Waits++
		out.Waited += wait
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// repeated503 is how many 503s in a row for one request, while the target answers other
// requests, make the 503 its answer: one is an overloaded moment, three are a decision.
const repeated503 = 3

// attemptBodyLimit bounds what is kept of an earlier attempt's body (the transcript cuts
// bodies shorter still): enough for any gateway's refusal.
const attemptBodyLimit = 8 << 10

// Attempt is an answer the transport did not hand over: a 429, or a 503 with Retry-After,
// after which it sent the same request again. Its body is kept up to attemptBodyLimit bytes,
// raw: whoever shows it masks it (apiclient's transcript).
type Attempt struct {
	Sent      time.Time
	Duration  time.Duration
	Status    int
	Header    http.Header
	Body      []byte
	Truncated bool          // Body is the first attemptBodyLimit bytes of a longer one
	Wait      time.Duration // waited before the next attempt
}

// keep reads and closes an answer that is to be resent, so the connection is reused.
func keep(resp *http.Response, sent time.Time, took, wait time.Duration) Attempt {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, attemptBodyLimit+1))
	a := Attempt{Sent: sent, Duration: took, Status: resp.StatusCode, Header: resp.Header.Clone(), Body: b, Wait: wait}
	if len(b) > attemptBodyLimit {
		a.Body, a.Truncated = b[:attemptBodyLimit], true
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	}
	resp.Body.Close()
	return a
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
	// Earlier are the answers before the last, each followed by a wait and a resend.
	Earlier []Attempt
	// Repeated503 > 0: the answer is a 503 with Retry-After that the target gave this
	// request so many times in a row while it answered others: its answer, to be judged.
	Repeated503 int
	// Paced is how long the request was held for the target's learned rate (pace.go).
	Paced time.Duration
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
type prepaidKey struct{}
type probeKey struct{}

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
// for a check about throttling itself, where the 429 is the evidence. A 503 with
// Retry-After is still waited out and resent: an overloaded moment is no answer to a check.
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

// hold keeps the request under the configured ceiling (AUTOSHARES_MAX_RPS, this process's
// share) and the target's learned rate (pace.go); a request of a batch Together already
// booked skips the latter on its first attempt.
func (p *Pool) hold(ctx context.Context, host string, paid bool, out *Outcome) error {
	if p.bucket != nil {
		d, err := p.bucket.wait(ctx)
		if err != nil {
			return err
		}
		out.Throttled += d
	}
	if paid {
		return nil
	}
	d, err := p.pace.wait(ctx, host, 1)
	if err != nil {
		return err
	}
	out.Paced += d
	return nil
}

// noteAnswer learns from an answer: the host served a request, or refused it as not
// processed (a 429 the transport resends teaches the rate: pace.go).
func (p *Pool) noteAnswer(host string, status int, limited bool, sent time.Time, wait time.Duration, learn bool) {
	if !limited {
		p.servedMu.Lock()
		if sent.After(p.served[host]) {
			p.served[host] = sent
		}
		p.servedMu.Unlock()
		// Booked by when the answer came, not the request: against a slow target (or on a
		// loaded machine) answers come seconds after their requests, and a window by send
		// time would hold none of them when a 429 asks what the target accepts.
		p.pace.accepted(host, time.Now())
		return
	}
	if status == http.StatusTooManyRequests && learn {
		_, _ = p.pace.refused(host, sent, wait) // a broken shared file costs the learning, not the request
	}
}

// ShareRate shares the target's learned rate with the run's other processes through a file
// at path, which all of them name (the run's private directory): from then on the ceiling
// one process learns holds them all, and their requests add up under it. What this process
// learned before (the preflight's) carries over.
func (p *Pool) ShareRate(path string) error { return p.pace.share(path) }

// LearnedRate is the ceiling learned from host's 429s, in requests a second for the whole
// run; 0 if it never throttled.
func (p *Pool) LearnedRate(host string) float64 { return p.pace.ceiling(host) }

// Together books n requests to host that are to be sent at once (a race check's) against
// the learned rate, waiting until the ceiling lets all of them go, and returns the context to
// send them with: their first attempts are not held one by one, so they do reach the target
// together. It says how long it waited. The configured ceiling (AUTOSHARES_MAX_RPS) still
// holds each of them.
func (p *Pool) Together(ctx context.Context, host string, n int) (context.Context, time.Duration, error) {
	d, err := p.pace.wait(ctx, host, n)
	if err != nil {
		return ctx, 0, err
	}
	return context.WithValue(ctx, prepaidKey{}, true), d, nil
}

func prepaid(ctx context.Context) bool { v, _ := ctx.Value(prepaidKey{}).(bool); return v }

// SetServingProbe gives the pool a way to ask whether host answers requests at all: probe
// sends one harmless request (with the context it is given: one attempt, no resend) and
// says whether an answer came that is not "come back later". The transport asks it when a
// request keeps getting 503 and no other request has been answered since: with it, a 503
// the target gives only that request is judged; without, it stays "not proven".
func (p *Pool) SetServingProbe(probe func(ctx context.Context, host string) bool) {
	p.servedMu.Lock()
	defer p.servedMu.Unlock()
	p.probe = probe
}

func isProbe(ctx context.Context) bool { v, _ := ctx.Value(probeKey{}).(bool); return v }

// probeRun is one probe of a host, shared by the requests that wait for its result.
type probeRun struct {
	started time.Time
	done    chan struct{}
	ok      bool
}

// serving says whether host answered any request sent after since (a request that kept
// getting 503 was first refused then): from what the pool saw, or else by the probe.
func (p *Pool) serving(ctx context.Context, host string, since time.Time) bool {
	p.servedMu.Lock()
	if p.served[host].After(since) {
		p.servedMu.Unlock()
		return true
	}
	probe := p.probe
	if probe == nil || isProbe(ctx) {
		p.servedMu.Unlock()
		return false
	}
	// A probe under way is joined; a finished one counts if it started after since and is
	// recent (a target may come back).
	run := p.probes[host]
	if run != nil {
		select {
		case <-run.done:
			if run.started.Before(since) || time.Since(run.started) > time.Second {
				run = nil
			}
		default:
		}
	}
	if run == nil {
		run = &probeRun{started: time.Now(), done: make(chan struct{})}
		p.probes[host] = run
		go func() {
			defer close(run.done)
			// Its own context: it serves every request waiting for it, whichever ends first.
			pctx, cancel := context.WithTimeout(context.WithValue(context.Background(), probeKey{}, true), 30*time.Second)
			defer cancel()
			run.ok = probe(pctx, host)
		}()
	}
	p.servedMu.Unlock()
	select {
	case <-run.done:
		return run.ok
	case <-ctx.Done():
		return false
	}
}
