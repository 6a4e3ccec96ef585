// Package conformance turns a run's spec results into what a sign-off quotes: each check's
// result, each profile's counts and level, and conformance-report.json with the suite's
// version, the (masked) target, the settings in force and the loosenings.
//
// It knows nothing of Ginkgo or of the report files: internal/results hands it the specs
// (SpecOutcome, joined from the outcome records and Ginkgo's report) and the run's facts
// (Meta), masked. Its states are outcome.States, the words of every report.
package results

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/outcome"
)

// File is the report's name in the report directory, beside summary.json.
const ConformanceFile = "conformance-report.json"

// SchemaVersion is the version of the report's shape (schemas/signoff/conformance-report.schema.json).
const ConformanceSchemaVersion = 2

// Levels of a profile.
const (
	// Conformant: every check of the profile ran and passed, and the run loosened no setting.
	Conformant = "conformant"
	// NotConformant: a check of the profile failed, errored, or failed as a known deviation.
	NotConformant = "not conformant"
	// PartiallyConformant: nothing failed, but not every check passed as its default demands
	// (skipped, not checked, inconclusive), or the run loosened a setting.
	PartiallyConformant = "partially conformant"
	// NotTested: no check of the profile passed or failed in this run.
	NotTested = "not tested"
)

// CheckOutcome is one check as one spec that declares it left it: the state its records
// (or, without one, Ginkgo's end of the spec) give it, in the words of outcome.States.
type CheckOutcome struct {
	ID     string
	State  outcome.State
	Reason string
	// Signature identifies a failure (failed or known deviation): set only from a record.
	Signature *outcome.Signature
	// Deviation is the known-deviations entry the record met; DeviationMismatch: the check
	// failed differently from what that entry accepts.
	Deviation         *outcome.DeviationRef
	DeviationMismatch bool
	// Judged: a record of the spec judged the check. An every-exchange check counts only
	// from the specs that judged it: every spec declares it.
	Judged bool
}

// SpecOutcome is one spec of the run, joined from its records and Ginkgo's report by
// internal/results.
type SpecOutcome struct {
	Name   string
	State  outcome.State // the spec's own state: Filtered when the label filter left it out
	Checks []CheckOutcome
}

// CheckResult is one check in the report.
type CheckResult struct {
	ID         string             `json:"id"`
	Profile    string             `json:"profile"`
	Kind       string             `json:"kind"`
	State      outcome.State      `json:"state"`
	Reason     string             `json:"reason,omitempty"`
	Signature  *outcome.Signature `json:"signature,omitempty"` // of a failure, from its record
	Specs      []string           `json:"specs"`
	LoosenedBy []string           `json:"loosened_by,omitempty"`
	Deviation  *config.Entry      `json:"known_deviation,omitempty"`
	// DeviationMismatch names the known-deviation entry the check's failure did not match
	// (it failed, but not as the entry records): the run fails, naming the entry.
	DeviationMismatch *outcome.DeviationRef `json:"deviation_mismatch,omitempty"`
}

// Counts are a profile's checks by state.
type ProfileCounts struct {
	Checks         int `json:"checks"`
	Passed         int `json:"passed"`
	Failed         int `json:"failed"`
	Errored        int `json:"errored"`
	NotChecked     int `json:"not_checked"`
	Skipped        int `json:"skipped"`
	KnownDeviation int `json:"known_deviation"`
	Inconclusive   int `json:"inconclusive"`
	Loosened       int `json:"loosened"` // passed, under a loosened setting
}

// Profile is one profile's verdict.
type Profile struct {
	Name   string        `json:"name"`
	Level  string        `json:"level"`
	Why    string        `json:"why"`
	Counts ProfileCounts `json:"counts"`
}

// Suite names the build of the suite that ran.
type Suite struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Commit   string `json:"commit"`
	Modified bool   `json:"modified"`
}

// Setting is one setting in force, masked.
type ConformanceSetting struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Default  string `json:"default"`
	Changed  bool   `json:"changed"`
	Loosened bool   `json:"loosened"`
}

// Meta is what the report says about the run besides its checks. Every value masked.
type Meta struct {
	Suite       Suite
	Target      string
	Embedded    bool
	Start, End  time.Time
	LabelFilter string
	Settings    []ConformanceSetting // every non-secret setting in force
	Succeeded   bool
}

// Report is conformance-report.json.
type Report struct {
	SchemaVersion   int                  `json:"schema_version"`
	Suite           Suite                `json:"suite"`
	Target          string               `json:"target"`
	Embedded        bool                 `json:"embedded"`
	Date            time.Time            `json:"date"`
	End             time.Time            `json:"end"`
	LabelFilter     string               `json:"label_filter"`
	Succeeded       bool                 `json:"run_succeeded"`
	Settings        []ConformanceSetting `json:"settings"`
	Loosenings      []string             `json:"loosenings"`
	KnownDeviations []config.Entry       `json:"known_deviations"`
	Profiles        []Profile            `json:"profiles"`
	Checks          []CheckResult        `json:"checks"`
}

