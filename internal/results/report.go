// Package report writes a run's reports with every known secret masked, and says in each
// what was tested: the suite's version, the target, the expectations in force, the token
// sources, the counts. It runs once, on Ginkgo's first process, after every process has
// finished, so it sees the whole run (and, through redact.LoadShared, every process's
// secrets). It reads the outcome records every process wrote (internal/outcome), joins them
// with Ginkgo's spec states into one Model (model.go), and renders every report from it.
package results

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/redact"
)

// File names inside the report directory.
const (
	JUnitFile   = "junit.xml"
	JSONFile    = "ginkgo-report.json"
	SkippedFile = "skipped.txt"
	SummaryFile = "summary.json"
)

// StatusEntry names the report entry Write adds to every spec in the JSON report:
// {"status": its state (outcome.States), "reason": why}, so a spec filtered out by labels is
// told apart from one that skipped itself for a missing setting.
const StatusEntry = "autoshares.status"

// Files the model also renders into the report directory.
const (
	// VerdictFile is the console verdict (the skips, what was tested, the profiles, the
	// comparison), masked: the launcher prints it after Ginkgo's own output.
	VerdictFile = "verdict.txt"
	// JobSummaryFile is the CI job summary in Markdown (scripts/ci-summary.sh prints it).
	JobSummaryFile = "job-summary.md"
)

func init() { Owned = append(Owned, VerdictFile, JobSummaryFile) }

// writeSuggested writes known-deviations.suggested.json for a failing run (a variable so
// a test can watch what it is given).
var writeSuggested = config.WriteSuggested

// Write masks the report, reads every process's outcome records from dir, builds the run's
// model once (Build) and renders every report from it into dir: JUnit, JSON, summary.json,
// skipped.txt, conformance-report.json, comparison.json, report.html, verdict.txt and
// job-summary.md. run says what was tested (see Run). It returns the model; its
// Summary.Problems are run.Problems and the problems the checks show (a known deviation
// that failed differently or passed), even when writing fails. Call redact.LoadShared first
// under ginkgo -p.
func Write(rep types.Report, dir string, r *redact.Redactor, run Run) (_ Model, werr error) {
	run.Target, run.StateURL, run.MailboxURL = r.String(run.Target), r.String(run.StateURL), r.String(run.MailboxURL)
	inForce := map[string]string{}
	for k, v := range run.InForce {
		inForce[k] = r.String(v)
	}
	run.InForce = inForce
	failed := Model{Summary: Summary{Run: run}}
	records, err := outcome.ReadAll(dir)
	if err != nil {
		return failed, fmt.Errorf("reading the outcome records: %w", err)
	}
	for i := range records {
		maskRecord(&records[i], r) // masked where made; once more costs nothing
	}
	masked, err := Redact(rep, r, records)
	if err != nil {
		return failed, err
	}
	cat, err := catalogue.Default()
	if err != nil {
		return failed, err
	}
	m := Build(masked, records, run, SuiteVersion(), cat)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return m, err
	}
	if err := writeJUnit(m, filepath.Join(dir, JUnitFile)); err != nil {
		return m, fmt.Errorf("%s: %w", JUnitFile, err)
	}
	// The JSON report is the biggest file: written while the others are.
	jsonDone := make(chan error, 1)
	go func() {
		if err := reporters.GenerateJSONReport(annotate(m), filepath.Join(dir, JSONFile)); err != nil {
			jsonDone <- fmt.Errorf("%s: %w", JSONFile, err)
		}
		close(jsonDone)
	}()
	defer func() {
		if err := <-jsonDone; err != nil && werr == nil {
			werr = err
		}
	}()
	js, err := json.MarshalIndent(m.Summary, "", "  ")
	if err != nil {
		return m, err
	}
	files := []struct{ name, text string }{
		{SummaryFile, string(js) + "\n"},
		{SkippedFile, m.skips() + "\n" + m.describe()},
		{VerdictFile, r.String(m.Verdict())},
		{JobSummaryFile, r.String(m.JobSummary())},
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), []byte(f.text), 0o644); err != nil {
			return m, err
		}
	}
	if err := WriteConformance(dir, m.Conformance); err != nil {
		return m, fmt.Errorf("%s: %w", ConformanceFile, err)
	}
	if m.Comparison != nil {
		if err := WriteComparison(dir, *m.Comparison); err != nil {
			return m, fmt.Errorf("%s: %w", ComparisonFile, err)
		}
	}
	if err := WriteHTML(filepath.Join(dir, HTMLFile), HTMLRun(m, cat)); err != nil {
		return m, fmt.Errorf("%s: %w", HTMLFile, err)
	}
	if !m.Summary.Succeeded {
		if err := writeSuggested(dir, records, time.Now()); err != nil {
			return m, fmt.Errorf("suggesting known deviations: %w", err)
		}
	}
	return m, nil
}

