package report

import (
	"slices"
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/checks"
)

// NotCheckedEntry names the report entry a spec adds when it ran but could not make one of
// its checks ("<check ID>: <reason>"), e.g. the target refused an optional input the check
// is about, or a setting turned it off. Such a check is not passed: every report counts
// it apart, with its reason.
const NotCheckedEntry = "not checked"

// NotChecked is one check a spec did not make, and why.
type NotChecked struct {
	Check  string `json:"check"`
	Reason string `json:"reason"`
	Spec   string `json:"spec,omitempty"`
	// DefaultOn: the check is on with the default settings (none of its settings loosened
	// in this run), so the run's verdict says it was not checked.
	DefaultOn bool `json:"default_on"`
}

// notCheckedIn reads a spec's not-checked entries, in the order it added them.
func notCheckedIn(sp types.SpecReport) []NotChecked {
	var out []NotChecked
	for _, e := range sp.ReportEntries {
		if e.Name != NotCheckedEntry {
			continue
		}
		id, reason, _ := strings.Cut(e.Value.String(), ": ")
		out = append(out, NotChecked{Check: strings.TrimSpace(id), Reason: strings.TrimSpace(reason), Spec: sp.FullText()})
	}
	return out
}

// notCheckedOf lists every check the specs of rep did not make, marking those on by
// default: a check none of whose catalogue settings is loosened in settings.
func notCheckedOf(rep types.Report, settings []Setting) []NotChecked {
	loosened := LoosenedNames(settings)
	cat, _ := checks.Default()
	out := []NotChecked{}
	for _, sp := range rep.SpecReports {
		for _, n := range notCheckedIn(sp) {
			n.DefaultOn = true
			if cat != nil {
				if c, ok := cat.Get(n.Check); ok {
					for _, s := range c.Settings {
						if slices.Contains(loosened, s) {
							n.DefaultOn = false
						}
					}
				}
			}
			out = append(out, n)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Check+out[i].Spec < out[j].Check+out[j].Spec })
	return out
}

// DefaultOnNotChecked names the checks of ns that were on by default, once each.
func DefaultOnNotChecked(ns []NotChecked) []string {
	var ids []string
	for _, n := range ns {
		if n.DefaultOn && !slices.Contains(ids, n.Check) {
			ids = append(ids, n.Check)
		}
	}
	return ids
}
