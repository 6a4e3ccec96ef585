package selftest

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	cataloguepkg "github.com/autoshares/conformance/internal/catalogue"
	oc "github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/refprovider"
)

// A spec whose exchange hangs fails naming the timeout it had and its setting (the suite's
// round-trip counter wraps the client's transport; the message once said "0s"). A gateway
// hangs step 2 for all but the preflight's own probe.
func TestASpecsTimeoutNamesTheRealTimeout(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	env := behindGateway(t, p, key, func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if specsStep2(r) {
			<-r.Context().Done()
			return
		}
		next.ServeHTTP(w, r)
	})
	env["AUTOSHARES_REQUEST_TIMEOUT"] = "1s"
	o := runSuite(t, env, "-ginkgo.label-filter=step2")
	if o.exitErr == nil {
		t.Fatalf("passed with step 2 hanging:\n%s", o.output)
	}
	failed := 0
	for _, sp := range o.specs {
		if !sp.State.Is(types.SpecStateFailureStates) {
			continue
		}
		failed++
		if !strings.Contains(sp.Failure, "no response within 1s (AUTOSHARES_REQUEST_TIMEOUT)") {
			t.Errorf("%s failed without naming the 1s timeout: %s", sp.Text, sp.Failure)
		}
		// Errored, not failed: the spec ended outside any check, and each check it had not
		// judged yet is errored with it (not "not checked", which would hide a regression).
		errored := o.inState(sp, oc.Errored)
		// HSTS is not checked on an http target whatever happens (the CORS spec says so first).
		notChecked := slices.DeleteFunc(o.inState(sp, oc.NotChecked), func(r oc.Record) bool { return r.Check == cataloguepkg.SecurityHeadersHsts })
		if len(errored) == 0 || len(o.inState(sp, oc.Failed)) > 0 || len(notChecked) > 0 ||
			!slices.ContainsFunc(errored, func(r oc.Record) bool { return r.Check == "" && says(r, "no response within 1s") }) {
			t.Errorf("%s: want errored records (the spec's, naming the timeout, and its unjudged checks'), got %s", sp.Text, checksOf(o.recordsOf(sp)))
		}
	}
	if failed == 0 {
		t.Errorf("no spec failed:\n%s", o.output)
	}
}
