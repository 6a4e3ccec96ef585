// Package report writes a run's reports (JUnit XML, Ginkgo JSON, summary.json and the
// skip summary) with every known secret masked, and says in each what was tested: the
// suite's version, the target, the expectations in force, the token sources, the counts.
// It runs once, on Ginkgo's first process, after every process has finished, so it sees
// the whole run (and, through redact.LoadShared, every process's secrets).
package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/checks"
	"github.com/autoshares/conformance/internal/comparison"
	"github.com/autoshares/conformance/internal/conformance"
	"github.com/autoshares/conformance/internal/redact"
)

// File names inside the report directory.
const (
	JUnitFile   = "junit.xml"
	JSONFile    = "ginkgo-report.json"
	SkippedFile = "skipped.txt"
	SummaryFile = "summary.json"
)

// StatusEntry names the report entry Write adds to every spec in the JSON and JUnit
// reports: {"status": one of the Status* constants, "reason": why}, so a spec filtered
// out by labels is told apart from one that skipped itself for a missing setting.
const StatusEntry = "autoshares.status"

// Write masks the report and writes JUnit, JSON, summary.json and skipped.txt into dir.
// run says what was tested (see Run). It returns the summary, masked, for the console
// (Summary.Text). Call redact.LoadShared first under ginkgo -p.
func Write(rep types.Report, dir string, r *redact.Redactor, run Run) (Summary, error) {
	masked, err := Redact(rep, r)
	if err != nil {
		return Summary{}, err
	}
	run.Target, run.StateURL, run.MailboxURL = r.String(run.Target), r.String(run.StateURL), r.String(run.MailboxURL)
	inForce := map[string]string{}
	for k, v := range run.InForce {
		inForce[k] = r.String(v)
	}
	run.InForce = inForce
	sum := Summarize(masked, run, SuiteVersion())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return sum, err
	}
	if err := writeJUnit(masked, sum, filepath.Join(dir, JUnitFile)); err != nil {
		return sum, fmt.Errorf("%s: %w", JUnitFile, err)
	}
	annotate(&masked) // after JUnit, which has the status as a property, not in its timeline
	if err := reporters.GenerateJSONReport(masked, filepath.Join(dir, JSONFile)); err != nil {
		return sum, fmt.Errorf("%s: %w", JSONFile, err)
	}
	js, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return sum, err
	}
	if err := os.WriteFile(filepath.Join(dir, SummaryFile), append(js, '\n'), 0o644); err != nil {
		return sum, err
	}
	if err := os.WriteFile(filepath.Join(dir, SkippedFile), []byte(sum.Text()), 0o644); err != nil {
		return sum, err
	}
	cat, err := checks.Default()
	if err != nil {
		return sum, err
	}
	if err := conformance.Write(dir, Conformance(sum, cat)); err != nil {
		return sum, fmt.Errorf("%s: %w", conformance.File, err)
	}
	if c := Compare(sum, cat); c != nil {
		if err := comparison.Write(dir, *c); err != nil {
			return sum, fmt.Errorf("%s: %w", comparison.File, err)
		}
	}
	if err := writeHTML(masked, sum, dir, cat); err != nil {
		return sum, fmt.Errorf("%s: %w", HTMLFile, err)
	}
	return sum, nil
}

