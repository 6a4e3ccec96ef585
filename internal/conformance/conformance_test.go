package conformance_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/checks"
	"github.com/autoshares/conformance/internal/conformance"
	"github.com/autoshares/conformance/internal/deviations"
	"github.com/autoshares/conformance/schemas/signoff"
)

var cat = checks.MustDefault()

// allPassed is a run in which one spec per check passed.
func allPassed() []conformance.SpecOutcome {
	var specs []conformance.SpecOutcome
	for _, id := range cat.IDs() {
		specs = append(specs, conformance.SpecOutcome{Name: "spec of " + id, Checks: []string{id}, Status: "passed"})
	}
	return specs
}

func profile(ps []conformance.Profile, name string) conformance.Profile {
	for _, p := range ps {
		if p.Name == name {
			return p
		}
	}
	return conformance.Profile{}
}

func firstOf(profileName string) string {
	for _, c := range cat.Checks {
		if checks.ProfileOf(c) == profileName {
			return c.ID
		}
	}
	return ""
}

func TestEveryProfileConformantWhenEveryCheckPassed(t *testing.T) {
	for _, p := range conformance.Profiles(conformance.Judge(cat, allPassed(), nil, nil), nil) {
		if p.Level != conformance.Conformant {
			t.Errorf("%s: %s (%s)", p.Name, p.Level, p.Why)
		}
	}
}

func TestAFailureMakesOnlyItsProfileNotConformant(t *testing.T) {
	specs := allPassed()
	broken := firstOf(checks.ProfileBaseline)
	for i := range specs {
		if specs[i].Checks[0] == broken {
			specs[i].Status, specs[i].Check, specs[i].Reason = "failed", broken, "["+broken+"] ...\n1 problem(s):\n- status: expected 400, got 500"
		}
	}
	ps := conformance.Profiles(conformance.Judge(cat, specs, nil, nil), nil)
	if p := profile(ps, checks.ProfileBaseline); p.Level != conformance.NotConformant || p.Counts.Failed != 1 {
		t.Errorf("baseline: %+v", p)
	}
	for _, name := range []string{checks.ProfileCore, checks.ProfileSecurityL1, checks.ProfileSecurityL2} {
		if p := profile(ps, name); p.Level != conformance.Conformant {
			t.Errorf("%s: %s (%s)", name, p.Level, p.Why)
		}
	}
}

// ASVS levels are cumulative: a failure at level 2 leaves level 1 conformant and makes
// levels 2 and 3 not conformant; a level 1 check merely skipped leaves level 3, whose own
// checks passed, partially conformant.
func TestASecurityLevelHoldsOnlyWithTheLevelsBelow(t *testing.T) {
	levels := func(specs []conformance.SpecOutcome) []string {
		ps := conformance.Profiles(conformance.Judge(cat, specs, nil, nil), nil)
		var out []string
		for _, name := range checks.SecurityProfiles {
			out = append(out, profile(ps, name).Level)
		}
		return out
	}
	set := func(id, status string) []conformance.SpecOutcome {
		specs := allPassed()
		for i := range specs {
			if specs[i].Checks[0] == id {
				specs[i].Status, specs[i].Check, specs[i].Reason = status, id, "["+id+"] ...\n1 problem(s):\n- x"
			}
		}
		return specs
	}
	got := levels(set(firstOf(checks.ProfileSecurityL2), "failed"))
	if want := []string{conformance.Conformant, conformance.NotConformant, conformance.NotConformant}; !slices.Equal(got, want) {
		t.Errorf("a level 2 failure: levels %q, want %q", got, want)
	}
	got = levels(set(firstOf(checks.ProfileSecurityL1), "skipped"))
	if want := []string{conformance.PartiallyConformant, conformance.PartiallyConformant, conformance.PartiallyConformant}; !slices.Equal(got, want) {
		t.Errorf("a level 1 skip: levels %q, want %q", got, want)
	}
}

func TestStatesOfAFailedSpecsOtherChecks(t *testing.T) {
	a, b := firstOf(checks.ProfileCore), firstOf(checks.ProfileBaseline)
	specs := []conformance.SpecOutcome{{Name: "s", Checks: []string{a, b}, Status: "failed", Check: a, Reason: "[" + a + "] x"}}
	got := map[string]conformance.CheckResult{}
	for _, r := range conformance.Judge(cat, specs, nil, nil) {
		got[r.ID] = r
	}
	if got[a].State != conformance.Failed {
		t.Errorf("%s: %s", a, got[a].State)
	}
	if got[b].State != conformance.NotChecked || !strings.Contains(got[b].Reason, "stopped at its failure of "+a) {
		t.Errorf("%s: %s %q", b, got[b].State, got[b].Reason)
	}
	// A failure naming no check (a transport failure) proves nothing about the spec's checks.
	specs[0].Check = ""
	for _, r := range conformance.Judge(cat, specs, nil, nil) {
		if (r.ID == a || r.ID == b) && r.State != conformance.NotChecked {
			t.Errorf("%s: %s", r.ID, r.State)
		}
	}
}

