package comparison_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/comparison"
	"github.com/autoshares/conformance/internal/conformance"
	"github.com/autoshares/conformance/internal/deviations"
	"github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/schemas/signoff"
)

func results(states map[string]outcome.State) []conformance.CheckResult {
	var out []conformance.CheckResult
	for id, s := range states {
		out = append(out, conformance.CheckResult{ID: id, Profile: "core", State: s, Specs: []string{}})
	}
	return out
}

func TestEachCheckLandsInItsGroup(t *testing.T) {
	before := results(map[string]outcome.State{"a.errored": outcome.Passed, "a.same-failure": outcome.Failed, "a.new": outcome.Passed, "a.fixed": outcome.Failed,
		"a.still": outcome.Failed, "a.dropped": outcome.Passed, "a.same": outcome.Passed,
		"a.deviation": outcome.KnownDeviation, "a.skipped": outcome.Skipped})
	now := results(map[string]outcome.State{"a.errored": outcome.Errored, "a.same-failure": outcome.Failed, "a.new": outcome.Failed, "a.fixed": outcome.Passed,
		"a.still": outcome.KnownDeviation, "a.dropped": outcome.NotChecked, "a.same": outcome.Passed,
		"a.deviation": outcome.Failed, "a.skipped": outcome.Passed, "a.added": outcome.Failed})
	c := comparison.Compare(comparison.Run{}, comparison.Run{}, before, now)
	for name, tc := range map[string]struct {
		got  []comparison.Change
		want []string
	}{
		"newly failing":       {c.NewlyFailing, []string{"a.added", "a.errored", "a.new"}},
		"fixed":               {c.Fixed, []string{"a.fixed"}},
		"still failing":       {c.StillFailing, []string{"a.same-failure"}},
		"failing differently": {c.FailingDifferently, []string{"a.deviation", "a.still"}},
		"newly not checked":   {c.NewlyNotChecked, []string{"a.dropped"}},
	} {
		if got := comparison.IDs(tc.got); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}
}

func TestTheWrittenComparisonIsValidAgainstItsSchema(t *testing.T) {
	c := comparison.Compare(comparison.Run{Start: time.Now(), Commit: "abc", Target: "http://127.0.0.1:1/api"}, comparison.Run{Start: time.Now()},
		results(map[string]outcome.State{"a.x": outcome.Passed}), results(map[string]outcome.State{"a.x": outcome.Failed}))
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

// The same failing state with another signature is failing differently; the same signature
// is still failing.
func TestAFailureWithANewSignatureIsFailingDifferently(t *testing.T) {
	was := outcome.Signature{Status: 500, Kinds: []string{"status"}}
	now := outcome.Signature{Status: 200, Kinds: []string{"is-succeed", "status"}}
	before := []conformance.CheckResult{{ID: "a.x", State: outcome.Failed, Signature: &was}, {ID: "a.y", State: outcome.Failed, Signature: &was}}
	after := []conformance.CheckResult{{ID: "a.x", State: outcome.Failed, Signature: &now}, {ID: "a.y", State: outcome.Failed, Signature: &was}}
	c := comparison.Compare(comparison.Run{}, comparison.Run{}, before, after)
	if got := comparison.IDs(c.FailingDifferently); !slices.Equal(got, []string{"a.x"}) {
		t.Errorf("failing differently: %v", got)
	}
	if got := comparison.IDs(c.StillFailing); !slices.Equal(got, []string{"a.y"}) {
		t.Errorf("still failing: %v", got)
	}
}

// Runs of different targets, label filters or suite versions say so on the first line.
func TestComparingDifferentRunsWarnsFirst(t *testing.T) {
	prev := comparison.Run{Target: "https://staging", LabelFilter: "step4", SuiteVersion: "v1"}
	for name, cur := range map[string]comparison.Run{
		"target":        {Target: "https://production", LabelFilter: "step4", SuiteVersion: "v1"},
		"label filter":  {Target: "https://staging", SuiteVersion: "v1"},
		"suite version": {Target: "https://staging", LabelFilter: "step4", SuiteVersion: "v2"},
	} {
		c := comparison.Compare(prev, cur, nil, nil)
		first, _, _ := strings.Cut(c.Text(), "\n")
		if !strings.HasPrefix(first, "WARNING") || !strings.Contains(first, name) || c.Warning != first {
			t.Errorf("%s: first line %q, warning %q", name, first, c.Warning)
		}
	}
	if c := comparison.Compare(prev, prev, nil, nil); c.Warning != "" || strings.HasPrefix(c.Text(), "WARNING") {
		t.Errorf("the same run's kind warns: %q", c.Warning)
	}
}
