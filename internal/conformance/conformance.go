// Package conformance turns a run's spec results into what a sign-off quotes: each check's
// result, each profile's counts and level, and conformance-report.json with the suite's
// version, the (masked) target, the settings in force and the loosenings.
//
// It knows nothing of Ginkgo or of the report files: internal/report hands it the specs
// (SpecOutcome) and the run's facts (Meta), masked.
package conformance

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/autoshares/conformance/internal/checks"
	"github.com/autoshares/conformance/internal/deviations"
)

// File is the report's name in the report directory, beside summary.json.
const File = "conformance-report.json"

// SchemaVersion is the version of the report's shape (schemas/signoff/conformance-report.schema.json).
const SchemaVersion = 1

// State is what became of one check in a run. The same six words are used by every report.
type State string

const (
	Passed     State = "passed"
	Failed     State = "failed"
	NotChecked State = "not checked" // filtered out, not reached, or its spec stopped at another failure first
	Skipped    State = "skipped"     // its spec skipped itself: the configuration cannot serve it
	// KnownDeviation: it failed, and AUTOSHARES_KNOWN_DEVIATIONS lists it: the run does not fail.
	KnownDeviation State = "known deviation"
	// Inconclusive: the target's answers could not settle it (a rate-limit budget ran out).
	Inconclusive State = "inconclusive"
)

// States lists every state, worst first: a check applied by several specs takes the worst.
var States = []State{Failed, KnownDeviation, Inconclusive, Skipped, NotChecked, Passed}

// Levels of a profile.
const (
	// Conformant: every check of the profile ran and passed, and the run loosened no setting.
	Conformant = "conformant"
	// NotConformant: a check of the profile failed, or failed as a known deviation.
	NotConformant = "not conformant"
	// PartiallyConformant: nothing failed, but not every check passed as its default demands
	// (skipped, not checked, inconclusive), or the run loosened a setting.
	PartiallyConformant = "partially conformant"
	// NotTested: no check of the profile passed or failed in this run.
	NotTested = "not tested"
)

// Spec statuses this package reads (internal/report's Status* values).
const (
	specPassed         = "passed"
	specFailed         = "failed"
	specSkipped        = "skipped"
	specKnownDeviation = "known-deviation"
	specInconclusive   = "inconclusive"
	specFiltered       = "filtered"
)

// SpecOutcome is one spec of the run as the reports classified it.
type SpecOutcome struct {
	Name   string
	Checks []string // the check IDs it declares
	Status string   // internal/report's status: passed, failed, skipped, filtered, not-run, pending, known-deviation, inconclusive
	Check  string   // the check its failure (or known deviation) names, "" if none
	Reason string   // the failure's problem lines, or the skip's reason
	// NotChecked are the checks the spec ran without making (its "not checked" report
	// entries), with the reason: not passed, even when the spec passed.
	NotChecked map[string]string
}

// CheckResult is one check in the report.
type CheckResult struct {
	ID         string            `json:"id"`
	Profile    string            `json:"profile"`
	Kind       string            `json:"kind"`
	State      State             `json:"state"`
	Reason     string            `json:"reason,omitempty"`
	Specs      []string          `json:"specs"`
	LoosenedBy []string          `json:"loosened_by,omitempty"`
	Deviation  *deviations.Entry `json:"known_deviation,omitempty"`
}

// Counts are a profile's checks by state.
type Counts struct {
	Checks         int `json:"checks"`
	Passed         int `json:"passed"`
	Failed         int `json:"failed"`
	NotChecked     int `json:"not_checked"`
	Skipped        int `json:"skipped"`
	KnownDeviation int `json:"known_deviation"`
	Inconclusive   int `json:"inconclusive"`
	Loosened       int `json:"loosened"` // passed, under a loosened setting
}

// Profile is one profile's verdict.
type Profile struct {
	Name   string `json:"name"`
	Level  string `json:"level"`
	Why    string `json:"why"`
	Counts Counts `json:"counts"`
}

