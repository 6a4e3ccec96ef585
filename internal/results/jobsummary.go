package results

import (
	"fmt"
	"strings"

	"github.com/autoshares/conformance/internal/outcome"
)

// JobSummary is the CI job summary in Markdown (job-summary.md; scripts/ci-summary.sh prints
// it under a heading that gives the exit code): the counts, each failing spec with its
// failing checks, the run's problems, the profiles, the comparison and the skips. Everything
// in it comes from the masked model.
func (m Model) JobSummary() string {
	var b strings.Builder
	s := m.Summary
	c := s.Counts
	verdict := "passed"
	if !s.Succeeded {
		verdict = "failed"
	}
	fmt.Fprintf(&b, "The run %s against `%s`.\n\n", verdict, orNone(s.Target))
	b.WriteString("| specs | passed | failed | errored | inconclusive | known deviations | skipped | filtered | not run | seconds |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|\n")
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d | %d | %d | %d | %d | %.0f |\n", c.Specs, c.Passed, c.Failed, c.Errored,
		c.Inconclusive, c.KnownDeviations, c.Skipped, c.Filtered, c.NotRun, s.End.Sub(s.Start).Seconds())
	var failing []string
	for _, sp := range m.Specs {
		if !sp.State.Failing() && sp.State != outcome.Inconclusive {
			continue
		}
		var ids []string
		for _, ch := range sp.Checks {
			if ch.State.Failing() || ch.State == outcome.Inconclusive {
				ids = append(ids, "`"+ch.ID+"`")
			}
		}
		line := fmt.Sprintf("- %s: %s", sp.State, md(sp.Name))
		if len(ids) > 0 {
			line += " (" + strings.Join(ids, ", ") + ")"
		}
		failing = append(failing, line)
	}
	for _, sp := range s.Specs {
		if sp.Node != "It" {
			failing = append(failing, fmt.Sprintf("- %s failed: %s", sp.Node, md(firstLine(sp.Reason))))
		}
	}
	if len(failing) > 0 {
		fmt.Fprintf(&b, "\n### Failed\n\n%s\n", strings.Join(failing, "\n"))
	}
	if len(s.Problems) > 0 {
		b.WriteString("\n### The run's own verdict\n\n")
		for _, p := range s.Problems {
			fmt.Fprintf(&b, "- %s\n", md(firstLine(p)))
		}
	}
	b.WriteString("\n### Conformance by profile\n\n| profile | level | why |\n|---|---|---|\n")
	for _, p := range m.Conformance.Profiles {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", p.Name, p.Level, md(p.Why))
	}
	if cmp := m.Comparison; cmp != nil {
		b.WriteString("\n### Compared with the last run\n\n")
		if cmp.Warning != "" {
			fmt.Fprintf(&b, "**%s**\n\n", md(cmp.Warning))
		}
		for _, g := range cmp.Groups() {
			ids := "none"
			if len(g.Changes) > 0 {
				var quoted []string
				for _, id := range comparisonIDs(g.Changes) {
					quoted = append(quoted, "`"+id+"`")
				}
				ids = strings.Join(quoted, ", ")
			}
			fmt.Fprintf(&b, "- %s: %s\n", g.Name, ids)
		}
	}
	fmt.Fprintf(&b, "\n### Skipped\n\n```\n%s```\n", m.skips())
	b.WriteString("\nThe reports (report.html, JUnit XML, conformance-report.json, the recorded pact) are attached to this run as an artifact.\n")
	return b.String()
}

// md keeps a line of text from breaking the Markdown table or list it is put in.
func md(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
