package report

import "slices"

// NotCheckedEntry named the report entry a spec added when it could not make a check. The
// reports no longer read it: a check not made is an outcome record in state "not checked"
// with its reason (internal/outcome). Kept until the specs no longer add the entry.
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
