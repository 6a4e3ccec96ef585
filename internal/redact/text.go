package redact

import (
	"regexp"
	"strings"
)

// Text masks free text that quotes HTTP exchanges in a form of its own, such as a pact
// verifier's mismatch report: every known secret value (String), and by name the value
// of any secret JSON field ("Token": "...", escaped quotes included) and of any secret
// header written as "Name: value" or "Name=value", whatever the value is.
func (r *Redactor) Text(s string) string {
	s = secretFieldText.ReplaceAllString(s, `${1}"`+Mask+`"`)
	s = secretHeaderText.ReplaceAllString(s, "${1}"+Mask)
	return r.String(s)
}

var (
	secretFieldText  = regexp.MustCompile(`(?i)(\\?"(?:` + alternatives(SecretFields) + `)\\?"\s*:\s*)\\?"(?:[^"\\]|\\[^"])*\\?"`)
	secretHeaderText = regexp.MustCompile(`(?im)((?:^|[\s'"{,(])(?:` + alternatives(SecretHeaders) + `)['"]?\s*[:=]\s*['"]?)[^\s'",})]+`)
)

func alternatives(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = regexp.QuoteMeta(n)
	}
	return strings.Join(q, "|")
}
