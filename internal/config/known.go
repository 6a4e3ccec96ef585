package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/catalogue"
)

// ContainerLabels are the labels spec containers add beyond the catalogue's area labels and
// check IDs (a self-test keeps this list equal to what the specs use).
var ContainerLabels = []string{"flow", "locks-accounts", "timing"}

// KnownLabels is every label a spec can have: the catalogue's check IDs and area labels,
// the container labels and the labels run only when asked.
func KnownLabels(cat *catalogue.Catalogue) []string {
	set := map[string]bool{}
	for _, c := range cat.Checks {
		set[c.ID] = true
		for _, l := range c.Labels {
			set[l] = true
		}
	}
	for _, l := range append(append([]string{}, ContainerLabels...), OnlyWhenAsked...) {
		set[l] = true
	}
	out := make([]string, 0, len(set))
	for l := range set {
		out = append(out, l)
	}
	slices.Sort(out)
	return out
}

// Mistakes are the problems of a label filter that can be told before the run: it does not
// parse, or it names a label no spec has (with the nearest one). A filter with a regular
// expression or a label set (/.../, key: value) is only parsed.
func Mistakes(filter string, known []string) []string {
	filter = strings.TrimSpace(filter)
	if filter == "" {
		return nil
	}
	if _, err := types.ParseLabelFilter(filter); err != nil {
		return []string{fmt.Sprintf("the label filter %q does not parse: %v", filter, oneLine(err.Error()))}
	}
	if strings.ContainsAny(filter, "/:") {
		return nil
	}
	var out []string
	for _, w := range words.FindAllString(filter, -1) {
		if slices.Contains(known, w) {
			continue
		}
		msg := fmt.Sprintf("no spec has the label %q", w)
		if n := Nearest(w, known); n != "" {
			msg += fmt.Sprintf("; did you mean %q?", n)
		}
		out = append(out, msg+" (docs/CHECKS.md lists the check IDs; the area labels are in the README)")
	}
	return out
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