// Redact returns a copy of rep in which every string has its secrets masked, and each
// failed spec's log no longer repeats the transcripts its failure message quotes. Going
// through JSON reaches every field (failure messages, captured output, report entries,
// progress reports) without listing them, so a field Ginkgo adds later is covered too;
// masking string values, not the JSON text, keeps the structure intact whatever a secret
// looks like. The GinkgoWriter output is masked first, piece by piece, because the
// timeline points into it by offset.
func Redact(rep types.Report, r *redact.Redactor) (types.Report, error) {
	raw, err := json.Marshal(rep)
	if err != nil {
		return rep, err
	}
	var cp types.Report
	if err := json.Unmarshal(raw, &cp); err != nil {
		return rep, err
	}
	for i := range cp.SpecReports {
		maskOutput(&cp.SpecReports[i], r)
	}
	raw, err = json.Marshal(cp)
	if err != nil {
		return rep, err
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return rep, err
	}
	masked, err := json.Marshal(maskStrings(tree, r))
	if err != nil {
		return rep, err
	}
	var out types.Report
	if err := json.Unmarshal(masked, &out); err != nil {
		return rep, fmt.Errorf("masking the report: %w", err)
	}
	for i := range out.SpecReports {
		dropQuotedTranscripts(&out.SpecReports[i])
	}
	return out, nil
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

// annotate adds the StatusEntry to every spec, after the rest of its timeline.
func annotate(rep *types.Report) {
	for i := range rep.SpecReports {
		sp := &rep.SpecReports[i]
		if sp.LeafNodeType != types.NodeTypeIt {
			continue
		}
		status, reason := Classify(*sp, *rep)
		at := sp.EndTime
		if at.IsZero() {
			at = rep.EndTime
		}
		sp.ReportEntries = append(sp.ReportEntries, types.ReportEntry{
			Name:       StatusEntry,
			Visibility: types.ReportEntryVisibilityNever,
			Time:       at,
			Location:   sp.LeafNodeLocation,
			Value:      types.WrapEntryValue(map[string]string{"status": status, "reason": reason}),
			TimelineLocation: types.TimelineLocation{Offset: len(sp.CapturedGinkgoWriterOutput),
				Order: 1 << 30, Time: at},
		})
	}
}

// SkipSummary lists every spec that skipped itself with the reason it gave, so nothing
// passes silently, and counts apart those left out by the run's filters and those an
// earlier failure kept from running.
func SkipSummary(rep types.Report) string {
	return Summarize(rep, Run{}, Version{}).skips()
}

func (s Summary) skips() string {
	var skipped []Skip
	byStatus := map[string]int{}
	filteredWhy := map[string]bool{}
	for _, sp := range s.Specs {
		if sp.Node != types.NodeTypeIt.String() {
			continue
		}
		byStatus[sp.Status]++
		switch sp.Status {
		case StatusSkipped:
			skipped = append(skipped, Skip{Spec: sp.Name, Reason: sp.Reason})
		case StatusFiltered:
			filteredWhy[sp.Reason] = true
		}
	}
	var b strings.Builder
	if len(skipped) == 0 {
		b.WriteString("No spec skipped itself.\n")
	} else {
		fmt.Fprintf(&b, "%d spec(s) skipped because the configuration cannot produce what they need, by the setting that would enable them:\n%s\n",
			len(skipped), strings.Join(GroupSkips(skipped), "\n"))
	}
	if n := byStatus[StatusFiltered]; n > 0 {
		var why []string
		for w := range filteredWhy {
			why = append(why, w)
		}
		sort.Strings(why)
		fmt.Fprintf(&b, "%d spec(s) filtered out, not skipped: %s.\n", n, strings.Join(why, "; "))
	}
	if n := byStatus[StatusNotRun]; n > 0 {
		fmt.Fprintf(&b, "%d spec(s) not run: a setup failure, --fail-fast or an interrupt stopped the run first.\n", n)
	}
	if n := byStatus[StatusKnownDeviation]; n > 0 {
		fmt.Fprintf(&b, "%d spec(s) failed a known deviation (AUTOSHARES_KNOWN_DEVIATIONS), which does not fail the run:\n%s\n", n, strings.Join(deviated(s), "\n"))
	}
	if n := byStatus[StatusPending]; n > 0 {
		fmt.Fprintf(&b, "%d spec(s) pending.\n", n)
	}
	return b.String()
}

// Text is what skipped.txt holds and the end of the console output shows: every skip
// with the setting that would enable it, then what was tested and the counts.
func (s Summary) Text() string {
	return s.skips() + "\n" + Describe(s) + s.transportLines()
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
	fmt.Fprintf(&b, "Specs: %d run (%d passed, %d failed), %d skipped, %d filtered out, %d not run, of %d",
		c.Run, c.Passed, c.Failed, c.Skipped, c.Filtered, c.NotRun, c.Specs)
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
