package selftest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/report"
)

// The transport against deployments shaped like production: a gateway that rate-limits,
// TLS under a private CA, mutual TLS, and a cleartext URL to a remote host. The gateway is
// a reverse proxy in front of the reference provider: it is the gateway's behaviour, not
// the API's, that these tests are about.

// gateway fronts the provider (API and state endpoint alike) as a deployment's gateway does.
type gateway struct {
	rps      int                      // requests a second before it answers 429 Retry-After: 1; 0 = no limit
	always   func(*http.Request) bool // requests it always answers 429 Retry-After: 1
	tls      bool                     // serve https with httptest's own certificate (a private CA)
	mtls     *x509.CertPool
	mu       sync.Mutex
	window   time.Time
	inWindow int
	limited  int
}

func (g *gateway) start(t *testing.T, p *refprovider.Running) *httptest.Server {
	t.Helper()
	u, _ := url.Parse(p.BaseURL)
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (g.rps > 0 && !g.allow()) || (g.always != nil && g.always(r)) {
			w.Header().Set("Retry-After", "1")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(`{"message":"Too Many Requests"}`))
			return
		}
		rp.ServeHTTP(w, r)
	}))
	switch {
	case g.mtls != nil:
		srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: g.mtls}
		srv.StartTLS()
	case g.tls:
		srv.StartTLS()
	default:
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv
}

// allow is a fixed one-second window: what a simple gateway does.
func (g *gateway) allow() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if now := time.Now(); now.Sub(g.window) >= time.Second {
		g.window, g.inWindow = now, 0
	}
	g.inWindow++
	if g.inWindow > g.rps {
		g.limited++
		return false
	}
	return true
}

func (g *gateway) limitedCount() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.limited
}

// env points the suite at the provider through the gateway.
func (g *gateway) env(p *refprovider.Running, key string, srv *httptest.Server) map[string]string {
	env := targetEnv(p, key)
	base, _ := url.Parse(p.BaseURL)
	env["AUTOSHARES_BASE_URL"] = srv.URL + base.Path
	if p.StateURL != "" {
		st, _ := url.Parse(p.StateURL)
		env["AUTOSHARES_STATE_URL"] = srv.URL + st.Path
	}
	return env
}

func readSummary(t *testing.T, o outcome) report.Summary {
	t.Helper()
	var s report.Summary
	b, err := os.ReadFile(filepath.Join(o.reports, report.SummaryFile))
	if err == nil {
		err = json.Unmarshal(b, &s)
	}
	if err != nil {
		t.Fatalf("summary.json: %v", err)
	}
	return s
}

// Against a gateway that allows 30 requests a second and answers 429 Retry-After: 1 beyond,
// a default run waits and passes: a 429 is no verdict on any check. The reports count the waits.
func TestARateLimitedTargetPassesAndTheWaitsAreCounted(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	g := &gateway{rps: 30}
	srv := g.start(t, p)
	o := runSuite(t, g.env(p, key, srv), "-ginkgo.label-filter=!slow")
	if o.exitErr != nil || len(o.failed) > 0 {
		t.Fatalf("failed behind a rate limit: %q\n%s", o.failed, o.output)
	}
	if g.limitedCount() == 0 {
		t.Fatal("the gateway never rate-limited: the test proves nothing")
	}
	s := readSummary(t, o)
	if s.RateLimit.Waits == 0 || s.RateLimit.WaitSeconds <= 0 || s.RateLimit.BudgetExhausted {
		t.Errorf("summary.json rate_limit %+v, want waits counted, budget not exhausted", s.RateLimit)
	}
	if !strings.Contains(o.output, "Rate limits: waited ") {
		t.Errorf("the console does not count the waits:\n%s", o.output)
	}
	html, _ := os.ReadFile(filepath.Join(o.reports, report.HTMLFile))
	if !strings.Contains(string(html), "Rate-limit waits") {
		t.Error("report.html does not count the waits")
	}
}

// When the waiting budget runs out, the specs still rate-limited fail as "rate-limited, not
// proven", naming the setting, and the run is inconclusive, not non-conformant.
func TestAnExhaustedBudgetIsInconclusive(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	// Step 2 stays throttled, except the preflight's own probe: the run gets to its specs.
	g := &gateway{always: func(r *http.Request) bool {
		return strings.HasSuffix(r.URL.Path, "/secret-question") && !strings.HasPrefix(r.URL.Query().Get("username"), "preflight-")
	}}
	srv := g.start(t, p)
	env := g.env(p, key, srv)
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
		if !strings.Contains(sp.Failure, "rate-limited, not proven: the target answered 429") || !strings.Contains(sp.Failure, "AUTOSHARES_RATE_LIMIT_BUDGET (2s) ran out") {
			t.Errorf("%s failed without the rate-limit problem: %s", sp.Text, sp.Failure)
		}
	}
	if !strings.Contains(o.output, "Verdict: INCONCLUSIVE, not non-conformant") {
		t.Errorf("the console does not say inconclusive:\n%s", o.output)
	}
}

// TLS under a private CA: the run passes with AUTOSHARES_CA_BUNDLE, and without it stops at
// the preflight, once, naming the setting.
func TestAPrivateCA(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	g := &gateway{tls: true}
	srv := g.start(t, p)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600)

	env := g.env(p, key, srv)
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

// Mutual TLS: with the client certificate the run passes; without it the preflight fails,
// once, naming the settings.
func TestMutualTLS(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	dir := t.TempDir()
	clientCA, cert, keyFile := clientCertificate(t, dir)
	g := &gateway{mtls: clientCA}
	srv := g.start(t, p)
	ca := filepath.Join(dir, "server-ca.pem")
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600)
	env := g.env(p, key, srv)
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

// clientCertificate makes a CA and a client certificate it signed, and returns the pool
// that trusts the CA and the certificate's and key's PEM files.
func clientCertificate(t *testing.T, dir string) (*x509.CertPool, string, string) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "selftest client CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "selftest client"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &k.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(k)
	cert, key := filepath.Join(dir, "client.pem"), filepath.Join(dir, "client-key.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	return pool, cert, key
}