// A check whose only specs the filter left out is not checked.
func TestACheckOnlyFilteredSpecsDeclareIsNotChecked(t *testing.T) {
	id := firstOf(checks.ProfileCore)
	specs := []conformance.SpecOutcome{{Name: "a", Checks: []string{id}, Status: "filtered"}}
	for _, r := range conformance.Judge(cat, specs, nil, nil) {
		if r.ID == id && r.State != conformance.NotChecked {
			t.Errorf("only filtered: %s, want not checked", r.State)
		}
	}
}

func TestWorstStateWinsAcrossSpecs(t *testing.T) {
	id := firstOf(checks.ProfileCore)
	for _, tc := range []struct {
		second string
		want   conformance.State
	}{{"passed", conformance.Passed}, {"skipped", conformance.Skipped}, {"filtered", conformance.Passed}, // a spec left out by the filter does not unmake the check
		{"inconclusive", conformance.Inconclusive}, {"known-deviation", conformance.KnownDeviation}} {
		specs := []conformance.SpecOutcome{{Name: "a", Checks: []string{id}, Status: "passed"},
			{Name: "b", Checks: []string{id}, Status: tc.second, Check: id}}
		for _, r := range conformance.Judge(cat, specs, nil, nil) {
			if r.ID == id && r.State != tc.want {
				t.Errorf("passed + %s: %s, want %s", tc.second, r.State, tc.want)
			}
		}
	}
}

func TestLevels(t *testing.T) {
	specs := allPassed()
	loosenedCheck := ""
	var setting string
	for _, c := range cat.Checks {
		if checks.ProfileOf(c) == checks.ProfileCore && len(c.Settings) > 0 {
			loosenedCheck, setting = c.ID, c.Settings[0]
			break
		}
	}
	ps := conformance.Profiles(conformance.Judge(cat, specs, []string{setting}, nil), []string{setting})
	if p := profile(ps, checks.ProfileCore); p.Level != conformance.PartiallyConformant || p.Counts.Loosened == 0 ||
		!strings.Contains(p.Why, "loosened") {
		t.Errorf("a pass under a loosened setting (%s of %s) must not be conformant: %+v", setting, loosenedCheck, p)
	}
	ps = conformance.Profiles(conformance.Judge(cat, nil, nil, nil), nil)
	for _, p := range ps {
		if p.Level != conformance.NotTested {
			t.Errorf("a run of no spec: %s is %s", p.Name, p.Level)
		}
	}
	// One check skipped: partially conformant, with the count.
	id := firstOf(checks.ProfileSecurityL1)
	for i := range specs {
		if specs[i].Checks[0] == id {
			specs[i].Status, specs[i].Reason = "skipped", "needs AUTOSHARES_STATE_URL"
		}
	}
	if p := profile(conformance.Profiles(conformance.Judge(cat, specs, nil, nil), nil), checks.ProfileSecurityL1); p.Level != conformance.PartiallyConformant || p.Counts.Skipped != 1 {
		t.Errorf("skipped: %+v", p)
	}
}

func TestStaleDeviations(t *testing.T) {
	id := firstOf(checks.ProfileCore)
	devs := []deviations.Entry{{Check: id, Reason: "r", Ticket: "https://tickets.example/1", Expires: "2099-01-01"}}
	stale := conformance.Stale(conformance.Judge(cat, allPassed(), nil, devs))
	if len(stale) != 1 || !strings.Contains(stale[0], "fixed: remove the entry") || !strings.Contains(stale[0], id) {
		t.Errorf("Stale = %v", stale)
	}
}

// The report a run writes is valid against schemas/signoff/conformance-report.schema.json.
func TestTheWrittenReportIsValidAgainstItsSchema(t *testing.T) {
	specs := allPassed()
	specs[0].Status, specs[0].Check, specs[0].Reason = "known-deviation", specs[0].Checks[0], deviations.Mark+"x"
	devs := []deviations.Entry{{Check: specs[0].Checks[0], Reason: "r", Ticket: "T-1", Expires: "2099-01-01"}}
	rep := conformance.Build(conformance.Meta{
		Suite:  conformance.Suite{Module: "m", Version: "devel", Commit: "abc"},
		Target: "https://***@staging.example/api", Start: time.Now(), End: time.Now(),
		Settings: []conformance.Setting{{Name: "AUTOSHARES_EXPECT_SUCCESS_STATUS", Value: "", Default: "200", Changed: true, Loosened: true}},
	}, conformance.Judge(cat, specs, nil, devs), devs)
	dir := t.TempDir()
	if err := conformance.Write(dir, rep); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, conformance.File))
	if err != nil {
		t.Fatal(err)
	}
	ValidReport(t, data)
	var back conformance.Report
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Loosenings) != 1 || len(back.Checks) != len(cat.Checks) || len(back.Profiles) != len(checks.Profiles) {
		t.Errorf("report: %d loosenings, %d checks, %d profiles", len(back.Loosenings), len(back.Checks), len(back.Profiles))
	}
}

