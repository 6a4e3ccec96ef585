package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/checks"
)

// Run is what the suite knows about a run that Ginkgo's report does not: what was
// tested, and how. The suite fills it on process 1 (harness.Target.RunInfo); every URL
// in it must already be masked.
type Run struct {
	Target       string    `json:"target"` // the base URL, credentials masked
	Embedded     bool      `json:"embedded"`
	StateURL     string    `json:"state_url,omitempty"`
	MailboxURL   string    `json:"mailbox_url,omitempty"`
	Step3        string    `json:"step3_variant"`
	Settings     []Setting `json:"expectations"`
	TokenSources []string  `json:"token_sources"`
	// Problems are the run's own verdict beyond its specs: selected specs that skipped
	// (unless allowed), a label filter that selected nothing. Any of them fails the run.
	Problems []string `json:"problems,omitempty"`
}

// Spec statuses in the summary. Not run is split three ways, because they mean different
// things to a sign-off: "skipped" is a gap in what the configuration can test, "filtered"
// is a choice of the run, "not-run" is a run cut short.
const (
	StatusPassed   = "passed"
	StatusFailed   = "failed"
	StatusSkipped  = "skipped"  // the spec skipped itself: the configuration cannot serve it
	StatusFiltered = "filtered" // left out by the label filter or a focus
	StatusNotRun   = "not-run"  // an earlier failure or an interrupt stopped the run first
	StatusPending  = "pending"
)

// Counts are over specs (It nodes); setup nodes count only in SetupFailures.
type Counts struct {
	Specs         int `json:"specs"`          // every spec of the suite
	Run           int `json:"run"`            // passed + failed
	Passed        int `json:"passed"`         //
	Failed        int `json:"failed"`         // failed, timed out, panicked, interrupted, aborted
	Skipped       int `json:"skipped"`        // skipped themselves for a missing setting
	Filtered      int `json:"filtered"`       // left out by labels or focus
	NotRun        int `json:"not_run"`        // not reached
	Pending       int `json:"pending"`        //
	SetupFailures int `json:"setup_failures"` // BeforeSuite, AfterSuite, ReportAfterSuite... that failed
}

// SpecResult is one spec, or one failed setup node, in the summary.
type SpecResult struct {
	Name     string   `json:"name"`
	Node     string   `json:"node"` // It, or the setup node's type
	Labels   []string `json:"labels,omitempty"`
	Location string   `json:"location"`
	Status   string   `json:"status"`
	// Reason: the skip's message, why it was not run, or the failure's problem lines
	// (without transcripts: those are in the JSON report).
	Reason   string  `json:"reason,omitempty"`
	Seconds  float64 `json:"seconds"`
	Parallel int     `json:"process,omitempty"`
}

// Summary is summary.json: what was tested, against what, with which expectations, and
// what came of it. docs/REPORTS.md documents every field.
type Summary struct {
	Suite       Version      `json:"suite"`
	Run                      // the target and settings
	LabelFilter string       `json:"label_filter"`
	Counts      Counts       `json:"counts"`
	Succeeded   bool         `json:"succeeded"`
	Start       time.Time    `json:"start"`
	End         time.Time    `json:"end"`
	Specs       []SpecResult `json:"specs"`
	// Findings: informational findings the run observed (catalogue findings), with their
	// requirement IDs; they never fail a run.
	Findings []FindingResult `json:"findings"`
}

