// Package comparison compares a run's check results with an earlier run's: what newly
// fails, what fails in a new way, what was fixed, what still fails, and what is newly not
// checked. A team that watches staging day after day sees the regression of today, not the
// whole red list.
package results

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/autoshares/conformance/internal/outcome"
)

// File is comparison.json in the report directory.
const ComparisonFile = "comparison.json"

// SchemaVersion is the version of comparison.json's shape (schemas/signoff/comparison.schema.json).
const ComparisonSchemaVersion = 2

// Run names one side of the comparison.
type ComparedRun struct {
	Start        time.Time `json:"start"`
	Commit       string    `json:"commit"`  // the suite's commit
	SuiteVersion string    `json:"version"` // the suite's version
	Target       string    `json:"target"`  // masked
	LabelFilter  string    `json:"label_filter"`
}

// Change is one check that moved between the runs.
type Change struct {
	Check   string        `json:"check"`
	Profile string        `json:"profile"`
	Before  outcome.State `json:"before"`
	Now     outcome.State `json:"now"`
	Reason  string        `json:"reason,omitempty"` // why it is in its state now
	// The failure signatures before and now, when the check failed.
	BeforeSignature *outcome.Signature `json:"before_signature,omitempty"`
	NowSignature    *outcome.Signature `json:"now_signature,omitempty"`
}

// Comparison is comparison.json.
type Comparison struct {
	SchemaVersion int `json:"schema_version"`
	// Warning, when set, says the runs differ in target, label filter or suite version: the
	// comparison then compares different things. Text shows it first.
	Warning            string      `json:"warning,omitempty"`
	Previous           ComparedRun `json:"previous"`
	Current            ComparedRun `json:"current"`
	NewlyFailing       []Change    `json:"newly_failing"`
	FailingDifferently []Change    `json:"failing_differently"`
	Fixed              []Change    `json:"fixed"`
	StillFailing       []Change    `json:"still_failing"`
	NewlyNotChecked    []Change    `json:"newly_not_checked"`
}

// failing: failed, errored, or a known deviation (still a failure, accepted for a while).
func failing(s outcome.State) bool { return s.Failing() || s == outcome.KnownDeviation }

// ran: the run settled the check one way or the other.
func ran(s outcome.State) bool { return s == outcome.Passed || failing(s) }

// sameFailure: the same failing state with the same signature (or neither has one).
func sameFailure(b, n outcome.State, bs, ns *outcome.Signature) bool {
	if b != n {
		return false
	}
	if bs == nil || ns == nil {
		return bs == nil && ns == nil
	}
	return bs.Equal(*ns)
}

// Compare compares the check results of two runs. A check the earlier run did not know
// (added since) counts as not checked before.
func CompareRuns(prev, cur ComparedRun, before, now []CheckResult) Comparison {
	c := Comparison{SchemaVersion: ComparisonSchemaVersion, Warning: Differences(prev, cur), Previous: prev, Current: cur,
		NewlyFailing: []Change{}, FailingDifferently: []Change{}, Fixed: []Change{}, StillFailing: []Change{}, NewlyNotChecked: []Change{}}
	was := map[string]CheckResult{}
	for _, r := range before {
		was[r.ID] = r
	}
	for _, r := range now {
		b, ok := was[r.ID]
		if !ok {
			b = CheckResult{ID: r.ID, State: outcome.NotChecked}
		}
		ch := Change{Check: r.ID, Profile: r.Profile, Before: b.State, Now: r.State, Reason: comparisonFirstLine(r.Reason),
			BeforeSignature: b.Signature, NowSignature: r.Signature}
		switch {
		case failing(r.State) && failing(b.State) && sameFailure(b.State, r.State, b.Signature, r.Signature):
			c.StillFailing = append(c.StillFailing, ch)
		case failing(r.State) && failing(b.State):
			c.FailingDifferently = append(c.FailingDifferently, ch)
		case failing(r.State):
			c.NewlyFailing = append(c.NewlyFailing, ch)
		case failing(b.State) && r.State == outcome.Passed:
			c.Fixed = append(c.Fixed, ch)
		case ran(b.State) && !ran(r.State):
			c.NewlyNotChecked = append(c.NewlyNotChecked, ch)
		}
	}
	return c
}

// Differences says how two runs differ in what they tested (target, label filter, suite
// version), "" when they do not.
func Differences(prev, cur ComparedRun) string {
	var diffs []string
	if prev.Target != cur.Target {
		diffs = append(diffs, fmt.Sprintf("target (%s then, %s now)", comparisonOrNone(prev.Target), comparisonOrNone(cur.Target)))
	}
	if prev.LabelFilter != cur.LabelFilter {
		diffs = append(diffs, fmt.Sprintf("label filter (%q then, %q now)", prev.LabelFilter, cur.LabelFilter))
	}
	if prev.SuiteVersion != cur.SuiteVersion {
		diffs = append(diffs, fmt.Sprintf("suite version (%s then, %s now)", comparisonOrNone(prev.SuiteVersion), comparisonOrNone(cur.SuiteVersion)))
	}
	if len(diffs) == 0 {
		return ""
	}
	return "WARNING: the runs compared differ in " + strings.Join(diffs, ", ") + ": a change below may come from that, not from the target"
}

func comparisonOrNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func comparisonFirstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// IDs are the checks of a list of changes.
func IDs(cs []Change) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Check
	}
	slices.Sort(out)
	return out
}

// Group is one list of changes, with its name in words.
type Group struct {
	Name    string
	Changes []Change
}

// Groups are the comparison's lists, in the order every report shows them.
func (c Comparison) Groups() []Group {
	return []Group{{"newly failing", c.NewlyFailing}, {"failing differently", c.FailingDifferently}, {"fixed", c.Fixed},
		{"still failing", c.StillFailing}, {"newly not checked", c.NewlyNotChecked}}
}

// Text is the comparison for the console: the warning first, when the runs differ.
func (c Comparison) Text() string {
	var b strings.Builder
	if c.Warning != "" {
		b.WriteString(c.Warning + "\n")
	}
	fmt.Fprintf(&b, "Compared with the run of %s (suite %s, target %s):\n", c.Previous.Start.Format(time.RFC3339), short(c.Previous.Commit), c.Previous.Target)
	for _, g := range c.Groups() {
		fmt.Fprintf(&b, "  %s: %d", g.Name, len(g.Changes))
		if len(g.Changes) > 0 {
			b.WriteString(": " + strings.Join(IDs(g.Changes), ", "))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}

// Write writes dir/comparison.json.
func WriteComparison(dir string, c Comparison) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ComparisonFile), append(b, '\n'), 0o644)
}
