package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

func specReport(text string, run time.Duration, chain int) types.SpecReport {
	s := types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: text, State: types.SpecStatePassed, RunTime: run, ParallelProcess: 1}
	if chain >= 0 {
		s.ReportEntries = types.ReportEntries{{Name: roundTripsEntry, Value: types.WrapEntryValue(chain)}}
	}
	return s
}

func write(t *testing.T, specs ...types.SpecReport) string {
	t.Helper()
	data, err := json.Marshal([]types.Report{{SpecReports: specs}})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "ginkgo-report.json")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// The critical path is the preflight's round trips (measured: its time at the latency
// less its time at 0) plus the longest spec chain (reported by the spec); the line puts
// it beside the run's wall time.
func TestCriticalPathIsPreflightPlusTheLongestChain(t *testing.T) {
	preflight := func(d time.Duration) types.SpecReport {
		return types.SpecReport{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, RunTime: d, ParallelProcess: 1}
	}
	slow := write(t, preflight(650*time.Millisecond), specReport("flow", 2200*time.Millisecond, 7), specReport("generated", 2100*time.Millisecond, 1), specReport("login", 300*time.Millisecond, 1))
	fast := write(t, preflight(50*time.Millisecond), specReport("flow", 100*time.Millisecond, 7), specReport("generated", 0, 1), specReport("login", 0, 1))
	var out strings.Builder
	if err := run([]string{"--latency", "300ms", "--wall-ms", "5400", "--zero-wall-ms", "700", slow, fast}, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"critical path: 9 round trips x 300ms = 2.7 s; default run: 5.4 s (2.0x); at 0 latency: 0.7 s\n",
		"preflight: 2 round trips (measured); longest spec chain: 7 round trips",
		"all 3 specs: 9 round trips on their chains, 15 as run at 300ms",
		"7      7      flow", "1      7      generated",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

// A report without the specs' round trips is refused rather than read as zero.
func TestAReportWithoutRoundTripsIsRefused(t *testing.T) {
	r := write(t, specReport("old", time.Second, -1))
	if err := run([]string{"--wall-ms", "1000", r, r}, &strings.Builder{}); err == nil || !strings.Contains(err.Error(), "round trips") {
		t.Errorf("err = %v", err)
	}
}
