package results

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/outcome"
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
	KnownDeviations []config.Entry `json:"known_deviations,omitempty"`
	// InForce is every non-secret setting's value (masked): the conformance report lists them.
	InForce map[string]string `json:"-"`
	// Previous is the earlier run's summary to compare with (AUTOSHARES_COMPARE_WITH).
	Previous *Summary `json:"-"`
}

// Spec statuses in the summary: the words of outcome.States, the same in every report. A
// spec not reached (a setup failure, --fail-fast, an interrupt) is "not checked", counted
// apart as not run; a spec marked pending is "skipped", counted apart as pending.
const (
	StatusPassed         = string(outcome.Passed)
	StatusFailed         = string(outcome.Failed)
	StatusErrored        = string(outcome.Errored)
	StatusInconclusive   = string(outcome.Inconclusive)
	StatusKnownDeviation = string(outcome.KnownDeviation)
	StatusSkipped        = string(outcome.Skipped) // the spec skipped itself: the configuration cannot serve it
	StatusNotRun         = string(outcome.NotChecked)
	StatusFiltered       = string(outcome.Filtered) // left out by the label filter or a focus
)

// Counts are over specs (It nodes); setup nodes count only in SetupFailures.
type Counts struct {
	Specs         int `json:"specs"`          // every spec of the suite
	Run           int `json:"run"`            // passed + failed + errored + inconclusive + known deviations
	Passed        int `json:"passed"`         //
	Failed        int `json:"failed"`         // a check failed
	Errored       int `json:"errored"`        // failed outside any check: transport error, timeout, panic, state setup
	Inconclusive  int `json:"inconclusive"`   // the target's rate limits kept it from being settled
	Skipped       int `json:"skipped"`        // skipped themselves for a missing setting
	Filtered      int `json:"filtered"`       // left out by labels or focus
	NotRun        int `json:"not_run"`        // not reached
	Pending       int `json:"pending"`        //
	SetupFailures int `json:"setup_failures"` // BeforeSuite, AfterSuite, ReportAfterSuite... that failed
	// NotCheckedChecks counts checks (not specs) that a spec ran without making: see
	// Summary.NotChecked. A spec that passed may hold some; they are not passes.
	NotCheckedChecks int `json:"not_checked_checks"`
	// KnownDeviations: failed a check exactly as the known-deviations file records (not failed)
	KnownDeviations int `json:"known_deviations"`
}

// SpecResult is one spec, or one failed setup node, in the summary.
type SpecResult struct {
	Name     string   `json:"name"`
	Node     string   `json:"node"` // It, or the setup node's type
	Labels   []string `json:"labels,omitempty"`
	Location string   `json:"location"`
	Status   string   `json:"status"`
	// Reason: the skip's message, why it was not run, what ended it, or the failed
	// check's problem lines (its transcript is in report.html and the JSON report).
	Reason   string  `json:"reason,omitempty"`
	Seconds  float64 `json:"seconds"`
	Parallel int     `json:"process,omitempty"`
	// NotChecked are the spec's checks it did not make, with the reason.
	NotChecked []NotCheckedSpec `json:"not_checked,omitempty"`
	// Checks are the checks the spec declares, each with its state in this spec.
	Checks []SpecCheck `json:"checks,omitempty"`
}

// SpecCheck is one check of a spec: its state in that spec, and why.
type SpecCheck struct {
	ID     string        `json:"id"`
	State  outcome.State `json:"state"`
	Reason string        `json:"reason,omitempty"`
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
	NotChecked []NotCheckedSpec `json:"not_checked"`
	Start      time.Time        `json:"start"`
	End        time.Time        `json:"end"`
	Specs      []SpecResult     `json:"specs"`
	// Findings: informational findings the run observed (catalogue findings), with their
	// requirement IDs; they never fail a run.
	Findings []FindingResult `json:"findings"`
	// Checks are every check's result, as conformance-report.json has them: a later run
	// compares with them (AUTOSHARES_COMPARE_WITH).
	Checks []CheckResult `json:"checks"`
}

