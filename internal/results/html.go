package results

import (
	"fmt"
	"slices"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/outcome"
)

// HTMLFile is the page a person reads: report.html.
const HTMLFile = "report.html"

// HTMLRun translates the run's model into the page's: every spec with the checks it
// declares (from the catalogue) and each check's state in it; a failed check's problems,
// transcript and reproduction as its record holds them.
func HTMLRun(m Model, cat *catalogue.Catalogue) PageRun {
	sum := m.Summary
	run := PageRun{
		SuiteVersion: sum.Suite.Version, Commit: sum.Suite.Commit, Target: sum.Target, Step3Variant: sum.Step3,
		Started: sum.Start, Ended: sum.End, TokenSources: sum.TokenSources, Problems: sum.Problems,
		NothingProven: sum.NothingProven, DefaultOnNotChecked: DefaultOnNotChecked(sum.NotChecked),
	}
	// A run its setup stopped (a failed preflight, a broken configuration) says why first,
	// as the console does: otherwise the page only shows that nothing ran.
	var stopped []string
	for _, sp := range sum.Specs {
		if sp.Node != "It" && sp.Node != "" && sp.Reason != "" && (sp.Status == StatusFailed || sp.Status == StatusErrored) {
			stopped = append(stopped, fmt.Sprintf("The run stopped in its %s: %s", sp.Node, sp.Reason))
		}
	}
	run.Problems = append(stopped, run.Problems...)
	for _, f := range sum.Findings {
		run.Findings = append(run.Findings, Finding{Requirement: f.Requirement, Standard: f.Standard, Statement: f.Statement})
	}
	if sum.Suite.Modified {
		run.Commit += "+dirty"
	}
	run.Connection, run.RateLimit, run.Inconclusive = sum.Connection, sum.RateLimit.HTMLLine(), inconclusive(sum.RateLimit)
	run.Profiles = htmlProfiles(m.Conformance)
	run.Comparison = htmlComparison(m.Comparison)
	if run.Target == "" {
		run.Target = "not known: the run stopped before its target was set up"
	}
	for _, s := range sum.Settings {
		run.Settings = append(run.Settings, HTMLSetting{Name: s.Name, Value: s.Value, Default: s.Default, Changed: s.Changed, Loosened: s.Loosened})
	}
	// The documented flow's order, not the run's: the same specs read the same on every run.
	for _, s := range flowOrder(m.Specs, cat) {
		spec := HTMLSpec{Text: s.Name, Labels: s.Report.Labels(), State: s.State, Duration: s.Report.RunTime}
		for _, c := range s.Checks {
			hc := Check{ID: c.ID, State: c.State}
			if ch, ok := cat.Get(c.ID); ok {
				hc.Statement, hc.Kind, hc.Source = ch.Statement, string(ch.Kind), ch.Source.String()
			}
			if c.State != outcome.Passed && c.State != s.State {
				hc.Reason = c.Reason
			}
			spec.Checks = append(spec.Checks, hc)
		}
		failing := s.Failing()
		switch {
		case len(failing) > 0:
			var problems, lines, transcripts []string
			for _, r := range failing {
				head := "[" + r.Check + "] " + string(r.State)
				if r.Check == "" {
					head = string(r.State)
				}
				p := head + "\n" + recordReason(r)
				lines = append(lines, p)
				if r.Reproduction != "" {
					p += "\n\nReproduce:\n" + r.Reproduction
				}
				problems = append(problems, p)
				if r.Transcript != "" && !slices.Contains(transcripts, r.Transcript) {
					transcripts = append(transcripts, r.Transcript)
				}
			}
			outside := slices.ContainsFunc(failing, func(r outcome.Record) bool { return r.Check == "" })
			if s.State == outcome.Errored && s.Reason != "" && !outside {
				problems = append([]string{s.Reason}, problems...)
				lines = append([]string{s.Reason}, lines...)
			}
			spec.Failure, spec.Problems = joinBlocks(problems), joinBlocks(lines)
			spec.Transcript = joinBlocks(transcripts)
		case s.State == outcome.Errored:
			spec.Failure = s.Reason // what Ginkgo reports, as it is
		case s.State != outcome.Passed:
			spec.SkipReason = s.Reason
		}
		run.Specs = append(run.Specs, spec)
	}
	return run
}

func joinBlocks(bs []string) string {
	out := ""
	for i, b := range bs {
		if i > 0 {
			out += "\n\n"
		}
		out += b
	}
	return out
}
