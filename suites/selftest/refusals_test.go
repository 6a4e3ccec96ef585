package selftest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	cataloguepkg "github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/results"
)

// A deployment that answers unreadable bodies with RFC 9457 problem details, as ASP.NET
// Core does before any application code runs, passes a default run (issue 15, item 3): the
// malformed-body and generated-body specs take problem details as the JSON refusal they are.
func TestSuiteAcceptsProblemDetailsForUnreadableBodies(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true, Quirks: []string{refprovider.QuirkProblemDetails}})
	o := runSuite(t, targetEnv(p, key), "-ginkgo.label-filter=!slow")
	if o.exitErr != nil || len(o.failed) > 0 || len(o.passed) < len(o.specs)-1 {
		t.Fatalf("want a clean pass (but the slow spec) against problem details for unreadable bodies; exit %v, failed %q, skipped %q\n%s", o.exitErr, o.failed, o.skipped, o.output)
	}
	// The run met problem details: the quirk was exercised, not bypassed.
	data, err := os.ReadFile(filepath.Join(o.reports, results.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("application/problem+json")) {
		t.Error("no exchange of the run was answered with application/problem+json: the quirk was not exercised")
	}
}

// Generated bodies get the checks every exchange gets (issue 16, item 5): behind a proxy
// that redirects only the generated step 1 bodies that are not a JSON object, the generated
// step 1 spec fails on api.no-redirect, naming the Location, and nothing reaches the
// redirect target.
func TestARedirectedGeneratedBodyFails(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var received []string
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		received = append(received, r.Method+" "+r.URL.Path)
		mu.Unlock()
	}))
	defer target.Close()

	p, key := startProvider(t, refprovider.Options{TestMode: true})
	u, _ := url.Parse(p.BaseURL)
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	var redirected int
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var obj map[string]any
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/users/password/reset") && (json.Unmarshal(body, &obj) != nil || obj == nil) {
			mu.Lock()
			redirected++
			mu.Unlock()
			http.Redirect(w, r, target.URL+r.URL.Path, http.StatusTemporaryRedirect)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rp.ServeHTTP(w, r)
	}))
	defer proxy.Close()
	env := targetEnv(p, key)
	env["AUTOSHARES_BASE_URL"] = proxy.URL + u.Path
	o := runSuite(t, env, "-ginkgo.label-filter=step1.generated.answered-by-class")
	mu.Lock()
	defer mu.Unlock()
	if redirected == 0 {
		t.Fatalf("the seed's generated bodies hold no body that is not a JSON object: nothing was redirected; pick another predicate\n%s", o.output)
	}
	if o.exitErr == nil || len(o.failed) != 1 {
		t.Fatalf("want the generated step 1 spec to fail (%d bodies redirected); exit %v, failed %q\n%s", redirected, o.exitErr, o.failed, o.output)
	}
	for _, s := range o.specs {
		if s.State == types.SpecStateSkipped {
			continue
		}
		if !failedOn(o, s, cataloguepkg.APINoRedirect, "redirects to "+target.URL+"/api/") {
			t.Errorf("spec %q: want a failure of api.no-redirect naming the Location, got:\n%s", s.Text, firstLines(s.Failure, 6))
		}
	}
	if len(received) > 0 {
		t.Errorf("the redirect target received %d request(s), e.g. %q", len(received), received[0])
	}
}
