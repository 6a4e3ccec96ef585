package selftest

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/refprovider/testpki"
	"github.com/autoshares/conformance/internal/results"
)

// The transport against deployments shaped like production: a target that rate-limits,
// one whose rate limit outlasts the waiting budget, TLS under a private CA, mutual TLS,
// and a cleartext URL to a remote host.

// Against the reference provider with its rate limit on (30 requests a second per client,
// 429 Retry-After: 1 beyond, as an API gateway answers), a default run waits and passes: a
// 429 is no verdict on any check. The reports count the waits.
func TestARateLimitedTargetPassesAndTheWaitsAreCounted(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true, RateLimit: 30})
	o := runSuite(t, targetEnv(p, key), "-ginkgo.label-filter=!slow")
	if o.exitErr != nil || len(o.failed) > 0 {
		t.Fatalf("failed behind a rate limit: %q\n%s", o.failed, o.output)
	}
	s := readSummary(t, o)
	if s.RateLimit.Waits == 0 || s.RateLimit.WaitSeconds <= 0 || s.RateLimit.BudgetExhausted {
		t.Errorf("summary.json rate_limit %+v, want waits counted, budget not exhausted", s.RateLimit)
	}
	if !strings.Contains(o.output, "Rate limits: waited ") {
		t.Errorf("the console does not count the waits:\n%s", o.output)
	}
	html, _ := os.ReadFile(filepath.Join(o.reports, results.HTMLFile))
	if !strings.Contains(string(html), "Rate-limit waits") {
		t.Error("report.html does not count the waits")
	}
}

// AUTOSHARES_MAX_RPS under the target's limit keeps the run from being rate-limited at all.
func TestTheRateCeilingKeepsTheRunUnderTheLimit(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true, RateLimit: 10})
	env := targetEnv(p, key)
	env["AUTOSHARES_MAX_RPS"] = "8"
	o := runSuite(t, env, "-ginkgo.label-filter=step2")
	if o.exitErr != nil || len(o.passed) == 0 {
		t.Fatalf("failed under the ceiling: %q\n%s", o.failed, o.output)
	}
	if s := readSummary(t, o); s.RateLimit.Waits != 0 {
		t.Errorf("rate_limit %+v: the ceiling of 8 a second did not keep the run under the target's 10", s.RateLimit)
	}
	if !strings.Contains(o.output, "Rate limits: the target asked for no wait") {
		t.Errorf("the console does not say so:\n%s", o.output)
	}
}

// When the waiting budget runs out, the specs still rate-limited fail as "rate-limited, not
// proven", naming the setting, and the run is inconclusive, not non-conformant. A gateway in
// front of the provider keeps step 2 throttled (all but the preflight's own probe, so the
// run gets to its specs).
func TestAnExhaustedBudgetIsInconclusive(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	env := behindGateway(t, p, key, func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if specsStep2(r) {
			w.Header().Set("Retry-After", "1")
			http.Error(w, `{"message":"Too Many Requests"}`, http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
	env["AUTOSHARES_RATE_LIMIT_BUDGET"] = "2s"
	o := runSuite(t, env, "-ginkgo.label-filter=step2")
	if o.exitErr == nil {
		t.Fatalf("passed with the budget spent:\n%s", o.output)
	}
	s := readSummary(t, o)
	if !s.RateLimit.BudgetExhausted || !s.RateLimit.Inconclusive || s.RateLimit.NotProven == 0 {
		t.Errorf("rate_limit %+v, want the budget exhausted and the run inconclusive", s.RateLimit)
	}
	for _, sp := range o.specs {
		if !sp.State.Is(types.SpecStateFailureStates) {
			continue
		}
		expectInconclusive(t, o, sp, "rate-limited, not proven: the target answered 429", "AUTOSHARES_RATE_LIMIT_BUDGET (2s) ran out")
	}
	if !strings.Contains(o.output, "Verdict: INCONCLUSIVE, not non-conformant") {
		t.Errorf("the console does not say inconclusive:\n%s", o.output)
	}
}

// TLS under a private CA (the reference provider's own, made at start): the run passes
// with AUTOSHARES_CA_BUNDLE, and without it stops at the preflight, once, naming the setting.
func TestAPrivateCA(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true, TLS: true})
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, p.CACertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	env := targetEnv(p, key)
	o := runSuite(t, env, "-ginkgo.label-filter=step2")
	expectOneClearFailure(t, o, "is unreachable", "certificate", "AUTOSHARES_CA_BUNDLE")

	env["AUTOSHARES_CA_BUNDLE"] = ca
	o = runSuite(t, env, "-ginkgo.label-filter=step2")
	if o.exitErr != nil || len(o.passed) == 0 {
		t.Fatalf("failed with the CA bundle: %q\n%s", o.failed, o.output)
	}
	if s := readSummary(t, o); !strings.Contains(s.Connection, "over TLS 1.3") {
		t.Errorf("summary.json connection %q, want the protocol named", s.Connection)
	}
}

// Mutual TLS: with a client certificate the provider accepts, the run passes; without one
// the preflight fails, once, naming the settings.
func TestMutualTLS(t *testing.T) {
	t.Parallel()
	clientCA, err := testpki.NewCA("selftest client CA")
	if err != nil {
		t.Fatal(err)
	}
	p, key := startProvider(t, refprovider.Options{TestMode: true, TLS: true, ClientCA: clientCA.CertPEM()})
	dir := t.TempDir()
	certPEM, keyPEM, err := clientCA.ClientCert("selftest")
	if err != nil {
		t.Fatal(err)
	}
	ca, cert, keyFile := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "client.pem"), filepath.Join(dir, "client-key.pem")
	for f, b := range map[string][]byte{ca: p.CACertPEM(), cert: certPEM, keyFile: keyPEM} {
		if err := os.WriteFile(f, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := targetEnv(p, key)
	env["AUTOSHARES_CA_BUNDLE"] = ca

	o := runSuite(t, env, "-ginkgo.label-filter=step2")
	expectOneClearFailure(t, o, "is unreachable", "AUTOSHARES_CLIENT_CERT and AUTOSHARES_CLIENT_KEY")

	env["AUTOSHARES_CLIENT_CERT"], env["AUTOSHARES_CLIENT_KEY"] = cert, keyFile
	o = runSuite(t, env, "-ginkgo.label-filter=step2")
	if o.exitErr != nil || len(o.passed) == 0 {
		t.Fatalf("failed with the client certificate: %q\n%s", o.failed, o.output)
	}
}

// An http:// URL to a host that is not loopback is refused before anything is sent, naming
// the setting: one configuration failure, before the preflight (the launcher exits 2 on it:
// internal/launch's tests).
func TestCleartextToARemoteHostIsRefused(t *testing.T) {
	t.Parallel()
	start := time.Now()
	// 192.0.2.1 is TEST-NET-1: nothing answers there, so any attempt to connect would hang
	// until the preflight timeout instead of failing at once.
	o := runSuite(t, map[string]string{"AUTOSHARES_BASE_URL": "http://192.0.2.1/api", "AUTOSHARES_APP_KEY": "k-123456",
		"AUTOSHARES_PREFLIGHT_TIMEOUT": "30s"})
	expectOneClearFailure(t, o, "AUTOSHARES_BASE_URL: http://192.0.2.1/api is http:// to 192.0.2.1, which is not loopback",
		"cleartext", "AUTOSHARES_ALLOW_CLEARTEXT=true")
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("took %s: the suite tried the network", d)
	}
}
