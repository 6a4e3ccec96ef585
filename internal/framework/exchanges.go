package framework

import (
	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/results"
)

// Every spec reports how many requests it sent to the target: a run whose specs sent none
// proved nothing (a dry run passes every spec without running it), and process 1 sums the
// counts from the specs' reports (report.NothingProven).
var _ = BeforeEach(func() {
	before := client.Sent()
	DeferCleanup(func() {
		AddReportEntry(results.ExchangesEntry, int(client.Sent()-before), ReportEntryVisibilityNever)
	})
})
