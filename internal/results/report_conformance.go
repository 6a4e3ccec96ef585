package results

import (
	"slices"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/config"
)

func init() { Owned = append(Owned, ConformanceFile) }

// conformanceOf is the run's conformance report, from the model's specs and summary: built
// once per run (Build).
func conformanceOf(m Model, cat *catalogue.Catalogue) Report {
	sum := m.Summary
	var loosened []string
	expect := map[string]Setting{}
	for _, s := range sum.Settings {
		expect[s.Name] = s
		if s.Loosened {
			loosened = append(loosened, s.Name)
		}
	}
	specs := make([]SpecOutcome, len(m.Specs))
	for i, s := range m.Specs {
		specs[i] = s.SpecOutcome
	}
	results := Judge(cat, specs, loosened, sum.KnownDeviations)
	meta := Meta{
		Suite:  Suite{Module: sum.Suite.Module, Version: sum.Suite.Version, Commit: sum.Suite.Commit, Modified: sum.Suite.Modified},
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
		meta.Settings = append(meta.Settings, ConformanceSetting{Name: s.Env, Value: v, Default: s.Default,
			Changed: v != s.Default, Loosened: isExpect && slices.Contains(loosened, s.Env)})
	}
	return BuildConformance(meta, results, sum.KnownDeviations)
}

// htmlProfiles is the profile table of report.html.
func htmlProfiles(r Report) []HTMLProfile {
	var out []HTMLProfile
	for _, p := range r.Profiles {
		c := p.Counts
		out = append(out, HTMLProfile{Name: p.Name, Level: p.Level, Why: p.Why, Checks: c.Checks, Passed: c.Passed,
			Failed: c.Failed, Errored: c.Errored, NotChecked: c.NotChecked, Skipped: c.Skipped, KnownDeviation: c.KnownDeviation,
			Inconclusive: c.Inconclusive, Loosened: c.Loosened})
	}
	return out
}
