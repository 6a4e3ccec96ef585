package results

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Skip is one spec that skipped itself, with its reason.
type Skip struct{ Spec, Reason string }

// GroupSkips gives one line per setting that would enable skipped specs, not one per spec:
// a run with only a base URL skips dozens of specs for the same two or three settings. A
// reason reads "needs <what>: <how to enable it>"; the specs that share the how are one
// line, with what they need and their names.
func GroupSkips(skips []Skip) []string {
	type group struct {
		needs []string
		specs []string
	}
	groups := map[string]*group{}
	for _, s := range skips {
		need, how, ok := strings.Cut(s.Reason, ": ")
		if !ok || !strings.HasPrefix(need, "needs ") {
			need, how = "", s.Reason
		}
		how = strings.ReplaceAll(strings.TrimSpace(how), "\n", " ")
		g := groups[how]
		if g == nil {
			g = &group{}
			groups[how] = g
		}
		if need != "" && !slices.Contains(g.needs, need) {
			g.needs = append(g.needs, need)
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
