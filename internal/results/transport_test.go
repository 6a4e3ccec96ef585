package results

import (
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/outcome"
)

// A spec its records call inconclusive (the rate limit outlasted the budget) leaves its
// check inconclusive, not failed; only such specs make the run inconclusive.
func TestOnlyRateLimitedFailuresMakeARunInconclusive(t *testing.T) {
	a, b, _ := threeChecks(t)
	limited := outcome.Record{Spec: "limited", Process: 1, Check: a, State: outcome.Inconclusive, Reason: "the target answered 429 past the budget", RateLimitWaits: 3}
	real := outcome.Record{Spec: "real", Process: 1, Check: b, State: outcome.Failed, Problems: []outcome.Problem{{Kind: "status", Text: "status"}}}
	snap := client.Snapshot{Waits: 3, WaitSeconds: 3, BudgetExhausted: true}
	run := Run{RateLimit: RateLimitOf(types.Report{}, snap)}

	m := build(runOf(spec("limited", types.SpecStateFailed, "x", a), spec("passed", types.SpecStatePassed, "")), []outcome.Record{limited}, run)
	rl := m.Summary.RateLimit
	if !rl.Inconclusive || rl.NotProven != 1 || rl.Waits != 3 || !strings.Contains(rl.Line(), "Verdict: INCONCLUSIVE, not non-conformant") {
		t.Errorf("only rate-limited failures: %+v\n%s", rl, rl.Line())
	}
	for _, c := range m.Conformance.Checks {
		if c.ID == a && c.State != outcome.Inconclusive {
			t.Errorf("%s: %s, want inconclusive", a, c.State)
		}
	}
	if m.Summary.Counts.Inconclusive != 1 || m.Summary.Succeeded {
		t.Errorf("counts %+v, succeeded %v", m.Summary.Counts, m.Summary.Succeeded)
	}
	m = build(runOf(spec("limited", types.SpecStateFailed, "x", a), spec("real", types.SpecStateFailed, "y", b)), []outcome.Record{limited, real}, run)
	if rl := m.Summary.RateLimit; rl.Inconclusive || rl.NotProven != 1 || strings.Contains(rl.Line(), "INCONCLUSIVE") {
		t.Errorf("a real failure stands: %+v\n%s", rl, rl.Line())
	}
	if line := (RateLimit{}).Line(); !strings.Contains(line, "asked for no wait") {
		t.Errorf("no waits: %q", line)
	}
}
