package results_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/outcome"
	resultspkg "github.com/autoshares/conformance/internal/results"
	"github.com/autoshares/conformance/schemas/signoff"
)

var cat = catalogue.MustDefault()

// judged is a spec whose checks all have state st, each judged by a record.
func judged(name string, st outcome.State, ids ...string) resultspkg.SpecOutcome {
	sp := resultspkg.SpecOutcome{Name: name, State: st}
	for _, id := range ids {
		sp.Checks = append(sp.Checks, resultspkg.CheckOutcome{ID: id, State: st, Judged: true})
	}
	return sp
}

// allPassed is a run in which one spec per check passed.
func allPassed() []resultspkg.SpecOutcome {
	var specs []resultspkg.SpecOutcome
	for _, id := range cat.IDs() {
		specs = append(specs, judged("spec of "+id, outcome.Passed, id))
	}
	return specs
}

func profile(ps []resultspkg.Profile, name string) resultspkg.Profile {
	for _, p := range ps {
		if p.Name == name {
			return p
		}
	}
	return resultspkg.Profile{}
}

func firstOf(profileName string) string {
	for _, c := range cat.Checks {
		if catalogue.ProfileOf(c) == profileName {
			return c.ID
		}
	}
	return ""
}

func TestEveryProfileConformantWhenEveryCheckPassed(t *testing.T) {
	for _, p := range resultspkg.Profiles(resultspkg.Judge(cat, allPassed(), nil, nil), nil) {
		if p.Level != resultspkg.Conformant {
			t.Errorf("%s: %s (%s)", p.Name, p.Level, p.Why)
		}
	}
}

func TestAFailureMakesOnlyItsProfileNotConformant(t *testing.T) {
	specs := allPassed()
	broken := firstOf(catalogue.ProfileBaseline)
	for i := range specs {
		if specs[i].Checks[0].ID == broken {
			specs[i] = judged(specs[i].Name, outcome.Failed, broken)
		}
	}
	ps := resultspkg.Profiles(resultspkg.Judge(cat, specs, nil, nil), nil)
	if p := profile(ps, catalogue.ProfileBaseline); p.Level != resultspkg.NotConformant || p.Counts.Failed != 1 {
		t.Errorf("baseline: %+v", p)
	}
	for _, name := range []string{catalogue.ProfileCore, catalogue.ProfileSecurityL1, catalogue.ProfileSecurityL2} {
		if p := profile(ps, name); p.Level != resultspkg.Conformant {
			t.Errorf("%s: %s (%s)", name, p.Level, p.Why)
		}
	}
}

// ASVS levels are cumulative: a failure at level 2 leaves level 1 conformant and makes
// levels 2 and 3 not conformant; a level 1 check merely skipped leaves level 3, whose own
// checks passed, partially conformant.
func TestASecurityLevelHoldsOnlyWithTheLevelsBelow(t *testing.T) {
	levels := func(specs []resultspkg.SpecOutcome) []string {
		ps := resultspkg.Profiles(resultspkg.Judge(cat, specs, nil, nil), nil)
		var out []string
		for _, name := range catalogue.SecurityProfiles {
			out = append(out, profile(ps, name).Level)
		}
		return out
	}
	set := func(id string, st outcome.State) []resultspkg.SpecOutcome {
		specs := allPassed()
		for i := range specs {
			if specs[i].Checks[0].ID == id {
				specs[i] = judged(specs[i].Name, st, id)
			}
		}
		return specs
	}
	got := levels(set(firstOf(catalogue.ProfileSecurityL2), outcome.Failed))
	if want := []string{resultspkg.Conformant, resultspkg.NotConformant, resultspkg.NotConformant}; !slices.Equal(got, want) {
		t.Errorf("a level 2 failure: levels %q, want %q", got, want)
	}
	got = levels(set(firstOf(catalogue.ProfileSecurityL1), outcome.Skipped))
	if want := []string{resultspkg.PartiallyConformant, resultspkg.PartiallyConformant, resultspkg.PartiallyConformant}; !slices.Equal(got, want) {
		t.Errorf("a level 1 skip: levels %q, want %q", got, want)
	}
}

