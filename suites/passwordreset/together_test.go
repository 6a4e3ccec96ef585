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

// raceTries bounds the races sendTogether runs when rate-limit waits split one.
const raceTries = 3

// sendTogether sends the requests of a race check, built by build on a fresh state, at the
// same instant (all built first, released together, not bounded by
// AUTOSHARES_MAX_IN_FLIGHT): one round trip of the spec's chain. The exchanges are logged
// and judged in order on the spec's goroutine.
//
// Requests the transport did not send together did not race, and judging their answers
// would pass a target that only handles them one at a time. That is when the rate ceiling
// (AUTOSHARES_MAX_RPS) held any of them, or when rate-limit waits split them: some resent
// more often than others, or their last sends apart. (All of them refused once and resent
// together after the same wait still race.) A split race is run again on a fresh state
// (build is called again), as a gateway's limit may let the next one through whole; when
// the ceiling held them, or after raceTries splits, the spec fails as rate-limited, not
// proven (the run is inconclusive), not as a finding.
func sendTogether(ctx SpecContext, build func() []apiclient.Request) []*apiclient.Exchange {
	GinkgoHelper()
	for try := 1; ; try++ {
		exs := sendOnce(ctx, build())
		held, limited, ceiling := heldBack(exs)
		if len(held) == 0 {
			return exs
		}
		if !ceiling && try < raceTries {
			By(fmt.Sprintf("%s waited on the target's rate limit, so the requests did not race: again on a fresh state (try %d of %d)",
				strings.Join(held, ", "), try+1, raceTries))
			continue
		}
		var fix []string
		if limited {
			fix = append(fix, fmt.Sprintf("run it when the target is not rate-limiting the suite (a lower %s spreads the other specs' requests)", transport.MaxRPSSetting))
		}
		if ceiling {
			fix = append(fix, fmt.Sprintf("raise %s to at least %d a second per process, or unset it", transport.MaxRPSSetting, len(exs)))
		}
		why := fmt.Sprintf("%s: of the %d simultaneous requests, %s waited, so they did not reach the target together and the race was not tested (%d tries); %s",
			transport.NotProven, len(exs), strings.Join(held, ", "), try, strings.Join(fix, "; "))
		inconclusive(why, nil)
		Fail(why)
	}
}

// sendOnce sends reqs together and judges every exchange (received).
func sendOnce(ctx SpecContext, reqs []apiclient.Request) []*apiclient.Exchange {
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
	return exs
}

// togetherSpread is how far apart the last sends of requests resent after rate-limit waits
// may be and still count as sent together: the waits end within this of each other when the
// target refused them all at once with the same Retry-After.
const togetherSpread = 100 * time.Millisecond

// heldBack names the exchanges the transport did not send with the others, and says
// whether a rate limit or the rate ceiling held them.
func heldBack(exs []*apiclient.Exchange) (held []string, limited, ceiling bool) {
	var first, last time.Time
	split := false
	for _, ex := range exs {
		if ex.RateLimitWaits != exs[0].RateLimitWaits {
			split = true
		}
		if ex.LastSent.IsZero() {
			continue
		}
		if first.IsZero() || ex.LastSent.Before(first) {
			first = ex.LastSent
		}
		if ex.LastSent.After(last) {
			last = ex.LastSent
		}
	}
	split = split || (exs[0].RateLimitWaits > 0 && last.Sub(first) > togetherSpread)
	for i, ex := range exs {
		switch {
		case ex.RateCeilingWait > 0:
			ceiling = true
			held = append(held, fmt.Sprintf("request %d (%s for %s)", i+1, ex.RateCeilingWait.Round(time.Millisecond), transport.MaxRPSSetting))
		case split && ex.RateLimitWaits > 0:
			limited = true
			held = append(held, fmt.Sprintf("request %d (%d rate-limit wait(s))", i+1, ex.RateLimitWaits))
		}
	}
	return held, limited, ceiling
}
