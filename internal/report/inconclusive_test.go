package report

import (
	"testing"

	"github.com/autoshares/conformance/internal/checks"
	"github.com/autoshares/conformance/internal/conformance"
	"github.com/autoshares/conformance/internal/deviations"
	"github.com/autoshares/conformance/internal/transport"
)

// A spec that failed only because the rate limit outlasted the budget leaves its check
// inconclusive in the conformance report, not failed.
func TestARateLimitedFailureIsInconclusive(t *testing.T) {
	cat := checks.MustDefault()
	id := cat.IDs()[0]
	sum := Summary{Specs: []SpecResult{
		{Name: "limited", Node: "It", Labels: []string{id}, Status: StatusFailed,
			Reason: "[" + id + "] statement\n1 problem(s):\n- POST /x: " + transport.NotProven + ": the target answered 429"},
	}}
	outs := SpecOutcomes(sum, cat)
	if len(outs) != 1 || outs[0].Status != StatusInconclusive {
		t.Fatalf("outcomes: %+v", outs)
	}
	for _, r := range Conformance(sum, cat).Checks {
		if r.ID == id && r.State != conformance.Inconclusive {
			t.Errorf("%s: %s, want inconclusive", id, r.State)
		}
	}
	sum.Specs[0].Reason = "[" + id + "] statement\n1 problem(s):\n- status: expected 400, got 500"
	if outs := SpecOutcomes(sum, cat); outs[0].Status != StatusFailed {
		t.Errorf("a real failure: %s", outs[0].Status)
	}
}

func TestFailedCheck(t *testing.T) {
	for msg, want := range map[string]string{
		"[api.a] statement\n1 problem(s)":                                    "api.a",
		deviations.Mark + "api.b: reason (T-1, until 2099-01-01)\n[api.b] x": "api.b",
		"GET /x: connection refused":                                         "",
	} {
		if got := FailedCheck(msg); got != want {
			t.Errorf("FailedCheck(%q) = %q, want %q", msg, got, want)
		}
	}
}
