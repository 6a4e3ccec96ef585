package results

import "slices"

// NotChecked is one check a spec did not make, and why.
type NotCheckedSpec struct {
	Check  string `json:"check"`
	Reason string `json:"reason"`
	Spec   string `json:"spec,omitempty"`
	// DefaultOn: the check is on with the default settings (none of its settings loosened
	// in this run), so the run's verdict says it was not checked.
	DefaultOn bool `json:"default_on"`
}

// DefaultOnNotChecked names the checks of ns that were on by default, once each.
func DefaultOnNotChecked(ns []NotCheckedSpec) []string {
	var ids []string
	for _, n := range ns {
		if n.DefaultOn && !slices.Contains(ids, n.Check) {
			ids = append(ids, n.Check)
		}
	}
	return ids
}
