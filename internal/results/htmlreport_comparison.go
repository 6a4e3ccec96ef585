package results

import (
	_ "embed"
	"html/template"
)

// Comparison is the run compared with an earlier one (AUTOSHARES_COMPARE_WITH).
type HTMLComparison struct {
	// Warning, when set, says the runs differ in target, label filter or suite version:
	// shown first.
	Warning  string
	Previous string // which run, in words
	Groups   []ComparisonGroup
}

// ComparisonGroup is one list of checks: newly failing, failing differently, fixed, still failing, newly not checked.
type ComparisonGroup struct {
	Name   string
	Class  string // the status class it is coloured as: failed, passed, skipped
	Checks []string
}

//go:embed comparison.html.tmpl
var comparisonTemplate string

var _ = template.Must(page.New("comparison").Parse(comparisonTemplate))
