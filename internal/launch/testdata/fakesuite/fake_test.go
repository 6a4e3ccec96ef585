// Package fakesuite is a Ginkgo suite for the launcher's tests: specs that pass, with a
// report entry, and one that fails when FAKESUITE_FAIL is set; it writes verdict.txt to
// AUTOSHARES_REPORT_DIR as the report writer does.
package fakesuite

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestFake(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "fake suite")
}

var _ = SynchronizedBeforeSuite(func() []byte {
	if os.Getenv("FAKESUITE_SETUP_FAIL") != "" {
		Fail("the setup was refused\nFix: set FAKESUITE_SETUP_FAIL to nothing.")
	}
	return nil
}, func([]byte) {})

var _ = It("passes with an entry", func() {
	AddReportEntry("seed", "entry-of-a-passing-spec", ReportEntryVisibilityFailureOrVerbose)
})

var _ = It("passes", func() {})

var _ = It("fails when asked", func() {
	Expect(os.Getenv("FAKESUITE_FAIL")).To(BeEmpty(), "asked to fail")
})

var _ = ReportAfterSuite("verdict", func(r Report) {
	if v := os.Getenv("FAKESUITE_VERDICT"); v != "" {
		Expect(os.WriteFile(filepath.Join(os.Getenv("AUTOSHARES_REPORT_DIR"), "verdict.txt"), []byte(v), 0o644)).To(Succeed())
	}
})
