package selftest

import (
	"slices"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/suite"
)

// The code-guessing spec runs alone without Ginkgo's Serial: in a parallel run it sends
// nothing until every other spec has ended. Its "alone" step comes after every other
// spec's end, and the run passes against the reference provider, whose tenth wrong code
// voids every pending code (a guess sent beside another spec would fail that spec).
func TestTheCodeGuessesRunAlone(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	o := runSuiteParallel(t, targetEnv(p, key), 4, "--label-filter=security.code.guessing-limited || step3 || (step4 && !slow)")
	if o.exitErr != nil || len(o.failed) > 0 {
		t.Fatalf("failed: %q\n%s", o.failed, o.output)
	}
	var alone time.Time
	var others []types.SpecReport
	for _, s := range specReports(t, o.reports) {
		if s.LeafNodeType != types.NodeTypeIt || s.State != types.SpecStatePassed {
			continue
		}
		if !slices.Contains(s.Labels(), "security.code.guessing-limited") {
			others = append(others, s)
			continue
		}
		for _, e := range s.SpecEvents {
			if e.SpecEventType == types.SpecEventByStart && e.Message == suite.AloneStep {
				alone = e.TimelineLocation.Time
			}
		}
	}
	if alone.IsZero() || len(others) < 10 {
		t.Fatalf("no %q step in the guessing spec, or too few other specs (%d)", suite.AloneStep, len(others))
	}
	for _, s := range others {
		if s.EndTime.After(alone) {
			t.Errorf("spec %q ended %s after the guesses began", s.LeafNodeText, s.EndTime.Sub(alone))
		}
	}
}