// summarize is summary.json, from the model's specs.
func summarize(m Model, run Run, v Version, cat *catalogue.Catalogue) Summary {
	rep := m.Report
	s := Summary{Suite: v, Run: run, LabelFilter: rep.SuiteConfig.LabelFilter, Start: rep.StartTime, End: rep.EndTime}
	if s.End.IsZero() || s.End.Before(s.Start) {
		s.End = time.Now() // ReportAfterSuite may run before Ginkgo stamps the end
	}
	if s.Run.Settings == nil {
		s.Run.Settings = []Setting{}
	}
	if s.Run.TokenSources == nil {
		s.Run.TokenSources = []string{}
	}
	s.Loosened = LoosenedNames(s.Run.Settings)
	s.NotChecked = notChecked(m.Specs, s.Run.Settings, cat)
	s.Counts.NotCheckedChecks = len(s.NotChecked)
	failing := false
	for _, sp := range rep.SpecReports {
		if sp.LeafNodeType == types.NodeTypeIt || !sp.State.Is(types.SpecStateFailureStates) || IsEchoOfProcess1(sp) {
			continue
		}
		// A setup node is not a check, unless it failed (once, on process 1).
		s.Counts.SetupFailures++
		failing = true
		_, why := ginkgoEnd(sp, rep)
		s.Specs = append(s.Specs, SpecResult{Name: sp.LeafNodeType.String(), Node: sp.LeafNodeType.String(),
			Location: fmt.Sprintf("%s:%d", sp.LeafNodeLocation.FileName, sp.LeafNodeLocation.LineNumber),
			Status:   StatusFailed, Reason: why, Seconds: sp.RunTime.Seconds(), Parallel: sp.ParallelProcess})
	}
	for _, sp := range m.Specs {
		c := &s.Counts
		c.Specs++
		switch {
		case sp.Pending:
			c.Pending++
		case sp.NotRun:
			c.NotRun++
		default:
			switch sp.State {
			case outcome.Passed:
				c.Passed++
			case outcome.Failed:
				c.Failed++
			case outcome.Errored:
				c.Errored++
			case outcome.Inconclusive:
				c.Inconclusive++
			case outcome.KnownDeviation:
				c.KnownDeviations++
			case outcome.Skipped:
				c.Skipped++
			case outcome.Filtered:
				c.Filtered++
			}
		}
		failing = failing || sp.State.Failing() || sp.State == outcome.Inconclusive
		r := sp.Report
		res := SpecResult{Name: sp.Name, Node: r.LeafNodeType.String(), Labels: r.Labels(),
			Location: fmt.Sprintf("%s:%d", r.LeafNodeLocation.FileName, r.LeafNodeLocation.LineNumber),
			Status:   string(sp.State), Reason: sp.Reason, Seconds: r.RunTime.Seconds(), Parallel: r.ParallelProcess}
		for _, ch := range sp.Checks {
			res.Checks = append(res.Checks, SpecCheck{ID: ch.ID, State: ch.State, Reason: ch.Reason})
			if ch.State == outcome.NotChecked && !sp.NotRun {
				res.NotChecked = append(res.NotChecked, NotCheckedSpec{Check: ch.ID, Reason: ch.Reason})
			}
		}
		s.Specs = append(s.Specs, res)
	}
	// After a BeforeSuite failure Ginkgo reports no spec at all: count them from its
	// pre-run statistics, as filtered (not selected) or not run.
	if missing := rep.PreRunStats.TotalSpecs - s.Counts.Specs; missing > 0 {
		filtered := min(max(rep.PreRunStats.TotalSpecs-rep.PreRunStats.SpecsThatWillRun-s.Counts.Filtered, 0), missing)
		s.Counts.Filtered += filtered
		s.Counts.NotRun += missing - filtered
		s.Counts.Specs = rep.PreRunStats.TotalSpecs
	}
	c := s.Counts
	s.Counts.Run = c.Passed + c.Failed + c.Errored + c.Inconclusive + c.KnownDeviations
	// The run succeeds when no spec failed (Ginkgo's word, so a failed AfterSuite or an
	// interrupt counts) and no record did, and the run's own verdict found nothing.
	s.Succeeded = rep.SuiteSucceeded && !failing && len(run.Problems) == 0 && run.NothingProven == ""
	s.Findings = Findings(m.Specs, cat)
	sort.SliceStable(s.Specs, func(i, j int) bool { return s.Specs[i].Name < s.Specs[j].Name })
	return s
}

// Classify says how Ginkgo saw a spec end, before the outcome records are joined (see
// Build): passed, failed (any of Ginkgo's failure states), skipped (with its message, or
// marked pending), filtered, or not reached (StatusNotRun).
func Classify(sp types.SpecReport, rep types.Report) (status, reason string) {
	st, why := ginkgoEnd(sp, rep)
	if st == outcome.Errored {
		return StatusFailed, why
	}
	return string(st), why
}

// EchoOfProcess1 is how Ginkgo reports, on every other process, that process 1's
// SynchronizedBeforeSuite failed: the same failure again, without its reason.
const EchoOfProcess1 = "SynchronizedBeforeSuite failed on Ginkgo parallel process #1"

// IsEchoOfProcess1 reports whether sp is such an echo: one failure counts once, with the
// reason process 1 gave.
func IsEchoOfProcess1(sp types.SpecReport) bool {
	return sp.LeafNodeType == types.NodeTypeSynchronizedBeforeSuite && strings.Contains(sp.Failure.Message, EchoOfProcess1)
}
