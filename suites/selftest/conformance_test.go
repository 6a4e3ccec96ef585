package selftest

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	cataloguepkg "github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/config"
	states "github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/results"
	"github.com/autoshares/conformance/schemas/signoff"
)

// conformanceReport reads and validates the run's conformance-report.json.
func conformanceReport(t *testing.T, o outcome) results.Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(o.reports, results.ConformanceFile))
	if err != nil {
		t.Fatalf("the run wrote no %s: %v\n%s", results.ConformanceFile, err, o.output)
	}
	set, err := config.Schemas()
	if err != nil {
		t.Fatal(err)
	}
	if err := set.Validate(signoff.ConformanceReport, data); err != nil {
		t.Fatalf("%s is not valid against its schema: %v", results.ConformanceFile, err)
	}
	var r results.Report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// Against the correct provider over https (HSTS is shown by https responses only), with
// every spec selected, every profile is conformant.
func TestConformanceReportOfTheCorrectProvider(t *testing.T) {
	t.Parallel()
	env := overTLS(t, refprovider.Options{TestMode: true})
	key := env["AUTOSHARES_APP_KEY"]
	o := runSuite(t, env, everySpec)
	if o.exitErr != nil {
		t.Fatalf("the run failed: %v\n%s", o.exitErr, o.output)
	}
	r := conformanceReport(t, o)
	for _, pr := range r.Profiles {
		if pr.Level != results.Conformant {
			t.Errorf("profile %s: %s (%s)", pr.Name, pr.Level, pr.Why)
		}
	}
	if r.Suite.Commit == "" || r.Target == "" || len(r.Settings) == 0 {
		t.Errorf("the report must name the suite's commit, the target and the settings: %+v %q %d", r.Suite, r.Target, len(r.Settings))
	}
	for _, s := range r.Settings {
		if s.Name == "AUTOSHARES_APP_KEY" || s.Value == key {
			t.Errorf("a secret setting is in the report: %s", s.Name)
		}
	}
}

// Against a fault, the profiles of the checks it breaks are not conformant, and no other
// profile has a failed check.
func TestConformanceReportUnderAFault(t *testing.T) {
	t.Parallel()
	fault, broken := faultInOneProfile()
	if fault == "" {
		t.Skip("no fault breaks the checks of one profile only")
	}
	p, key := startProvider(t, refprovider.Options{TestMode: true, Faults: []string{fault}})
	o := runSuite(t, targetEnv(p, key), everySpec)
	r := conformanceReport(t, o)
	brokenProfile := cataloguepkg.ProfileOf(mustCheck(t, broken[0]))
	// Security levels are cumulative: a level above the broken one is not conformant either,
	// though none of its own checks failed.
	above := func(name string) bool { return slices.Contains(cataloguepkg.SecurityLevelsBelow(name), brokenProfile) }
	for _, pr := range r.Profiles {
		switch {
		case (pr.Name == brokenProfile || above(pr.Name)) && pr.Level != results.NotConformant:
			t.Errorf("fault %s breaks %v, but profile %s is %s", fault, broken, pr.Name, pr.Level)
		case pr.Name != brokenProfile && pr.Counts.Failed > 0,
			pr.Name != brokenProfile && !above(pr.Name) && pr.Level == results.NotConformant:
			t.Errorf("fault %s breaks only %s checks, but profile %s is %s (%s)", fault, brokenProfile, pr.Name, pr.Level, pr.Why)
		}
	}
	for _, c := range r.Checks {
		if c.State == states.Failed && !slices.Contains(broken, c.ID) {
			t.Errorf("check %s failed; fault %s breaks only %v", c.ID, fault, broken)
		}
	}
}

// faultInOneProfile is the first fault (by name) whose broken checks share one profile and
// which the preflight does not catch.
func faultInOneProfile() (string, []string) {
	byFault := catalogue.ByFault()
	for _, f := range slices.Sorted(maps.Keys(byFault)) {
		ids := slices.Sorted(maps.Keys(byFault[f]))
		profiles := map[string]bool{}
		preflight := false
		for _, id := range ids {
			c, _ := catalogue.Get(id)
			profiles[cataloguepkg.ProfileOf(c)] = true
			if len(byFault[f][id]) >= len(cataloguepkg.PreflightProof) && byFault[f][id][:len(cataloguepkg.PreflightProof)] == cataloguepkg.PreflightProof {
				preflight = true
			}
		}
		if len(profiles) == 1 && !preflight {
			return f, ids
		}
	}
	return "", nil
}

func mustCheck(t *testing.T, id string) cataloguepkg.Check {
	t.Helper()
	c, ok := catalogue.Get(id)
	if !ok {
		t.Fatalf("no check %s", id)
	}
	return c
}