// Judge gives every check of the catalogue its result in this run: the worst of its states
// across the specs that declare it (outcome.States order). loosened names the settings whose
// value accepts more than its default; devs is the known-deviations list.
func Judge(cat *catalogue.Catalogue, specs []SpecOutcome, loosened []string, devs []config.Entry) []CheckResult {
	type seen struct {
		spec  SpecOutcome
		check CheckOutcome
	}
	byCheck := map[string][]seen{}
	for _, sp := range specs {
		for _, c := range sp.Checks {
			byCheck[c.ID] = append(byCheck[c.ID], seen{sp, c})
		}
	}
	var out []CheckResult
	for _, c := range cat.Checks {
		r := CheckResult{ID: c.ID, Profile: catalogue.ProfileOf(c), Kind: string(c.Kind), State: outcome.NotChecked,
			Reason: "no spec of this run applies it", Specs: []string{}}
		all := byCheck[c.ID]
		if c.EveryExchange {
			// Judged only by the specs that judged it: the others say nothing of it.
			all = slices.DeleteFunc(slices.Clone(all), func(s seen) bool { return !s.check.Judged })
			if len(all) == 0 {
				r.Reason = "no spec of this run judged it"
			}
		}
		// A check that another spec of the run made is not "not checked" because the slow
		// spec (or a spec of another area) was not asked for.
		if sel := slices.DeleteFunc(slices.Clone(all), func(s seen) bool { return s.spec.State == outcome.Filtered }); len(sel) > 0 {
			all = sel
		}
		for i, s := range all {
			r.Specs = append(r.Specs, s.spec.Name)
			if i == 0 || outcome.Worse(s.check.State, r.State) {
				r.State, r.Reason, r.Signature = s.check.State, s.check.Reason, s.check.Signature
			}
			if s.check.DeviationMismatch && r.DeviationMismatch == nil {
				r.DeviationMismatch = &outcome.DeviationRef{Check: c.ID}
				if s.check.Deviation != nil {
					r.DeviationMismatch = s.check.Deviation
				}
			}
		}
		for _, s := range c.Settings {
			if slices.Contains(loosened, s) {
				r.LoosenedBy = append(r.LoosenedBy, s)
			}
		}
		if d, ok := config.Find(devs, c.ID); ok {
			r.Deviation = &d
		}

		out = append(out, r)
	}
	return out
}

// maxNamedUnchecked: a profile's reason names its not-checked checks, and why, up to this many.
const maxNamedUnchecked = 3

// Profiles counts each profile's checks and gives its level. loosened names the run's
// loosened settings: while any is in force no profile is conformant, since a setting's
// effect reaches further than the checks whose catalogue entry lists it (the success
// status, for one, is asked of nearly every spec).
func Profiles(results []CheckResult, loosened []string) []Profile {
	var out []Profile
	for _, name := range catalogue.Profiles {
		p := Profile{Name: name}
		var filtered []string  // the checks the label filter left out, named in Why
		var unchecked []string // the checks a spec did not check, named in Why with why
		for _, r := range results {
			if r.Profile != name {
				continue
			}
			switch r.State {
			case outcome.Filtered:
				filtered = append(filtered, r.ID)
			case outcome.NotChecked:
				named := r.ID
				if r.Reason != "" {
					named += " (" + r.Reason + ")"
				}
				unchecked = append(unchecked, named)
			}
			c := &p.Counts
			c.Checks++
			switch r.State {
			case outcome.Passed:
				c.Passed++
				if len(r.LoosenedBy) > 0 {
					c.Loosened++
				}
			case outcome.Failed:
				c.Failed++
			case outcome.Errored:
				c.Errored++
			case outcome.NotChecked, outcome.Filtered:
				c.NotChecked++
			case outcome.Skipped:
				c.Skipped++
			case outcome.KnownDeviation:
				c.KnownDeviation++
			case outcome.Inconclusive:
				c.Inconclusive++
			}
		}
		p.Level, p.Why = level(p.Counts, loosened)
		if len(unchecked) > 0 && len(unchecked) <= maxNamedUnchecked {
			// Named with why, so a "partially conformant" says what is missing and how to
			// have it; more than a few are a run that could not check much, said by counts.
			p.Why += "; not checked: " + strings.Join(unchecked, "; ")
		}
		if len(filtered) > 0 {
			// Named, with how to include them: a default run leaves the slow spec out.
			p.Why += fmt.Sprintf("; left out by the label filter: %s (a filter naming a check runs its specs, e.g. LABELS=%s)",
				strings.Join(filtered, ", "), filtered[0])
		}
		out = append(out, p)
	}
	holdLowerLevels(out)
	return out
}

