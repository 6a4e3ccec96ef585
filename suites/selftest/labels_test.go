package selftest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/results"
)

// The labels the launcher accepts before a run (selection.KnownLabels) are exactly the
// labels of the specs: a new container label must be added to selection.ContainerLabels,
// or the launcher would refuse it as a typo.
func TestKnownLabelsAreTheSpecsLabels(t *testing.T) {
	t.Parallel()
	o := runSuite(t, nil, "-ginkgo.dry-run", "-ginkgo.label-filter=slow || !slow")
	data, err := os.ReadFile(filepath.Join(o.reports, results.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	var reps []types.Report
	if err := json.Unmarshal(data, &reps); err != nil || len(reps) != 1 {
		t.Fatalf("unreadable report: %v", err)
	}
	inSpecs := map[string]bool{}
	for _, s := range reps[0].SpecReports {
		for _, l := range s.Labels() {
			inSpecs[l] = true
		}
	}
	known := config.KnownLabels(catalogue)
	for l := range inSpecs {
		if !slices.Contains(known, l) {
			t.Errorf("specs have the label %q, which selection.KnownLabels lacks (add it to selection.ContainerLabels)", l)
		}
	}
	for _, l := range known {
		if !inSpecs[l] {
			t.Errorf("selection.KnownLabels has %q, which no spec has", l)
		}
	}
}
