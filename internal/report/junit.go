package report

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

	"github.com/autoshares/conformance/internal/checks"
)

// writeJUnit writes Ginkgo's JUnit report, then makes it say what a sign-off needs:
// test cases are specs (a setup node only when it failed), a spec filtered out is
// "disabled" with the filter named, not "skipped", and the suite's properties say what
// was tested.
func writeJUnit(rep types.Report, sum Summary, path string) error {
	specs := rep
	specs.SpecReports = nil
	for _, sp := range rep.SpecReports {
		if sp.LeafNodeType == types.NodeTypeIt || (sp.State.Is(types.SpecStateFailureStates) && !IsEchoOfProcess1(sp)) {
			specs.SpecReports = append(specs.SpecReports, sp)
		}
	}
	if err := reporters.GenerateJUnitReportWithConfig(specs, path, reporters.JunitReportConfig{}); err != nil {
		return err
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc reporters.JUnitTestSuites
	if err := xml.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("reading back Ginkgo's JUnit report: %w", err)
	}
	if len(doc.TestSuites) != 1 || len(doc.TestSuites[0].TestCases) != len(specs.SpecReports) {
		return fmt.Errorf("Ginkgo's JUnit report has an unexpected shape (%d suites)", len(doc.TestSuites))
	}
	suite := &doc.TestSuites[0]
	suite.Skipped, suite.Disabled = 0, 0
	for i := range suite.TestCases {
		tc, sp := &suite.TestCases[i], specs.SpecReports[i]
		onceTranscript(tc, sp)
		if sp.LeafNodeType != types.NodeTypeIt {
			continue
		}
		status, reason := Classify(sp, rep)
		tc.Properties = appendProperty(tc.Properties, StatusEntry, map[string]string{"status": status, "reason": reason})
		for _, n := range notCheckedIn(sp) {
			tc.Properties.Properties = append(tc.Properties.Properties, reporters.JUnitProperty{Name: PropertyPrefix + "not_checked." + n.Check, Value: n.Reason})
		}
		if cat, err := checks.Default(); err == nil {
			tc.Properties.Properties = append(tc.Properties.Properties, checkProperties(sp, status, reason, cat)...)
		}
		switch status {
		case StatusSkipped:
			tc.Skipped = &reporters.JUnitSkipped{Message: "skipped - " + reason}
			suite.Skipped++
		case StatusKnownDeviation:
			tc.Status = status
			tc.Skipped = &reporters.JUnitSkipped{Message: "known deviation - " + reason}
			suite.Skipped++
		case StatusFiltered, StatusNotRun, StatusPending:
			tc.Status = status
			tc.Skipped = &reporters.JUnitSkipped{Message: status + " - " + reason}
			suite.Disabled++
		}
	}
	suite.Properties.Properties = append(suite.Properties.Properties, properties(sum)...)
	doc.Tests, doc.Disabled = suite.Tests, suite.Disabled+suite.Skipped

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

// onceTranscript keeps a failure's transcripts in one place: the failure's description.
// The message attribute (what CI shows as the headline) and the timeline in system-err
// get the problem lines only.
func onceTranscript(tc *reporters.JUnitTestCase, sp types.SpecReport) {
	full := sp.Failure.Message
	short := withoutTranscripts(full)
	if full == "" || short == strings.TrimSpace(full) {
		return
	}
	if tc.Failure != nil && tc.Failure.Message == full {
		tc.Failure.Message = short
	}
	if tc.Error != nil && tc.Error.Message == full {
		tc.Error.Message = short
	}
	tc.SystemErr = strings.Replace(tc.SystemErr, full, short+"\n(the transcript is in the failure's description)\n", 1)
}

func appendProperty(p *reporters.JUnitProperties, name string, value any) *reporters.JUnitProperties {
	if p == nil {
		p = &reporters.JUnitProperties{}
	}
	b, _ := json.Marshal(value)
	p.Properties = append(p.Properties, reporters.JUnitProperty{Name: name, Value: string(b)})
	return p
}
