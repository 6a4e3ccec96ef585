package selftest

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	cataloguepkg "github.com/autoshares/conformance/internal/catalogue"
	oc "github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/refprovider"
)

// Step 1's documented success body, {"Errors": [], "IsSucceed": false}, is tolerated by
// default: the suite passes against a provider that answers it (issue 8, item 10).
func TestSuiteToleratesStep1DocumentedBody(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true, Quirks: []string{refprovider.QuirkStep1DocumentedBody}})
	o := runSuite(t, targetEnv(p, key), "-ginkgo.label-filter=!slow")
	if o.exitErr != nil || len(o.failed) > 0 || len(o.passed) < len(o.specs)-1 {
		t.Fatalf("want a clean pass (but the slow spec) against the documented step 1 body; exit %v, failed %q, skipped %q\n%s", o.exitErr, o.failed, o.skipped, o.output)
	}
}

// With AUTOSHARES_EXPECT_STEP1_IS_SUCCEED=true the same body fails exactly step 1's
// success checks, for IsSucceed.
func TestStep1IsSucceedCanBeRequired(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true, Quirks: []string{refprovider.QuirkStep1DocumentedBody}})
	env := targetEnv(p, key)
	env["AUTOSHARES_EXPECT_STEP1_IS_SUCCEED"] = "true"
	// The security mail specs judge step 1 for their own checks: only step 1's own specs here.
	o := runSuite(t, env, "-ginkgo.label-filter=step1 && mail && !security")
	if o.exitErr == nil {
		t.Fatal("the suite passed with IsSucceed false although the setting requires true")
	}
	for _, s := range o.specs {
		if s.State == types.SpecStateSkipped {
			continue
		}
		failures := o.inState(s, oc.Failed)
		ok := len(failures) > 0
		for _, r := range failures {
			ok = ok && strings.HasPrefix(r.Check, "step1.") && strings.HasSuffix(r.Check, ".accepted") && says(r, "IsSucceed: expected true")
		}
		if !s.State.Is(types.SpecStateFailureStates) || !ok {
			t.Errorf("spec %q: want a failure of step 1's success for IsSucceed, got %s on %s:\n%s", s.Text, s.State, checksOf(failures), firstLines(s.Failure, 6))
		}
	}
}

// Nothing reaches a redirect target. Against a provider that redirects every API request to a
// loopback listener the run stops at the preflight, naming where the redirect points; behind
// a proxy that redirects only step 4, the specs that call step 4 fail on api.no-redirect,
// naming the Location. Either way the listener receives no request at all (so no app key,
// password, code or token).
func TestNothingSecretReachesARedirectTarget(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var received []string
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		received = append(received, r.Method+" "+r.URL.Path)
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer target.Close()

	p, key := startProvider(t, refprovider.Options{TestMode: true, Faults: []string{refprovider.FaultRedirectElsewhere}, RedirectTo: target.URL})
	o := runSuite(t, targetEnv(p, key))
	expectOneClearFailure(t, o, "307 Temporary Redirect to "+target.URL+"/api/", "does not follow redirects")

	p, key = startProvider(t, refprovider.Options{TestMode: true})
	u, _ := url.Parse(p.BaseURL)
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/users/passwords/reset/") {
			http.Redirect(w, r, target.URL+r.URL.Path, http.StatusTemporaryRedirect)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	defer proxy.Close()
	env := targetEnv(p, key)
	env["AUTOSHARES_BASE_URL"] = proxy.URL + u.Path
	o = runSuite(t, env, "-ginkgo.label-filter=step4.valid.succeeds")
	if o.exitErr == nil || len(o.failed) == 0 {
		t.Fatalf("the suite passed behind a proxy that redirects step 4:\n%s", o.output)
	}
	for _, s := range o.specs {
		if s.State == types.SpecStateSkipped {
			continue
		}
		if !failedOn(o, s, cataloguepkg.APINoRedirect, "redirects to "+target.URL+"/api/") {
			t.Errorf("spec %q: want a failure of api.no-redirect naming the Location, got:\n%s", s.Text, firstLines(s.Failure, 6))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(received) > 0 {
		t.Errorf("the redirect target received %d request(s), e.g. %q", len(received), received[0])
	}
	if strings.Contains(o.output, key) || slices.ContainsFunc(o.specs, func(s specRun) bool { return strings.Contains(s.Failure, key) }) {
		t.Error("the app key appears in the output")
	}
}
