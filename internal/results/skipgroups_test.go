package results

import (
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/outcome"
)

func TestSkipsAreGroupedByTheSettingThatEnablesThem(t *testing.T) {
	mailOrState := "set AUTOSHARES_STATE_URL, or AUTOSHARES_MAILBOX_URL with AUTOSHARES_TEST_TRADERS"
	lines := GroupSkips([]Skip{
		{"b spec", `the provider state "a trader has a valid reset token"`, mailOrState},
		{"a spec", `the provider state "a trader with a secret question"`, mailOrState},
		{"c spec", `the provider state "a trader has an expired password reset code"`, "set AUTOSHARES_STATE_URL (the mail flow cannot make an expired code)"},
		{"d spec", "", "AUTOSHARES_GENERATED_CASES=0: no generated bodies"},
	})
	if len(lines) != 3 {
		t.Fatalf("want one line per setting, got %d:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	want := "- " + mailOrState + `: 2 spec(s) (needs the provider state "a trader has a valid reset token"; needs the provider state "a trader with a secret question")` + "\n    a spec; b spec"
	if lines[0] != want {
		t.Errorf("first line:\n%s\nwant\n%s", lines[0], want)
	}
	if !strings.Contains(strings.Join(lines, "\n"), "- AUTOSHARES_GENERATED_CASES=0: no generated bodies: 1 spec(s)\n    d spec") {
		t.Errorf("a reason without a need is its own group:\n%s", strings.Join(lines, "\n"))
	}
}

// What a skipped spec needs and what would enable it come from its record, whatever its
// message says; a spec stopped by a known deviation is no skip for want of a setting.
func TestSkipsComeFromTheRecords(t *testing.T) {
	spec := func(name string, st types.SpecState, msg string, recs ...outcome.Record) Spec {
		return Spec{SpecOutcome: SpecOutcome{Name: name}, Records: recs,
			Report: types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: name, State: st, Failure: types.Failure{Message: msg}}}
	}
	specs := []Spec{
		spec("typed", types.SpecStateSkipped, "needs a: b: c", outcome.Record{Spec: "typed", State: outcome.Skipped, Reason: "a: b", Enable: "c"}),
		spec("bare", types.SpecStateSkipped, "needs x: y"),
		spec("deviated", types.SpecStateSkipped, "stopped", outcome.Record{Spec: "deviated", Check: "step4.mismatch.rejected", State: outcome.KnownDeviation}),
		spec("pending", types.SpecStatePending, ""),
		spec("passed", types.SpecStatePassed, ""),
	}
	got := SkipsOf(specs)
	want := []Skip{{"typed", "a: b", "c"}, {"bare", "", "needs x: y"}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("SkipsOf = %+v, want %+v", got, want)
	}
}
