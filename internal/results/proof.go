package results

import (
	"strconv"

	"github.com/onsi/ginkgo/v2/types"
)

// ExchangesEntry names the report entry every spec gets: how many requests it sent to the
// target (apiclient.Sent before and after). Report entries travel with the spec's report
// to process 1, so the count of a parallel run needs no side channel.
const ExchangesEntry = "autoshares.exchanges"

// Exchanges is how many requests the specs of rep sent to the target.
func Exchanges(rep types.Report) int {
	n := 0
	for _, sp := range rep.SpecReports {
		for _, e := range sp.ReportEntries {
			if e.Name != ExchangesEntry {
				continue
			}
			if k, err := strconv.Atoi(e.Value.String()); err == nil {
				n += k
			}
		}
	}
	return n
}

// NothingProven says why a run proved nothing ("" when it sent requests): a dry run, or
// a run in which no spec exchanged with the target. Such a run is never green, whatever
// Ginkgo counts as passed.
func NothingProven(rep types.Report) string {
	if rep.SuiteConfig.DryRun {
		return "Nothing was proven: this was a dry run (--dry-run), so no spec ran and no request was sent. " +
			"To see which specs and checks a run would apply, list them: autoshares-conformance --list (make conformance LIST=1)."
	}
	if Exchanges(rep) == 0 {
		return "Nothing was proven: no spec sent a request to the target."
	}
	return ""
}
