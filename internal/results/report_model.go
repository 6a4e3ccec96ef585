package results

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/outcome"
)

// Model is one run, built once on process 1 from the outcome records every process wrote,
// joined with Ginkgo's (masked) report and the run's facts. Every report (summary.json,
// conformance-report.json, comparison.json, JUnit, report.html, the console verdict, the CI
// job summary) is rendered from it; none reads another report or a message back.
type Model struct {
	Report      types.Report // masked
	Specs       []Spec       // every It node, in the report's order
	Summary     Summary
	Conformance Report
	Comparison  *Comparison // nil when the run is compared with none
}

// Spec is one spec of the run: its state and each check it declares with its state in it,
// from its records or, for a check without one, from how Ginkgo saw the spec end.
type Spec struct {
	SpecOutcome
	Reason  string // why the spec is in its state: the skip's message, what ended it, ...
	Report  types.SpecReport
	Records []outcome.Record
	Pending bool // marked pending (its state is skipped)
	NotRun  bool // not reached: a setup failure, --fail-fast or an interrupt (its state is not checked)
}

// Failing are the spec's records of failures (failed, known deviation, inconclusive, errored
// with a check), in the order the spec made them.
func (s Spec) Failing() []outcome.Record {
	var out []outcome.Record
	for _, r := range s.Records {
		if r.State.Failing() || r.State == outcome.KnownDeviation || r.State == outcome.Inconclusive {
			out = append(out, r)
		}
	}
	return out
}

// ginkgoEnd is how Ginkgo saw a spec end, in the words of outcome.States, before any record
// is joined: a spec Ginkgo failed is errored here (its records say which check failed).
// The reason shows what Ginkgo reports as it is.
func ginkgoEnd(sp types.SpecReport, rep types.Report) (outcome.State, string) {
	switch {
	case sp.State == types.SpecStatePassed:
		return outcome.Passed, ""
	case sp.State.Is(types.SpecStateFailureStates):
		msg := sp.Failure.Message
		switch sp.State {
		case types.SpecStatePanicked:
			msg = "the spec panicked: " + sp.Failure.ForwardedPanic
		case types.SpecStateTimedout:
			msg = "the spec timed out: " + msg
		case types.SpecStateInterrupted:
			msg = "the spec was interrupted: " + msg
		case types.SpecStateAborted:
			msg = "the spec was aborted: " + msg
		}
		return outcome.Errored, strings.TrimSpace(msg)
	case sp.State == types.SpecStatePending:
		return outcome.Skipped, "marked pending"
	case sp.Failure.Message != "":
		return outcome.Skipped, sp.Failure.Message
	}
	if why, filtered := filteredWhy(sp, rep); filtered {
		return outcome.Filtered, why
	}
	return outcome.NotChecked, notReached
}

const notReached = "not reached: a setup failure, --fail-fast or an interrupt stopped the run first"

// filteredWhy says whether the run's filters left the spec out (Ginkgo skipped it without a
// word), and which.
func filteredWhy(sp types.SpecReport, rep types.Report) (string, bool) {
	cfg := rep.SuiteConfig
	if cfg.LabelFilter != "" {
		if match, err := types.ParseLabelFilter(cfg.LabelFilter); err == nil && !match(append(append([]string{}, rep.SuiteLabels...), sp.Labels()...)) {
			return fmt.Sprintf("not selected by the label filter %q", cfg.LabelFilter), true
		}
	}
	if len(cfg.FocusStrings)+len(cfg.SkipStrings)+len(cfg.FocusFiles)+len(cfg.SkipFiles) > 0 || rep.SuiteHasProgrammaticFocus {
		return "not selected by --focus, --skip or a focused spec", true
	}
	return "", false
}

// recordsBySpec groups records by their spec's full text, for recordsOf.
func recordsBySpec(records []outcome.Record) map[string][]outcome.Record {
	out := map[string][]outcome.Record{}
	for _, r := range records {
		out[r.Spec] = append(out[r.Spec], r)
	}
	return out
}

// recordsOf returns the records of spec sp: those naming it, from the process that ran it.
func recordsOf(sp types.SpecReport, byName map[string][]outcome.Record) []outcome.Record {
	var out []outcome.Record
	for _, r := range byName[sp.FullText()] {
		if r.Process == 0 || sp.ParallelProcess == 0 || r.Process == sp.ParallelProcess {
			out = append(out, r)
		}
	}
	return out
}

