package framework

// Every spec reports its chain of round trips to the target: the exchanges that follow one
// another, a batch of independent ones (SendAll) counting once. Against a target L away a
// spec cannot take less than its chain times L, however many requests are in flight; the
// longest chain of the run, with the preflight's, is the run's critical path, which `make
// bench` prints beside the run's wall time (cmd/criticalpath).

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/states"
)

// roundTripsEntry names the report entry that holds a spec's chain of round trips.
const roundTripsEntry = "round trips"

// chain counts this process's round trips to the target that follow one another. The
// process runs one spec at a time, so the count between a spec's start and end is its own.
var chain atomic.Int64

// offChainKey marks a request's context: the request is counted elsewhere (one of a batch)
// or not at all (a teardown in the background).
type offChainKey struct{}

func offChain(ctx context.Context) context.Context {
	return context.WithValue(ctx, offChainKey{}, true)
}

// OneRound: the requests sent with the returned context are independent of each other,
// in flight together: one round trip of the chain, however many they are.
func OneRound(ctx context.Context) context.Context {
	chain.Add(1)
	return offChain(ctx)
}

// chainCounter counts the requests to the target's hosts (the API and the state endpoint;
// not the mailbox, which is not the target) that are on the chain.
type chainCounter struct {
	base  http.RoundTripper
	hosts map[string]bool
}

func (c chainCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	if c.hosts[r.URL.Host] && r.Context().Value(offChainKey{}) == nil {
		chain.Add(1)
	}
	base := c.base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(r)
}

// Timeout tells the wrapped client's per-attempt timeout (transport.TimeoutOf), so a
// timeout message names the real one.
func (c chainCounter) Timeout() time.Duration {
	if t, ok := c.base.(interface{ Timeout() time.Duration }); ok {
		return t.Timeout()
	}
	return 0
}

var countOnce sync.Once

// countRoundTrips puts the counter under this process's clients of the target, once.
func countRoundTrips() {
	countOnce.Do(func() {
		hosts := map[string]bool{}
		for _, raw := range []string{World.Target.BaseURL, World.Target.StateURL} {
			if u, err := url.Parse(raw); err == nil && u.Host != "" {
				hosts[u.Host] = true
			}
		}
		clients := []*http.Client{World.API.HTTP}
		if sc, ok := World.Sources.States.(*states.Client); ok {
			clients = append(clients, sc.HTTP)
		}
		if World.Mailbox != nil {
			clients = append(clients, World.Mailbox.HTTP) // may share the API's connections
		}
		done := map[*http.Client]bool{}
		for _, c := range clients {
			if c != nil && !done[c] {
				done[c] = true
				c.Transport = chainCounter{base: c.Transport, hosts: hosts}
			}
		}
	})
}

var _ = BeforeEach(func() {
	countRoundTrips()
	before := chain.Load()
	DeferCleanup(func() {
		AddReportEntry(roundTripsEntry, int(chain.Load()-before), ReportEntryVisibilityNever)
	})
})
