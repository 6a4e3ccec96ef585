package report

import (
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/transport"
)

func TestOnlyRateLimitedFailuresMakeARunInconclusive(t *testing.T) {
	notProven := types.SpecReport{LeafNodeType: types.NodeTypeIt, State: types.SpecStateFailed,
		Failure: types.Failure{Message: "GET /x: " + transport.NotProven + ": the target answered 429"}}
	real := types.SpecReport{LeafNodeType: types.NodeTypeIt, State: types.SpecStateFailed, Failure: types.Failure{Message: "[api.x] wrong"}}
	passed := types.SpecReport{LeafNodeType: types.NodeTypeIt, State: types.SpecStatePassed}
	snap := transport.Snapshot{Waits: 3, WaitSeconds: 3, BudgetExhausted: true}

	rl := RateLimitOf(types.Report{SpecReports: types.SpecReports{notProven, passed}}, snap)
	if !rl.Inconclusive || rl.NotProven != 1 || !strings.Contains(rl.Line(), "Verdict: INCONCLUSIVE, not non-conformant") {
		t.Errorf("only rate-limited failures: %+v\n%s", rl, rl.Line())
	}
	rl = RateLimitOf(types.Report{SpecReports: types.SpecReports{notProven, real}}, snap)
	if rl.Inconclusive || rl.NotProven != 1 || strings.Contains(rl.Line(), "INCONCLUSIVE") {
		t.Errorf("a real failure stands: %+v\n%s", rl, rl.Line())
	}
	if line := (RateLimit{}).Line(); !strings.Contains(line, "asked for no wait") {
		t.Errorf("no waits: %q", line)
	}
}
