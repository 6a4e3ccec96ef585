package framework

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/client"
)

// raceTries bounds the races SendTogether runs when rate-limit waits split one.
const raceTries = 3

// SendTogether sends the requests of a race check, built by build on a fresh state, at the
// same instant (all built first, booked together against the target's learned rate, released
// together, not bounded by AUTOSHARES_MAX_IN_FLIGHT): one round trip of the spec's chain.
// The exchanges are logged and judged in order on the spec's goroutine.
//
// Requests the transport did not send together did not race, and judging their answers
// would pass a target that only handles them one at a time. That is when the rate ceiling
// (AUTOSHARES_MAX_RPS) held any of them, or when rate-limit waits split them: some resent
// more often than others, or their last sends apart. (All of them refused once and resent
// together after the same wait still race.) A throttle's refusal is no finding either: a
// race whose answers include one (a 503 the target kept giving, handed over as its answer),
// or whose every request was refused at first and none then succeeded (an earlier,
// "refused" attempt may have been processed after all), proves nothing. Such a race is run
// again on a fresh state (build is called again), as a gateway's limit may let the next one
// through whole; when the ceiling held them, or after raceTries, the spec fails as
// rate-limited, not proven (the run is inconclusive), not as a finding.
//
// One exception keeps an occasional 503 from costing a race: requests refused with a 503
// and Retry-After only (not processed: an overloaded moment) and resent are late, not part
// of the race, when they are few (racedDespite) and the others went together: those others
// raced, and the late ones are judged as requests after the race.
func SendTogether(ctx SpecContext, build func() []client.Request) []*client.Exchange {
	GinkgoHelper()
	for try := 1; ; try++ {
		exs := sendOnce(ctx, build())
		held, limited, ceiling := heldBack(exs)
		if len(held) > 0 && !ceiling {
			if late := racedDespite(exs); late != "" {
				By(late)
				held, limited = nil, false
			}
		}
		why := ""
		switch throttled := throttledAnswers(exs); {
		case len(held) > 0:
			why = fmt.Sprintf("of the %d simultaneous requests, %s waited, so they did not reach the target together and the race was not tested",
				len(exs), strings.Join(held, ", "))
		case throttled != "":
			why, limited = throttled, true
		}
		if why == "" {
			return exs
		}
		if !ceiling && try < raceTries {
			By(fmt.Sprintf("%s: again on a fresh state (try %d of %d)", why, try+1, raceTries))
			continue
		}
		var fix []string
		if limited {
			fix = append(fix, fmt.Sprintf("run it when the target is not rate-limiting the suite (a lower %s spreads the other specs' requests)", client.MaxRPSSetting))
		}
		if ceiling {
			fix = append(fix, fmt.Sprintf("raise %s to at least %d a second per process, or unset it", client.MaxRPSSetting, len(exs)))
		}
		msg := fmt.Sprintf("%s: %s (%d tries); %s", client.NotProven, why, try, strings.Join(fix, "; "))
		inconclusive(msg, nil)
		Fail(msg)
	}
}

// sendOnce books reqs together against the target's learned rate, sends them at once and
// judges every exchange (received).
func sendOnce(ctx SpecContext, reqs []client.Request) []*client.Exchange {
	GinkgoHelper()
	for _, r := range reqs {
		CheckRequest(r)
	}
	exs := make([]*client.Exchange, len(reqs))
	var wg sync.WaitGroup
	start := make(chan struct{})
	together := OneRound(ctx)
	if pool := client.ProcessPool(); pool != nil {
		booked, _, err := pool.Together(together, apiHost(), len(reqs))
		if err != nil {
			Fail(World.Secrets.String(err.Error()))
		}
		together = booked
	}
	for i, r := range reqs {
		wg.Go(func() {
			<-start
			exs[i] = World.API.Do(together, r)
		})
	}
	close(start)
	wg.Wait()
	for _, ex := range exs {
		Received(ex)
	}
	return exs
}

// racedDespite says, when the only requests that did not go with the others were refused
// with a 503 and Retry-After before being resent (not processed), few of them (a quarter of
// the race, or one), and at least two others went together, which were late: the others
// raced. "" otherwise.
func racedDespite(exs []*client.Exchange) string {
	var late []string
	for i, ex := range exs {
		if !ex.Resent() {
			continue
		}
		for _, a := range ex.Earlier {
			if a.Status != http.StatusServiceUnavailable {
				return ""
			}
		}
		late = append(late, fmt.Sprint(i+1))
	}
	if len(late) == 0 || len(late) > max(1, len(exs)/4) || len(exs)-len(late) < 2 {
		return ""
	}
	return fmt.Sprintf("request(s) %s got a 503 with Retry-After (not processed) and went again after the wait: the other %d raced, and those are judged as requests after the race",
		strings.Join(late, ", "), len(exs)-len(late))
}

// throttledAnswers says why the answers of a race that went together prove nothing: one is
// itself a throttle's refusal, or every request was refused at first and none succeeded. ""
// if they prove something.
func throttledAnswers(exs []*client.Exchange) string {
	var refused []string
	allResent, anySuccess := true, false
	for i, ex := range exs {
		if ex.Throttled() {
			refused = append(refused, fmt.Sprintf("request %d (%d)", i+1, ex.Status))
		}
		allResent = allResent && ex.Resent()
		anySuccess = anySuccess || (ex.Status >= 200 && ex.Status < 300)
	}
	switch {
	case len(refused) > 0:
		return fmt.Sprintf("of the %d simultaneous requests, %s got a throttle's refusal (not processed) as the answer, so the race was not tested",
			len(exs), strings.Join(refused, ", "))
	case allResent && !anySuccess:
		return fmt.Sprintf("all %d simultaneous requests were refused as not processed at first and none succeeded when resent: if an earlier attempt was processed after all, it used what they raced for, so no success proves nothing",
			len(exs))
	}
	return ""
}

// togetherSpread is how far apart the last sends of requests resent after rate-limit waits
// may be and still count as sent together: the waits end within this of each other when the
// target refused them all at once with the same Retry-After.
const togetherSpread = 100 * time.Millisecond

// heldBack names the exchanges the transport did not send with the others, and says
// whether a rate limit or the rate ceiling held them.
func heldBack(exs []*client.Exchange) (held []string, limited, ceiling bool) {
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
			held = append(held, fmt.Sprintf("request %d (%s for %s)", i+1, ex.RateCeilingWait.Round(time.Millisecond), client.MaxRPSSetting))
		case split && ex.RateLimitWaits > 0:
			limited = true
			held = append(held, fmt.Sprintf("request %d (%d rate-limit wait(s))", i+1, ex.RateLimitWaits))
		}
	}
	return held, limited, ceiling
}
