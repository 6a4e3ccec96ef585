package framework

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/suite"
)

// A spec that must run while no other spec runs (the step 3 code guesses: a target may
// count them against every pending code, or throttle the client's step 3 for a while
// after them) is handed out after every other spec (RunsAlone) and, before it sends
// anything, waits until every other process has no spec left (WaitUntilAlone). Each process
// says so first thing in its AfterSuite, before it waits for its teardowns, which change
// nothing such a spec sees. Ginkgo's Serial would also wait for those teardowns and for
// the processes to exit: a round trip more at the end of every run against a distant target.
var RunsAlone = SpecPriority(-1)

// idleDir is where each process says it has no spec left; "" until the suite has started.
var idleDir string

// idlePoll is how often WaitUntilAlone looks.
const idlePoll = 20 * time.Millisecond

// sayIdle tells the other processes that this one has no spec left.
func sayIdle() error {
	if idleDir == "" {
		return nil
	}
	if err := os.MkdirAll(idleDir, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(idleDir, fmt.Sprint(GinkgoParallelProcess())), nil, 0o600)
}

// WaitUntilAlone returns once every other process has no spec left; it fails the spec if
// ctx ends first.
func WaitUntilAlone(ctx context.Context) {
	GinkgoHelper()
	others := ParallelTotal() - 1
	if others == 0 || idleDir == "" {
		return
	}
	me := fmt.Sprint(GinkgoParallelProcess())
	for {
		entries, _ := os.ReadDir(idleDir)
		idle := 0
		for _, e := range entries {
			if e.Name() != me && !strings.HasPrefix(e.Name(), ".") {
				idle++
			}
		}
		if idle >= others {
			By(suite.AloneStep)
			return
		}
		if !WaitFor(ctx, idlePoll) {
			Fail(fmt.Sprintf("waiting for the other specs to end, so this one runs alone: %d of %d processes were done when the spec's time ran out", idle, others))
		}
	}
}
