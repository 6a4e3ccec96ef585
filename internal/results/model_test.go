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

// build is the model of a synthetic report and records.
func build(rep types.Report, recs []outcome.Record, run Run) Model {
	return Build(rep, recs, run, Version{Module: "m", Version: "v1", Commit: "abc"}, catalogue.MustDefault())
}

// writeWith writes the records as process 1 would, then every report.
func writeWith(t *testing.T, rep types.Report, recs []outcome.Record, run Run) (string, Model) {
	t.Helper()
	dir := t.TempDir()
	if err := outcome.Write(dir, 1, recs); err != nil {
		t.Fatal(err)
	}
	m, err := Write(rep, dir, redact.New(), run)
	if err != nil {
		t.Fatal(err)
	}
	return dir, m
}

// The reports of one run, read back from the files, by check ID: the check's state in
// conformance-report.json, in summary.json (the spec's check), the JUnit property and
// report.html's check row.
type written struct {
	dir         string
	conformance map[string]outcome.State
	summary     map[string]outcome.State
	junit       map[string]string
	html        string
	comparison  *Comparison
}

func readWritten(t *testing.T, dir string) written {
	t.Helper()
	w := written{dir: dir, conformance: map[string]outcome.State{}, summary: map[string]outcome.State{}, junit: map[string]string{}}
	var cr Report
	raw, _ := os.ReadFile(filepath.Join(dir, ConformanceFile))
	if err := json.Unmarshal(raw, &cr); err != nil {
		t.Fatal(err)
	}
	for _, c := range cr.Checks {
		w.conformance[c.ID] = c.State
	}
	var sum Summary
	raw, _ = os.ReadFile(filepath.Join(dir, SummaryFile))
	if err := json.Unmarshal(raw, &sum); err != nil {
		t.Fatal(err)
	}
	for _, sp := range sum.Specs {
		for _, c := range sp.Checks {
			w.summary[c.ID] = c.State
		}
	}
	raw, _ = os.ReadFile(filepath.Join(dir, JUnitFile))
	var doc reporters.JUnitTestSuites
	if err := xml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for _, tc := range doc.TestSuites[0].TestCases {
		if tc.Properties == nil {
			continue
		}
		for _, p := range tc.Properties.Properties {
			if id, ok := strings.CutPrefix(p.Name, CheckPropertyPrefix); ok {
				w.junit[id] = p.Value
			}
		}
	}
	html, _ := os.ReadFile(filepath.Join(dir, HTMLFile))
	w.html = string(html)
	if raw, err := os.ReadFile(filepath.Join(dir, ComparisonFile)); err == nil {
		w.comparison = &Comparison{}
		if err := json.Unmarshal(raw, w.comparison); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// agree fails unless every report gives check id the state want.
func (w written) agree(t *testing.T, id string, want outcome.State) {
	t.Helper()
	if w.conformance[id] != want || w.summary[id] != want || w.junit[id] != string(want) {
		t.Errorf("%s: conformance-report.json %q, summary.json %q, JUnit %q; want %q everywhere", id, w.conformance[id], w.summary[id], w.junit[id], want)
	}
	row := "<code>" + id + `</code></td>`
	i := strings.Index(w.html, row)
	if i < 0 {
		t.Errorf("%s: report.html has no row for it", id)
		return
	}
	end := strings.Index(w.html[i:], "</tr>")
	if cell := `">` + string(want) + `</span>`; !strings.Contains(w.html[i:i+end], cell) {
		t.Errorf("%s: report.html's row does not say %q: %s", id, want, w.html[i:i+end])
	}
}

// Ids of three catalogue checks that are not every-exchange checks.
func threeChecks(t *testing.T) (string, string, string) {
	var ids []string
	for _, c := range catalogue.MustDefault().Checks {
		if !c.EveryExchange {
			ids = append(ids, c.ID)
		}
	}
	if len(ids) < 3 {
		t.Fatal("the catalogue has fewer than 3 checks")
	}
	return ids[0], ids[1], ids[2]
}

func spec(text string, state types.SpecState, msg string, labels ...string) types.SpecReport {
	return types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: text, LeafNodeLabels: labels, State: state,
		ParallelProcess: 1, Failure: types.Failure{Message: msg}, RunTime: time.Second,
		ReportEntries: types.ReportEntries{{Name: ExchangesEntry, Value: types.WrapEntryValue(1)}}}
}

func runOf(specs ...types.SpecReport) types.Report {
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	return types.Report{SuiteDescription: "s", SuiteSucceeded: false, StartTime: t0, EndTime: t0.Add(time.Minute), SpecReports: specs}
}

// A spec ended by a timeout, a panic or a transport error, with no record of a failed
// check, leaves its checks errored in every report, with what Ginkgo reported as the reason.
func TestAnErroredSpecIsErroredInEveryReport(t *testing.T) {
	a, b, c := threeChecks(t)
	rep := runOf(
		spec("times out", types.SpecStateTimedout, "A spec timeout occurred", a),
		spec("transport", types.SpecStateFailed, "POST /x: connection refused", b),
		spec("passes", types.SpecStatePassed, "", c))
	recs := []outcome.Record{{Spec: "passes", Process: 1, Check: c, State: outcome.Passed}}
	dir, m := writeWith(t, rep, recs, Run{Target: "t"})
	w := readWritten(t, dir)
	w.agree(t, a, outcome.Errored)
	w.agree(t, b, outcome.Errored)
	w.agree(t, c, outcome.Passed)
	if m.Summary.Succeeded || m.Summary.Counts.Errored != 2 {
		t.Errorf("summary: succeeded %v, counts %+v", m.Summary.Succeeded, m.Summary.Counts)
	}
	for _, s := range m.Specs {
		if s.Name == "times out" && !strings.Contains(s.Reason, "timed out: A spec timeout occurred") {
			t.Errorf("the timeout's reason: %q", s.Reason)
		}
	}
	for _, want := range []string{`data-state="errored"`, "POST /x: connection refused", `id="specs-errored">2</span> errored`} {
		if !strings.Contains(w.html, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	raw, _ := os.ReadFile(filepath.Join(dir, JUnitFile))
	if !strings.Contains(string(raw), `<error message="the spec timed out: A spec timeout occurred" type="errored">`) {
		t.Errorf("JUnit does not report the timeout as an error:\n%s", raw)
	}
	job, _ := os.ReadFile(filepath.Join(dir, JobSummaryFile))
	if !strings.Contains(string(job), "- errored: times out (`"+a+"`)") {
		t.Errorf("job summary:\n%s", job)
	}
	// An errored record outside any check says so too, with its own reason.
	rep = runOf(spec("setup", types.SpecStateFailed, "state failed", a))
	m = build(rep, []outcome.Record{{Spec: "setup", Process: 1, State: outcome.Errored, Reason: "the provider state could not be set up"}}, Run{})
	if ch := m.Specs[0].Checks[0]; ch.State != outcome.Errored || ch.Reason != "the provider state could not be set up" {
		t.Errorf("errored record: %+v", ch)
	}
}

// A spec judges every check it declares: a failed check does not unmake the others; a
// check of a failed spec it made no record of is not checked, and so is one of a passed spec.
func TestEachCheckHasTheStateItsRecordGives(t *testing.T) {
	a, b, c := threeChecks(t)
	rep := runOf(spec("mismatch", types.SpecStateFailed, "[a] failed ...", a, b, c))
	recs := []outcome.Record{
		{Spec: "mismatch", Process: 1, Check: a, State: outcome.Failed, Status: 200, Problems: []outcome.Problem{{Kind: "status", Text: "status: expected 4xx, got 200"}},
			Transcript: "> PUT /x\n< 200 OK", Reproduction: "curl -X PUT ..."},
		{Spec: "mismatch", Process: 1, Check: b, State: outcome.Failed, Problems: []outcome.Problem{{Kind: "unchanged", Text: "the attempted password logs in"}}},
	}
	dir, m := writeWith(t, rep, recs, Run{Target: "t"})
	w := readWritten(t, dir)
	w.agree(t, a, outcome.Failed)
	w.agree(t, b, outcome.Failed)
	w.agree(t, c, outcome.NotChecked)
	if s := m.Specs[0]; s.State != outcome.Failed || m.Summary.Counts.Failed != 1 || m.Summary.Counts.Errored != 0 {
		t.Errorf("spec %s, counts %+v", s.State, m.Summary.Counts)
	}
	for _, want := range []string{"status: expected 4xx, got 200", "the attempted password logs in", "&gt; PUT /x", "curl -X PUT"} {
		if !strings.Contains(w.html, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if r := m.Conformance.Checks; func() *outcome.Signature {
		for _, x := range r {
			if x.ID == a {
				return x.Signature
			}
		}
		return nil
	}() == nil {
		t.Errorf("%s has no failure signature", a)
	}
}

// Skipped, filtered and not-reached specs give their checks their own state and reason.
func TestSkippedFilteredAndNotReached(t *testing.T) {
	a, b, c := threeChecks(t)
	rep := runOf(
		spec("needs mail", types.SpecStateSkipped, "needs mail: set AUTOSHARES_MAILBOX_URL", a),
		spec("slow", types.SpecStateSkipped, "", b),
		spec("cut short", types.SpecStateSkipped, "", c))
	rep.SuiteConfig.LabelFilter = "!slow"
	rep.SpecReports[1].LeafNodeLabels = append(rep.SpecReports[1].LeafNodeLabels, "slow")
	m := build(rep, nil, Run{})
	want := map[string]outcome.State{a: outcome.Skipped, b: outcome.Filtered, c: outcome.NotChecked}
	for _, s := range m.Specs {
		ch := s.Checks[0]
		if ch.State != want[ch.ID] {
			t.Errorf("%s: %s, want %s", s.Name, ch.State, want[ch.ID])
		}
	}
	if m.Specs[0].Checks[0].Reason != "needs mail: set AUTOSHARES_MAILBOX_URL" || m.Summary.Counts.NotRun != 1 || m.Summary.Counts.Filtered != 1 {
		t.Errorf("skip reason %q, counts %+v", m.Specs[0].Checks[0].Reason, m.Summary.Counts)
	}
}

// A known deviation counts as such; one that failed differently fails the run naming its
// entry; a listed check that passed is a run problem.
func TestKnownDeviationsOnTheReportSide(t *testing.T) {
	a, b, _ := threeChecks(t)
	ref := &outcome.DeviationRef{Check: a, Ticket: "T-1"}
	rep := runOf(spec("deviates", types.SpecStatePassed, "", a))
	rep.SuiteSucceeded = true
	rec := outcome.Record{Spec: "deviates", Process: 1, Check: a, State: outcome.KnownDeviation, Status: 500,
		Problems: []outcome.Problem{{Kind: "status", Text: "status 500"}}, Deviation: ref}
	run := Run{Target: "t", Exchanges: 1}
	m := build(rep, []outcome.Record{rec}, run)
	if m.Summary.Counts.KnownDeviations != 1 || !m.Summary.Succeeded || len(m.Summary.Problems) != 0 {
		t.Errorf("known deviation: counts %+v, succeeded %v, problems %q", m.Summary.Counts, m.Summary.Succeeded, m.Summary.Problems)
	}
	rec.State, rec.DeviationMismatch, rec.Status = outcome.Failed, true, 200
	rep.SpecReports[0].State = types.SpecStateFailed
	m = build(rep, []outcome.Record{rec}, run)
	if m.Summary.Succeeded || len(m.Summary.Problems) != 1 || !strings.Contains(m.Summary.Problems[0], "T-1") {
		t.Errorf("a different failure: succeeded %v, problems %q", m.Summary.Succeeded, m.Summary.Problems)
	}
	rep = runOf(spec("fixed", types.SpecStatePassed, "", b))
	rep.SuiteSucceeded = true
	run.KnownDeviations = []config.Entry{{Check: b, Reason: "r", Ticket: "T-2", Expires: "2099-01-01"}}
	m = build(rep, []outcome.Record{{Spec: "fixed", Process: 1, Check: b, State: outcome.Passed}}, run)
	if m.Summary.Succeeded || len(m.Summary.Problems) != 1 || !strings.Contains(m.Summary.Problems[0], "T-2") {
		t.Errorf("a listed check that passed: succeeded %v, problems %q", m.Summary.Succeeded, m.Summary.Problems)
	}
}

// A failing run hands its records to the known-deviations suggestion.
func TestAFailingRunSuggestsKnownDeviations(t *testing.T) {
	a, _, _ := threeChecks(t)
	var got []outcome.Record
	defer func(f func(string, []outcome.Record, time.Time) error) { writeSuggested = f }(writeSuggested)
	writeSuggested = func(_ string, recs []outcome.Record, _ time.Time) error { got = recs; return nil }
	rec := outcome.Record{Spec: "fails", Process: 1, Check: a, State: outcome.Failed}
	writeWith(t, runOf(spec("fails", types.SpecStateFailed, "x", a)), []outcome.Record{rec}, Run{})
	if len(got) != 1 || got[0].Check != a {
		t.Errorf("suggested from %+v", got)
	}
}

// Compared with a passing run, an errored spec's checks are newly failing; a failure with a
// new signature is failing differently; runs of different targets say so first.
func TestComparisonFromTheModel(t *testing.T) {
	a, b, c := threeChecks(t)
	pass := runOf(spec("A", types.SpecStatePassed, "", a), spec("B", types.SpecStateFailed, "", b), spec("C", types.SpecStatePassed, "", c))
	prevRecs := []outcome.Record{{Spec: "A", Process: 1, Check: a, State: outcome.Passed},
		{Spec: "B", Process: 1, Check: b, State: outcome.Failed, Status: 500, Problems: []outcome.Problem{{Kind: "status"}}},
		{Spec: "C", Process: 1, Check: c, State: outcome.Passed}}
	prev := build(pass, prevRecs, Run{Target: "https://staging"}).Summary
	prev.Suite = SuiteVersion()
	// Through JSON, as AUTOSHARES_COMPARE_WITH reads it.
	raw, _ := json.Marshal(prev)
	var back Summary
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	now := runOf(spec("A", types.SpecStateTimedout, "A spec timeout occurred", a), spec("B", types.SpecStateFailed, "", b), spec("C", types.SpecStatePassed, "", c))
	recs := []outcome.Record{{Spec: "B", Process: 1, Check: b, State: outcome.Failed, Status: 200, Problems: []outcome.Problem{{Kind: "unchanged"}}},
		{Spec: "C", Process: 1, Check: c, State: outcome.Passed}}
	dir, m := writeWith(t, now, recs, Run{Target: "https://staging", Previous: &back})
	w := readWritten(t, dir)
	if w.comparison == nil {
		t.Fatal("no comparison.json")
	}
	if got := IDs(w.comparison.NewlyFailing); len(got) != 1 || got[0] != a {
		t.Errorf("newly failing %v, want [%s]", got, a)
	}
	if got := IDs(w.comparison.FailingDifferently); len(got) != 1 || got[0] != b {
		t.Errorf("failing differently %v, want [%s]", got, b)
	}
	if w.comparison.Warning != "" || strings.HasPrefix(m.Comparison.Text(), "WARNING") {
		t.Errorf("same target, yet: %q", w.comparison.Warning)
	}
	for _, want := range []string{"Newly failing (1)", "Failing differently (1)"} {
		if !strings.Contains(w.html, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	job, _ := os.ReadFile(filepath.Join(dir, JobSummaryFile))
	if !strings.Contains(string(job), "- newly failing: `"+a+"`") || !strings.Contains(string(job), "- failing differently: `"+b+"`") {
		t.Errorf("job summary:\n%s", job)
	}
	// Another target: the first line says so, and so does comparison.json.
	_, m = writeWith(t, now, recs, Run{Target: "https://production", Previous: &back})
	if first, _, _ := strings.Cut(m.Comparison.Text(), "\n"); !strings.HasPrefix(first, "WARNING") || !strings.Contains(first, "target") {
		t.Errorf("first line: %q", first)
	}
	verdict, _ := os.ReadFile(filepath.Join(dir, VerdictFile))
	if !strings.Contains(string(verdict), "Compared with the run of") {
		t.Errorf("verdict.txt:\n%s", verdict)
	}
}