// Summarize counts and classifies every spec of rep. Pass the masked report.
func Summarize(rep types.Report, run Run, v Version) Summary {
	s := Summary{Suite: v, Run: run, LabelFilter: rep.SuiteConfig.LabelFilter, Succeeded: rep.SuiteSucceeded && len(run.Problems) == 0,
		Start: rep.StartTime, End: rep.EndTime}
	if s.End.IsZero() || s.End.Before(s.Start) {
		s.End = time.Now() // ReportAfterSuite may run before Ginkgo stamps the end
	}
	if s.Run.Settings == nil {
		s.Run.Settings = []Setting{}
	}
	if s.Run.TokenSources == nil {
		s.Run.TokenSources = []string{}
	}
	for _, sp := range rep.SpecReports {
		status, reason := Classify(sp, rep)
		if sp.LeafNodeType != types.NodeTypeIt {
			if status != StatusFailed {
				continue // a setup node is not a check, unless it failed
			}
			s.Counts.SetupFailures++
		} else {
			s.Counts.Specs++
			switch status {
			case StatusPassed:
				s.Counts.Passed++
			case StatusFailed:
				s.Counts.Failed++
			case StatusSkipped:
				s.Counts.Skipped++
			case StatusFiltered:
				s.Counts.Filtered++
			case StatusNotRun:
				s.Counts.NotRun++
			case StatusPending:
				s.Counts.Pending++
			}
		}
		name := sp.FullText()
		if name == "" {
			name = sp.LeafNodeType.String()
		}
		s.Specs = append(s.Specs, SpecResult{Name: name, Node: sp.LeafNodeType.String(), Labels: sp.Labels(),
			Location: fmt.Sprintf("%s:%d", sp.LeafNodeLocation.FileName, sp.LeafNodeLocation.LineNumber),
			Status:   status, Reason: reason, Seconds: sp.RunTime.Seconds(), Parallel: sp.ParallelProcess})
	}
	// After a BeforeSuite failure Ginkgo reports no spec at all: count them from its
	// pre-run statistics, as filtered (not selected) or not run.
	if missing := rep.PreRunStats.TotalSpecs - s.Counts.Specs; missing > 0 {
		filtered := min(max(rep.PreRunStats.TotalSpecs-rep.PreRunStats.SpecsThatWillRun-s.Counts.Filtered, 0), missing)
		s.Counts.Filtered += filtered
		s.Counts.NotRun += missing - filtered
		s.Counts.Specs = rep.PreRunStats.TotalSpecs
	}
	s.Counts.Run = s.Counts.Passed + s.Counts.Failed
	cat, _ := checks.Default()
	s.Findings = Findings(rep, cat)
	sort.SliceStable(s.Specs, func(i, j int) bool { return s.Specs[i].Name < s.Specs[j].Name })
	return s
}

// Classify says what became of one spec and why.
func Classify(sp types.SpecReport, rep types.Report) (status, reason string) {
	switch {
	case sp.State == types.SpecStatePassed:
		return StatusPassed, ""
	case sp.State.Is(types.SpecStateFailureStates):
		msg := sp.Failure.Message
		if sp.State == types.SpecStatePanicked && sp.Failure.ForwardedPanic != "" {
			msg = "panic: " + sp.Failure.ForwardedPanic
		}
		return StatusFailed, withoutTranscripts(msg)
	case sp.State == types.SpecStatePending:
		return StatusPending, "marked pending"
	case sp.Failure.Message != "":
		return StatusSkipped, sp.Failure.Message
	}
	// Skipped without a word: Ginkgo did not run it. Say why, from the run's filters.
	cfg := rep.SuiteConfig
	if cfg.LabelFilter != "" {
		if match, err := types.ParseLabelFilter(cfg.LabelFilter); err == nil && !match(append(append([]string{}, rep.SuiteLabels...), sp.Labels()...)) {
			return StatusFiltered, fmt.Sprintf("not selected by the label filter %q", cfg.LabelFilter)
		}
	}
	if len(cfg.FocusStrings)+len(cfg.SkipStrings)+len(cfg.FocusFiles)+len(cfg.SkipFiles) > 0 || rep.SuiteHasProgrammaticFocus {
		return StatusFiltered, "not selected by --focus, --skip or a focused spec"
	}
	return StatusNotRun, "not reached: a setup failure, --fail-fast or an interrupt stopped the run first"
}

// withoutTranscripts keeps a failure's problem lines and drops the transcripts it quotes.
func withoutTranscripts(msg string) string {
	var keep []string
	for _, line := range strings.Split(msg, "\n") {
		if strings.HasPrefix(line, "> ") || strings.HasPrefix(line, "< ") || line == ">" || line == "<" || line == "Transcript:" {
			continue
		}
		keep = append(keep, line)
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}