// Suite names the build of the suite that ran.
type Suite struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Commit   string `json:"commit"`
	Modified bool   `json:"modified"`
}

// Setting is one setting in force, masked.
type Setting struct {
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
	Settings    []Setting // every non-secret setting in force
	Succeeded   bool
}

// Report is conformance-report.json.
type Report struct {
	SchemaVersion   int                `json:"schema_version"`
	Suite           Suite              `json:"suite"`
	Target          string             `json:"target"`
	Embedded        bool               `json:"embedded"`
	Date            time.Time          `json:"date"`
	End             time.Time          `json:"end"`
	LabelFilter     string             `json:"label_filter"`
	Succeeded       bool               `json:"run_succeeded"`
	Settings        []Setting          `json:"settings"`
	Loosenings      []string           `json:"loosenings"`
	KnownDeviations []deviations.Entry `json:"known_deviations"`
	Profiles        []Profile          `json:"profiles"`
	Checks          []CheckResult      `json:"checks"`
}

// Judge gives every check of the catalogue its result in this run. loosened names the
// settings whose value accepts more than its default; devs is the known-deviations list.
func Judge(cat *checks.Catalogue, specs []SpecOutcome, loosened []string, devs []deviations.Entry) []CheckResult {
	byCheck := map[string][]SpecOutcome{}
	for _, sp := range specs {
		for _, id := range sp.Checks {
			byCheck[id] = append(byCheck[id], sp)
		}
	}
	var out []CheckResult
	for _, c := range cat.Checks {
		r := CheckResult{ID: c.ID, Profile: checks.ProfileOf(c), Kind: string(c.Kind), State: NotChecked,
			Reason: "no spec of this run applies it", Specs: []string{}}
		first := true
		specsOf := selectedOf(byCheck[c.ID])
		if c.EveryExchange {
			specsOf = judgedEveryExchange(c.ID, specsOf)
			if len(specsOf) == 0 {
				r.Reason = "no spec of this run passed or failed it"
			}
		}
		for _, sp := range specsOf {
			r.Specs = append(r.Specs, sp.Name)
			st, why := StateIn(c.ID, sp)
			if first || rank(st) < rank(r.State) {
				r.State, r.Reason = st, why
				first = false
			}
		}
		for _, s := range c.Settings {
			if slices.Contains(loosened, s) {
				r.LoosenedBy = append(r.LoosenedBy, s)
			}
		}
		if d, ok := deviations.Find(devs, c.ID); ok {
			r.Deviation = &d
		}
		out = append(out, r)
	}
	return out
}

// selectedOf leaves out the specs the label filter left out, unless no spec of the check
// was selected: a check that another spec of the run made is not "not checked" because
// the slow spec (or a spec of another area) was not asked for. Every-exchange checks,
// declared by every spec, depend on this.
func selectedOf(specs []SpecOutcome) []SpecOutcome {
	var out []SpecOutcome
	for _, sp := range specs {
		if sp.Status != specFiltered {
			out = append(out, sp)
		}
	}
	if len(out) == 0 {
		return specs
	}
	return out
}

// judgedEveryExchange keeps, of the specs declaring an every-exchange check, those that
// judged it: the specs that passed (every exchange of theirs met it) and those whose failure
// names it. Every spec declares such a check, so a spec that failed another check, met a
// known deviation, or skipped itself says nothing of it and must not unmake it.
func judgedEveryExchange(id string, specs []SpecOutcome) []SpecOutcome {
	var out []SpecOutcome
	for _, sp := range specs {
		if sp.Status == specPassed || sp.Check == id {
			out = append(out, sp)
		}
	}
	return out
}

