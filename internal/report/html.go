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
	}
	for _, f := range sum.Findings {
		run.Findings = append(run.Findings, htmlreport.Finding{Requirement: f.Requirement, Standard: f.Standard, Statement: f.Statement})
	}
	if sum.Suite.Modified {
		run.Commit += "+dirty"
	}
	if run.Target == "" {
		run.Target = "not known: the run stopped before its target was set up"
	}
	for _, s := range sum.Settings {
		run.Settings = append(run.Settings, htmlreport.Setting{Name: s.Name, Value: s.Value, Default: s.Default, Changed: s.Changed, Loosened: Loosened(s)})
	}
	for _, sp := range masked.SpecReports {
		if sp.LeafNodeType != types.NodeTypeIt {
			continue
		}
		status, reason := Classify(sp, masked)
		spec := htmlreport.Spec{Text: sp.FullText(), Labels: sp.Labels(), State: htmlState(status), Duration: sp.RunTime}
		for _, l := range sp.LeafNodeLabels {
			if c, ok := cat.Get(l); ok {
				spec.Checks = append(spec.Checks, htmlreport.Check{ID: c.ID, Statement: c.Statement, Kind: string(c.Kind), Source: c.Source.String()})
			}
		}
		switch spec.State {
		case htmlreport.StateFailed:
			msg := sp.Failure.Message
			if problems, transcript, ok := strings.Cut(msg, verdict.TranscriptMark); ok {
				spec.Failure, spec.Transcript = problems, transcript
			} else {
				spec.Failure = msg
			}
			if id := verdict.CheckID(msg); id != "" {
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
	case StatusSkipped:
		return htmlreport.StateSkipped
	case StatusPending:
		return htmlreport.StatePending
	}
	return htmlreport.StateFiltered // filtered, or not reached
}

// Loosened says whether a changed expectation accepts more than its default: a check no
// longer made (an emptied message or code, a false or zero where the default asserts), or
// more accepted statuses. A pass under it is a weaker claim, and the report shows it first.
func Loosened(s Setting) bool {
	if !s.Changed {
		return false
	}
	switch {
	case s.Value == "" && s.Default != "":
		return true
	case strings.EqualFold(s.Value, "false") && strings.EqualFold(s.Default, "true"):
		return true
	case s.Value == "0" && s.Default != "0" && s.Default != "":
		return true
	case strings.Contains(s.Default, ","):
		// A list of accepted values: loosened when it accepts one the default does not.
		def := map[string]bool{}
		for _, d := range strings.Split(s.Default, ",") {
			def[strings.TrimSpace(d)] = true
		}
		for _, v := range strings.Split(s.Value, ",") {
			if !def[strings.TrimSpace(v)] {
				return true
			}
		}
	}
	return false
}
