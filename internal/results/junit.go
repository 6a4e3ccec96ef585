package results

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/outcome"
)

// CheckPropertyPrefix names the JUnit property of each check a spec declares:
// autoshares.check.<check ID> = its state in that spec (outcome.States), so CI test views
// list check IDs, not only spec texts.
const CheckPropertyPrefix = PropertyPrefix + "check."

// writeJUnit writes the JUnit report from the model, once: test cases are specs (a setup
// node only when it failed), each with its state, its checks' states and what was tested
// as properties; a failed check's problems are its failure, its transcript and
// reproduction the failure's description; a spec filtered out is "disabled" with the
// filter named, not "skipped".
func writeJUnit(m Model, path string) error {
	rep := m.Report
	suite := reporters.JUnitTestSuite{Name: rep.SuiteDescription, Package: rep.SuitePath, Time: rep.RunTime.Seconds(),
		Timestamp: rep.StartTime.Format("2006-01-02T15:04:05")}
	for _, sp := range rep.SpecReports {
		if sp.LeafNodeType == types.NodeTypeIt || !sp.State.Is(types.SpecStateFailureStates) || IsEchoOfProcess1(sp) {
			continue
		}
		_, why := ginkgoEnd(sp, rep)
		tc := junitCase(rep, sp, "failed")
		tc.Error = &reporters.JUnitError{Message: why, Type: "errored", Description: location(sp)}
		suite.Errors++
		suite.TestCases = append(suite.TestCases, tc)
	}
	for _, s := range m.Specs {
		tc := junitCase(rep, s.Report, string(s.State))
		tc.Properties = &reporters.JUnitProperties{}
		add := func(name, value string) {
			tc.Properties.Properties = append(tc.Properties.Properties, reporters.JUnitProperty{Name: name, Value: value})
		}
		status, _ := json.Marshal(map[string]string{"status": string(s.State), "reason": s.Reason})
		add(StatusEntry, string(status))
		for _, c := range s.Checks {
			add(CheckPropertyPrefix+c.ID, string(c.State))
		}
		for _, c := range s.Checks {
			if c.State == outcome.NotChecked && !s.NotRun {
				add(PropertyPrefix+"not_checked."+c.ID, c.Reason)
			}
		}
		for _, e := range s.Report.ReportEntries {
			v, err := json.Marshal(e.GetRawValue())
			if err != nil {
				v = []byte(strconv.Quote(err.Error()))
			}
			add(e.Name, string(v))
		}
		switch {
		case s.State == outcome.Failed || s.State == outcome.Inconclusive:
			msg, desc := failureText(s)
			tc.Failure = &reporters.JUnitFailure{Message: msg, Type: string(s.State), Description: desc}
			suite.Failures++
		case s.State == outcome.Errored:
			// What Ginkgo reports, shown as it is; a check a record failed besides is listed.
			msg, desc := failureText(s)
			if msg == "" {
				msg, desc = s.Reason, location(s.Report)
			}
			tc.Error = &reporters.JUnitError{Message: msg, Type: string(s.State), Description: desc}
			suite.Errors++
		case s.State == outcome.KnownDeviation:
			msg, _ := failureText(s)
			tc.Skipped = &reporters.JUnitSkipped{Message: "known deviation - " + msg}
			suite.Skipped++
		case s.State == outcome.Skipped && !s.Pending:
			tc.Skipped = &reporters.JUnitSkipped{Message: "skipped - " + s.Reason}
			suite.Skipped++
		case s.State == outcome.Skipped, s.State == outcome.Filtered, s.NotRun:
			tc.Skipped = &reporters.JUnitSkipped{Message: string(s.State) + " - " + s.Reason}
			suite.Disabled++
		}
		suite.TestCases = append(suite.TestCases, tc)
	}
	suite.Tests = len(suite.TestCases)
	suite.Properties.Properties = properties(m.Summary)
	doc := reporters.JUnitTestSuites{Tests: suite.Tests, Disabled: suite.Disabled + suite.Skipped, Errors: suite.Errors,
		Failures: suite.Failures, Time: suite.Time, TestSuites: []reporters.JUnitTestSuite{suite}}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	f.WriteString(xml.Header)
	enc := xml.NewEncoder(f)
	enc.Indent("  ", "    ")
	if err := enc.Encode(doc); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// junitCase is a test case's name, class, status, time and output: the spec's text with
// its node type and labels (as Ginkgo names it), its GinkgoWriter output (masked, quoted
// transcripts left to the failure) as system-err, its captured stdout as system-out.
func junitCase(rep types.Report, sp types.SpecReport, status string) reporters.JUnitTestCase {
	name := fmt.Sprintf("[%s]", sp.LeafNodeType)
	if t := sp.FullText(); t != "" {
		name += " " + t
	}
	if l := sp.Labels(); len(l) > 0 {
		name += " [" + strings.Join(l, ", ") + "]"
	}
	return reporters.JUnitTestCase{Name: name, Classname: rep.SuiteDescription, Status: status, Time: sp.RunTime.Seconds(),
		SystemErr: sp.CapturedGinkgoWriterOutput, SystemOut: sp.CapturedStdOutErr}
}

// failureText is a spec's failing records: each check with its problem lines (the
// message), then the same with each transcript and reproduction (the description).
func failureText(s Spec) (message, description string) {
	var msg, desc []string
	for _, r := range s.Failing() {
		head := fmt.Sprintf("[%s] %s", r.Check, r.State)
		if r.Check == "" {
			head = string(r.State)
		}
		body := recordReason(r)
		msg = append(msg, head+"\n"+body)
		d := head + "\n" + body
		if r.Transcript != "" {
			d += "\n\nTranscript:\n" + r.Transcript
		}
		if r.Reproduction != "" {
			d += "\n\nReproduce:\n" + r.Reproduction
		}
		desc = append(desc, d)
	}
	if len(desc) > 0 {
		desc = append(desc, location(s.Report))
	}
	return strings.Join(msg, "\n\n"), strings.Join(desc, "\n\n")
}

func location(sp types.SpecReport) string {
	return fmt.Sprintf("at %s:%d", sp.LeafNodeLocation.FileName, sp.LeafNodeLocation.LineNumber)
}

// PropertyPrefix starts every property this suite adds to the JUnit report.
const PropertyPrefix = "autoshares."

func properties(s Summary) []reporters.JUnitProperty {
	p := func(name, value string) reporters.JUnitProperty {
		return reporters.JUnitProperty{Name: PropertyPrefix + name, Value: value}
	}
	c := s.Counts
	out := []reporters.JUnitProperty{
		p("suite.module", s.Suite.Module), p("suite.version", s.Suite.Version),
		p("suite.commit", s.Suite.Commit), p("suite.modified", strconv.FormatBool(s.Suite.Modified)),
		p("target", s.Target), p("target.embedded", strconv.FormatBool(s.Embedded)),
		p("state_url", s.StateURL), p("mailbox_url", s.MailboxURL),
		p("step3_variant", s.Step3), p("token_sources", strings.Join(s.TokenSources, "; ")),
		p("label_filter", s.LabelFilter),
		p("counts.specs", strconv.Itoa(c.Specs)), p("counts.run", strconv.Itoa(c.Run)),
		p("counts.passed", strconv.Itoa(c.Passed)), p("counts.failed", strconv.Itoa(c.Failed)),
		p("counts.errored", strconv.Itoa(c.Errored)), p("counts.inconclusive", strconv.Itoa(c.Inconclusive)),
		p("counts.known_deviations", strconv.Itoa(c.KnownDeviations)),
		p("counts.skipped", strconv.Itoa(c.Skipped)), p("counts.filtered", strconv.Itoa(c.Filtered)),
		p("counts.not_run", strconv.Itoa(c.NotRun)), p("counts.pending", strconv.Itoa(c.Pending)),
		p("counts.setup_failures", strconv.Itoa(c.SetupFailures)),
		p("exchanges", strconv.Itoa(s.Exchanges)), p("nothing_proven", s.NothingProven),
		p("loosened", strings.Join(s.Loosened, ",")),
		p("counts.not_checked_checks", strconv.Itoa(c.NotCheckedChecks)),
		p("not_checked.default_on", strings.Join(DefaultOnNotChecked(s.NotChecked), ",")),
		p("start", s.Start.Format(time.RFC3339Nano)), p("end", s.End.Format(time.RFC3339Nano)),
	}
	for _, st := range s.Settings {
		out = append(out, p("expect."+st.Name, st.Mark()))
	}
	return out
}
