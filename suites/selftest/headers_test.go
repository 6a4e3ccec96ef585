package selftest

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	cataloguepkg "github.com/autoshares/conformance/internal/catalogue"
	oc "github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/refprovider"
)

// httpsLabel marks the checks only an https target shows (HSTS): a fault breaking one is
// proven, and the correct provider passes them, over TLS.
const httpsLabel = "https"

// overTLS starts the provider over https under its own private CA and points the suite at
// it, with the CA bundle.
func overTLS(t *testing.T, opts refprovider.Options) map[string]string {
	t.Helper()
	opts.TLS = true
	p, key := startProvider(t, opts)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, p.CACertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	env := targetEnv(p, key)
	env["AUTOSHARES_CA_BUNDLE"] = ca
	return env
}

// faultTarget starts the provider with the fault, over https when the fault breaks a check
// only an https target shows.
func faultTarget(t *testing.T, fault string, breaks map[string]string) map[string]string {
	t.Helper()
	opts := refprovider.Options{TestMode: true, Faults: []string{fault}}
	for id := range breaks {
		if c, ok := catalogue.Get(id); ok && slices.Contains(c.Labels, httpsLabel) {
			return overTLS(t, opts)
		}
	}
	p, key := startProvider(t, opts)
	return targetEnv(p, key)
}

// A deployment hardened beyond what the checks ask passes them: behind an https gateway
// that sends HSTS of two years with includeSubDomains and preload, a bare Server name,
// nosniff in capitals, the other security headers, and CORS grants (with credentials) to
// its own front end's origin only. Over http the HSTS check is not checked, saying why.
func TestHardenedHeadersPass(t *testing.T) {
	t.Parallel()
	const frontEnd = "https://app.example.test"
	p, key := startProvider(t, refprovider.Options{TestMode: true, TLS: true})
	u, err := url.Parse(p.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(p.CACertPEM())
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	proxy.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	proxy.ModifyResponse = func(r *http.Response) error {
		h := r.Header
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload")
		h.Set("X-Content-Type-Options", "NOSNIFF")
		h.Set("Server", "nginx")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if r.Request.Header.Get("Origin") == frontEnd {
			h.Set("Access-Control-Allow-Origin", frontEnd)
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		h.Add("Vary", "Origin")
		return nil
	}
	gw := httptest.NewTLSServer(proxy)
	t.Cleanup(gw.Close)
	ca := filepath.Join(t.TempDir(), "gateway-ca.pem")
	// The gateway's certificate, and the provider's CA for its state endpoint.
	bundle := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: gw.Certificate().Raw}), p.CACertPEM()...)
	if err := os.WriteFile(ca, bundle, 0o600); err != nil {
		t.Fatal(err)
	}
	env := targetEnv(p, key)
	env["AUTOSHARES_BASE_URL"], env["AUTOSHARES_CA_BUNDLE"] = gw.URL+u.Path, ca
	o := runSuite(t, env, "-ginkgo.label-filter=security.headers.cors || step2")
	if o.exitErr != nil || len(o.failed) > 0 {
		t.Fatalf("the hardened deployment failed: %v %q\n%s", o.exitErr, o.failed, o.output)
	}
	for _, id := range []string{cataloguepkg.SecurityHeadersNosniff, cataloguepkg.SecurityHeadersHsts, cataloguepkg.SecurityHeadersNoVersions, cataloguepkg.SecurityHeadersCors} {
		recs := o.checkRecords(id)
		if len(recs) == 0 || slices.ContainsFunc(recs, func(r oc.Record) bool { return r.State != oc.Passed }) {
			t.Errorf("check %s over https: records %+v, want passes only", id, recs)
		}
	}

	plain, key := startProvider(t, refprovider.Options{TestMode: true})
	o = runSuite(t, targetEnv(plain, key), "-ginkgo.label-filter=security.headers.cors")
	if o.exitErr != nil || len(o.failed) > 0 {
		t.Fatalf("over http: %v %q\n%s", o.exitErr, o.failed, o.output)
	}
	recs := o.checkRecords(cataloguepkg.SecurityHeadersHsts)
	if len(recs) != 1 || recs[0].State != oc.NotChecked || !strings.Contains(recs[0].Reason, "the target is http") {
		t.Errorf("HSTS over http: records %+v, want one not checked naming http", recs)
	}
}
