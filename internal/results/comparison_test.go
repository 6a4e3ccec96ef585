package results_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/outcome"
	resultspkg "github.com/autoshares/conformance/internal/results"
	"github.com/autoshares/conformance/schemas/signoff"
)

func results(states map[string]outcome.State) []resultspkg.CheckResult {
	var out []resultspkg.CheckResult
	for id, s := range states {
		out = append(out, resultspkg.CheckResult{ID: id, Profile: "core", State: s, Specs: []string{}})
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
	c := resultspkg.CompareRuns(resultspkg.ComparedRun{}, resultspkg.ComparedRun{}, before, now)
	for name, tc := range map[string]struct {
		got  []resultspkg.Change
		want []string
	}{
		"newly failing":       {c.NewlyFailing, []string{"a.added", "a.errored", "a.new"}},
		"fixed":               {c.Fixed, []string{"a.fixed"}},
		"still failing":       {c.StillFailing, []string{"a.same-failure"}},
		"failing differently": {c.FailingDifferently, []string{"a.deviation", "a.still"}},
		"newly not checked":   {c.NewlyNotChecked, []string{"a.dropped"}},
	} {
		if got := resultspkg.IDs(tc.got); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}
}

func TestTheWrittenComparisonIsValidAgainstItsSchema(t *testing.T) {
	c := resultspkg.CompareRuns(resultspkg.ComparedRun{Start: time.Now(), Commit: "abc", Target: "http://127.0.0.1:1/api"}, resultspkg.ComparedRun{Start: time.Now()},
		results(map[string]outcome.State{"a.x": outcome.Passed}), results(map[string]outcome.State{"a.x": outcome.Failed}))
	dir := t.TempDir()
	if err := resultspkg.WriteComparison(dir, c); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, resultspkg.ComparisonFile))
	if err != nil {
		t.Fatal(err)
	}
	set, err := config.Schemas()
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
	before := []resultspkg.CheckResult{{ID: "a.x", State: outcome.Failed, Signature: &was}, {ID: "a.y", State: outcome.Failed, Signature: &was}}
	after := []resultspkg.CheckResult{{ID: "a.x", State: outcome.Failed, Signature: &now}, {ID: "a.y", State: outcome.Failed, Signature: &was}}
	c := resultspkg.CompareRuns(resultspkg.ComparedRun{}, resultspkg.ComparedRun{}, before, after)
	if got := resultspkg.IDs(c.FailingDifferently); !slices.Equal(got, []string{"a.x"}) {
		t.Errorf("failing differently: %v", got)
	}
	if got := resultspkg.IDs(c.StillFailing); !slices.Equal(got, []string{"a.y"}) {
		t.Errorf("still failing: %v", got)
	}
}

// Runs of different targets, label filters or suite versions say so on the first line.
func TestComparingDifferentRunsWarnsFirst(t *testing.T) {
	prev := resultspkg.ComparedRun{Target: "https://staging", LabelFilter: "step4", SuiteVersion: "v1"}
	for name, cur := range map[string]resultspkg.ComparedRun{
		"target":        {Target: "https://production", LabelFilter: "step4", SuiteVersion: "v1"},
		"label filter":  {Target: "https://staging", SuiteVersion: "v1"},
		"suite version": {Target: "https://staging", LabelFilter: "step4", SuiteVersion: "v2"},
	} {
		c := resultspkg.CompareRuns(prev, cur, nil, nil)
		first, _, _ := strings.Cut(c.Text(), "\n")
		if !strings.HasPrefix(first, "WARNING") || !strings.Contains(first, name) || c.Warning != first {
			t.Errorf("%s: first line %q, warning %q", name, first, c.Warning)
		}
	}
	if c := resultspkg.CompareRuns(prev, prev, nil, nil); c.Warning != "" || strings.HasPrefix(c.Text(), "WARNING") {
		t.Errorf("the same run's kind warns: %q", c.Warning)
	}
}