// Redact returns a copy of rep in which every string has its secrets masked, and each
// failed spec's log no longer repeats the transcripts its failure messages quote, which
// its records (this run's outcome records; nil: none) name. One JSON round trip makes the
// copy, with every value as the JSON report will hold it (a report entry's value decoded
// from its JSON); a walk over the copy then masks every string field, slice element, map
// value and interface value without listing them, so a field Ginkgo adds later is covered
// too. Masking string values, not the JSON text, keeps the structure
// intact whatever a secret looks like. The GinkgoWriter output is masked first, piece by
// piece, because the timeline points into it by offset. The specs are masked side by side:
// masking is most of writing the reports, and when they are written every core is free.
func Redact(rep types.Report, r *redact.Redactor, records []outcome.Record) (types.Report, error) {
	raw, err := json.Marshal(rep)
	if err != nil {
		return rep, err
	}
	var out types.Report
	if err := json.Unmarshal(raw, &out); err != nil {
		return rep, fmt.Errorf("masking the report: %w", err)
	}
	specs := out.SpecReports
	out.SpecReports = nil
	if err := maskEvery(reflect.ValueOf(&out).Elem(), r); err != nil {
		return rep, fmt.Errorf("masking the report: %w", err)
	}
	byName := recordsBySpec(records)
	errs := make([]error, len(specs))
	client.Bounded(len(specs), runtime.GOMAXPROCS(0), func(i int) {
		errs[i] = maskSpec(&specs[i], r, recordsOf(specs[i], byName))
	})
	if err := errors.Join(errs...); err != nil {
		return rep, fmt.Errorf("masking the report: %w", err)
	}
	out.SpecReports = specs
	return out, nil
}