// holdLowerLevels: an ASVS level includes every lower one, so a security profile is
// conformant only when every lower level is too; one that failed below is not conformant.
// The lowest level holding it back is named; the counts stay the profile's own.
func holdLowerLevels(ps []Profile) {
	levels := map[string]string{}
	for i, p := range ps {
		for _, lower := range catalogue.SecurityLevelsBelow(p.Name) {
			l, ok := levels[lower]
			if !ok || l == Conformant || (l != NotConformant && p.Level != Conformant) || p.Level == NotConformant {
				continue
			}
			held := lower + " is " + l + ", and a level includes every lower one"
			switch {
			case p.Level == Conformant:
				ps[i].Why = "its own checks passed, but " + held
			case p.Why == "":
				ps[i].Why = held
			default:
				ps[i].Why = p.Why + "; " + held
			}
			ps[i].Level = PartiallyConformant
			if l == NotConformant {
				ps[i].Level = NotConformant
			}
			break
		}
		levels[p.Name] = ps[i].Level
	}
}

func level(c ProfileCounts, loosened []string) (string, string) {
	var gaps []string
	add := func(n int, what string) {
		if n > 0 {
			gaps = append(gaps, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(c.Failed, "failed")
	add(c.Errored, "errored")
	add(c.KnownDeviation, "known deviation(s)")
	add(c.Inconclusive, "inconclusive")
	add(c.Skipped, "skipped")
	add(c.NotChecked, "not checked")
	add(c.Loosened, "passed under a loosened setting")
	if len(loosened) > 0 {
		gaps = append(gaps, "the run loosened "+strings.Join(loosened, ", "))
	}
	why := strings.Join(gaps, ", ")
	switch {
	case c.Checks == 0:
		return NotTested, "no check belongs to this profile"
	case c.Failed+c.Errored+c.KnownDeviation > 0:
		return NotConformant, why
	case c.Passed == 0:
		return NotTested, why
	case c.Passed == c.Checks && c.Loosened == 0 && len(loosened) == 0:
		return Conformant, fmt.Sprintf("all %d check(s) ran and passed under the default expectations", c.Checks)
	}
	return PartiallyConformant, why
}

// Build assembles the report.
func BuildConformance(meta Meta, results []CheckResult, devs []config.Entry) Report {
	r := Report{SchemaVersion: ConformanceSchemaVersion, Suite: meta.Suite, Target: meta.Target, Embedded: meta.Embedded,
		Date: meta.Start, End: meta.End, LabelFilter: meta.LabelFilter, Succeeded: meta.Succeeded,
		Settings: meta.Settings, Loosenings: []string{}, KnownDeviations: devs, Checks: results}
	if r.Settings == nil {
		r.Settings = []ConformanceSetting{}
	}
	if r.KnownDeviations == nil {
		r.KnownDeviations = []config.Entry{}
	}
	for _, s := range meta.Settings {
		if s.Loosened {
			r.Loosenings = append(r.Loosenings, s.Name)
		}
	}
	sort.Strings(r.Loosenings)
	r.Profiles = Profiles(results, r.Loosenings)
	return r
}

// Write writes the report as dir/conformance-report.json.
func WriteConformance(dir string, r Report) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ConformanceFile), append(b, '\n'), 0o644)
}

// Stale returns a problem for each known deviation whose check passed in this run: the
// entry would otherwise hide a regression of a fixed check.
func Stale(results []CheckResult) []string {
	var out []string
	for _, r := range results {
		if r.Deviation != nil && r.State == outcome.Passed {
			out = append(out, config.Fixed(*r.Deviation))
		}
	}
	return out
}

// Mismatches returns a problem for each check that failed differently from what its
// known-deviation entry accepts: the entry hides only the failure it records.
func Mismatches(results []CheckResult) []string {
	var out []string
	for _, r := range results {
		if r.DeviationMismatch == nil {
			continue
		}
		entry := fmt.Sprintf("entry for %s (%s)", r.DeviationMismatch.Check, r.DeviationMismatch.Ticket)
		if r.Deviation != nil {
			entry = r.Deviation.String()
		}
		out = append(out, fmt.Sprintf("%s failed, but not as the known deviation %s records: %s", r.ID, entry, conformanceFirstLine(r.Reason)))
	}
	return out
}

func conformanceFirstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// Table is the profiles as text, for the console.
func Table(ps []Profile) string {
	var b strings.Builder
	b.WriteString("Profiles:\n")
	for _, p := range ps {
		fmt.Fprintf(&b, "  %-12s %-21s %d/%d passed", p.Name, p.Level, p.Counts.Passed, p.Counts.Checks)
		if p.Level != Conformant && p.Why != "" {
			fmt.Fprintf(&b, " (%s)", p.Why)
		}
		b.WriteString("\n")
	}
	return b.String()
}
