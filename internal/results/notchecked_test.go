package results

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/outcome"
)

// A check a passing spec could not make is counted apart from the passes, with its reason,
// in the console, summary.json, JUnit (a property per check) and report.html's tally and
// check table; one on by default makes the verdict say the run did not check it.
func TestNotCheckedIsItsOwnState(t *testing.T) {
	const id, why = catalogue.Step4PasswordSpacesKept, "the target refuses passwords with spaces (allowed); nothing changed"
	rep := sample()
	rep.SuiteSucceeded = true
	pass := rep.SpecReports[5]
	pass.LeafNodeText, pass.LeafNodeLabels = "stores a password with inner spaces", []string{"step4", id}
	pass.ReportEntries = types.ReportEntries{{Name: ExchangesEntry, Value: types.WrapEntryValue(2)}}
	recs := []outcome.Record{{Spec: pass.FullText(), Check: id, State: outcome.NotChecked, Reason: why}}
	rep.SpecReports = types.SpecReports{rep.SpecReports[0], pass}
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	settings, _ := ExpectationSettings(cfg)
	dir, m := writeWith(t, rep, recs, Run{Target: "t", Settings: settings})
	if !strings.Contains(m.Console(), "NOT CHECKED: 1 check(s)") || !strings.Contains(m.Console(), id+" [on by default]: "+why) {
		t.Errorf("console text:\n%s", m.Console())
	}
	var js Summary
	raw, _ := os.ReadFile(filepath.Join(dir, SummaryFile))
	if err := json.Unmarshal(raw, &js); err != nil {
		t.Fatal(err)
	}
	if len(js.NotChecked) != 1 || js.NotChecked[0].Check != id || js.NotChecked[0].Reason != why || !js.NotChecked[0].DefaultOn || js.Counts.NotCheckedChecks != 1 {
		t.Errorf("summary.json not_checked %+v, counts %+v", js.NotChecked, js.Counts)
	}
	junit, _ := os.ReadFile(filepath.Join(dir, JUnitFile))
	if !strings.Contains(string(junit), `name="autoshares.not_checked.`+id+`" value="`+why) {
		t.Errorf("JUnit lacks the check's property:\n%s", junit)
	}
	html, _ := os.ReadFile(filepath.Join(dir, HTMLFile))
	for _, want := range []string{`id="judgements-not-checked">1</span> not checked`, `st-not-checked">not checked</span>`, "Passed, not all checked"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if strings.Contains(string(html), `id="judgements-passed">2<`) {
		t.Error("report.html counts the not-checked check as passed")
	}

	// Turned off by a setting: still not checked, but not on by default.
	cfg, _ = config.Load(func(k string) string {
		return map[string]string{"AUTOSHARES_EXPECT_TOKEN_SURVIVES_MISMATCH": "false"}[k]
	})
	settings, _ = ExpectationSettings(cfg)
	rep.SpecReports[1].LeafNodeLabels = []string{"step4", catalogue.Step4MismatchTokenSurvives}
	recs = []outcome.Record{{Spec: pass.FullText(), Check: catalogue.Step4MismatchTokenSurvives, State: outcome.NotChecked, Reason: "AUTOSHARES_EXPECT_TOKEN_SURVIVES_MISMATCH=false"}}
	if ns := build(rep, recs, Run{Settings: settings}).Summary.NotChecked; len(ns) != 1 || ns[0].DefaultOn {
		t.Errorf("a check turned off by a loosened setting: %+v", ns)
	}
}
