// Package selection decides which specs a run selects: the label filter the user gave, with
// the specs that must be asked for by name (the slow spec, which waits out a token lifetime)
// left out otherwise; and, after the run, whether the filter selected anything at all, with
// the nearest existing label when it did not.
package config

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// OnlyWhenAsked are labels whose specs run only when a filter names them: a release run
// with LABELS=step4 must not wait half an hour for a token to expire.
var OnlyWhenAsked = []string{"slow"}

// DefaultExclusion is what Filter adds to a filter that names none of OnlyWhenAsked.
const DefaultExclusion = "!slow"

// Filter returns the label filter a run uses for the user's filter: the user's own when it
// names one of Askers (the slow spec's label, check ID or topic), else the user's with the
// specs of OnlyWhenAsked left out.
func Filter(user string) string {
	user = strings.TrimSpace(user)
	for _, l := range askers() {
		if names(user, l) {
			return user
		}
	}
	if user == "" {
		return DefaultExclusion
	}
	return "(" + user + ") && " + DefaultExclusion
}

// IsDefault reports whether a filter in force is only the default exclusion: the run
// selected every spec it could.
func IsDefault(filter string) bool { return strings.TrimSpace(filter) == DefaultExclusion }

// User recovers the user's filter from the one in force ("" for none).
func User(filter string) string {
	if IsDefault(filter) {
		return ""
	}
	if s, ok := strings.CutSuffix(filter, ") && "+DefaultExclusion); ok && strings.HasPrefix(s, "(") {
		return s[1:]
	}
	return filter
}

// names reports whether the filter mentions label as a whole word.
func names(filter, label string) bool {
	return regexp.MustCompile(`(^|[^A-Za-z0-9._:-])` + regexp.QuoteMeta(label) + `($|[^A-Za-z0-9._:-])`).MatchString(filter)
}

// words are the label names a filter mentions.
var words = regexp.MustCompile(`[A-Za-z0-9][A-Za-z0-9._:-]*`)

// NothingSelected explains a filter that selected no spec: the labels it names that no spec
// has, with the nearest existing one, and the area labels that exist (isCheck tells check
// IDs apart: there are many, and docs/CHECKS.md lists them).
func NothingSelected(userFilter string, known []string, isCheck func(string) bool) string {
	set := map[string]bool{}
	for _, k := range known {
		set[k] = true
	}
	var b strings.Builder
	fmt.Fprintf(&b, "LABELS=%q selects no spec, so this run proved nothing.\n", userFilter)
	for _, w := range words.FindAllString(userFilter, -1) {
		if !set[w] {
			fmt.Fprintf(&b, "  - no spec has the label %q", w)
			if n := Nearest(w, known); n != "" {
				fmt.Fprintf(&b, "; did you mean %q?", n)
			}
			b.WriteString("\n")
		}
	}
	var areas []string
	checks := 0
	for _, k := range known {
		if isCheck(k) {
			checks++
		} else {
			areas = append(areas, k)
		}
	}
	sort.Strings(areas)
	fmt.Fprintf(&b, "The area labels: %s; and %d check IDs (docs/CHECKS.md), each a label of the specs of that check.", strings.Join(areas, ", "), checks)
	return b.String()
}
