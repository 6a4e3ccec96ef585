package selftest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	cataloguepkg "github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/results"
)

// The catalogue's labels are what a label filter selects by: every label the catalogue
// gives a check is carried by a spec that declares it (`LABELS=login` then selects the
// specs of every check listed under login).
func TestCatalogueLabelsAreTheSpecsLabels(t *testing.T) {
	t.Parallel()
	o := runSuite(t, nil, "-ginkgo.dry-run", "-ginkgo.label-filter=slow || !slow")
	if len(o.specs) == 0 {
		t.Fatal("the run reported no spec")
	}
	for _, id := range catalogue.IDs() {
		c, _ := catalogue.Get(id)
		specs := o.withCheck(id)
		for _, l := range c.Labels {
			if !slices.ContainsFunc(specs, func(s specRun) bool { return slices.Contains(s.Labels, l) }) {
				t.Errorf("the catalogue files check %q under %q, but none of its %d spec(s) carries that label", id, l, len(specs))
			}
		}
	}
}

// expectRan is the other direction of expectDetected: under a fault, every spec the
// label filter selected ran (a spec that skips, or that an abort kept from running, would
// otherwise pass unnoticed, since the skip alone fails the run), and some spec declaring a
// check the fault breaks ran, so the comparison is over specs that actually ran.
func expectRan(t *testing.T, fault string, o outcome, breaks map[string]string) {
	t.Helper()
	for _, p := range notRun(fault, o, breaks) {
		t.Error(p)
	}
}

// notRun lists what expectRan reports.
func notRun(fault string, o outcome, breaks map[string]string) []string {
	var problems []string
	compared := 0
	for _, s := range o.specs {
		switch s.Status {
		case results.StatusFiltered:
			continue
		case results.StatusPassed, results.StatusFailed:
			if slices.ContainsFunc(s.Checks, func(c string) bool { _, ok := breaks[c]; return ok }) {
				compared++
			}
		default:
			problems = append(problems, fmt.Sprintf("fault %q: spec %q did not run (%s): %s", fault, s.Text, s.Status, firstLines(s.Failure, 3)))
		}
	}
	if compared == 0 {
		problems = append(problems, fmt.Sprintf("fault %q: no spec declaring a check it breaks (%s) ran", fault, strings.Join(sortedKeys(breaks), ", ")))
	}
	return problems
}

// Under a fault, a spec that skips (or never runs) is a failure of the self-test, and so
// is a comparison in which no spec of a broken check ran.
func TestASpecThatDoesNotRunUnderAFaultFailsTheSelfTest(t *testing.T) {
	breaks := map[string]string{cataloguepkg.Step4MismatchRejected: "status"}
	ran := specRun{Text: "rejects a mismatch", Checks: []string{cataloguepkg.Step4MismatchRejected}, Status: results.StatusFailed}
	skipped := specRun{Text: "needs mail", Checks: []string{"step1.success"}, Status: results.StatusSkipped, Failure: "set AUTOSHARES_MAILBOX_URL"}
	filtered := specRun{Text: "slow", Checks: []string{cataloguepkg.Step4TokenLifetimeEnforced}, Status: results.StatusFiltered}
	if p := notRun("f", outcome{specs: []specRun{ran, filtered}}, breaks); len(p) != 0 {
		t.Errorf("a run of the broken check's spec, the slow one filtered out: %q", p)
	}
	if p := notRun("f", outcome{specs: []specRun{ran, skipped}}, breaks); len(p) != 1 || !strings.Contains(p[0], `"needs mail" did not run (skipped)`) {
		t.Errorf("a spec skipped under the fault: %q", p)
	}
	notReached := ran
	notReached.Status = results.StatusNotRun
	if p := notRun("f", outcome{specs: []specRun{notReached}}, breaks); len(p) != 2 {
		t.Errorf("the broken check's spec never ran: %q", p)
	}
}
