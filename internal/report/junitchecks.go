package report

import (
	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/checks"
	"github.com/autoshares/conformance/internal/conformance"
)

// CheckPropertyPrefix names the JUnit property of each check a spec applies:
// autoshares.check.<check ID> = its state in that spec (the words of conformance-report.json),
// so CI test views list check IDs, not only spec texts.
const CheckPropertyPrefix = PropertyPrefix + "check."

// checkProperties are the properties of the checks spec sp declares, in declaration order.
func checkProperties(sp types.SpecReport, status, reason string, cat *checks.Catalogue) []reporters.JUnitProperty {
	o := conformance.SpecOutcome{Name: sp.FullText(), Status: outcomeStatus(status, reason), Reason: reason, Check: FailedCheck(reason),
		NotChecked: notCheckedMap(notCheckedIn(sp))}
	var out []reporters.JUnitProperty
	for _, l := range sp.LeafNodeLabels {
		if _, ok := cat.Get(l); !ok {
			continue
		}
		state, _ := conformance.StateIn(l, o)
		out = append(out, reporters.JUnitProperty{Name: CheckPropertyPrefix + l, Value: string(state)})
	}
	return out
}
