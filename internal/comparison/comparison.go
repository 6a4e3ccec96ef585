// Package comparison compares a run's check results with an earlier run's: what newly
// fails, what was fixed, what still fails, and what is newly not checked. A team that
// watches staging day after day sees the regression of today, not the whole red list.
package comparison

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/autoshares/conformance/internal/conformance"
)

// File is comparison.json in the report directory.
const File = "comparison.json"

// Run names one side of the comparison.
type Run struct {
	Start  time.Time `json:"start"`
	Commit string    `json:"commit"` // the suite's commit
	Target string    `json:"target"` // masked
}

// Change is one check that moved between the runs.
type Change struct {
	Check   string            `json:"check"`
	Profile string            `json:"profile"`
	Before  conformance.State `json:"before"`
	Now     conformance.State `json:"now"`
	Reason  string            `json:"reason,omitempty"` // why it is in its state now
}

// Comparison is comparison.json.
type Comparison struct {
	SchemaVersion   int      `json:"schema_version"`
	Previous        Run      `json:"previous"`
	Current         Run      `json:"current"`
	NewlyFailing    []Change `json:"newly_failing"`
	Fixed           []Change `json:"fixed"`
	StillFailing    []Change `json:"still_failing"`
	NewlyNotChecked []Change `json:"newly_not_checked"`
}

// failing: a known deviation still fails the check, it is only accepted for a while.
func failing(s conformance.State) bool {
	return s == conformance.Failed || s == conformance.KnownDeviation
}

// ran: the run settled the check one way or the other.
func ran(s conformance.State) bool { return s == conformance.Passed || failing(s) }

// Compare compares the check results of two runs. A check the earlier run did not know
// (added since) counts as not checked before.
func Compare(prev, cur Run, before, now []conformance.CheckResult) Comparison {
	c := Comparison{SchemaVersion: 1, Previous: prev, Current: cur,
		NewlyFailing: []Change{}, Fixed: []Change{}, StillFailing: []Change{}, NewlyNotChecked: []Change{}}
	was := map[string]conformance.State{}
	for _, r := range before {
		was[r.ID] = r.State
	}
	for _, r := range now {
		b, ok := was[r.ID]
		if !ok {
			b = conformance.NotChecked
		}
		ch := Change{Check: r.ID, Profile: r.Profile, Before: b, Now: r.State, Reason: firstLine(r.Reason)}
		switch {
		case failing(r.State) && failing(b):
			c.StillFailing = append(c.StillFailing, ch)
		case failing(r.State):
			c.NewlyFailing = append(c.NewlyFailing, ch)
		case failing(b) && r.State == conformance.Passed:
			c.Fixed = append(c.Fixed, ch)
		case ran(b) && !ran(r.State):
			c.NewlyNotChecked = append(c.NewlyNotChecked, ch)
		}
	}
	return c
}

func firstLine(s string) string {
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

// Text is the comparison for the console.
func (c Comparison) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Compared with the run of %s (suite %s, target %s):\n", c.Previous.Start.Format(time.RFC3339), short(c.Previous.Commit), c.Previous.Target)
	for _, g := range []struct {
		name string
		cs   []Change
	}{{"newly failing", c.NewlyFailing}, {"fixed", c.Fixed}, {"still failing", c.StillFailing}, {"newly not checked", c.NewlyNotChecked}} {
		fmt.Fprintf(&b, "  %s: %d", g.name, len(g.cs))
		if len(g.cs) > 0 {
			b.WriteString(": " + strings.Join(IDs(g.cs), ", "))
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
func Write(dir string, c Comparison) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, File), append(b, '\n'), 0o644)
}
