package selftest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

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
	}
	if failed == 0 {
		t.Errorf("no spec failed:\n%s", o.output)
	}
}
