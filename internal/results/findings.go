package results

import (
	"fmt"
	"slices"
	"strings"

	"github.com/autoshares/conformance/internal/catalogue"
)

// FindingResult is an informational finding the run observed: listed for a security
// reviewer, never failing the run.
type FindingResult struct {
	ID          string `json:"id"`
	Requirement string `json:"requirement"` // e.g. "ASVS 6.4.2"
	Standard    string `json:"standard"`
	Statement   string `json:"statement"`
	// Observed: what the specs measured for it (its records' reasons), when anything.
	Observed []string `json:"observed,omitempty"`
}

// Findings lists the catalogue's findings that some spec of the run observed (its outcome
// records with Finding set), in catalogue order.
func Findings(specs []Spec, cat *catalogue.Catalogue) []FindingResult {
	seen := map[string]bool{}
	observed := map[string][]string{}
	for _, sp := range specs {
		for _, r := range sp.Records {
			if r.Finding != "" {
				seen[r.Finding] = true
				if r.Reason != "" { // what the spec measured for it
					observed[r.Finding] = append(observed[r.Finding], r.Reason)
				}
			}
		}
	}
	out := []FindingResult{}
	if cat == nil {
		return out
	}
	for _, f := range cat.Findings {
		if seen[f.ID] {
			out = append(out, FindingResult{ID: f.ID, Requirement: f.Source.Section, Standard: f.Source.Standard, Statement: f.Statement, Observed: observed[f.ID]})
		}
	}
	return out
}

// describeFindings is the console's list of findings, "" when there are none.
func describeFindings(fs []FindingResult) string {
	if len(fs) == 0 {
		return ""
	}
	lines := make([]string, 0, len(fs))
	for _, f := range fs {
		line := fmt.Sprintf("  [%s] %s", f.Requirement, f.Statement)
		for _, o := range f.Observed {
			line += "\n    Observed: " + o
		}
		lines = append(lines, line)
	}
	slices.Sort(lines)
	return fmt.Sprintf("Findings (informational, they never fail a run; docs/SECURITY.md):\n%s\n", strings.Join(lines, "\n"))
}