// An errored check counts like a failed one for the profile's level.
func TestAnErroredCheckMakesItsProfileNotConformant(t *testing.T) {
	specs := allPassed()
	broken := firstOf(catalogue.ProfileCore)
	for i := range specs {
		if specs[i].Checks[0].ID == broken {
			specs[i] = judged(specs[i].Name, outcome.Errored, broken)
		}
	}
	if p := profile(resultspkg.Profiles(resultspkg.Judge(cat, specs, nil, nil), nil), catalogue.ProfileCore); p.Level != resultspkg.NotConformant || p.Counts.Errored != 1 || !strings.Contains(p.Why, "1 errored") {
		t.Errorf("core: %+v", p)
	}
}

// A check whose only specs the filter left out takes their state.
func TestACheckOnlyFilteredSpecsDeclareIsFiltered(t *testing.T) {
	id := firstOf(catalogue.ProfileCore)
	specs := []resultspkg.SpecOutcome{judged("a", outcome.Filtered, id)}
	for _, r := range resultspkg.Judge(cat, specs, nil, nil) {
		if r.ID == id && r.State != outcome.Filtered {
			t.Errorf("only filtered: %s, want filtered", r.State)
		}
	}
}

func TestWorstStateWinsAcrossSpecs(t *testing.T) {
	id := firstOf(catalogue.ProfileCore)
	for _, tc := range []struct {
		second outcome.State
		want   outcome.State
	}{{outcome.Passed, outcome.Passed}, {outcome.Skipped, outcome.Skipped}, {outcome.Filtered, outcome.Passed}, // a spec left out by the filter does not unmake the check
		{outcome.Inconclusive, outcome.Inconclusive}, {outcome.KnownDeviation, outcome.KnownDeviation}, {outcome.Errored, outcome.Errored},
		{outcome.NotChecked, outcome.NotChecked}, {outcome.Failed, outcome.Failed}} {
		specs := []resultspkg.SpecOutcome{judged("a", outcome.Passed, id), judged("b", tc.second, id)}
		for _, r := range resultspkg.Judge(cat, specs, nil, nil) {
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
		if catalogue.ProfileOf(c) == catalogue.ProfileCore && len(c.Settings) > 0 {
			loosenedCheck, setting = c.ID, c.Settings[0]
			break
		}
	}
	ps := resultspkg.Profiles(resultspkg.Judge(cat, specs, []string{setting}, nil), []string{setting})
	if p := profile(ps, catalogue.ProfileCore); p.Level != resultspkg.PartiallyConformant || p.Counts.Loosened == 0 ||
		!strings.Contains(p.Why, "loosened") {
		t.Errorf("a pass under a loosened setting (%s of %s) must not be conformant: %+v", setting, loosenedCheck, p)
	}
	ps = resultspkg.Profiles(resultspkg.Judge(cat, nil, nil, nil), nil)
	for _, p := range ps {
		if p.Level != resultspkg.NotTested {
			t.Errorf("a run of no spec: %s is %s", p.Name, p.Level)
		}
	}
	// One check skipped: partially conformant, with the count.
	id := firstOf(catalogue.ProfileSecurityL1)
	for i := range specs {
		if specs[i].Checks[0].ID == id {
			specs[i] = judged(specs[i].Name, outcome.Skipped, id)
		}
	}
	if p := profile(resultspkg.Profiles(resultspkg.Judge(cat, specs, nil, nil), nil), catalogue.ProfileSecurityL1); p.Level != resultspkg.PartiallyConformant || p.Counts.Skipped != 1 {
		t.Errorf("skipped: %+v", p)
	}
}

func TestStaleDeviations(t *testing.T) {
	id := firstOf(catalogue.ProfileCore)
	devs := []config.Entry{{Check: id, Reason: "r", Ticket: "https://tickets.example/1", Expires: "2099-01-01"}}
	stale := resultspkg.Stale(resultspkg.Judge(cat, allPassed(), nil, devs))
	if len(stale) != 1 || !strings.Contains(stale[0], "fixed: remove the entry") || !strings.Contains(stale[0], id) {
		t.Errorf("Stale = %v", stale)
	}
}

// The report a run writes is valid against schemas/signoff/conformance-report.schema.json.
func TestTheWrittenReportIsValidAgainstItsSchema(t *testing.T) {
	specs := allPassed()
	id := specs[0].Checks[0].ID
	specs[0] = judged(specs[0].Name, outcome.KnownDeviation, id)
	specs[0].Checks[0].Signature = &outcome.Signature{Status: 500, Kinds: []string{"status"}}
	devs := []config.Entry{{Check: id, Reason: "r", Ticket: "T-1", Expires: "2099-01-01"}}
	rep := resultspkg.BuildConformance(resultspkg.Meta{
		Suite:  resultspkg.Suite{Module: "m", Version: "devel", Commit: "abc"},
		Target: "https://***@staging.example/api", Start: time.Now(), End: time.Now(),
		Settings: []resultspkg.ConformanceSetting{{Name: "AUTOSHARES_EXPECT_SUCCESS_STATUS", Value: "", Default: "200", Changed: true, Loosened: true}},
	}, resultspkg.Judge(cat, specs, nil, devs), devs)
	dir := t.TempDir()
	if err := resultspkg.WriteConformance(dir, rep); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, resultspkg.ConformanceFile))
	if err != nil {
		t.Fatal(err)
	}
	ValidReport(t, data)
	var back resultspkg.Report
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Loosenings) != 1 || len(back.Checks) != len(cat.Checks) || len(back.Profiles) != len(catalogue.Profiles) {
		t.Errorf("report: %d loosenings, %d checks, %d profiles", len(back.Loosenings), len(back.Checks), len(back.Profiles))
	}
}

