package launch

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/results"
)

// VerdictFile is the suite's verdict for the console, which the report writer writes to the
// report directory from the run's one model. The launcher prints it after Ginkgo's own
// output, which it leaves as Ginkgo wrote it.
const VerdictFile = results.VerdictFile

// printVerdict prints the run's verdict after Ginkgo's output and returns the run's exit
// code. It prints, in this order of preference, what this run wrote (never an earlier
// run's file): verdict.txt; else what summary.json says (a suite that writes no
// verdict.txt); else what Ginkgo's exit status says (a run stopped before any report was
// written). A run whose summary.json says it failed exits 1 even when every spec passed
// (the verdict can fail on its own: a loosened setting's problem, nothing proven).
func printVerdict(w io.Writer, dir string, since time.Time, code int) int {
	sum := readSummary(dir, since)
	if sum != nil && !sum.Succeeded && code == ExitPassed {
		code = ExitFailed
	}
	fmt.Fprintln(w)
	if b, ok := readFresh(filepath.Join(dir, VerdictFile), since); ok {
		w.Write(b)
		if len(b) > 0 && b[len(b)-1] != '\n' {
			fmt.Fprintln(w)
		}
		// A run stopped by its setup (the preflight) ends with the reason and its fix, from
		// the summary's record of the failed setup node.
		if sum != nil {
			if why := setupFailure(*sum); why != "" {
				fmt.Fprintf(w, "\nThe run stopped before any spec ran:\n%s\n", why)
			}
		}
		return code
	}
	if sum != nil {
		word := "PASSED"
		if !sum.Succeeded || code != ExitPassed {
			word = "FAILED"
		}
		fmt.Fprintf(w, "Verdict: %s. %s\n", word, countsLine(sum.Counts))
		if why := setupFailure(*sum); why != "" {
			fmt.Fprintf(w, "The run stopped before any spec ran:\n%s\n", why)
		}
		return code
	}
	switch code {
	case ExitPassed:
		fmt.Fprintln(w, "Verdict: PASSED (Ginkgo's exit status; the suite wrote no summary).")
	default:
		fmt.Fprintf(w, "Verdict: FAILED (Ginkgo's exit status %d; the suite wrote no summary: see Ginkgo's output above).\n", code)
		code = ExitFailed
	}
	return code
}

func countsLine(c results.Counts) string {
	return fmt.Sprintf("Specs: %d run (%d passed, %d failed), %d skipped, %d filtered out, %d not run, of %d",
		c.Run, c.Passed, c.Failed, c.Skipped, c.Filtered, c.NotRun, c.Specs)
}

// setupFailure is the reason a failed BeforeSuite gave (the preflight's, with its fix).
func setupFailure(s results.Summary) string {
	for _, sp := range s.Specs {
		if sp.Status == results.StatusFailed && (sp.Node == types.NodeTypeSynchronizedBeforeSuite.String() || sp.Node == types.NodeTypeBeforeSuite.String()) {
			return sp.Reason
		}
	}
	return ""
}

// readFresh reads a file written since the run started, or reports false.
func readFresh(path string, since time.Time) ([]byte, bool) {
	st, err := os.Stat(path)
	if err != nil || st.ModTime().Before(since) {
		return nil, false
	}
	b, err := os.ReadFile(path)
	return b, err == nil
}

// readSummary reads the summary.json this run wrote (not an earlier run's), or nil.
func readSummary(dir string, since time.Time) *results.Summary {
	raw, ok := readFresh(filepath.Join(dir, results.SummaryFile), since)
	if !ok {
		return nil
	}
	var s results.Summary
	if json.Unmarshal(raw, &s) != nil {
		return nil
	}
	return &s
}
