package selftest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/verdict"
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
	o := runSuite(t, env, "-ginkgo.label-filter=step1 && mail")
	if o.exitErr == nil {
		t.Fatal("the suite passed with IsSucceed false although the setting requires true")
	}
	for _, s := range o.specs {
		if s.State == types.SpecStateSkipped {
			continue
		}
		id := verdict.CheckID(s.Failure)
		if !s.State.Is(types.SpecStateFailureStates) || !strings.HasPrefix(id, "step1.") || !strings.HasSuffix(id, ".accepted") ||
			!strings.Contains(s.Failure, "IsSucceed: expected true") {
			t.Errorf("spec %q: want a failure of step 1's success for IsSucceed, got %s on %q:\n%s", s.Text, s.State, id, firstLines(s.Failure, 6))
		}
	}
}

// Nothing reaches a redirect target: against a provider that redirects every API request
// to a loopback listener, every spec fails on api.no-redirect naming the Location, and
// the listener receives no request at all (so no app key, password, code or token).
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
	o := runSuite(t, targetEnv(p, key), "-ginkgo.label-filter=!slow")
	if o.exitErr == nil {
		t.Fatal("the suite passed against a provider that redirects every request")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(received) > 0 {
		t.Errorf("the redirect target received %d request(s), e.g. %q", len(received), received[0])
	}
	for _, s := range o.specs {
		if s.State == types.SpecStateSkipped {
			continue
		}
		if verdict.CheckID(s.Failure) != "api.no-redirect" || !strings.Contains(s.Failure, "redirects to "+target.URL+"/api/") {
			t.Errorf("spec %q: want a failure of api.no-redirect naming the Location, got:\n%s", s.Text, firstLines(s.Failure, 6))
		}
	}
	if strings.Contains(o.output, key) || slices.ContainsFunc(o.specs, func(s specRun) bool { return strings.Contains(s.Failure, key) }) {
		t.Error("the app key appears in the output")
	}
}