// ValidReport fails t unless data is valid against the conformance report's schema.
func ValidReport(t *testing.T, data []byte) {
	t.Helper()
	set, err := config.Schemas()
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
	id := firstOf(catalogue.ProfileCore)
	specs := allPassed()
	for i := range specs {
		if specs[i].Checks[0].ID == id {
			specs[i].Checks[0].State, specs[i].Checks[0].Reason = outcome.NotChecked, "the target refused the optional input"
		}
	}
	devs := []config.Entry{{Check: id, Reason: "r", Ticket: "T-1", Expires: "2099-01-01"}}
	results := resultspkg.Judge(cat, specs, nil, devs)
	for _, r := range results {
		if r.ID == id && (r.State != outcome.NotChecked || !strings.Contains(r.Reason, "refused the optional input")) {
			t.Errorf("%s: %s %q, want not checked with the reason", id, r.State, r.Reason)
		}
	}
	if stale := resultspkg.Stale(results); len(stale) != 0 {
		t.Errorf("a not-checked check is not fixed: %v", stale)
	}
	if p := profile(resultspkg.Profiles(results, nil), catalogue.ProfileCore); p.Level != resultspkg.PartiallyConformant || p.Counts.NotChecked != 1 {
		t.Errorf("core: %+v", p)
	}
}

// A loosened setting reaches further than the checks listing it: no profile is conformant
// while one is in force, and only the checks listing it say so.
func TestALoosenedRunIsConformantNowhere(t *testing.T) {
	const setting = "AUTOSHARES_EXPECT_SUCCESS_STATUS"
	results := resultspkg.Judge(cat, allPassed(), []string{setting}, nil)
	for _, p := range resultspkg.Profiles(results, []string{setting}) {
		if p.Level != resultspkg.PartiallyConformant || !strings.Contains(p.Why, "the run loosened "+setting) {
			t.Errorf("%s: %s (%s)", p.Name, p.Level, p.Why)
		}
	}
	for _, r := range results {
		c, _ := cat.Get(r.ID)
		if lists := slices.Contains(c.Settings, setting); lists != (len(r.LoosenedBy) > 0) {
			t.Errorf("%s: loosened_by %v, catalogue settings %v", r.ID, r.LoosenedBy, c.Settings)
		}
	}
	rep := resultspkg.BuildConformance(resultspkg.Meta{Settings: []resultspkg.ConformanceSetting{{Name: setting, Loosened: true}}}, results, nil)
	for _, p := range rep.Profiles {
		if p.Level == resultspkg.Conformant {
			t.Errorf("Build: %s conformant under a loosened run", p.Name)
		}
	}
}

