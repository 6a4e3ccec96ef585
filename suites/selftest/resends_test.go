package selftest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	cataloguepkg "github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/refprovider"
)

// Resends that cannot change a verdict (internal/client): a 503 the target keeps giving
// one request while it answers others is its answer and is judged; an occasional 503 is no
// answer, wherever it falls; a target that throttles is learned and kept under, so a
// correct deployment behind a per-client rate limit passes the default run.

// serviceUnavailable is a gateway's "come back in a second".
func serviceUnavailable(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "1")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write([]byte(`{"Message":"Service unavailable. Retry after 1 second."}`))
}

// A deployment whose gateway answers 503 with Retry-After to every body that is not a JSON
// object (malformed) fails body.malformed.refused for the 5xx, as the target's answer: not
// "rate-limited, not proven", and the run is not inconclusive.
func TestA503ToEveryMalformedBodyFailsTheCheck(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	env := behindGateway(t, p, key, func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if r.Method == http.MethodPost || r.Method == http.MethodPut {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			var obj map[string]any
			if len(body) > 0 && json.Unmarshal(body, &obj) != nil || len(body) == 0 && r.URL.Path != "/api/token" {
				serviceUnavailable(w)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
	o := runSuite(t, env, "-ginkgo.label-filter=malformed")
	if o.exitErr == nil {
		t.Fatalf("passed although every malformed body got a 503:\n%s", o.output)
	}
	specs := o.withCheck(cataloguepkg.BodyMalformedRefused)
	if len(specs) == 0 {
		t.Fatalf("no spec of body.malformed.refused ran:\n%s", o.output)
	}
	for _, sp := range specs {
		if !sp.State.Is(types.SpecStateFailureStates) {
			t.Errorf("%s: %s, want failed", sp.Text, sp.State)
			continue
		}
		if !strings.Contains(sp.Failure, "[body.malformed.refused]") || !strings.Contains(sp.Failure, "got 503") ||
			!strings.Contains(sp.Failure, "a 5xx tells clients to retry") || strings.Contains(sp.Failure, client.NotProven) {
			t.Errorf("%s failed without the 5xx problem: %s", sp.Text, sp.Failure)
		}
		if !strings.Contains(sp.Failure, "[attempt 1 of 3: not processed, sent again after 1s]") || !strings.Contains(sp.Failure, "503 in a row to this request while the target answered others") {
			t.Errorf("%s: the transcript does not show every attempt: %s", sp.Text, sp.Failure)
		}
	}
	if s := readSummary(t, o); s.RateLimit.Inconclusive {
		t.Errorf("rate_limit %+v: the run is inconclusive, want non-conformant", s.RateLimit)
	}
}

// A correct deployment behind a gateway that answers one request in 25 (every 25th) with a
// 503 and Retry-After before passing it on passes the default run: the 503 is waited out and
// that one request sent again, the secret-answer guesses' and the races' too.
func TestAnOccasional503Passes(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	var mu sync.Mutex
	n, refused := 0, 0
	env := behindGateway(t, p, key, func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		mu.Lock()
		n++
		drop := n%25 == 0
		if drop {
			refused++
		}
		mu.Unlock()
		if drop {
			serviceUnavailable(w)
			return
		}
		next.ServeHTTP(w, r)
	})
	o := runSuite(t, env, "-ginkgo.label-filter=!slow")
	if o.exitErr != nil || len(o.failed) > 0 {
		t.Fatalf("failed behind a gateway answering one request in 25 with a 503: %q\n%s", o.failed, o.output)
	}
	mu.Lock()
	defer mu.Unlock()
	if refused < 10 {
		t.Errorf("the gateway refused only %d request(s) of %d: the test proves little", refused, n)
	}
}

// rateGateway is a gateway allowing perSecond requests a second per client (the remote IP
// and the app key; here every request comes from one), with a burst of as many, and
// refusing the rest with 429 and Retry-After: 1, as API gateways do. It counts the refusals.
type rateGateway struct {
	perSecond float64
	mu        sync.Mutex
	tokens    map[string]float64
	at        map[string]time.Time
	refused   int
	total     int
}

func (g *rateGateway) allow(r *http.Request) bool {
	host := r.RemoteAddr
	if i := strings.LastIndex(host, ":"); i >= 0 {
		host = host[:i]
	}
	k := host + "\x00" + r.Header.Get("Et-App-Key")
	now := time.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.total++
	at, seen := g.at[k]
	if !seen {
		g.tokens[k], at = g.perSecond, now
	}
	g.tokens[k] = min(g.perSecond, g.tokens[k]+now.Sub(at).Seconds()*g.perSecond)
	g.at[k] = now
	if g.tokens[k] < 1 {
		g.refused++
		return false
	}
	g.tokens[k]--
	return true
}

// A correct deployment behind a gateway allowing 40 requests a second per client passes the
// default run (the default number of processes, all specs but the slow one): the suite learns
// the rate from the 429s and keeps all its processes under it, so the race checks' requests
// arrive together.
func TestBehindA40PerSecondGatewayTheDefaultRunPasses(t *testing.T) {
	t.Parallel()
	p, key := startDeployment(t)
	g := &rateGateway{perSecond: 40, tokens: map[string]float64{}, at: map[string]time.Time{}}
	env := behindGateway(t, p, key, func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if !g.allow(r) {
			throttled(w, "1", `{"Message":"Too many requests. Retry after 1 second."}`)
			return
		}
		next.ServeHTTP(w, r)
	})
	start := time.Now()
	delete(env, "AUTOSHARES_TOKEN_LIFETIME") // only the slow spec, left out, waits it out
	o := runSuiteParallel(t, env, config.DefaultProcs, "--label-filter=!slow")
	g.mu.Lock()
	refused, total := g.refused, g.total
	g.mu.Unlock()
	t.Logf("%d processes behind 40 requests a second: %s (the suite's build included), %d of %d request(s) refused with 429",
		config.DefaultProcs, time.Since(start).Round(time.Second), refused, total)
	if o.exitErr != nil || len(o.failed) > 0 {
		var why []string
		for _, sp := range o.specs {
			if sp.State.Is(types.SpecStateFailureStates) {
				why = append(why, fmt.Sprintf("%s: %s", sp.Text, firstLine(sp.Failure)))
			}
		}
		t.Fatalf("failed behind a 40 requests a second gateway: %q\n%s\n%s", o.failed, strings.Join(why, "\n"), o.output)
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// startDeployment is startProvider with a deployment's token lifetime (30 minutes), not the
// self-test's 3 seconds: under a rate limit a request waits its turn for seconds, as it
// would against a deployment, and a 3-second token would expire in the queue.
func startDeployment(t *testing.T) (*refprovider.Running, string) {
	t.Helper()
	opts := refprovider.Options{TestMode: true, TokenTTL: refprovider.DefaultTokenTTL, HashIterations: 1000,
		AppKey: "selftest-app-key-" + strings.ReplaceAll(t.Name(), "/", "-"), SMTPAddr: sharedMailpit(t).SMTPAddr}
	p, err := refprovider.Start(context.Background(), opts, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p, opts.AppKey
}
