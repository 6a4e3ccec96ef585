package launch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/report"
)

// closing rewrites what Ginkgo prints so that a run ends the way the suite counts it:
//   - a failed setup (the preflight, an unreachable target) is one failure: Ginkgo prints
//     it once per process (process 1's with the reason, every other one "failed on
//     process #1"); all of them are held back, and the reason and its fix are printed once,
//     last, from summary.json;
//   - Ginkgo's closing counts call a filtered-out spec "Skipped": they are replaced by the
//     suite's own (skipped, filtered out, not run).
//
// Everything else passes through as it comes, line by line, so a long run still streams.
// When summary.json cannot be read, what was held back is printed as Ginkgo wrote it.
type closing struct {
	mu      sync.Mutex
	out     io.Writer
	partial []byte
	sepHeld string   // a block separator, printed with the block it starts unless that is held
	setup   []string // the setup-failure blocks held back
	inSetup bool
	tail    []string // from Ginkgo's closing summary on
	inTail  bool
}

var (
	ansi       = regexp.MustCompile(`\x1b\[[0-9;]*m`)
	separator  = strings.Repeat("-", 30)
	setupBlock = regexp.MustCompile(`^\[(Synchronized)?BeforeSuite\] \[FAILED\]`)
)

func plain(line string) string { return strings.TrimSpace(ansi.ReplaceAllString(line, "")) }

func (c *closing) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.partial = append(c.partial, p...)
	for {
		i := bytes.IndexByte(c.partial, '\n')
		if i < 0 {
			break
		}
		c.line(string(c.partial[:i+1]))
		c.partial = c.partial[i+1:]
	}
	// Ginkgo marks each passing spec with a dot and no newline: show them as they come.
	if pl := plain(string(c.partial)); pl != "" && strings.Trim(pl, "•") == "" && !c.inTail && !c.inSetup {
		c.flushSep()
		c.out.Write(c.partial)
		c.partial = c.partial[:0]
	}
	return len(p), nil
}

func (c *closing) line(l string) {
	pl := plain(l)
	switch {
	case c.inTail:
		c.tail = append(c.tail, l)
		return
	case strings.HasPrefix(pl, "Summarizing ") && strings.Contains(pl, "Failure"),
		strings.HasPrefix(pl, "Ran ") && strings.Contains(pl, " Specs in "):
		c.flushSep()
		c.inSetup, c.inTail, c.tail = false, true, []string{l}
		return
	case pl == separator:
		c.flushSep()
		c.inSetup = false
		c.sepHeld = l
		return
	case c.sepHeld != "" && setupBlock.MatchString(pl):
		c.inSetup, c.sepHeld = true, ""
		c.setup = append(c.setup, l)
		return
	case c.inSetup:
		c.setup[len(c.setup)-1] += l
		return
	}
	c.flushSep()
	io.WriteString(c.out, l)
}

func (c *closing) flushSep() {
	if c.sepHeld != "" {
		io.WriteString(c.out, c.sepHeld)
		c.sepHeld = ""
	}
}

// finish prints the end of the run: Ginkgo's closing lines with the suite's own counts,
// then a setup failure's reason, once and last. sum is nil when summary.json was not
// readable: then everything held back is printed as it came.
func (c *closing) finish(sum *report.Summary) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.partial) > 0 {
		c.line(string(c.partial) + "\n")
		c.partial = nil
	}
	c.flushSep()
	if sum == nil {
		for _, b := range c.setup {
			io.WriteString(c.out, separator+"\n"+b)
		}
		for _, l := range c.tail {
			io.WriteString(c.out, l)
		}
		return
	}
	var kept []string
	failures := 0
	for i := 0; i < len(c.tail); i++ {
		pl := plain(c.tail[i])
		switch {
		case strings.HasPrefix(pl, "[FAIL] [SynchronizedBeforeSuite]"), strings.HasPrefix(pl, "[FAIL] [BeforeSuite]"):
			if i+1 < len(c.tail) && !strings.HasPrefix(plain(c.tail[i+1]), "[") {
				i++ // its location
			}
		case strings.HasPrefix(pl, "[FAIL]"), strings.HasPrefix(pl, "[PANICKED]"), strings.HasPrefix(pl, "[TIMEDOUT]"),
			strings.HasPrefix(pl, "[INTERRUPTED]"), strings.HasPrefix(pl, "[ABORTED]"):
			failures++
			kept = append(kept, c.tail[i])
		case strings.HasPrefix(pl, "Ran ") && strings.Contains(pl, " Specs in "),
			strings.HasPrefix(pl, "A BeforeSuite node failed"):
		case strings.HasPrefix(pl, "SUCCESS!"), strings.HasPrefix(pl, "FAIL!"):
			status, _, _ := strings.Cut(pl, " -- ")
			kept = append(kept, status+" -- "+countsLine(sum.Counts)+"\n")
		default:
			kept = append(kept, c.tail[i])
		}
	}
	for _, l := range kept {
		pl := plain(l)
		if strings.HasPrefix(pl, "Summarizing ") {
			if failures == 0 {
				continue
			}
			l = fmt.Sprintf("Summarizing %d failure(s):\n", failures)
		}
		io.WriteString(c.out, l)
	}
	if why := setupFailure(*sum); why != "" {
		fmt.Fprintf(c.out, "\nThe run stopped before any spec ran:\n%s\n", why)
	}
}

func countsLine(c report.Counts) string {
	return fmt.Sprintf("Specs: %d run (%d passed, %d failed), %d skipped, %d filtered out, %d not run, of %d",
		c.Run, c.Passed, c.Failed, c.Skipped, c.Filtered, c.NotRun, c.Specs)
}

// setupFailure is the reason a failed BeforeSuite gave (the preflight's, with its fix).
func setupFailure(s report.Summary) string {
	for _, sp := range s.Specs {
		if sp.Status == report.StatusFailed && (sp.Node == types.NodeTypeSynchronizedBeforeSuite.String() || sp.Node == types.NodeTypeBeforeSuite.String()) {
			return sp.Reason
		}
	}
	return ""
}

// readSummary reads the summary.json this run wrote (not an earlier run's), or nil.
func readSummary(dir string, since time.Time) *report.Summary {
	path := filepath.Join(dir, report.SummaryFile)
	if st, err := os.Stat(path); err != nil || st.ModTime().Before(since) {
		return nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var s report.Summary
	if json.Unmarshal(raw, &s) != nil {
		return nil
	}
	return &s
}