// maskSpec masks one spec of Redact's copy in place; recs are its records.
func maskSpec(sp *types.SpecReport, r *redact.Redactor, recs []outcome.Record) error {
	maskOutput(sp, r)
	output := sp.CapturedGinkgoWriterOutput // masked already: not searched twice
	sp.CapturedGinkgoWriterOutput = ""
	err := maskEvery(reflect.ValueOf(sp).Elem(), r)
	sp.CapturedGinkgoWriterOutput = output
	dropQuotedTranscripts(sp, quotedTranscripts(recs, r))
	return err
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

// maskEvery masks every string v holds, in place. A struct that decodes its own JSON into
// fields the walk cannot reach (a report entry's value keeps it unexported, and renders
// its JSON and text from it) goes through its JSON: masked there, decoded again.
func maskEvery(v reflect.Value, r *redact.Redactor) error {
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); s != "" {
			if m := r.String(s); m != s {
				v.SetString(m)
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			return maskEvery(v.Elem(), r)
		}
	case reflect.Interface:
		if v.IsNil() {
			return nil
		}
		e := reflect.New(v.Elem().Type()).Elem()
		e.Set(v.Elem())
		if err := maskEvery(e, r); err != nil {
			return err
		}
		v.Set(e)
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := maskEvery(v.Index(i), r); err != nil {
				return err
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(it.Value())
			if err := maskEvery(e, r); err != nil {
				return err
			}
			v.SetMapIndex(it.Key(), e)
		}
	case reflect.Struct:
		if v.Type() == timeType { // holds no text
			return nil
		}
		if hasUnexported(v.Type()) && reflect.PointerTo(v.Type()).Implements(unmarshalerType) {
			return maskThroughJSON(v, r)
		}
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				if err := maskEvery(f, r); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func hasUnexported(t reflect.Type) bool {
	for i := range t.NumField() {
		if !t.Field(i).IsExported() {
			return true
		}
	}
	return false
}

// maskThroughJSON masks every string of v's JSON and decodes it back into v.
func maskThroughJSON(v reflect.Value, r *redact.Redactor) error {
	raw, err := json.Marshal(v.Addr().Interface())
	if err != nil {
		return err
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return err
	}
	masked, err := json.Marshal(maskStrings(tree, r))
	if err != nil {
		return err
	}
	fresh := reflect.New(v.Type())
	if err := json.Unmarshal(masked, fresh.Interface()); err != nil {
		return err
	}
	v.Set(fresh.Elem())
	return nil
}

func maskStrings(v any, r *redact.Redactor) any {
	switch t := v.(type) {
	case string:
		return r.String(t)
	case map[string]any:
		for k, val := range t {
			t[k] = maskStrings(val, r)
		}
	case []any:
		for i := range t {
			t[i] = maskStrings(t[i], r)
		}
	}
	return v
}

func maskRecord(rec *outcome.Record, r *redact.Redactor) {
	rec.Reason, rec.Enable, rec.Transcript, rec.Reproduction = r.String(rec.Reason), r.String(rec.Enable), r.String(rec.Transcript), r.String(rec.Reproduction)
	rec.Problems = slices.Clone(rec.Problems)
	for i := range rec.Problems {
		rec.Problems[i].Text = r.String(rec.Problems[i].Text)
	}
}

// annotate returns the masked report with the StatusEntry added to every spec, after the
// rest of its timeline.
func annotate(m Model) types.Report {
	rep := m.Report
	rep.SpecReports = slices.Clone(rep.SpecReports)
	state := map[string]Spec{}
	for _, s := range m.Specs {
		state[specKey(s.Report)] = s
	}
	for i := range rep.SpecReports {
		sp := &rep.SpecReports[i]
		s, ok := state[specKey(*sp)]
		if sp.LeafNodeType != types.NodeTypeIt || !ok {
			continue
		}
		at := sp.EndTime
		if at.IsZero() {
			at = rep.EndTime
		}
		sp.ReportEntries = append(slices.Clone(sp.ReportEntries), types.ReportEntry{
			Name:       StatusEntry,
			Visibility: types.ReportEntryVisibilityNever,
			Time:       at,
			Location:   sp.LeafNodeLocation,
			Value:      types.WrapEntryValue(map[string]string{"status": string(s.State), "reason": s.Reason}),
			TimelineLocation: types.TimelineLocation{Offset: len(sp.CapturedGinkgoWriterOutput),
				Order: 1 << 30, Time: at},
		})
	}
	return rep
}

// specKey identifies a spec of the report: its text, location and process.
func specKey(sp types.SpecReport) string {
	return fmt.Sprintf("%s|%s:%d|%d", sp.FullText(), sp.LeafNodeLocation.FileName, sp.LeafNodeLocation.LineNumber, sp.ParallelProcess)
}

// skips lists every spec that skipped itself with the reason it gave, so nothing passes
// silently, and counts apart those left out by the run's filters and those an earlier
// failure kept from running.
func (m Model) skips() string {
	skipped := SkipsOf(m.Specs)
	filteredWhy := map[string]bool{}
	var deviated []string
	for _, sp := range m.Specs {
		switch {
		case sp.Pending, sp.NotRun:
		case sp.State == outcome.Filtered:
			filteredWhy[sp.Reason] = true
		}
		for _, c := range sp.Checks {
			if c.State == outcome.KnownDeviation {
				entry := c.ID
				if c.Deviation != nil {
					entry = fmt.Sprintf("%s (%s)", c.Deviation.Check, c.Deviation.Ticket)
				}
				deviated = append(deviated, fmt.Sprintf("- %s\n    %s", sp.Name, entry))
			}
		}
	}
	sort.Strings(deviated)
	c := m.Summary.Counts
	var b strings.Builder
	if len(skipped) == 0 {
		b.WriteString("No spec skipped itself.\n")
	} else {
		fmt.Fprintf(&b, "%d spec(s) skipped because the configuration cannot produce what they need, by the setting that would enable them:\n%s\n",
			len(skipped), strings.Join(GroupSkips(skipped), "\n"))
	}
	if c.Filtered > 0 {
		var why []string
		for w := range filteredWhy {
			why = append(why, w)
		}
		sort.Strings(why)
		fmt.Fprintf(&b, "%d spec(s) filtered out, not skipped: %s.\n", c.Filtered, strings.Join(why, "; "))
	}
	if c.NotRun > 0 {
		fmt.Fprintf(&b, "%d spec(s) not run: a setup failure, --fail-fast or an interrupt stopped the run first.\n", c.NotRun)
	}
	if len(deviated) > 0 {
		fmt.Fprintf(&b, "%d check(s) of specs failed as a known deviation (AUTOSHARES_KNOWN_DEVIATIONS) records, which does not fail the run:\n%s\n", len(deviated), strings.Join(deviated, "\n"))
	}
	if c.Pending > 0 {
		fmt.Fprintf(&b, "%d spec(s) pending.\n", c.Pending)
	}
	return b.String()
}

// describe is what was tested and the counts: the end of skipped.txt.
func (m Model) describe() string {
	return Describe(m.Summary) + m.Summary.transportLines()
}

// Console is what process 1 prints at the end of the run: the skips, what was tested and
// the counts, the profiles and the comparison.
func (m Model) Console() string {
	s := m.skips() + "\n" + m.describe() + Table(m.Conformance.Profiles)
	if m.Comparison != nil {
		s += m.Comparison.Text()
	}
	return s
}

// Verdict is verdict.txt, which the launcher prints after Ginkgo's own output: the
// Console text, then the run's own problems (each fails the run).
func (m Model) Verdict() string {
	s := m.Console()
	if ps := m.Summary.Problems; len(ps) > 0 {
		s += fmt.Sprintf("The run's verdict failed:\n- %s\n", strings.Join(ps, "\n- "))
	}
	return s
}

// Describe is the summary as text: the end of the console output and of skipped.txt.
func Describe(s Summary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Suite: %s\n", s.Suite)
	kind := "AUTOSHARES_BASE_URL"
	if s.Embedded {
		kind = "the embedded reference provider"
	}
	if s.Target == "" && !s.Embedded {
		b.WriteString("Target: not known (the run stopped before it was set up)\n")
	} else {
		fmt.Fprintf(&b, "Target: %s (%s), step 3 variant %q\n", s.Target, kind, s.Step3)
	}
	fmt.Fprintf(&b, "Token sources: %s\n", orNone(strings.Join(s.TokenSources, "; ")))
	var changed, loosened []string
	for _, st := range s.Settings {
		switch {
		case st.Loosened:
			loosened = append(loosened, st.Name+"="+st.Mark())
		case st.Changed:
			changed = append(changed, st.Name+"="+st.Mark())
		}
	}
	if len(changed)+len(loosened) == 0 {
		b.WriteString("Expectations: every one at its default\n")
	}
	if len(loosened) > 0 {
		fmt.Fprintf(&b, "LOOSENED: %d setting(s) admit what their default refuses, so a pass is a weaker claim than the defaults':\n  %s\n",
			len(loosened), strings.Join(loosened, "\n  "))
	}
	if len(changed) > 0 {
		fmt.Fprintf(&b, "Expectations changed from their defaults, stricter:\n  %s\n", strings.Join(changed, "\n  "))
	}
	if len(s.NotChecked) > 0 {
		fmt.Fprintf(&b, "NOT CHECKED: %d check(s) of specs that ran were not made, so they are not counted as passed", len(s.NotChecked))
		if on := DefaultOnNotChecked(s.NotChecked); len(on) > 0 {
			fmt.Fprintf(&b, "; %d of them on by default, which this run therefore did not check", len(on))
		}
		b.WriteString(":\n")
		for _, n := range s.NotChecked {
			on := ""
			if n.DefaultOn {
				on = " [on by default]"
			}
			fmt.Fprintf(&b, "  %s%s: %s\n", n.Check, on, n.Reason)
		}
	}
	c := s.Counts
	fmt.Fprintf(&b, "Specs: %d run (%d passed, %d failed, %d errored, %d inconclusive), %d skipped, %d filtered out, %d not run, of %d",
		c.Run, c.Passed, c.Failed, c.Errored, c.Inconclusive, c.Skipped, c.Filtered, c.NotRun, c.Specs)
	if c.SetupFailures > 0 {
		fmt.Fprintf(&b, "; %d setup failure(s)", c.SetupFailures)
	}
	if c.KnownDeviations > 0 {
		fmt.Fprintf(&b, "; %d known deviation(s)", c.KnownDeviations)
	}
	fmt.Fprintf(&b, "\nRequests the specs sent to the target: %d\n", s.Exchanges)
	if s.NothingProven != "" {
		b.WriteString(s.NothingProven + "\n")
	}
	fmt.Fprintf(&b, "From %s to %s\n", s.Start.Format(time.RFC3339), s.End.Format(time.RFC3339))
	b.WriteString(describeFindings(s.Findings))
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
