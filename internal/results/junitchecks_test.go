package results

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/outcome"
)

// Each check a spec declares is a property of its test case, with its state in that spec.
func TestJUnitNamesEveryCheckOfEverySpec(t *testing.T) {
	a, b, _ := threeChecks(t)
	rep := sample()
	rep.SpecReports = append(rep.SpecReports,
		types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: "two checks, one failed", LeafNodeLabels: []string{"step4", a, b},
			State: types.SpecStateFailed, Failure: types.Failure{Message: "statement\n1 problem(s):\n- status"}},
		types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: "two checks, passed", LeafNodeLabels: []string{a, b}, State: types.SpecStatePassed},
		types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: "two checks, one not made", LeafNodeLabels: []string{a, b}, State: types.SpecStatePassed})
	recs := []outcome.Record{
		{Spec: "two checks, one failed", Check: b, State: outcome.Failed, Problems: []outcome.Problem{{Kind: "status", Text: "status"}}},
		{Spec: "two checks, passed", Check: a, State: outcome.Passed}, {Spec: "two checks, passed", Check: b, State: outcome.Passed},
		{Spec: "two checks, one not made", Check: a, State: outcome.Passed},
		{Spec: "two checks, one not made", Check: b, State: outcome.NotChecked, Reason: "the target refused the optional input"},
	}
	dir, _ := writeWith(t, rep, recs, sampleRun(t))
	raw, _ := os.ReadFile(filepath.Join(dir, JUnitFile))
	var doc reporters.JUnitTestSuites
	if err := xml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]string{
		"two checks, one failed":   {a: "not checked", b: "failed"},
		"two checks, passed":       {a: "passed", b: "passed"},
		"two checks, one not made": {a: "passed", b: "not checked"},
	}
	seen := 0
	for _, tc := range doc.TestSuites[0].TestCases {
		for text, states := range want {
			if tc.Name != "[It] "+text+" ["+labelsOf(rep, text)+"]" {
				continue
			}
			seen++
			for id, state := range states {
				if got := tc.Properties.WithName(CheckPropertyPrefix + id); got != state {
					t.Errorf("%s: property %s%s = %q, want %q", text, CheckPropertyPrefix, id, got, state)
				}
			}
		}
	}
	if seen != 3 {
		t.Fatalf("found %d of the 3 test cases in\n%s", seen, raw)
	}
}

func labelsOf(rep types.Report, text string) string {
	for _, sp := range rep.SpecReports {
		if sp.LeafNodeText == text {
			out := ""
			for i, l := range sp.Labels() {
				if i > 0 {
					out += ", "
				}
				out += l
			}
			return out
		}
	}
	return ""
}
