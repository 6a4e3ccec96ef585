package results

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/outcome"
)

// Skip is one spec that skipped itself: what it needs ("" when a setting turned it off) and
// what would enable it.
type Skip struct{ Spec, Need, Enable string }

// SkipOf says whether a spec skipped itself for want of what the configuration could not
// give it (not a pending spec, not one a filter left out, not one a known deviation of a
// step it needed stopped), and then what it needs and what would enable it, from its
// record (SkipFor); a spec skipped without one, by a bare Ginkgo Skip, gives its message as
// what would enable it.
func SkipOf(sp types.SpecReport, recs []outcome.Record) (Skip, bool) {
	if sp.LeafNodeType != types.NodeTypeIt || sp.State != types.SpecStateSkipped || sp.Failure.Message == "" ||
		slices.ContainsFunc(recs, func(r outcome.Record) bool { return r.State == outcome.KnownDeviation }) {
		return Skip{}, false
	}
	sk := Skip{Spec: sp.FullText(), Enable: sp.Failure.Message}
	for _, r := range recs {
		if r.Check == "" && r.State == outcome.Skipped {
			sk.Need, sk.Enable = r.Reason, r.Enable
		}
	}
	return sk, true
}

// SkipsOf are the model's specs that skipped themselves (SkipOf).
func SkipsOf(specs []Spec) []Skip {
	var out []Skip
	for _, sp := range specs {
		if sk, ok := SkipOf(sp.Report, sp.Records); ok {
			out = append(out, sk)
		}
	}
	return out
}

// GroupSkips gives one line per setting that would enable skipped specs, not one per spec:
// a run with only a base URL skips dozens of specs for the same two or three settings. The
// specs that share what would enable them are one line, with what they need and their
// names.
func GroupSkips(skips []Skip) []string {
	type group struct {
		needs []string
		specs []string
	}
	groups := map[string]*group{}
	for _, s := range skips {
		how := strings.ReplaceAll(strings.TrimSpace(s.Enable), "\n", " ")
		g := groups[how]
		if g == nil {
			g = &group{}
			groups[how] = g
		}
		if need := s.Need; need != "" && !slices.Contains(g.needs, "needs "+need) {
			g.needs = append(g.needs, "needs "+need)
		}
		g.specs = append(g.specs, s.Spec)
	}
	hows := make([]string, 0, len(groups))
	for h := range groups {
		hows = append(hows, h)
	}
	// The setting that enables the most specs first.
	sort.Slice(hows, func(i, j int) bool {
		if a, b := len(groups[hows[i]].specs), len(groups[hows[j]].specs); a != b {
			return a > b
		}
		return hows[i] < hows[j]
	})
	var out []string
	for _, h := range hows {
		g := groups[h]
		sort.Strings(g.needs)
		sort.Strings(g.specs)
		line := fmt.Sprintf("- %s: %d spec(s)", h, len(g.specs))
		if len(g.needs) > 0 {
			line += " (" + strings.Join(g.needs, "; ") + ")"
		}
		out = append(out, line+"\n    "+strings.Join(g.specs, "; "))
	}
	return out
}
