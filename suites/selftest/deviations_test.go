package selftest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/checks"
	"github.com/autoshares/conformance/internal/conformance"
	states "github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/report"
)

// deviationFault is the first fault (by name) that breaks checks of one profile only, past
// the preflight, with the checks it breaks.
func deviationFault(t *testing.T) (string, []string) {
	t.Helper()
	f, ids := faultInOneProfile()
	if f == "" {
		t.Skip("no fault breaks the checks of one profile only")
	}
	return f, ids
}

// deviationsFile writes a known-deviations file listing ids, expiring on expires.
func deviationsFile(t *testing.T, ids []string, expires string) string {
	t.Helper()
	var entries []map[string]string
	for i, id := range ids {
		entries = append(entries, map[string]string{"check": id, "reason": "staging runs last month's build",
			"ticket": fmt.Sprintf("https://tickets.example/QA-%d", i+1), "expires": expires})
	}
	b, _ := json.Marshal(map[string]any{"deviations": entries})
	path := filepath.Join(t.TempDir(), "known-deviations.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func readSummary(t *testing.T, o outcome) report.Summary {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(o.reports, report.SummaryFile))
	if err != nil {
		t.Fatalf("no summary.json: %v\n%s", err, o.output)
	}
	var s report.Summary
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// With the fault's failing checks listed, the run passes and every report says known deviation.
func TestKnownDeviationsDoNotFailTheRun(t *testing.T) {
	t.Parallel()
	fault, broken := deviationFault(t)
	p, key := startProvider(t, refprovider.Options{TestMode: true, Faults: []string{fault}})
	env := targetEnv(p, key)
	env["AUTOSHARES_KNOWN_DEVIATIONS"] = deviationsFile(t, broken, "2099-12-31")
	o := runSuite(t, env, "-ginkgo.label-filter=!slow")
	if o.exitErr != nil {
		t.Fatalf("fault %s with its checks %v listed as known deviations: the run failed: %v\n%s", fault, broken, o.exitErr, o.output)
	}
	sum := readSummary(t, o)
	if sum.Counts.KnownDeviations == 0 || sum.Counts.Failed != 0 || len(sum.KnownDeviations) != len(broken) {
		t.Errorf("summary.json: counts %+v, %d entries", sum.Counts, len(sum.KnownDeviations))
	}
	r := conformanceReport(t, o)
	deviated := 0
	for _, c := range r.Checks {
		if c.State == states.KnownDeviation {
			deviated++
			if !slices.Contains(broken, c.ID) || c.Deviation == nil {
				t.Errorf("check %s is a known deviation; the fault breaks %v", c.ID, broken)
			}
		}
	}
	if deviated == 0 {
		t.Errorf("no check is a known deviation in %s", conformance.File)
	}
	profile := checks.ProfileOf(mustCheck(t, broken[0]))
	for _, pr := range r.Profiles {
		if pr.Name == profile && pr.Level != conformance.NotConformant {
			t.Errorf("profile %s with a known deviation is %s", pr.Name, pr.Level)
		}
	}
	html, _ := os.ReadFile(filepath.Join(o.reports, "report.html"))
	junit, _ := os.ReadFile(filepath.Join(o.reports, report.JUnitFile))
	for name, text := range map[string]string{"console": o.output, "report.html": string(html), "junit.xml": string(junit)} {
		if !strings.Contains(text, "known deviation") || !strings.Contains(text, "https://tickets.example/QA-1") {
			t.Errorf("the %s does not report the known deviation with its ticket", name)
		}
	}
}

// The same file against the correct provider fails the run: the deviation is fixed.
func TestAFixedDeviationFailsTheRun(t *testing.T) {
	t.Parallel()
	_, broken := deviationFault(t)
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	env := targetEnv(p, key)
	env["AUTOSHARES_KNOWN_DEVIATIONS"] = deviationsFile(t, broken, "2099-12-31")
	o := runSuite(t, env, "-ginkgo.label-filter=!slow")
	if o.exitErr == nil {
		t.Fatalf("a known deviation whose check passes must fail the run\n%s", o.output)
	}
	for _, id := range broken {
		if !strings.Contains(o.output, "fixed: remove the entry: the known deviation "+id) {
			t.Errorf("the output does not say the deviation %s is fixed:\n%s", id, o.output)
		}
	}
	if len(o.failed) != 0 {
		t.Errorf("want the run's verdict to be its only failure, got failed specs %v", o.failed)
	}
}

// An expired entry is a settings mistake: nothing runs.
func TestAnExpiredDeviationFailsTheRun(t *testing.T) {
	t.Parallel()
	_, broken := deviationFault(t)
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	env := targetEnv(p, key)
	env["AUTOSHARES_KNOWN_DEVIATIONS"] = deviationsFile(t, broken, "2020-01-31")
	o := runSuite(t, env, "-ginkgo.label-filter=!slow")
	if o.exitErr == nil || !strings.Contains(o.output, "expired on 2020-01-31") {
		t.Fatalf("an expired entry must fail the run, naming its date: %v\n%s", o.exitErr, o.output)
	}
	if len(o.passed) != 0 {
		t.Errorf("specs ran despite the settings mistake: %v", o.passed)
	}
}
