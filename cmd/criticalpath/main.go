// Command criticalpath is the last word of `make bench`: from the Ginkgo JSON reports of two
// default runs of the suite, one against a target answering in --latency and one against
// the same target answering at once, it prints the run's critical path beside its wall time.
//
// The critical path is the longest chain of round trips that must follow one another: the
// preflight's, then the longest spec's. Each spec reports its own chain (the "round trips"
// report entry: every exchange with the target that waits for the previous one, a batch
// of independent exchanges counting once); the preflight's is measured, as the time its
// node took at --latency less its time at 0, over the latency. No run against a target
// that far away can be faster than the critical path times the latency, whatever the
// number of processes.
//
//	criticalpath --latency 300ms --wall-ms 5400 --zero-wall-ms 1400 slow/ginkgo-report.json fast/ginkgo-report.json
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// roundTripsEntry is the report entry each spec of suites/passwordreset adds.
const roundTripsEntry = "round trips"

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "criticalpath:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("criticalpath", flag.ContinueOnError)
	latency := fs.Duration("latency", 300*time.Millisecond, "the latency of the slow run's target")
	wallMS := fs.Int("wall-ms", 0, "the slow run's wall time in milliseconds")
	zeroWallMS := fs.Int("zero-wall-ms", 0, "the fast run's wall time in milliseconds")
	top := fs.Int("top", 5, "how many of the longest specs to list")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 || *latency <= 0 || *wallMS <= 0 {
		return errors.New("usage: criticalpath --latency D --wall-ms N [--zero-wall-ms N] SLOW-REPORT.json FAST-REPORT.json")
	}
	slow, err := load(fs.Arg(0))
	if err != nil {
		return err
	}
	fast, err := load(fs.Arg(1))
	if err != nil {
		return err
	}
	p, err := analyse(slow, fast, *latency)
	if err != nil {
		return err
	}
	p.print(out, *latency, *wallMS, *zeroWallMS, *top)
	return nil
}

func load(path string) (types.Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return types.Report{}, err
	}
	var reps []types.Report
	if err := json.Unmarshal(data, &reps); err != nil || len(reps) != 1 {
		return types.Report{}, fmt.Errorf("%s: not the JSON report of one suite (%v)", path, err)
	}
	return reps[0], nil
}

// spec is one spec's chain, and what it took at the latency.
type spec struct {
	text  string
	chain int // round trips that follow one another, as the spec reported them
	asRun int // round trips it took at the latency (its time less its time at 0, over the latency)
}

// path is the critical path of a run.
type path struct {
	preflight int // the preflight's round trips, measured
	specs     []spec
}

func (p path) longest() spec {
	if len(p.specs) == 0 {
		return spec{}
	}
	return p.specs[0]
}

// rounds is how many round trips d more than at 0 amounts to.
func rounds(slow, fast, latency time.Duration) int {
	return max(0, int(math.Round(float64(slow-fast)/float64(latency))))
}

func analyse(slow, fast types.Report, latency time.Duration) (path, error) {
	fastTimes := map[string]time.Duration{}
	var fastPreflight time.Duration
	for _, s := range fast.SpecReports {
		switch {
		case s.LeafNodeType == types.NodeTypeIt:
			fastTimes[s.FullText()] = s.RunTime
		case isPreflight(s):
			fastPreflight = s.RunTime
		}
	}
	var p path
	for _, s := range slow.SpecReports {
		if isPreflight(s) {
			p.preflight = rounds(s.RunTime, fastPreflight, latency)
			continue
		}
		if s.LeafNodeType != types.NodeTypeIt || s.State != types.SpecStatePassed {
			continue
		}
		n, ok := chainOf(s)
		if !ok {
			return path{}, fmt.Errorf("spec %q reports no %q entry: a suite older than this command?", s.FullText(), roundTripsEntry)
		}
		p.specs = append(p.specs, spec{text: s.FullText(), chain: n, asRun: rounds(s.RunTime, fastTimes[s.FullText()], latency)})
	}
	if len(p.specs) == 0 {
		return path{}, errors.New("the slow run has no passed spec")
	}
	sort.SliceStable(p.specs, func(i, j int) bool {
		a, b := p.specs[i], p.specs[j]
		if a.chain != b.chain {
			return a.chain > b.chain
		}
		return a.asRun > b.asRun
	})
	return p, nil
}

// isPreflight: process 1's SynchronizedBeforeSuite, where the preflight runs.
func isPreflight(s types.SpecReport) bool {
	return s.LeafNodeType == types.NodeTypeSynchronizedBeforeSuite && s.ParallelProcess <= 1
}

func chainOf(s types.SpecReport) (int, bool) {
	for _, e := range s.ReportEntries {
		if e.Name == roundTripsEntry {
			n, err := strconv.Atoi(strings.TrimSpace(e.StringRepresentation()))
			return n, err == nil
		}
	}
	return 0, false
}

func (p path) print(out io.Writer, latency time.Duration, wallMS, zeroWallMS, top int) {
	n := p.preflight + p.longest().chain
	critical := time.Duration(n) * latency
	wall := time.Duration(wallMS) * time.Millisecond
	fmt.Fprintf(out, "critical path: %d round trips x %s = %.1f s; default run: %.1f s (%.1fx)", n, latency, critical.Seconds(), wall.Seconds(), wall.Seconds()/critical.Seconds())
	if zeroWallMS > 0 {
		fmt.Fprintf(out, "; at 0 latency: %.1f s", float64(zeroWallMS)/1000)
	}
	fmt.Fprintln(out)
	fmt.Fprintf(out, "  preflight: %d round trips (measured); longest spec chain: %d round trips\n", p.preflight, p.longest().chain)
	total, asRun := 0, 0
	for _, s := range p.specs {
		total += s.chain
		asRun += s.asRun
	}
	fmt.Fprintf(out, "  all %d specs: %d round trips on their chains, %d as run at %s (batches beyond AUTOSHARES_MAX_IN_FLIGHT take more than one)\n", len(p.specs), total, asRun, latency)
	fmt.Fprintf(out, "  %-6s %-6s %s\n", "chain", "as run", "spec")
	for _, s := range p.specs[:min(top, len(p.specs))] {
		fmt.Fprintf(out, "  %-6d %-6d %s\n", s.chain, s.asRun, cut(s.text, 100))
	}
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
