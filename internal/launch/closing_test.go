package launch

import (
	"bytes"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/report"
)

const sep = "------------------------------\n"

// Ginkgo's ending of a parallel run whose preflight failed, colours included.
var failedPreflight = "Running in parallel across 3 processes\n" +
	sep + "\x1b[38;5;9m[SynchronizedBeforeSuite] [FAILED] [0.011 seconds]\x1b[0m\n[SynchronizedBeforeSuite] \n/x/suite_test.go:85\n\n  [FAILED] the target rejected the key\n  Set AUTOSHARES_APP_KEY.\n" +
	sep + "[SynchronizedBeforeSuite] [FAILED] [0.000 seconds]\n[SynchronizedBeforeSuite] \n/x/suite_test.go:85\n\n  [FAILED] SynchronizedBeforeSuite failed on Ginkgo parallel process #1\n  This suite will now abort.\n" +
	sep + "[SynchronizedBeforeSuite] [FAILED] [0.000 seconds]\n[SynchronizedBeforeSuite] \n/x/suite_test.go:85\n\n  [FAILED] SynchronizedBeforeSuite failed on Ginkgo parallel process #1\n  This suite will now abort.\n" +
	sep + "[ReportAfterSuite] PASSED [0.067 seconds]\n  Specs: 0 run\n" + sep +
	"\nSummarizing 3 Failures:\n  [FAIL] [SynchronizedBeforeSuite] \n  /x/suite_test.go:85\n  [FAIL] [SynchronizedBeforeSuite] \n  /x/suite_test.go:85\n  [FAIL] [SynchronizedBeforeSuite] \n  /x/suite_test.go:107\n\n" +
	"Ran 0 of 47 Specs in 0.152 seconds\nFAIL! -- A BeforeSuite node failed so all tests were skipped.\n"

func TestAFailedSetupEndsWithItsReasonOnce(t *testing.T) {
	var out bytes.Buffer
	c := &closing{out: &out}
	for _, chunk := range strings.SplitAfter(failedPreflight, "e") { // writes cut anywhere
		c.Write([]byte(chunk))
	}
	c.finish(&report.Summary{Counts: report.Counts{Specs: 47, Filtered: 1, NotRun: 46, SetupFailures: 1},
		Specs: []report.SpecResult{{Node: "SynchronizedBeforeSuite", Status: report.StatusFailed, Reason: "the target rejected the key\nSet AUTOSHARES_APP_KEY."}}})
	got := out.String()
	for _, gone := range []string{"This suite will now abort", "Summarizing", "Ran 0 of 47", "all tests were skipped", "[FAIL]"} {
		if strings.Contains(got, gone) {
			t.Errorf("still has %q:\n%s", gone, got)
		}
	}
	if strings.Count(got, "rejected the key") != 1 || !strings.HasSuffix(got, "Set AUTOSHARES_APP_KEY.\n") {
		t.Errorf("want the reason once, last:\n%s", got)
	}
	if !strings.Contains(got, "FAIL! -- Specs: 0 run (0 passed, 0 failed), 0 skipped, 1 filtered out, 46 not run, of 47") ||
		!strings.Contains(got, "[ReportAfterSuite] PASSED") || !strings.HasPrefix(got, "Running in parallel") {
		t.Errorf("want the rest as it came, with the suite's counts:\n%s", got)
	}

	// Without summary.json, what was held back is printed as it came.
	out.Reset()
	c = &closing{out: &out}
	c.Write([]byte(failedPreflight))
	c.finish(nil)
	if !strings.Contains(out.String(), "rejected the key") || !strings.Contains(out.String(), "Ran 0 of 47") {
		t.Errorf("without a summary the output was lost:\n%s", out.String())
	}
}

// A spec failure stays in Ginkgo's summary; only the setup echoes go, and the count follows.
func TestSpecFailuresStayInTheClosingSummary(t *testing.T) {
	var out bytes.Buffer
	c := &closing{out: &out}
	c.Write([]byte("\nSummarizing 2 Failures:\n  [FAIL] Step 4 rejects a mismatch\n  /x/update_test.go:47\n  [TIMEDOUT] Step 1 answers\n  /x/step1_test.go:12\n\nRan 3 of 47 Specs in 1.0 seconds\nFAIL! -- 1 Passed | 2 Failed | 0 Pending | 44 Skipped\n"))
	c.finish(&report.Summary{Counts: report.Counts{Specs: 47, Run: 3, Passed: 1, Failed: 2, Filtered: 44}})
	got := out.String()
	if !strings.Contains(got, "Summarizing 2 failure(s):") || !strings.Contains(got, "[FAIL] Step 4 rejects a mismatch\n  /x/update_test.go:47") ||
		!strings.Contains(got, "44 filtered out") || strings.Contains(got, "Skipped") {
		t.Errorf("closing:\n%s", got)
	}
}

// The dots Ginkgo prints for passing specs, without a newline, are shown as they come.
func TestProgressDotsStream(t *testing.T) {
	var out bytes.Buffer
	c := &closing{out: &out}
	c.Write([]byte("\x1b[38;5;10m•\x1b[0m"))
	c.Write([]byte("•"))
	if out.String() != "\x1b[38;5;10m•\x1b[0m•" {
		t.Errorf("dots held back: %q", out.String())
	}
}
