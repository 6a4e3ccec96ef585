package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/redact"
)

func sample() types.Report {
	return types.Report{SuiteDescription: "s", SuiteSucceeded: false, SpecReports: types.SpecReports{
		{LeafNodeType: types.NodeTypeIt, LeafNodeText: "fails", State: types.SpecStateFailed,
			Failure:                    types.Failure{Message: "token tok-SECRET-1 rejected"},
			CapturedGinkgoWriterOutput: "> Et-App-Key: key-SECRET-2\n"},
		{LeafNodeType: types.NodeTypeIt, LeafNodeText: "needs mail", State: types.SpecStateSkipped,
			Failure: types.Failure{Message: "set AUTOSHARES_MAILBOX_URL to enable"}},
		{LeafNodeType: types.NodeTypeIt, LeafNodeText: "filtered", State: types.SpecStateSkipped},
	}}
}

func TestReportsAreWrittenWithoutSecrets(t *testing.T) {
	dir := t.TempDir()
	if err := Write(sample(), dir, redact.New("tok-SECRET-1", "key-SECRET-2")); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{JUnitFile, JSONFile, SkippedFile} {
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

func TestSkipSummaryNamesReasons(t *testing.T) {
	got := SkipSummary(sample())
	if !strings.Contains(got, "needs mail") || !strings.Contains(got, "AUTOSHARES_MAILBOX_URL") || !strings.Contains(got, "1 spec(s) not run") {
		t.Fatalf("summary:\n%s", got)
	}
}