// StateIn is the check's state as one spec that declares it saw it.
func StateIn(id string, sp SpecOutcome) (State, string) {
	if why, ok := sp.NotChecked[id]; ok && sp.Check != id {
		return NotChecked, fmt.Sprintf("the spec %q did not make it: %s", sp.Name, why)
	}
	switch sp.Status {
	case specPassed:
		return Passed, ""
	case specFailed, specKnownDeviation:
		st := Failed
		if sp.Status == specKnownDeviation {
			st = KnownDeviation
		}
		switch sp.Check {
		case id:
			return st, sp.Reason
		case "":
			return NotChecked, fmt.Sprintf("the spec %q failed before judging it: %s", sp.Name, firstLine(sp.Reason))
		}
		return NotChecked, fmt.Sprintf("the spec %q stopped at its failure of %s", sp.Name, sp.Check)
	case specSkipped:
		return Skipped, sp.Reason
	case specInconclusive:
		if sp.Check != "" && sp.Check != id {
			return NotChecked, fmt.Sprintf("the spec %q stopped at its rate-limited exchange for %s", sp.Name, sp.Check)
		}
		return Inconclusive, sp.Reason
	}
	return NotChecked, fmt.Sprintf("the spec %q was %s: %s", sp.Name, sp.Status, sp.Reason)
}

func rank(s State) int { return slices.Index(States, s) }

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// Profiles counts each profile's checks and gives its level. loosened names the run's
// loosened settings: while any is in force no profile is conformant, since a setting's
// effect reaches further than the checks whose catalogue entry lists it (the success
// status, for one, is asked of nearly every spec).
func Profiles(results []CheckResult, loosened []string) []Profile {
	var out []Profile
	for _, name := range checks.Profiles {
		p := Profile{Name: name}
		for _, r := range results {
			if r.Profile != name {
				continue
			}
			c := &p.Counts
			c.Checks++
			switch r.State {
			case Passed:
				c.Passed++
				if len(r.LoosenedBy) > 0 {
					c.Loosened++
				}
			case Failed:
				c.Failed++
			case NotChecked:
				c.NotChecked++
			case Skipped:
				c.Skipped++
			case KnownDeviation:
				c.KnownDeviation++
			case Inconclusive:
				c.Inconclusive++
			}
		}
		p.Level, p.Why = level(p.Counts, loosened)
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
		for _, lower := range checks.SecurityLevelsBelow(p.Name) {
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

func level(c Counts, loosened []string) (string, string) {
	var gaps []string
	add := func(n int, what string) {
		if n > 0 {
			gaps = append(gaps, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(c.Failed, "failed")
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
	case c.Failed+c.KnownDeviation > 0:
		return NotConformant, why
	case c.Passed == 0:
		return NotTested, why
	case c.Passed == c.Checks && c.Loosened == 0 && len(loosened) == 0:
		return Conformant, fmt.Sprintf("all %d check(s) ran and passed under the default expectations", c.Checks)
	}
	return PartiallyConformant, why
}

// Build assembles the report.
func Build(meta Meta, results []CheckResult, devs []deviations.Entry) Report {
	r := Report{SchemaVersion: SchemaVersion, Suite: meta.Suite, Target: meta.Target, Embedded: meta.Embedded,
		Date: meta.Start, End: meta.End, LabelFilter: meta.LabelFilter, Succeeded: meta.Succeeded,
		Settings: meta.Settings, Loosenings: []string{}, KnownDeviations: devs, Checks: results}
	if r.Settings == nil {
		r.Settings = []Setting{}
	}
	if r.KnownDeviations == nil {
		r.KnownDeviations = []deviations.Entry{}
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
func Write(dir string, r Report) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, File), append(b, '\n'), 0o644)
}

// Stale returns a problem for each known deviation whose check passed in this run: the
// entry would otherwise hide a regression of a fixed check.
func Stale(results []CheckResult) []string {
	var out []string
	for _, r := range results {
		if r.Deviation != nil && r.State == Passed {
			out = append(out, deviations.Fixed(*r.Deviation))
		}
	}
	return out
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
