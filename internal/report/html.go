package report

import (
	"path/filepath"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/checks"
	"github.com/autoshares/conformance/internal/htmlreport"
	"github.com/autoshares/conformance/internal/verdict"
)

// HTMLFile is the page a person reads: report.html.
const HTMLFile = "report.html"

// writeHTML renders report.html from the masked report and its summary.
func writeHTML(masked types.Report, sum Summary, dir string, cat *checks.Catalogue) error {
	return htmlreport.Write(filepath.Join(dir, HTMLFile), HTMLRun(masked, sum, cat))
}

// HTMLRun translates a masked report and its summary into the page's model: every spec with
// the checks it declares (from the catalogue), the check its failure names, its problem
// lines and its transcript apart.
func HTMLRun(masked types.Report, sum Summary, cat *checks.Catalogue) htmlreport.Run {
	run := htmlreport.Run{
		SuiteVersion: sum.Suite.Version, Commit: sum.Suite.Commit, Target: sum.Target, Step3Variant: sum.Step3,
		Started: sum.Start, Ended: sum.End, TokenSources: sum.TokenSources, Problems: sum.Problems,
		NothingProven: sum.NothingProven, DefaultOnNotChecked: DefaultOnNotChecked(sum.NotChecked),
	}
	for _, f := range sum.Findings {
		run.Findings = append(run.Findings, htmlreport.Finding{Requirement: f.Requirement, Standard: f.Standard, Statement: f.Statement})
	}
	if sum.Suite.Modified {
		run.Commit += "+dirty"
	}
	run.Connection, run.RateLimit, run.Inconclusive = sum.Connection, sum.RateLimit.HTMLLine(), inconclusive(sum.RateLimit)
	run.Profiles = htmlProfiles(Conformance(sum, cat))
	run.Comparison = htmlComparison(Compare(sum, cat))
	if run.Target == "" {
		run.Target = "not known: the run stopped before its target was set up"
	}
	for _, s := range sum.Settings {
		run.Settings = append(run.Settings, htmlreport.Setting{Name: s.Name, Value: s.Value, Default: s.Default, Changed: s.Changed, Loosened: s.Loosened})
	}
	for _, sp := range masked.SpecReports {
		if sp.LeafNodeType != types.NodeTypeIt {
			continue
		}
		status, reason := Classify(sp, masked)
		spec := htmlreport.Spec{Text: sp.FullText(), Labels: sp.Labels(), State: htmlState(status), Duration: sp.RunTime}
		notChecked := map[string]string{}
		for _, n := range notCheckedIn(sp) {
			notChecked[n.Check] = n.Reason
		}
		for _, l := range sp.LeafNodeLabels {
			if c, ok := cat.Get(l); ok {
				hc := htmlreport.Check{ID: c.ID, Statement: c.Statement, Kind: string(c.Kind), Source: c.Source.String()}
				if why, ok := notChecked[c.ID]; ok && spec.State == htmlreport.StatePassed {
					hc.State, hc.NotCheckedReason = htmlreport.StateNotChecked, why
				}
				spec.Checks = append(spec.Checks, hc)
			}
		}
		switch spec.State {
		case htmlreport.StateKnownDeviation:
			entry, msg, _ := strings.Cut(sp.Failure.Message, "\n")
			spec.SkipReason = entry
			spec.Failure, spec.Transcript, _ = strings.Cut(msg, verdict.TranscriptMark)
			if id := FailedCheck(entry); id != "" {
				spec.FailedChecks = []string{id}
			}
		case htmlreport.StateFailed:
			msg := sp.Failure.Message
			if problems, transcript, ok := strings.Cut(msg, verdict.TranscriptMark); ok {
				spec.Failure, spec.Transcript = problems, transcript
			} else {
				spec.Failure = msg
			}
			if id := FailedCheck(msg); id != "" {
				spec.FailedChecks = []string{id}
			}
		case htmlreport.StateSkipped, htmlreport.StateFiltered, htmlreport.StatePending:
			spec.SkipReason = reason
		}
		run.Specs = append(run.Specs, spec)
	}
	return run
}

func htmlState(status string) htmlreport.State {
	switch status {
	case StatusPassed:
		return htmlreport.StatePassed
	case StatusFailed:
		return htmlreport.StateFailed
	case StatusKnownDeviation:
		return htmlreport.StateKnownDeviation
	case StatusSkipped:
		return htmlreport.StateSkipped
	case StatusPending:
		return htmlreport.StatePending
	}
	return htmlreport.StateFiltered // filtered, or not reached
}
