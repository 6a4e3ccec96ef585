package results

import (
	"encoding/json"
	"fmt"
	"os"
)

func init() { Owned = append(Owned, ComparisonFile) }

// ReadPrevious reads an earlier run's summary.json (AUTOSHARES_COMPARE_WITH). Read it before
// the report directory is emptied: it may be the last run's summary in that directory.
func ReadPrevious(path string) (*Summary, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("AUTOSHARES_COMPARE_WITH: cannot read the earlier run's summary: %v", err)
	}
	var s Summary
	if err := json.Unmarshal(data, &s); err != nil || s.Specs == nil || s.Start.IsZero() {
		return nil, fmt.Errorf("AUTOSHARES_COMPARE_WITH: %s is not a summary.json the suite wrote (%v)", path, err)
	}
	return &s, nil
}

// compare compares the run with the earlier one of sum.Previous, check by check as each
// summary holds them; nil when there is none. An earlier summary without check results
// (written before summaries held them) compares as a run that checked nothing.
func compare(sum Summary) *Comparison {
	p := sum.Previous
	if p == nil {
		return nil
	}
	side := func(s Summary) ComparedRun {
		return ComparedRun{Start: s.Start, Commit: s.Suite.Commit, SuiteVersion: s.Suite.Version, Target: s.Target, LabelFilter: s.LabelFilter}
	}
	c := CompareRuns(side(*p), side(sum), p.Checks, sum.Checks)
	return &c
}

// htmlComparison is the comparison section of report.html.
func htmlComparison(c *Comparison) *HTMLComparison {
	if c == nil {
		return nil
	}
	out := &HTMLComparison{
		Warning:  c.Warning,
		Previous: fmt.Sprintf("the run of %s (suite %s, target %s)", c.Previous.Start.Format("2006-01-02 15:04:05 MST"), c.Previous.Commit, c.Previous.Target),
	}
	class := map[string]string{"fixed": "passed", "newly not checked": "skipped"}
	for _, g := range c.Groups() {
		cl := class[g.Name]
		if cl == "" {
			cl = "failed"
		}
		out.Groups = append(out.Groups, ComparisonGroup{Name: capitalized(g.Name), Class: cl, Checks: IDs(g.Changes)})
	}
	return out
}

func comparisonIDs(cs []Change) []string { return IDs(cs) }

func capitalized(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
