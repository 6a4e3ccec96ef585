package htmlreport

import (
	_ "embed"
	"html/template"
)

// Comparison is the run compared with an earlier one (AUTOSHARES_COMPARE_WITH).
type Comparison struct {
	Previous string // which run, in words
	Groups   []ComparisonGroup
}

// ComparisonGroup is one list of checks: newly failing, fixed, still failing, newly not checked.
type ComparisonGroup struct {
	Name   string
	Class  string // the status class it is coloured as: failed, passed, skipped
	Checks []string
}

//go:embed comparison.html.tmpl
var comparisonTemplate string

var _ = template.Must(page.New("comparison").Parse(comparisonTemplate))
