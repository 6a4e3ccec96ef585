package passwordreset

import (
	"fmt"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/transport"
)

// sendTogether sends the requests of a race check at the same instant (all built first,
// released together, not bounded by AUTOSHARES_MAX_IN_FLIGHT): one round trip of the
// spec's chain. The exchanges are logged and judged in order on the spec's goroutine.
//
// A request the transport held back, to wait out a rate limit or for AUTOSHARES_MAX_RPS,
// reached the target after the others: the requests did not race, and judging their
// answers would pass a target that only handles them one at a time. The spec then fails
// as rate-limited, not proven (the run is inconclusive), not as a finding.
func sendTogether(ctx SpecContext, reqs []apiclient.Request) []*apiclient.Exchange {
	GinkgoHelper()
	for _, r := range reqs {
		checkRequest(r)
	}
	exs := make([]*apiclient.Exchange, len(reqs))
	var wg sync.WaitGroup
	start := make(chan struct{})
	together := oneRound(ctx)
	for i, r := range reqs {
		wg.Go(func() {
			<-start
			exs[i] = suite.API.Do(together, r)
		})
	}
	close(start)
	wg.Wait()
	for _, ex := range exs {
		received(ex)
	}
	if held, limited, ceiling := heldBack(exs); len(held) > 0 {
		var fix []string
		if limited {
			fix = append(fix, "run it when the target is not rate-limiting the suite (a lower "+transport.MaxRPSSetting+" spreads the other specs' requests)")
		}
		if ceiling {
			fix = append(fix, fmt.Sprintf("raise %s to at least %d a second per process, or unset it", transport.MaxRPSSetting, len(exs)))
		}
		Fail(fmt.Sprintf("%s: of the %d simultaneous requests, %s waited, so they did not reach the target together and the race was not tested; %s",
			transport.NotProven, len(exs), strings.Join(held, ", "), strings.Join(fix, "; ")))
	}
	return exs
}

// heldBack names the exchanges the transport did not send at once, and says whether a
// rate limit or the rate ceiling held them.
func heldBack(exs []*apiclient.Exchange) (held []string, limited, ceiling bool) {
	for i, ex := range exs {
		switch {
		case ex.RateLimitWaits > 0:
			limited = true
			held = append(held, fmt.Sprintf("request %d (%d rate-limit wait(s))", i+1, ex.RateLimitWaits))
		case ex.RateCeilingWait > 0:
			ceiling = true
			held = append(held, fmt.Sprintf("request %d (%s for %s)", i+1, ex.RateCeilingWait.Round(time.Millisecond), transport.MaxRPSSetting))
		}
	}
	return held, limited, ceiling
}
