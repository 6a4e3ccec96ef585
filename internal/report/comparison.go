package report

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/autoshares/conformance/internal/checks"
	"github.com/autoshares/conformance/internal/comparison"
	"github.com/autoshares/conformance/internal/htmlreport"
)

func init() { Owned = append(Owned, comparison.File) }

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

// Compare compares the run with the earlier one of sum.Previous; nil when there is none.
func Compare(sum Summary, cat *checks.Catalogue) *comparison.Comparison {
	if sum.Previous == nil {
		return nil
	}
	p := sum.Previous
	c := comparison.Compare(
		comparison.Run{Start: p.Start, Commit: p.Suite.Commit, Target: p.Target},
		comparison.Run{Start: sum.Start, Commit: sum.Suite.Commit, Target: sum.Target},
		Conformance(*p, cat).Checks, Conformance(sum, cat).Checks)
	return &c
}

// htmlComparison is the comparison section of report.html.
func htmlComparison(c *comparison.Comparison) *htmlreport.Comparison {
	if c == nil {
		return nil
	}
	return &htmlreport.Comparison{
		Previous: fmt.Sprintf("the run of %s (suite %s, target %s)", c.Previous.Start.Format("2006-01-02 15:04:05 MST"), c.Previous.Commit, c.Previous.Target),
		Groups: []htmlreport.ComparisonGroup{
			{Name: "Newly failing", Class: "failed", Checks: comparison.IDs(c.NewlyFailing)},
			{Name: "Fixed", Class: "passed", Checks: comparison.IDs(c.Fixed)},
			{Name: "Still failing", Class: "failed", Checks: comparison.IDs(c.StillFailing)},
			{Name: "Newly not checked", Class: "skipped", Checks: comparison.IDs(c.NewlyNotChecked)},
		},
	}
}