// ValidReport fails t unless data is valid against the conformance report's schema.
func ValidReport(t *testing.T, data []byte) {
	t.Helper()
	set, err := deviations.Schemas()
	if err != nil {
		t.Fatal(err)
	}
	if err := set.Validate(signoff.ConformanceReport, data); err != nil {
		t.Fatal(err)
	}
}

// A check a passing spec recorded as not checked is not passed, and a known deviation
// listing it is not stale.
func TestANotCheckedEntryOfAPassingSpec(t *testing.T) {
	id := firstOf(checks.ProfileCore)
	specs := allPassed()
	for i := range specs {
		if specs[i].Checks[0] == id {
			specs[i].NotChecked = map[string]string{id: "the target refused the optional input"}
		}
	}
	devs := []deviations.Entry{{Check: id, Reason: "r", Ticket: "T-1", Expires: "2099-01-01"}}
	results := conformance.Judge(cat, specs, nil, devs)
	for _, r := range results {
		if r.ID == id && (r.State != conformance.NotChecked || !strings.Contains(r.Reason, "refused the optional input")) {
			t.Errorf("%s: %s %q, want not checked with the reason", id, r.State, r.Reason)
		}
	}
	if stale := conformance.Stale(results); len(stale) != 0 {
		t.Errorf("a not-checked check is not fixed: %v", stale)
	}
	if p := profile(conformance.Profiles(results, nil), checks.ProfileCore); p.Level != conformance.PartiallyConformant || p.Counts.NotChecked != 1 {
		t.Errorf("core: %+v", p)
	}
}

// A loosened setting reaches further than the checks listing it: no profile is conformant
// while one is in force, and only the checks listing it say so.
func TestALoosenedRunIsConformantNowhere(t *testing.T) {
	const setting = "AUTOSHARES_EXPECT_SUCCESS_STATUS"
	results := conformance.Judge(cat, allPassed(), []string{setting}, nil)
	for _, p := range conformance.Profiles(results, []string{setting}) {
		if p.Level != conformance.PartiallyConformant || !strings.Contains(p.Why, "the run loosened "+setting) {
			t.Errorf("%s: %s (%s)", p.Name, p.Level, p.Why)
		}
	}
	for _, r := range results {
		c, _ := cat.Get(r.ID)
		if lists := slices.Contains(c.Settings, setting); lists != (len(r.LoosenedBy) > 0) {
			t.Errorf("%s: loosened_by %v, catalogue settings %v", r.ID, r.LoosenedBy, c.Settings)
		}
	}
	rep := conformance.Build(conformance.Meta{Settings: []conformance.Setting{{Name: setting, Loosened: true}}}, results, nil)
	for _, p := range rep.Profiles {
		if p.Level == conformance.Conformant {
			t.Errorf("Build: %s conformant under a loosened run", p.Name)
		}
	}
}

// An every-exchange check is judged by the specs that passed and the failures naming it: a
// failure of another check or a skipped spec does not unmake it.
func TestEveryExchangeChecksIgnoreOtherOutcomes(t *testing.T) {
	var every []string
	for _, c := range cat.Checks {
		if c.EveryExchange {
			every = append(every, c.ID)
		}
	}
	if len(every) == 0 {
		t.Fatal("the catalogue has no every-exchange check")
	}
	other := firstOf(checks.ProfileCore)
	with := func(own ...string) []string { return append(append([]string{}, own...), every...) }
	state := func(specs []conformance.SpecOutcome, id string) conformance.CheckResult {
		for _, r := range conformance.Judge(cat, specs, nil, nil) {
			if r.ID == id {
				return r
			}
		}
		return conformance.CheckResult{}
	}
	specs := []conformance.SpecOutcome{
		{Name: "passes", Checks: with(), Status: "passed"},
		{Name: "fails another", Checks: with(other), Status: "failed", Check: other, Reason: "[" + other + "] x"},
		{Name: "skips", Checks: with(), Status: "skipped", Reason: "needs AUTOSHARES_STATE_URL"},
		{Name: "broken transport", Checks: with(), Status: "failed", Reason: "GET /x: connection refused"},
		{Name: "deviates", Checks: with(other), Status: "known-deviation", Check: other, Reason: deviations.Mark + other + ": r"},
	}
	for _, id := range every {
		if r := state(specs, id); r.State != conformance.Passed || len(r.Specs) != 1 {
			t.Errorf("%s: %s %q %v, want passed by the one spec that passed", id, r.State, r.Reason, r.Specs)
		}
	}
	// A failure naming it fails it.
	bad := append(specs, conformance.SpecOutcome{Name: "echoes", Checks: with(), Status: "failed", Check: every[0], Reason: "[" + every[0] + "] x"})
	if r := state(bad, every[0]); r.State != conformance.Failed {
		t.Errorf("%s named by a failure: %s", every[0], r.State)
	}
	// No spec that ran it: not checked.
	if r := state(specs[1:], every[0]); r.State != conformance.NotChecked {
		t.Errorf("%s with no spec passing: %s", every[0], r.State)
	}
}
