package results

import (
	_ "embed"
	"html/template"
)

// Profile is one row of the profile table at the top of the page: a profile of checks
// (core, baseline, security-l1, security-l2), its level in this run and its counts, as
// conformance-report.json has them.
type HTMLProfile struct {
	Name  string // e.g. "core"
	Level string // conformant, partially conformant, not conformant, not tested
	Why   string // what keeps it from conformant, or why it is
	// The profile's checks by state.
	Checks, Passed, Failed, Errored, NotChecked, Skipped, KnownDeviation, Inconclusive, Loosened int
}

// Class is the CSS class of the level.
func (p HTMLProfile) Class() string {
	switch p.Level {
	case "conformant":
		return "lv-conformant"
	case "not conformant":
		return "lv-not"
	}
	return "lv-partial"
}

//go:embed profiles.html.tmpl
var profilesTemplate string

// The profile table is a template of its own, used by the page's template by name.
var _ = template.Must(page.New("profiles").Parse(profilesTemplate))
