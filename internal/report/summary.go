package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/checks"
	"github.com/autoshares/conformance/internal/deviations"
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
	// RateLimit counts the waits rate limits cost (transport.go); Connection is how the
	// target was reached (protocol, proxy).
	RateLimit  RateLimit `json:"rate_limit"`
	Connection string    `json:"connection,omitempty"`
	// Problems are the run's own verdict beyond its specs: selected specs that skipped
	// (unless allowed), a label filter that selected nothing. Any of them fails the run.
	Problems []string `json:"problems,omitempty"`
	// Exchanges counts the requests the specs sent to the target (the preflight's not
	// included). NothingProven, when set, says why the run proved nothing (a dry run, no
	// request sent): such a run never succeeds.
	Exchanges     int    `json:"exchanges"`
	NothingProven string `json:"nothing_proven,omitempty"`
	// KnownDeviations are the entries of AUTOSHARES_KNOWN_DEVIATIONS in force.
	KnownDeviations []deviations.Entry `json:"known_deviations,omitempty"`
	// InForce is every non-secret setting's value (masked): the conformance report lists them.
	InForce map[string]string `json:"-"`
	// Previous is the earlier run's summary to compare with (AUTOSHARES_COMPARE_WITH).
	Previous *Summary `json:"-"`
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
	// StatusKnownDeviation: the spec failed a check AUTOSHARES_KNOWN_DEVIATIONS lists; it was
	// skipped with the failure in its message (deviations.Mark), so the run does not fail.
	StatusKnownDeviation = "known-deviation"
	// StatusInconclusive is no spec's status in summary.json (a rate-limited spec is failed
	// there, and its failure says "rate-limited, not proven"): the conformance report reads
	// such a spec as inconclusive.
	StatusInconclusive = "inconclusive"
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
	// NotCheckedChecks counts checks (not specs) that a spec ran without making: see
	// Summary.NotChecked. A spec that passed may hold some; they are not passes.
	NotCheckedChecks int `json:"not_checked_checks"`
	// KnownDeviations: failed a check the known-deviations file lists (not counted as failed)
	KnownDeviations int `json:"known_deviations"`
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
	// NotChecked are the spec's checks it did not make, with the reason.
	NotChecked []NotChecked `json:"not_checked,omitempty"`
}

// Summary is summary.json: what was tested, against what, with which expectations, and
// what came of it. docs/REPORTS.md documents every field.
type Summary struct {
	Suite       Version `json:"suite"`
	Run                 // the target and settings
	LabelFilter string  `json:"label_filter"`
	Counts      Counts  `json:"counts"`
	Succeeded   bool    `json:"succeeded"`
	// Loosened names the settings whose value admits what their default refuses: a pass
	// under them is a weaker claim than the defaults'.
	Loosened []string `json:"loosened"`
	// NotChecked lists every check a spec ran without making (the target refused an
	// optional input, a setting turned it off), with the reason: not counted as passed.
	NotChecked []NotChecked `json:"not_checked"`
	Start      time.Time    `json:"start"`
	End        time.Time    `json:"end"`
	Specs      []SpecResult `json:"specs"`
	// Findings: informational findings the run observed (catalogue findings), with their
	// requirement IDs; they never fail a run.
	Findings []FindingResult `json:"findings"`
}

// Summarize counts and classifies every spec of rep. Pass the masked report.
func Summarize(rep types.Report, run Run, v Version) Summary {
	s := Summary{Suite: v, Run: run, LabelFilter: rep.SuiteConfig.LabelFilter, Succeeded: rep.SuiteSucceeded && len(run.Problems) == 0 && run.NothingProven == "",
		Start: rep.StartTime, End: rep.EndTime}
	if s.End.IsZero() || s.End.Before(s.Start) {
		s.End = time.Now() // ReportAfterSuite may run before Ginkgo stamps the end
	}
	if s.Run.Settings == nil {
		s.Run.Settings = []Setting{}
	}
	s.Loosened = LoosenedNames(s.Run.Settings)
	s.NotChecked = notCheckedOf(rep, s.Run.Settings)
	s.Counts.NotCheckedChecks = len(s.NotChecked)
	if s.Run.TokenSources == nil {
		s.Run.TokenSources = []string{}
	}
	for _, sp := range rep.SpecReports {
		status, reason := Classify(sp, rep)
		if sp.LeafNodeType != types.NodeTypeIt {
			if status != StatusFailed || IsEchoOfProcess1(sp) {
				continue // a setup node is not a check, unless it failed (once, on process 1)
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
			case StatusKnownDeviation:
				s.Counts.KnownDeviations++
			}
		}
		name := sp.FullText()
		if name == "" {
			name = sp.LeafNodeType.String()
		}
		s.Specs = append(s.Specs, SpecResult{Name: name, Node: sp.LeafNodeType.String(), Labels: sp.Labels(),
			Location: fmt.Sprintf("%s:%d", sp.LeafNodeLocation.FileName, sp.LeafNodeLocation.LineNumber),
			Status:   status, Reason: reason, Seconds: sp.RunTime.Seconds(), Parallel: sp.ParallelProcess, NotChecked: notCheckedIn(sp)})
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
	case strings.HasPrefix(sp.Failure.Message, deviations.Mark):
		return StatusKnownDeviation, withoutTranscripts(sp.Failure.Message)
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

// EchoOfProcess1 is how Ginkgo reports, on every other process, that process 1's
// SynchronizedBeforeSuite failed: the same failure again, without its reason.
const EchoOfProcess1 = "SynchronizedBeforeSuite failed on Ginkgo parallel process #1"

// IsEchoOfProcess1 reports whether sp is such an echo: one failure counts once, with the
// reason process 1 gave.
func IsEchoOfProcess1(sp types.SpecReport) bool {
	return sp.LeafNodeType == types.NodeTypeSynchronizedBeforeSuite && strings.Contains(sp.Failure.Message, EchoOfProcess1)
}
