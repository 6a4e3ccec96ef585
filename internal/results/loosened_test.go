package results

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/outcome"
)

// A setting that admits what its default refuses marks the run loosened, naming the
// setting, in the console text, summary.json, the JUnit properties and report.html.
func TestALoosenedRunSaysSoEverywhere(t *testing.T) {
	cfg, err := config.Load(func(k string) string { return map[string]string{"AUTOSHARES_GENERATED_CASES": "5"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	settings, err := ExpectationSettings(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rep := withExchanges(sample(), "passes", 1)
	rep.SuiteSucceeded = true
	rep.SpecReports = rep.SpecReports[:1]
	rep.SpecReports = append(rep.SpecReports, withExchanges(sample(), "passes", 1).SpecReports[5])
	a, _, _ := threeChecks(t)
	rep.SpecReports[1].LeafNodeLabels = []string{"step4", a}
	dir, m := writeWith(t, rep, []outcome.Record{{Spec: "passes", Check: a, State: outcome.Passed}}, Run{Target: "t", Settings: settings})
	const name = "AUTOSHARES_GENERATED_CASES"
	if !strings.Contains(m.Console(), "LOOSENED") || !strings.Contains(m.Console(), name+`="5" [LOOSENED from the default "50"`) {
		t.Errorf("console text:\n%s", m.Console())
	}
	var js struct {
		Loosened     []string  `json:"loosened"`
		Expectations []Setting `json:"expectations"`
	}
	raw, _ := os.ReadFile(filepath.Join(dir, SummaryFile))
	if err := json.Unmarshal(raw, &js); err != nil || len(js.Loosened) != 1 || js.Loosened[0] != name {
		t.Errorf("summary.json loosened %v (%v)", js.Loosened, err)
	}
	junit, _ := os.ReadFile(filepath.Join(dir, JUnitFile))
	if !strings.Contains(string(junit), `name="autoshares.loosened" value="`+name+`"`) {
		t.Errorf("JUnit does not name the loosened setting:\n%s", junit)
	}
	html, _ := os.ReadFile(filepath.Join(dir, HTMLFile))
	if !strings.Contains(string(html), "Passed, loosened") || !strings.Contains(string(html), name) {
		t.Error("report.html does not say the run was loosened, naming the setting")
	}
}
