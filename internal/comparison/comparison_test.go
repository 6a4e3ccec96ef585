package comparison_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/comparison"
	"github.com/autoshares/conformance/internal/conformance"
	"github.com/autoshares/conformance/internal/deviations"
	"github.com/autoshares/conformance/schemas/signoff"
)

func results(states map[string]conformance.State) []conformance.CheckResult {
	var out []conformance.CheckResult
	for id, s := range states {
		out = append(out, conformance.CheckResult{ID: id, Profile: "core", State: s, Specs: []string{}})
	}
	return out
}

func TestEachCheckLandsInItsGroup(t *testing.T) {
	before := results(map[string]conformance.State{"a.new": conformance.Passed, "a.fixed": conformance.Failed,
		"a.still": conformance.Failed, "a.dropped": conformance.Passed, "a.same": conformance.Passed,
		"a.deviation": conformance.KnownDeviation, "a.skipped": conformance.Skipped})
	now := results(map[string]conformance.State{"a.new": conformance.Failed, "a.fixed": conformance.Passed,
		"a.still": conformance.KnownDeviation, "a.dropped": conformance.NotChecked, "a.same": conformance.Passed,
		"a.deviation": conformance.Failed, "a.skipped": conformance.Passed, "a.added": conformance.Failed})
	c := comparison.Compare(comparison.Run{}, comparison.Run{}, before, now)
	for name, tc := range map[string]struct {
		got  []comparison.Change
		want []string
	}{
		"newly failing":     {c.NewlyFailing, []string{"a.added", "a.new"}},
		"fixed":             {c.Fixed, []string{"a.fixed"}},
		"still failing":     {c.StillFailing, []string{"a.deviation", "a.still"}},
		"newly not checked": {c.NewlyNotChecked, []string{"a.dropped"}},
	} {
		if got := comparison.IDs(tc.got); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}
}

func TestTheWrittenComparisonIsValidAgainstItsSchema(t *testing.T) {
	c := comparison.Compare(comparison.Run{Start: time.Now(), Commit: "abc", Target: "http://127.0.0.1:1/api"}, comparison.Run{Start: time.Now()},
		results(map[string]conformance.State{"a.x": conformance.Passed}), results(map[string]conformance.State{"a.x": conformance.Failed}))
	dir := t.TempDir()
	if err := comparison.Write(dir, c); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, comparison.File))
	if err != nil {
		t.Fatal(err)
	}
	set, err := deviations.Schemas()
	if err != nil {
		t.Fatal(err)
	}
	if err := set.Validate(signoff.Comparison, data); err != nil {
		t.Fatal(err)
	}
	if c.Text() == "" {
		t.Error("no text")
	}
}
