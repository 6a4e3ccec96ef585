package framework

import (
	"context"
	"fmt"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
)

// A provider state's teardown changes nothing a later spec sees (every setup makes a fresh
// trader), so it runs in the background once its spec is done, off the spec's chain of
// round trips: against a distant target that is one round trip less per spec. A teardown
// that fails still fails the run, at the end of this process's specs, naming the spec and
// the state: nothing is swallowed, and a deployment is never left dirty unnoticed. With
// AUTOSHARES_MAX_IN_FLIGHT=1 (one exchange at a time) the spec tears its state down itself.
var teardowns struct {
	wg       sync.WaitGroup
	mu       sync.Mutex
	failures []string
}

// teardownLater runs undo, the teardown of the state the spec made, in the background.
func teardownLater(spec string, undo func(context.Context) error) {
	timeout := World.Cfg.Flow.MailTimeout + 4*World.Cfg.RequestTimeout // as a cleanup node's timeout
	teardowns.wg.Go(func() {
		ctx, cancel := context.WithTimeout(offChain(context.Background()), timeout)
		defer cancel()
		if err := undo(ctx); err != nil {
			teardowns.mu.Lock()
			defer teardowns.mu.Unlock()
			teardowns.failures = append(teardowns.failures, fmt.Sprintf("spec %q: %s", spec, World.Secrets.String(err.Error())))
		}
	})
}

// waitTeardowns waits for this process's teardowns and fails if any failed.
func waitTeardowns() {
	GinkgoHelper()
	if ahead != nil {
		ahead.drain()
	}
	teardowns.wg.Wait()
	teardowns.mu.Lock()
	defer teardowns.mu.Unlock()
	if len(teardowns.failures) > 0 {
		Fail(fmt.Sprintf("%d provider state teardown(s) failed after their specs:\n%s", len(teardowns.failures), strings.Join(teardowns.failures, "\n")))
	}
}
