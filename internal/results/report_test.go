package results

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/redact"
)

const transcript = "> PUT http://127.0.0.1:1/api/v1.0/users/passwords/reset/\n> Et-App-Key: [REDACTED]\n>\n> {\"Token\":\"[REDACTED]\"}\n< 200 OK (1ms)\n<\n< {\"IsSucceed\":true}\n"
const otherExchange = "> POST http://127.0.0.1:1/api/token\n< 401 Unauthorized (1ms)\n"

func sample() types.Report {
	t0 := time.Date(2026, 11, 28, 23, 0, 0, 0, time.UTC)
	output := otherExchange + "\n" + transcript + "\n"
	return types.Report{SuiteDescription: "s", SuiteSucceeded: false, StartTime: t0, EndTime: t0.Add(time.Minute),
		SuiteConfig: types.SuiteConfig{LabelFilter: "step4 || mail"},
		SpecReports: types.SpecReports{
			{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStatePassed},
			{LeafNodeType: types.NodeTypeIt, LeafNodeText: "fails", LeafNodeLabels: []string{"step4"}, State: types.SpecStateFailed,
				Failure: types.Failure{Message: "token tok-SECRET-1 rejected: 1 problem(s):\n- IsSucceed: expected false\n\nTranscript:\n" + transcript,
					TimelineLocation: types.TimelineLocation{Offset: len(output)}},
				CapturedGinkgoWriterOutput: output + "> Et-App-Key: key-SECRET-2\n"},
			{LeafNodeType: types.NodeTypeIt, LeafNodeText: "needs mail", LeafNodeLabels: []string{"mail"}, State: types.SpecStateSkipped,
				Failure: types.Failure{Message: "set AUTOSHARES_MAILBOX_URL to enable"}},
			{LeafNodeType: types.NodeTypeIt, LeafNodeText: "filtered", LeafNodeLabels: []string{"step1"}, State: types.SpecStateSkipped},
			{LeafNodeType: types.NodeTypeIt, LeafNodeText: "cut short", LeafNodeLabels: []string{"step4"}, State: types.SpecStateSkipped},
			{LeafNodeType: types.NodeTypeIt, LeafNodeText: "passes", LeafNodeLabels: []string{"step4"}, State: types.SpecStatePassed},
		}}
}