// joinSpec joins one spec's records with how Ginkgo saw it end (see docs/REPORTS.md, "How
// a check gets its state").
func joinSpec(sp types.SpecReport, rep types.Report, recs []outcome.Record, cat *catalogue.Catalogue) Spec {
	end, why := ginkgoEnd(sp, rep)
	s := Spec{SpecOutcome: SpecOutcome{Name: sp.FullText()}, Report: sp, Records: recs,
		Pending: sp.State == types.SpecStatePending, NotRun: end == outcome.NotChecked}
	// What ended the spec outside any check, as a record says it.
	errored := ""
	for _, r := range recs {
		if r.Check == "" && r.State == outcome.Errored {
			errored = cmp.Or(r.Reason, why, "the spec failed outside any check")
		}
	}
	explained := slices.ContainsFunc(recs, func(r outcome.Record) bool {
		return r.Check != "" && (r.State.Failing() || r.State == outcome.KnownDeviation || r.State == outcome.Inconclusive)
	})
	// The state of a declared check the spec made no record of.
	unjudged, unjudgedWhy := end, why
	switch {
	case errored != "":
		unjudged, unjudgedWhy = outcome.Errored, errored
	case end == outcome.Errored && !explained:
		// Ginkgo failed the spec, and no check it judged says why: a transport error, a
		// timeout, a panic, a state that could not be set up.
	case end == outcome.Errored && sp.State != types.SpecStateFailed:
		// A timeout, panic or interrupt after a failed check: still outside any check.
	case end == outcome.Errored, end == outcome.Passed:
		unjudged, unjudgedWhy = outcome.NotChecked, "the spec did not judge it"
	}
	ids := declared(sp, cat)
	for _, r := range recs {
		// A record of a check the spec does not declare still counts: nothing is dropped.
		if r.Check != "" && !slices.Contains(ids, r.Check) {
			ids = append(ids, r.Check)
		}
	}
	for _, id := range ids {
		c := CheckOutcome{ID: id}
		var mine []outcome.Record
		for _, r := range recs {
			if r.Check == id {
				mine = append(mine, r)
			}
		}
		if len(mine) == 0 {
			if ch, _ := cat.Get(id); ch.EveryExchange {
				continue // every spec declares it; this one did not judge it
			}
			c.State, c.Reason = unjudged, unjudgedWhy
			s.Checks = append(s.Checks, c)
			continue
		}
		c.Judged = true
		worst := mine[0]
		for _, r := range mine[1:] {
			if outcome.Worse(r.State, worst.State) {
				worst = r
			}
		}
		c.State, c.Reason = worst.State, recordReason(worst)
		if worst.State.Failing() || worst.State == outcome.KnownDeviation {
			sig := worst.Signature()
			c.Signature = &sig
		}
		for _, r := range mine {
			if r.Deviation != nil && (c.Deviation == nil || r.DeviationMismatch) {
				c.Deviation = r.Deviation
			}
			c.DeviationMismatch = c.DeviationMismatch || r.DeviationMismatch
		}
		s.Checks = append(s.Checks, c)
	}
	// The spec's own state: the worst failure its checks show, else what ended it.
	s.State, s.Reason = end, why
	if errored != "" {
		s.State, s.Reason = outcome.Errored, errored
	}
	worst := outcome.State("")
	for _, c := range s.Checks {
		if isFailingish(c.State) && (worst == "" || outcome.Worse(c.State, worst)) {
			worst, s.State, s.Reason = c.State, c.State, c.Reason
		}
	}
	return s
}

func isFailingish(s outcome.State) bool {
	return s.Failing() || s == outcome.KnownDeviation || s == outcome.Inconclusive
}

// recordReason is a record's reason in words: its Reason, or its problems' lines.
func recordReason(r outcome.Record) string {
	if r.Reason != "" {
		return r.Reason
	}
	lines := make([]string, 0, len(r.Problems))
	for _, p := range r.Problems {
		lines = append(lines, "- "+p.Text)
	}
	return strings.Join(lines, "\n")
}

// declared are the catalogue checks a spec declares (its own labels), in order, once each.
func declared(sp types.SpecReport, cat *catalogue.Catalogue) []string {
	var out []string
	for _, l := range sp.LeafNodeLabels {
		if _, ok := cat.Get(l); ok && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// Build builds the run's model, once: masked is Ginkgo's report with every secret masked,
// records every process's outcome records (masked where they were made), run the run's
// facts (masked). Process 1 calls it through Write.
func Build(masked types.Report, records []outcome.Record, run Run, v Version, cat *catalogue.Catalogue) Model {
	m := Model{Report: masked}
	byName := recordsBySpec(records)
	for _, sp := range masked.SpecReports {
		if sp.LeafNodeType == types.NodeTypeIt {
			m.Specs = append(m.Specs, joinSpec(sp, masked, recordsOf(sp, byName), cat))
		}
	}
	m.Summary = summarize(m, run, v, cat)
	m.Conformance = conformanceOf(m, cat)
	m.Summary.Checks = m.Conformance.Checks
	// The run's problems the checks show: a known deviation that failed differently, and
	// one whose check passed (the entry would hide its next regression).
	extra := append(Mismatches(m.Conformance.Checks), Stale(m.Conformance.Checks)...)
	if len(extra) > 0 {
		m.Summary.Problems = append(slices.Clone(m.Summary.Problems), extra...)
		m.Summary.Succeeded = false
		m.Conformance.Succeeded = false
	}
	m.Summary.RateLimit = rateLimitOf(m)
	m.Comparison = compare(m.Summary)
	return m
}

// rateLimitOf completes the run's rate-limit counters with the specs its records call
// inconclusive.
func rateLimitOf(m Model) RateLimit {
	rl := m.Summary.RateLimit
	rl.NotProven, rl.Inconclusive = 0, false
	failed := 0
	for _, s := range m.Specs {
		switch {
		case s.State == outcome.Inconclusive:
			rl.NotProven++
		case s.State.Failing():
			failed++
		}
	}
	rl.Inconclusive = rl.NotProven > 0 && failed == 0
	return rl
}

// notChecked lists every check a spec that ran did not make, with its reason, marking
// those on by default: a check none of whose catalogue settings is loosened.
func notChecked(specs []Spec, settings []Setting, cat *catalogue.Catalogue) []NotCheckedSpec {
	loosened := LoosenedNames(settings)
	out := []NotCheckedSpec{}
	for _, s := range specs {
		if s.NotRun {
			continue // not reached: counted apart
		}
		for _, c := range s.Checks {
			if c.State != outcome.NotChecked {
				continue
			}
			n := NotCheckedSpec{Check: c.ID, Reason: c.Reason, Spec: s.Name, DefaultOn: true}
			if ch, ok := cat.Get(c.ID); ok {
				for _, st := range ch.Settings {
					if slices.Contains(loosened, st) {
						n.DefaultOn = false
					}
				}
			}
			out = append(out, n)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Check+out[i].Spec < out[j].Check+out[j].Spec })
	return out
}
