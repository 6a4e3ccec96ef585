package report

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/autoshares/conformance/internal/checks"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/conformance"
	"github.com/autoshares/conformance/internal/deviations"
	"github.com/autoshares/conformance/internal/htmlreport"
	"github.com/autoshares/conformance/internal/verdict"
)

func init() { Owned = append(Owned, conformance.File) }

// SpecOutcomes are the summary's specs as internal/conformance reads them: with the checks
// each declares and the check its failure names.
func SpecOutcomes(sum Summary, cat *checks.Catalogue) []conformance.SpecOutcome {
	var out []conformance.SpecOutcome
	for _, sp := range sum.Specs {
		if sp.Node != "It" {
			continue
		}
		o := conformance.SpecOutcome{Name: sp.Name, Status: outcomeStatus(sp.Status, sp.Reason), Reason: sp.Reason, NotChecked: notCheckedMap(sp.NotChecked)}
		for _, l := range sp.Labels {
			if _, ok := cat.Get(l); ok && !slices.Contains(o.Checks, l) {
				o.Checks = append(o.Checks, l)
			}
		}
		o.Check = FailedCheck(sp.Reason)
		out = append(out, o)
	}
	return out
}

// FailedCheck is the check a failure (or a known deviation's message) names, "" if none: a
// known deviation's entry first, since its message starts "[known deviation] ".
func FailedCheck(failure string) string {
	if id := deviations.CheckOf(failure); id != "" {
		return id
	}
	return verdict.CheckID(failure)
}

// outcomeStatus is a spec's status as internal/conformance reads it: a failure that is only
// the rate limit outlasting the budget is inconclusive, not a failed check.
func outcomeStatus(status, reason string) string {
	if status == StatusFailed && NotProven(reason) {
		return StatusInconclusive
	}
	return status
}

// notCheckedMap is a spec's not-checked entries by check ID, as SpecOutcome holds them.
func notCheckedMap(ns []NotChecked) map[string]string {
	if len(ns) == 0 {
		return nil
	}
	m := map[string]string{}
	for _, n := range ns {
		if _, ok := m[n.Check]; !ok {
			m[n.Check] = n.Reason
		}
	}
	return m
}

// Conformance is the run's conformance report, from its (masked) summary.
func Conformance(sum Summary, cat *checks.Catalogue) conformance.Report {
	var loosened []string
	expect := map[string]Setting{}
	for _, s := range sum.Settings {
		expect[s.Name] = s
		if s.Loosened {
			loosened = append(loosened, s.Name)
		}
	}
	results := conformance.Judge(cat, SpecOutcomes(sum, cat), loosened, sum.KnownDeviations)
	meta := conformance.Meta{
		Suite:  conformance.Suite{Module: sum.Suite.Module, Version: sum.Suite.Version, Commit: sum.Suite.Commit, Modified: sum.Suite.Modified},
		Target: sum.Target, Embedded: sum.Embedded, Start: sum.Start, End: sum.End, LabelFilter: sum.LabelFilter,
		Succeeded: sum.Succeeded,
	}
	// Every non-secret setting in force; only the expectation settings can be loosened.
	for _, s := range config.Settings() {
		if s.Secret {
			continue
		}
		v, ok := sum.InForce[s.Env]
		if e, isExpect := expect[s.Env]; isExpect {
			v, ok = e.Value, true
		}
		if !ok {
			continue
		}
		_, isExpect := expect[s.Env]
		meta.Settings = append(meta.Settings, conformance.Setting{Name: s.Env, Value: v, Default: s.Default,
			Changed: v != s.Default, Loosened: isExpect && slices.Contains(loosened, s.Env)})
	}
	return conformance.Build(meta, results, sum.KnownDeviations)
}

// htmlProfiles is the profile table of report.html.
func htmlProfiles(r conformance.Report) []htmlreport.Profile {
	var out []htmlreport.Profile
	for _, p := range r.Profiles {
		c := p.Counts
		out = append(out, htmlreport.Profile{Name: p.Name, Level: p.Level, Why: p.Why, Checks: c.Checks, Passed: c.Passed,
			Failed: c.Failed, NotChecked: c.NotChecked, Skipped: c.Skipped, KnownDeviation: c.KnownDeviation,
			Inconclusive: c.Inconclusive, Loosened: c.Loosened})
	}
	return out
}

// deviated lists the specs that met a known deviation, with its entry.
func deviated(s Summary) []string {
	var out []string
	for _, sp := range s.Specs {
		if sp.Status == StatusKnownDeviation {
			entry, _, _ := strings.Cut(sp.Reason, "\n")
			out = append(out, fmt.Sprintf("- %s\n    %s", sp.Name, strings.TrimPrefix(entry, deviations.Mark)))
		}
	}
	sort.Strings(out)
	return out
}