func sampleRun(t *testing.T) Run {
	cfg, err := config.Load(func(k string) string {
		if k == "AUTOSHARES_EXPECT_MISMATCH_STATUS" {
			return "400"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	settings, err := ExpectationSettings(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return Run{Target: "https://[REDACTED]@staging.example.test/api", Step3: "autoshares", Settings: settings,
		TokenSources: []string{"provider states (AUTOSHARES_STATE_URL)"}}
}

func TestReportsAreWrittenWithoutSecrets(t *testing.T) {
	dir := t.TempDir()
	if _, err := Write(sample(), dir, redact.New("tok-SECRET-1", "key-SECRET-2"), sampleRun(t)); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{JUnitFile, JSONFile, SkippedFile, SummaryFile} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "SECRET") {
			t.Errorf("%s leaks a secret:\n%s", f, b)
		}
	}
	junit, _ := os.ReadFile(filepath.Join(dir, JUnitFile))
	if !strings.Contains(string(junit), "token "+redact.Mask+" rejected") {
		t.Errorf("junit lost the failure message:\n%s", junit)
	}
}

func TestExpectationSettingsCoverEverySettingAndMarkChanges(t *testing.T) {
	run := sampleRun(t)
	n := 0
	for _, s := range config.Settings() {
		if s.Tunes != config.NotACheck {
			n++
		}
	}
	if len(run.Settings) != n || n == 0 {
		t.Fatalf("%d of %d expectation settings", len(run.Settings), n)
	}
	for _, s := range run.Settings {
		want := s.Name == "AUTOSHARES_EXPECT_MISMATCH_STATUS"
		if s.Changed != want {
			t.Errorf("%s: changed=%v (value %q, default %q)", s.Name, s.Changed, s.Value, s.Default)
		}
		if want && s.Mark() != `"400" [CHANGED from the default (unset)]` {
			t.Errorf("mark: %s", s.Mark())
		}
	}
}

// sampleRecords are the records of sample(): its failing spec failed a check, with the
// transcript in the record.
func sampleRecords() []outcome.Record {
	return []outcome.Record{{Spec: "fails", Check: catalogue.Step4MismatchRejected, State: outcome.Failed, Status: 200,
		Problems:   []outcome.Problem{{Kind: "is-succeed", Text: "IsSucceed: expected false"}},
		Transcript: transcript}}
}

func TestSummaryTellsFilteredFromSkippedAndCountsSpecs(t *testing.T) {
	m := build(sample(), sampleRecords(), sampleRun(t))
	s := m.Summary
	want := Counts{Specs: 5, Run: 2, Passed: 1, Failed: 1, Skipped: 1, Filtered: 1, NotRun: 1}
	if s.Counts != want {
		t.Fatalf("counts %+v, want %+v", s.Counts, want)
	}
	got := map[string]string{}
	for _, sp := range s.Specs {
		got[sp.Name] = sp.Status + ": " + sp.Reason
	}
	for name, w := range map[string]string{
		"needs mail": "skipped: set AUTOSHARES_MAILBOX_URL",
		"filtered":   `filtered: not selected by the label filter "step4 || mail"`,
		"cut short":  "not checked: not reached",
		"fails":      "failed: - IsSucceed: expected false",
	} {
		if !strings.HasPrefix(got[name], w) {
			t.Errorf("%s: %q, want %q...", name, got[name], w)
		}
	}
	if strings.Contains(got["fails"], "> PUT") {
		t.Errorf("the summary's reason carries the transcript: %q", got["fails"])
	}
	if len(s.Specs) != 5 {
		t.Errorf("a passed setup node is in the summary: %+v", s.Specs)
	}
	sum := m.skips()
	for _, w := range []string{"needs mail", "AUTOSHARES_MAILBOX_URL", "1 spec(s) filtered out, not skipped: not selected by the label filter", "1 spec(s) not run"} {
		if !strings.Contains(sum, w) {
			t.Errorf("skip summary lacks %q:\n%s", w, sum)
		}
	}
}

func TestJUnitCountsSpecsAndSaysWhatWasTested(t *testing.T) {
	rep := sample()
	rep.SpecReports = append(rep.SpecReports, types.SpecReport{LeafNodeType: types.NodeTypeSynchronizedAfterSuite,
		State: types.SpecStateFailed, Failure: types.Failure{Message: "teardown of a trader failed"}})
	dir, _ := writeWith(t, rep, sampleRecords(), sampleRun(t))
	raw, _ := os.ReadFile(filepath.Join(dir, JUnitFile))
	var doc reporters.JUnitTestSuites
	if err := xml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.TestSuites[0]
	// 5 specs and the failed AfterSuite (an error: outside any check); not the passed BeforeSuite.
	if s.Tests != 6 || s.Failures != 1 || s.Errors != 1 || s.Skipped != 1 || s.Disabled != 2 {
		t.Fatalf("tests %d failures %d errors %d skipped %d disabled %d\n%s", s.Tests, s.Failures, s.Errors, s.Skipped, s.Disabled, raw)
	}
	cases := map[string]reporters.JUnitTestCase{}
	for _, tc := range s.TestCases {
		cases[tc.Name] = tc
	}
	if tc := cases["[It] filtered [step1]"]; tc.Status != StatusFiltered || !strings.HasPrefix(tc.Skipped.Message, "filtered - not selected by the label filter") {
		t.Errorf("filtered spec: %+v %+v", tc, tc.Skipped)
	}
	if tc := cases["[It] needs mail [mail]"]; !strings.HasPrefix(tc.Skipped.Message, "skipped - set AUTOSHARES_MAILBOX_URL") {
		t.Errorf("self-skipped spec: %+v", tc.Skipped)
	}
	for name, want := range map[string]string{
		"autoshares.target":                                   "https://[REDACTED]@staging.example.test/api",
		"autoshares.step3_variant":                            "autoshares",
		"autoshares.counts.specs":                             "5",
		"autoshares.counts.setup_failures":                    "1",
		"autoshares.token_sources":                            "provider states (AUTOSHARES_STATE_URL)",
		"autoshares.expect.AUTOSHARES_EXPECT_MISMATCH_STATUS": `"400" [CHANGED from the default (unset)]`,
		"autoshares.expect.AUTOSHARES_EXPECT_SUCCESS_STATUS":  `"200"`,
		"autoshares.start":                                    "2026-11-28T23:00:00Z",
	} {
		if got := s.Properties.WithName(name); got != want {
			t.Errorf("property %s = %q, want %q", name, got, want)
		}
	}
	if s.Properties.WithName("autoshares.suite.commit") == "" || s.Properties.WithName("autoshares.suite.version") == "" {
		t.Errorf("no suite version in the properties")
	}

	var sum Summary
	raw, _ = os.ReadFile(filepath.Join(dir, SummaryFile))
	if err := json.Unmarshal(raw, &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Counts.SetupFailures != 1 || sum.Target == "" || len(sum.Settings) == 0 || sum.Suite.Commit == "" {
		t.Errorf("summary.json: %s", raw)
	}
	var reps []types.Report
	raw, _ = os.ReadFile(filepath.Join(dir, JSONFile))
	if err := json.Unmarshal(raw, &reps); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, sp := range reps[0].SpecReports {
		for _, e := range sp.ReportEntries {
			if sp.LeafNodeText == "filtered" && e.Name == StatusEntry && strings.Contains(e.StringRepresentation(), StatusFiltered) {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("the JSON report does not mark the filtered spec")
	}
}

func TestAFailureShowsItsTranscriptOnce(t *testing.T) {
	masked, err := Redact(sample(), redact.New("key-SECRET-2"), sampleRecords())
	if err != nil {
		t.Fatal(err)
	}
	sp := masked.SpecReports[1]
	all := sp.CapturedGinkgoWriterOutput + sp.Failure.Message
	if n := strings.Count(all, "< 200 OK (1ms)"); n != 1 {
		t.Fatalf("the failing exchange appears %d times:\n%s", n, all)
	}
	if !strings.Contains(sp.CapturedGinkgoWriterOutput, otherExchange) {
		t.Errorf("an exchange the failure does not quote was removed:\n%s", sp.CapturedGinkgoWriterOutput)
	}
	// The failure still sits right after the log that preceded it.
	before := sp.CapturedGinkgoWriterOutput[:sp.Failure.TimelineLocation.Offset]
	if !strings.HasSuffix(before, "transcript in the failure message)\n") {
		t.Errorf("timeline offset moved wrongly: %q", before)
	}
}

// The transcripts dropped from the log are the ones the spec's records say its failure
// quotes: a transcript a failure message shows is not looked for in the message's text, and
// a known deviation's, which no failure message quotes, stays in the log.
func TestTheRecordsSayWhichTranscriptsAFailureQuotes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		records []outcome.Record
	}{
		{"no record", nil},
		{"a known deviation", []outcome.Record{{Spec: "fails", Check: catalogue.Step4MismatchRejected, State: outcome.KnownDeviation, Transcript: transcript}}},
		{"another spec's failure", []outcome.Record{{Spec: "passes", Check: catalogue.Step4MismatchRejected, State: outcome.Failed, Transcript: transcript}}},
	} {
		masked, err := Redact(sample(), redact.New(), tc.records)
		if err != nil {
			t.Fatal(err)
		}
		if out := masked.SpecReports[1].CapturedGinkgoWriterOutput; !strings.Contains(out, transcript) {
			t.Errorf("%s: the transcript left the log:\n%s", tc.name, out)
		}
	}
	errored := []outcome.Record{{Spec: "fails", State: outcome.Errored, Transcript: transcript}}
	masked, err := Redact(sample(), redact.New(), errored)
	if err != nil {
		t.Fatal(err)
	}
	if out := masked.SpecReports[1].CapturedGinkgoWriterOutput; strings.Contains(out, transcript) || !strings.Contains(out, otherExchange) {
		t.Errorf("an errored record's transcript stays, or another exchange left:\n%s", out)
	}
}

func TestMaskingKeepsTheTimelineInPlace(t *testing.T) {
	out := "setup with key-SECRET-2\nBY-HERE\nafter key-SECRET-2\n"
	sp := types.SpecReport{LeafNodeType: types.NodeTypeIt, State: types.SpecStatePassed, CapturedGinkgoWriterOutput: out,
		SpecEvents: types.SpecEvents{{SpecEventType: types.SpecEventByStart, Message: "step",
			TimelineLocation: types.TimelineLocation{Offset: strings.Index(out, "BY-HERE")}}}}
	masked, err := Redact(types.Report{SpecReports: types.SpecReports{sp}}, redact.New("key-SECRET-2"), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := masked.SpecReports[0]
	if at := got.CapturedGinkgoWriterOutput[got.SpecEvents[0].TimelineLocation.Offset:]; !strings.HasPrefix(at, "BY-HERE") || strings.Contains(got.CapturedGinkgoWriterOutput, "SECRET") {
		t.Fatalf("output %q, event at %q", got.CapturedGinkgoWriterOutput, at)
	}
}

func TestPrepareDirEmptiesOnlyWhatTheSuiteWrote(t *testing.T) {
	root := t.TempDir()
	fresh := filepath.Join(root, "fresh")
	if foreign, err := PrepareDir(fresh); err != nil || len(foreign) != 0 {
		t.Fatal(foreign, err)
	}
	os.WriteFile(filepath.Join(fresh, JUnitFile), []byte("old"), 0o644)
	os.MkdirAll(filepath.Join(fresh, "pacts", "partial"), 0o755)
	os.WriteFile(filepath.Join(fresh, "screenshot.png"), []byte("old"), 0o644)
	if foreign, err := PrepareDir(fresh); err != nil || len(foreign) != 0 {
		t.Fatal(foreign, err)
	}
	if entries, _ := os.ReadDir(fresh); len(entries) != 1 || entries[0].Name() != Marker {
		t.Fatalf("a marked directory was not emptied: %v", entries)
	}

	users := filepath.Join(root, "users")
	os.MkdirAll(users, 0o755)
	os.WriteFile(filepath.Join(users, "notes.txt"), []byte("mine"), 0o644)
	os.WriteFile(filepath.Join(users, SummaryFile), []byte("old"), 0o644)
	os.MkdirAll(filepath.Join(users, "pacts"), 0o755) // e.g. the repository's committed pacts
	if err := outcome.Write(users, 3, []outcome.Record{{Spec: "an earlier run's", State: outcome.Failed}}); err != nil {
		t.Fatal(err)
	}
	foreign, err := PrepareDir(users)
	if recs, _ := outcome.ReadAll(users); len(recs) != 0 {
		t.Fatalf("an earlier run's outcome records survived: %+v", recs)
	}
	if err != nil || len(foreign) != 2 || foreign[0] != "notes.txt" || foreign[1] != "pacts" {
		t.Fatal(foreign, err)
	}
	for _, kept := range []string{"notes.txt", "pacts"} {
		if _, err := os.Stat(filepath.Join(users, kept)); err != nil {
			t.Fatalf("deleted %s from a directory that is not the suite's", kept)
		}
	}
	if _, err := os.Stat(filepath.Join(users, SummaryFile)); err == nil {
		t.Fatal("left a stale report")
	}
	if _, err := os.Stat(filepath.Join(users, Marker)); err == nil {
		t.Fatal("marked a directory that holds a user's files")
	}
}

func TestSuiteVersionIsNeverBlank(t *testing.T) {
	v := SuiteVersion()
	if v.Module == "" || v.Version == "" || v.Commit == "" || v.Version == "(devel)" {
		t.Fatalf("%+v", v)
	}
	t.Logf("%s (commit from %s)", v, v.From)
}

func TestJUnitShowsAFailuresTranscriptOnce(t *testing.T) {
	dir, _ := writeWith(t, sample(), sampleRecords(), sampleRun(t))
	raw, _ := os.ReadFile(filepath.Join(dir, JUnitFile))
	var doc reporters.JUnitTestSuites
	if err := xml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for _, tc := range doc.TestSuites[0].TestCases {
		if tc.Failure == nil {
			continue
		}
		all := tc.Failure.Message + tc.Failure.Description + tc.SystemErr + tc.SystemOut
		if n := strings.Count(all, "< 200 OK (1ms)"); n != 1 {
			t.Errorf("%s: the transcript appears %d times:\n%s", tc.Name, n, all)
		}
		if !strings.Contains(tc.Failure.Message, "IsSucceed: expected false") || strings.Contains(tc.Failure.Message, "< 200 OK") {
			t.Errorf("problem lines lost, or the transcript in the message: %+v", tc)
		}
	}
}

func TestASetupFailureStillCountsEverySpec(t *testing.T) {
	rep := types.Report{PreRunStats: types.PreRunStats{TotalSpecs: 25, SpecsThatWillRun: 20},
		SpecReports: types.SpecReports{{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStateFailed,
			Failure: types.Failure{Message: "AUTOSHARES_BASE_URL does not serve the API"}}}}
	s := build(rep, nil, Run{}).Summary
	want := Counts{Specs: 25, Filtered: 5, NotRun: 20, SetupFailures: 1}
	if s.Counts != want {
		t.Fatalf("counts %+v, want %+v", s.Counts, want)
	}
	if !strings.Contains(Describe(s), "Target: not known") {
		t.Errorf("%s", Describe(s))
	}
}

// A finding is listed when some spec observed it, once, with its requirement ID; never
// when no spec did, and it does not change the verdict.
func TestFindingsListObservedOnes(t *testing.T) {
	rep := sample()
	spec := rep.SpecReports[5].FullText() // the spec that passed
	seen := outcome.Record{Spec: spec, Finding: catalogue.FindingSecretQuestion, State: outcome.Passed}
	s := build(rep, []outcome.Record{seen, seen}, Run{}).Summary
	if len(s.Findings) != 1 || s.Findings[0].ID != catalogue.FindingSecretQuestion || s.Findings[0].Requirement != "ASVS 6.4.2" {
		t.Fatalf("findings: %+v", s.Findings)
	}
	if !strings.Contains(Describe(s), "[ASVS 6.4.2]") {
		t.Errorf("the console summary does not list the finding:\n%s", Describe(s))
	}
	if s.Succeeded != build(sample(), nil, Run{}).Summary.Succeeded {
		t.Error("a finding changed the verdict")
	}
	if none := build(sample(), nil, Run{}).Summary; len(none.Findings) != 0 || strings.Contains(Describe(none), "Findings") {
		t.Errorf("findings listed that no spec observed: %+v", none.Findings)
	}
}
