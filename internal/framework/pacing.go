package framework

// Glue between the specs and the transport's pacing and resends (internal/client): every
// process shares the rate learned from the target's 429s through a file in the run's private
// directory, so the ceiling one process learns holds them all; and the transport gets a
// harmless request to ask whether the API answers at all, for a request that keeps getting
// 503 (transport.Pool.SetServingProbe).

import (
	"context"
	"net/url"
	"path/filepath"
	"sync"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/suite"
)

var pacingOnce sync.Once

// Before this process's first spec (the shared directory exists only from the suite's
// setup on).
var _ = BeforeEach(func() {
	pacingOnce.Do(func() {
		pool := client.ProcessPool()
		if World == nil || pool == nil {
			return
		}
		if err := pool.ShareRate(filepath.Join(World.Recorder.Dir, "pace")); err != nil {
			// This process then paces itself by what it learns alone: slower to learn, not wrong.
			GinkgoWriter.Printf("%v\n", err)
		}
		api := apiHost()
		pool.SetServingProbe(func(ctx context.Context, host string) bool {
			if host != api {
				return false // only the API has a request known to be harmless
			}
			// Step 2 for nobody: it changes nothing; any answer but "come back later" will do.
			ex := World.API.Do(offChain(ctx), client.SecretQuestion(suite.RandomSecret("probe-")))
			return ex.Err == nil && ex.Status != 0 && !ex.Throttled()
		})
	})
})

// apiHost is the API's host[:port], as the transport names it.
func apiHost() string {
	u, err := url.Parse(World.API.BaseURL)
	if err != nil {
		return ""
	}
	return u.Host
}
