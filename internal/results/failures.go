package results

import (
	_ "embed"
	"html/template"
)

//go:embed failures.html.tmpl
var failuresTemplate string

// The failures, directly under the verdict: a reader's first question is what failed, and
// the page answers it before the profiles, settings and filters.
var _ = template.Must(page.New("failures").Parse(failuresTemplate))
