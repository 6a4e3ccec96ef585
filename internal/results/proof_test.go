package results

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/redact"
)

// withExchanges gives the spec named text the exchange count entry the suite adds.
func withExchanges(rep types.Report, text string, n int) types.Report {
	for i, sp := range rep.SpecReports {
		if sp.LeafNodeText == text {
			rep.SpecReports[i].ReportEntries = append(rep.SpecReports[i].ReportEntries,
				types.ReportEntry{Name: ExchangesEntry, Value: types.WrapEntryValue(n)})
		}
	}
	return rep
}

func TestExchangesAreCountedAcrossSpecsAndSurviveMasking(t *testing.T) {
	rep := withExchanges(withExchanges(sample(), "passes", 3), "fails", 2)
	if got := Exchanges(rep); got != 5 {
		t.Errorf("Exchanges = %d, want 5", got)
	}
	masked, err := Redact(rep, redact.New(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := Exchanges(masked); got != 5 {
		t.Errorf("after the JSON round trip Exchanges = %d, want 5", got)
	}
	if why := NothingProven(rep); why != "" {
		t.Errorf("a run that sent requests proved nothing? %q", why)
	}
}

// A dry run, or a run whose specs sent nothing, is never green: summary.json, JUnit,
// report.html and the console text all say nothing was proven.
func TestARunThatSentNothingIsNeverGreen(t *testing.T) {
	for name, rep := range map[string]types.Report{
		"dry run":    withExchanges(func() types.Report { r := sample(); r.SuiteConfig.DryRun = true; return r }(), "passes", 0),
		"no request": sample(),
	} {
		rep.SuiteSucceeded = true
		why := NothingProven(rep)
		if !strings.HasPrefix(why, "Nothing was proven") || (name == "dry run") != strings.Contains(why, "--list") {
			t.Fatalf("%s: NothingProven = %q", name, why)
		}
		run := sampleRun(t)
		run.NothingProven, run.Problems = why, []string{why}
		dir := t.TempDir()
		sum, err := Write(rep, dir, redact.New(), run)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Summary.Succeeded || !strings.Contains(sum.Console(), why) {
			t.Errorf("%s: succeeded %v; console text:\n%s", name, sum.Summary.Succeeded, sum.Console())
		}
		var js map[string]any
		raw, _ := os.ReadFile(filepath.Join(dir, SummaryFile))
		if err := json.Unmarshal(raw, &js); err != nil || js["succeeded"] != false || js["nothing_proven"] != why || js["exchanges"] != 0.0 {
			t.Errorf("%s: summary.json %v", name, js)
		}
		junit, _ := os.ReadFile(filepath.Join(dir, JUnitFile))
		if !strings.Contains(string(junit), `name="autoshares.nothing_proven"`) {
			t.Errorf("%s: the JUnit properties do not say nothing was proven", name)
		}
		html, _ := os.ReadFile(filepath.Join(dir, HTMLFile))
		if !strings.Contains(string(html), "Nothing proven") || strings.Contains(string(html), "<strong>Passed</strong>") {
			t.Errorf("%s: report.html does not say nothing was proven", name)
		}
	}
}
