package htmlreport

import (
	_ "embed"
	"html/template"
	"strings"
)

//go:embed failures.html.tmpl
var failuresTemplate string

// The failures, directly under the verdict: a reader's first question is what failed, and
// the page answers it before the profiles, settings and filters.
var _ = template.Must(page.New("failures").Funcs(template.FuncMap{"problemsOnly": problemsOnly}).Parse(failuresTemplate))

// problemsOnly is a failure's problem lines, without its reproduction block: the spec's
// own entry further down shows the whole failure.
func problemsOnly(failure string) string {
	p, _, _ := strings.Cut(failure, "\n\nReproduce:\n")
	return p
}
