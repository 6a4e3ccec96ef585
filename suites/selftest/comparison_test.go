package selftest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/config"
	states "github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/results"
	"github.com/autoshares/conformance/schemas/signoff"
)

// A failing run compared with a passing one names exactly its new failures.
func TestComparisonNamesExactlyTheNewFailures(t *testing.T) {
	t.Parallel()
	fault, broken := faultInOneProfile()
	good, key := startProvider(t, refprovider.Options{TestMode: true})
	passing := runSuite(t, targetEnv(good, key), "-ginkgo.label-filter=!slow")
	if passing.exitErr != nil {
		t.Fatalf("the run against the correct provider failed: %v\n%s", passing.exitErr, passing.output)
	}
	bad, key := startProvider(t, refprovider.Options{TestMode: true, Faults: []string{fault}})
	env := targetEnv(bad, key)
	env["AUTOSHARES_COMPARE_WITH"] = filepath.Join(passing.reports, results.SummaryFile)
	failing := runSuite(t, env, "-ginkgo.label-filter=!slow")

	data, err := os.ReadFile(filepath.Join(failing.reports, results.ComparisonFile))
	if err != nil {
		t.Fatalf("no %s: %v\n%s", results.ComparisonFile, err, failing.output)
	}
	set, err := config.Schemas()
	if err != nil {
		t.Fatal(err)
	}
	if err := set.Validate(signoff.Comparison, data); err != nil {
		t.Fatal(err)
	}
	var c results.Comparison
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	var failed []string
	for _, r := range conformanceReport(t, failing).Checks {
		if r.State == states.Failed {
			failed = append(failed, r.ID)
		}
	}
	slices.Sort(failed)
	if got := results.IDs(c.NewlyFailing); len(got) == 0 || !slices.Equal(got, failed) {
		t.Errorf("newly failing %v, want the run's failed checks %v", got, failed)
	}
	for _, id := range failed {
		if !slices.Contains(broken, id) {
			t.Errorf("%s failed; fault %s breaks %v", id, fault, broken)
		}
	}
	if len(c.Fixed)+len(c.StillFailing) != 0 {
		t.Errorf("fixed %v, still failing %v: the earlier run passed", results.IDs(c.Fixed), results.IDs(c.StillFailing))
	}
	html, _ := os.ReadFile(filepath.Join(failing.reports, "report.html"))
	for name, text := range map[string]string{"console": failing.output, "report.html": string(html)} {
		if !strings.Contains(text, "Compared with") || !strings.Contains(text, failed[0]) {
			t.Errorf("the %s does not show the comparison", name)
		}
	}
}
