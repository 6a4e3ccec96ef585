package results

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/testkit"
)

// The CI job summary (scripts/ci-summary.sh) prints job-summary.md as the model rendered it,
// under a heading with the exit code.
func TestCISummaryPrintsTheModelsJobSummary(t *testing.T) {
	a, _, _ := threeChecks(t)
	rep := runOf(spec("fails", types.SpecStateFailed, "x", a))
	dir, _ := writeWith(t, rep, []outcome.Record{{Spec: "fails", Check: a, State: outcome.Failed,
		Problems: []outcome.Problem{{Kind: "status", Text: "status | 500"}}}}, Run{Target: "https://t"})
	out, err := exec.Command("bash", filepath.Join(testkit.RootFor(t), "scripts", "ci-summary.sh"), dir, "1").CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"## Conformance: FAILED (exit code 1)", "| core | ", "| security-l2 | ", "- failed: fails (`" + a + "`)", "### Skipped"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the summary lacks %q:\n%s", want, out)
		}
	}
	out, _ = exec.Command("bash", filepath.Join(testkit.RootFor(t), "scripts", "ci-summary.sh"), t.TempDir(), "2").CombinedOutput()
	if !strings.Contains(string(out), "not run") || !strings.Contains(string(out), "No report was written") {
		t.Errorf("no report: %s", out)
	}
}
