package results

import (
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/client"
)

// RateLimit is summary.json's rate_limit: the run's rate-limit waits, all processes
// together, and whether the waiting budget ran out.
type RateLimit struct {
	Waits           int     `json:"waits"`
	WaitSeconds     float64 `json:"wait_seconds"`
	BudgetExhausted bool    `json:"budget_exhausted"`
	// NotProven counts the specs whose records call them inconclusive: the target kept
	// rate-limiting past the budget.
	NotProven int `json:"not_proven_specs"`
	// Inconclusive: some spec is inconclusive and none failed or errored, so the run proves
	// neither conformance nor non-conformance.
	Inconclusive bool `json:"inconclusive"`
}

// RateLimitOf is the run's rate-limit waits from the processes' summed counters. Build
// completes it with the specs the outcome records call inconclusive (NotProven,
// Inconclusive); rep is not read.
func RateLimitOf(_ types.Report, s client.Snapshot) RateLimit {
	return RateLimit{Waits: s.Waits, WaitSeconds: s.WaitSeconds, BudgetExhausted: s.BudgetExhausted}
}

// Line is the console's and skipped.txt's line about rate limits, with the verdict when the
// budget ran out.
func (rl RateLimit) Line() string {
	var b strings.Builder
	if rl.Waits == 0 {
		b.WriteString("Rate limits: the target asked for no wait\n")
	} else {
		fmt.Fprintf(&b, "Rate limits: waited %d time(s), %.1f s in all (each process its own), as the target asked (429, or 503 with Retry-After)\n", rl.Waits, rl.WaitSeconds)
	}
	switch {
	case rl.Inconclusive:
		fmt.Fprintf(&b, "Verdict: INCONCLUSIVE, not non-conformant: %d spec(s) failed only on rate limits (the target kept answering 429 past the waiting budget %s, or %s held back a race): each failure says which; raise the budget or change %s and run again\n",
			rl.NotProven, client.BudgetSetting, client.MaxRPSSetting, client.MaxRPSSetting)
	case rl.BudgetExhausted:
		fmt.Fprintf(&b, "The waiting budget %s ran out: %d spec(s) are rate-limited, not proven\n", client.BudgetSetting, rl.NotProven)
	}
	return b.String()
}

// HTMLLine is the page header's line about rate limits.
func (rl RateLimit) HTMLLine() string {
	s := "none asked for"
	if rl.Waits > 0 {
		s = fmt.Sprintf("%d wait(s), %.1f s", rl.Waits, rl.WaitSeconds)
	}
	if rl.BudgetExhausted {
		s += fmt.Sprintf("; the budget %s ran out, %d spec(s) rate-limited, not proven", client.BudgetSetting, rl.NotProven)
	}
	return s
}

func inconclusive(rl RateLimit) string {
	if !rl.Inconclusive {
		return ""
	}
	return fmt.Sprintf("%d spec(s) rate-limited, not proven (not a finding against the target): each failure says why", rl.NotProven)
}

// transportLines end the console summary: how the target was reached, what rate limits cost.
func (s Summary) transportLines() string {
	out := ""
	if s.Connection != "" {
		out = "Connection: " + s.Connection + "\n"
	}
	return out + s.RateLimit.Line()
}
