package selftest

import (
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/refprovider"
)

// A race check whose requests the rate ceiling held back did not race: it fails as
// "rate-limited, not proven", and the run is inconclusive, whatever the answers were. Here
// AUTOSHARES_MAX_RPS=2 (a burst of 2) holds 2 of the 4 simultaneous requests.
func TestARaceHeldByTheRateCeilingIsNotProven(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	env := targetEnv(p, key)
	env["AUTOSHARES_MAX_RPS"] = "2"
	env["AUTOSHARES_CONCURRENT_UPDATES"] = "4"
	o := runSuite(t, env, "-ginkgo.label-filter=race")
	if o.exitErr == nil {
		t.Fatalf("passed with the racing requests held back:\n%s", o.output)
	}
	failed := 0
	for _, sp := range o.specs {
		if !sp.State.Is(types.SpecStateFailureStates) {
			continue
		}
		failed++
		expectInconclusive(t, o, sp, "rate-limited, not proven: of the 4 simultaneous requests", "AUTOSHARES_MAX_RPS")
	}
	if failed < 2 {
		t.Errorf("%d race spec(s) failed, want both (code and token)\n%s", failed, o.output)
	}
	if s := readSummary(t, o); !s.RateLimit.Inconclusive {
		t.Errorf("rate_limit %+v, want the run inconclusive", s.RateLimit)
	}
}
