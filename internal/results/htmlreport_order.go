package results

import (
	"cmp"
	"slices"
	"strings"

	"github.com/autoshares/conformance/internal/catalogue"
)

// FlowAreas are the areas of the documented flow, in the order a client walks it: report.html
// lists specs in this order (within each state), then the cross-cutting areas.
var FlowAreas = []string{"step1", "step2", "step3", "step4", "login"}

// CheckArea is the area a check belongs to: the first segment of its ID, which the catalogue
// names after the step it is about ("step4.mismatch.rejected") or a cross-cutting concern
// ("security.code.length", "body.size.bounded", "api.no-redirect").
func CheckArea(id string) string {
	area, _, _ := strings.Cut(id, ".")
	return area
}

// flowKey places a spec in the documented flow by the first check it declares (the first
// that Checks names: its labels keep that order, and the checks of every exchange come after
// a spec's own): that check's area, step 1 to login and then the cross-cutting areas in the
// order the catalogue first lists them, then the check's place in the catalogue; then the
// spec's text.
type flowKey struct {
	area, index int
	text        string
}

// flowOrder sorts specs into the documented flow's order; the same specs give the same order
// whatever order they ran in.
func flowOrder(specs []Spec, cat *catalogue.Catalogue) []Spec {
	rank := areaRanks(cat)
	index := map[string]int{}
	for i, ch := range cat.Checks {
		index[ch.ID] = i
	}
	key := func(s Spec) flowKey {
		ids := declared(s.Report, cat)
		if len(ids) == 0 {
			return flowKey{area: len(rank), index: len(cat.Checks), text: s.Name} // last: it declares no check
		}
		return flowKey{area: rank[CheckArea(ids[0])], index: index[ids[0]], text: s.Name}
	}
	type keyed struct {
		k flowKey
		s Spec
	}
	ks := make([]keyed, len(specs))
	for i, s := range specs {
		ks[i] = keyed{key(s), s}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(a.k.area, b.k.area), cmp.Compare(a.k.index, b.k.index), strings.Compare(a.k.text, b.k.text))
	})
	out := make([]Spec, len(specs))
	for i, x := range ks {
		out[i] = x.s
	}
	return out
}

// areaRanks numbers the areas: FlowAreas first, in the flow's order, then every other area
// of the catalogue in the order it first appears there.
func areaRanks(cat *catalogue.Catalogue) map[string]int {
	rank := map[string]int{}
	for i, a := range FlowAreas {
		rank[a] = i
	}
	for _, ch := range cat.Checks {
		if _, seen := rank[CheckArea(ch.ID)]; !seen {
			rank[CheckArea(ch.ID)] = len(rank)
		}
	}
	return rank
}
