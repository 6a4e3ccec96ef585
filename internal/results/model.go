// Package htmlreport renders the result of a conformance run as one self-contained HTML
// page (inline CSS and JavaScript, no external resource, usable from file://): a summary of
// what was tested and against what, every spec with the checks it applies, failures with
// their problem lines and transcripts, and client-side filters by status and label.
//
// The input model below is the package's own, so that the page does not depend on Ginkgo's
// report types: the suite translates its results into a Run. Everything in a Run must
// already be masked: this package escapes what it prints, it does not redact it.
package results

import (
	"strings"
	"time"

	"github.com/autoshares/conformance/internal/outcome"
)

// Run is one run of the suite, as the report shows it.
type PageRun struct {
	Title        string    // page title; empty: DefaultTitle
	SuiteVersion string    // module version of the suite, e.g. "v0.4.0" or "(devel)"
	Commit       string    // VCS commit the suite was built from, with "+dirty" when modified
	Target       string    // the base URL tested, masked
	Step3Variant string    // which documented step 3 the target serves, e.g. "autoshares"
	Started      time.Time // zero: shown as "unknown"
	Ended        time.Time
	// Settings lists every expectation setting in force, changed or not, so that the page
	// can show both what was loosened and what stayed at its default.
	Settings []HTMLSetting
	// TokenSources names the sources of reset tokens the run had, e.g. "state endpoint".
	TokenSources []string
	// Connection says how the target was reached, e.g. "HTTP/2.0 over TLS 1.3"; RateLimit
	// what its rate limits cost; Inconclusive, when not empty, why the failed run proves
	// nothing either way (every failure a rate limit the budget could not wait out).
	Connection, RateLimit, Inconclusive string
	// Problems are the run's own verdict beyond its specs (selected specs skipped, a label
	// filter that selected nothing): any of them fails the run.
	Problems []string
	// NothingProven, when set, says why the run proved nothing (a dry run, no request
	// sent to the target): the page says so instead of any pass.
	NothingProven string
	// DefaultOnNotChecked names the checks, on with the default settings, that a spec
	// ran without making: the verdict says the run did not check them.
	DefaultOnNotChecked []string
	// Findings are informational security findings the run observed: shown for a
	// reviewer, never failing the run.
	Findings []Finding
	// Specs in the order the page lists them within each state (HTMLRun: the documented
	// flow's, htmlreport_order.go).
	Specs []HTMLSpec
	// Profiles are the conformance profiles and their levels (profiles.go), shown first.
	Profiles []HTMLProfile
	// Comparison, when set, is this run against an earlier one (comparison.go).
	Comparison *HTMLComparison
}

// Finding is one informational finding, with the requirement it deviates from.
type Finding struct {
	Requirement string // e.g. "ASVS 6.4.2"
	Standard    string // e.g. "OWASP ASVS 5.0"
	Statement   string
}

// Setting is one expectation setting in force during the run.
type HTMLSetting struct {
	Name    string // e.g. "AUTOSHARES_EXPECT_APP_KEY_STATUS"
	Value   string // the value in force, masked
	Default string // the value when the setting is not given; empty: "(none)"
	// Changed marks a value that differs from Default. Loosened marks a change that accepts
	// more than the default does (a weaker claim a sign-off must see); it implies Changed.
	Changed  bool
	Loosened bool
}

// Spec is one spec of the suite and what became of it.
type HTMLSpec struct {
	Text   string   // the full spec text (containers and leaf joined)
	Labels []string // Ginkgo labels, e.g. "step4"
	State  outcome.State
	Checks []Check // the checks the spec declares, each with its state in this spec
	// Failure holds the problem lines of a failing spec (failed, errored, inconclusive,
	// known deviation), masked: each failed check's problems, or what ended the spec.
	Failure string
	// Problems are the failure's problem lines alone, without its reproductions: "What
	// failed" lists them; empty: Failure.
	Problems   string
	Transcript string // the masked HTTP exchanges of a failing spec; may be empty
	SkipReason string // why a spec did not run (skipped, filtered, not reached), naming the setting that would enable it
	Duration   time.Duration
}

// Check is one expectation a spec enforces.
type Check struct {
	ID        string // stable identifier, e.g. "step4.mismatch.status"
	Statement string // what must hold, e.g. "a mismatched confirmation is rejected with a 4xx"
	// Kind says where the expectation comes from: KindDocumented, KindConfigurable,
	// KindBaseline or KindSecurity; anything else is shown as given.
	Kind   string
	Source string // the documentation or standard it enforces, e.g. "docs/password-reset.md, step 4"
	// State is what became of the check in this spec (from its outcome record, or from how
	// the spec ended when it made none).
	State outcome.State
	// Reason, when set, says why the check is in its state (not checked, errored, ...).
	Reason string
}

// The kinds of check.
const (
	KindDocumented   = "documented"   // the API documentation states it
	KindConfigurable = "configurable" // the documentation is silent; the exact value is a setting
	KindBaseline     = "baseline"     // what every client relies on, e.g. a failure is not a 2xx
	KindSecurity     = "security"     // required by a published security standard, which Source names
)

// DefaultTitle is the page title when Run.Title is empty.
const DefaultTitle = "AutoShares conformance report"

// Class is a state as a CSS class and filter value: its words joined by "-".
func Class(s outcome.State) string { return strings.ReplaceAll(string(s), " ", "-") }

// Counts are the totals the summary shows. On the page "check" means a check of the
// catalogue, and only that: the tally of checks in specs is of judgements.
type HTMLCounts struct {
	Specs Tally
	// Checks counts the catalogue's checks, each once, as the profile table does (the sum of
	// its rows: a check the label filter left out is not checked there); empty without profiles.
	Checks Tally
	// Judgements: one per check of each spec, in its state in that spec; a check that two
	// specs apply (or that is judged on every exchange of both) is two judgements.
	Judgements Tally
}

// Tally counts states. Run counts what was judged or ran: passed, failed, errored,
// inconclusive and known deviations.
type Tally struct {
	Total, Run, Passed, Failed, Errored, Inconclusive, KnownDeviation, Skipped, NotChecked, Filtered int
}

func (t *Tally) add(s outcome.State) {
	t.Total++
	switch s {
	case outcome.Passed:
		t.Passed++
	case outcome.Failed:
		t.Failed++
	case outcome.Errored:
		t.Errored++
	case outcome.Inconclusive:
		t.Inconclusive++
	case outcome.KnownDeviation:
		t.KnownDeviation++
	case outcome.Skipped:
		t.Skipped++
	case outcome.NotChecked:
		t.NotChecked++ // its spec ran, or was meant to, but not this check: neither run nor passed
	case outcome.Filtered:
		t.Filtered++
	}
	t.Run = t.Passed + t.Failed + t.Errored + t.Inconclusive + t.KnownDeviation
}

// Count tallies the specs of run, the judgements of their checks and, from the profile
// table, the catalogue's checks.
func Count(run PageRun) HTMLCounts {
	var c HTMLCounts
	for _, s := range run.Specs {
		c.Specs.add(s.State)
		for _, ch := range s.Checks {
			c.Judgements.add(ch.State)
		}
	}
	for _, p := range run.Profiles {
		t := &c.Checks
		t.Total += p.Checks
		t.Passed += p.Passed
		t.Failed += p.Failed
		t.Errored += p.Errored
		t.Inconclusive += p.Inconclusive
		t.KnownDeviation += p.KnownDeviation
		t.Skipped += p.Skipped
		t.NotChecked += p.NotChecked
		t.Run = t.Passed + t.Failed + t.Errored + t.Inconclusive + t.KnownDeviation
	}
	return c
}
