package results

import (
	"fmt"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/redact"
)

// BenchmarkRedact masks a report about the size of a default run's (80 specs, each with a
// few exchanges of output, 300 secrets known): it runs once per process at the end of every
// run, on the run's critical path.
//
//	go test -run '^$' -bench Redact ./internal/results
func BenchmarkRedact(b *testing.B) {
	r := redact.New()
	for i := 0; i < 300; i++ {
		r.Add(fmt.Sprintf("%06d", 100000+i*2777), fmt.Sprintf("%032x", i*7919+123456789), fmt.Sprintf("Pw-%08x!x", i*104729))
	}
	var rep types.Report
	for i := 0; i < 80; i++ {
		out := strings.Repeat(otherExchange+"\n"+transcript+"\n", 12)
		rep.SpecReports = append(rep.SpecReports, types.SpecReport{LeafNodeType: types.NodeTypeIt,
			LeafNodeText: fmt.Sprintf("spec %d", i), State: types.SpecStatePassed, CapturedGinkgoWriterOutput: out,
			ReportEntries: types.ReportEntries{{Name: "seed", Value: types.WrapEntryValue(map[string]string{"body": out[:200]})}}})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Redact(rep, r, nil); err != nil {
			b.Fatal(err)
		}
	}
}