// An every-exchange check is judged only by the specs that judged it (a record): a spec
// that failed another check, skipped, or errored says nothing of it.
func TestEveryExchangeChecksCountOnlyWhereJudged(t *testing.T) {
	var every string
	for _, c := range cat.Checks {
		if c.EveryExchange {
			every = c.ID
			break
		}
	}
	if every == "" {
		t.Fatal("the catalogue has no every-exchange check")
	}
	other := firstOf(catalogue.ProfileCore)
	unjudged := func(name string, st outcome.State) resultspkg.SpecOutcome {
		sp := judged(name, st, other)
		sp.Checks = append(sp.Checks, resultspkg.CheckOutcome{ID: every, State: st})
		return sp
	}
	state := func(specs []resultspkg.SpecOutcome) resultspkg.CheckResult {
		for _, r := range resultspkg.Judge(cat, specs, nil, nil) {
			if r.ID == every {
				return r
			}
		}
		return resultspkg.CheckResult{}
	}
	passes := judged("passes", outcome.Passed, every)
	specs := []resultspkg.SpecOutcome{passes, unjudged("fails another", outcome.Failed), unjudged("skips", outcome.Skipped),
		unjudged("broken transport", outcome.Errored)}
	if r := state(specs); r.State != outcome.Passed || len(r.Specs) != 1 {
		t.Errorf("%s: %s %q %v, want passed by the one spec that judged it", every, r.State, r.Reason, r.Specs)
	}
	if r := state(append(specs, judged("echoes", outcome.Failed, every))); r.State != outcome.Failed {
		t.Errorf("%s failed by a record: %s", every, r.State)
	}
	if r := state(specs[1:]); r.State != outcome.NotChecked {
		t.Errorf("%s judged by no spec: %s", every, r.State)
	}
}

// A check that failed differently from its known deviation is a run problem naming the entry.
func TestADeviationMismatchNamesTheEntry(t *testing.T) {
	id := firstOf(catalogue.ProfileCore)
	sp := judged("s", outcome.Failed, id)
	sp.Checks[0].DeviationMismatch, sp.Checks[0].Reason = true, "- status: expected 4xx, got 200"
	sp.Checks[0].Deviation = &outcome.DeviationRef{Check: id, Ticket: "T-9"}
	devs := []config.Entry{{Check: id, Reason: "r", Ticket: "T-9", Expires: "2099-01-01"}}
	ms := resultspkg.Mismatches(resultspkg.Judge(cat, []resultspkg.SpecOutcome{sp}, nil, devs))
	if len(ms) != 1 || !strings.Contains(ms[0], "T-9") || !strings.Contains(ms[0], id) {
		t.Errorf("Mismatches = %q", ms)
	}
}

// A profile partial because the label filter left a check out names the check and how to
// include it (a default run leaves the slow spec out).
func TestAFilteredCheckIsNamedInItsProfile(t *testing.T) {
	id := firstOf(catalogue.ProfileCore)
	specs := allPassed()
	for i := range specs {
		if specs[i].Checks[0].ID == id {
			specs[i] = judged(specs[i].Name, outcome.Filtered, id)
		}
	}
	p := profile(resultspkg.Profiles(resultspkg.Judge(cat, specs, nil, nil), nil), catalogue.ProfileCore)
	if p.Level != resultspkg.PartiallyConformant || !strings.Contains(p.Why, "left out by the label filter: "+id) || !strings.Contains(p.Why, "LABELS="+id) {
		t.Errorf("core: %+v", p)
	}
}

// A partially conformant profile names the checks it could not check, with why: a default
// run against an http target says HSTS was not checked, and why, not just "1 not checked".
func TestAProfileNamesItsNotCheckedChecks(t *testing.T) {
	specs := allPassed()
	const why = "the target is http, not https"
	for i := range specs {
		if specs[i].Checks[0].ID == catalogue.SecurityHeadersHsts {
			specs[i] = resultspkg.SpecOutcome{Name: specs[i].Name, State: outcome.Passed,
				Checks: []resultspkg.CheckOutcome{{ID: catalogue.SecurityHeadersHsts, State: outcome.NotChecked, Reason: why, Judged: true}}}
		}
	}
	p := profile(resultspkg.Profiles(resultspkg.Judge(cat, specs, nil, nil), nil), catalogue.ProfileSecurityL1)
	if p.Level != resultspkg.PartiallyConformant || !strings.Contains(p.Why, "not checked: "+catalogue.SecurityHeadersHsts+" ("+why+")") {
		t.Errorf("security-l1: %s (%s)", p.Level, p.Why)
	}
}
