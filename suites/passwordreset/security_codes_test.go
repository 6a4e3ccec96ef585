package passwordreset

import (
	"fmt"
	. "github.com/autoshares/conformance/internal/framework"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/suite"
)

const (
	checkCodeOneExchange   = catalogue.SecurityCodeOneConcurrentExchange
	checkCodeUnpredictable = catalogue.SecurityCodeUnpredictable
)

var _ = Describe("Security: confirmation codes (ASVS 6.5)", Label("security", "codes", "step3", "reset-code"), func() {

	It("lets exactly one of concurrent exchanges of one code return a token", Label("race"),
		Checks(checkCodeOneExchange), func(ctx SpecContext) {
			n := World.Cfg.Negative.ConcurrentUpdates
			exchanges := SendTogether(ctx, func() []client.Request {
				trader := Given(ctx, states.PendingCode)
				reqs := make([]client.Request, n)
				for i := range reqs {
					reqs[i] = resetCode(trader["Code"])
				}
				return reqs
			})
			var wins []string
			for i, ex := range exchanges {
				if succeeded(ex) {
					wins = append(wins, fmt.Sprint(i+1))
					expectToken(ex, checkCodeOneExchange)
				} else {
					ExpectFailure(ex, checkCodeOneExchange, resetCodeResponseSchema, anyFailure)
				}
			}
			Conclude(VerdictOn(checkCodeOneExchange, nil).Expect(len(wins) == 1, suite.KindWinners,
				"%d simultaneous step 3 exchanges of one code (AUTOSHARES_CONCURRENT_UPDATES): expected exactly one success, got %d (exchanges %s)", n, len(wins), strings.Join(wins, ", ")))
		})

	// Serial: Ginkgo runs it alone, after every parallel spec has ended, so no other spec's
	// code is issued between the samples. Run beside the others, a counter moves on by every
	// code they are issued meanwhile (with 4-digit codes and 16 processes, past the ±10
	// window), and passes for random.
	It("issues confirmation codes that show no pattern: not repeating, not counting, no constant step", Serial,
		Checks(checkCodeUnpredictable), func(ctx SpecContext) {
			// One after another, each made when asked (never a state made ahead, earlier): the
			// order they were issued in is what a pattern follows.
			fresh := FreshState(ctx)
			codes := make([]string, World.Cfg.Security.CodeSamples)
			for i := range codes {
				codes[i] = Given(fresh, states.PendingCode)["Code"]
			}
			v := VerdictOn(checkCodeUnpredictable, nil)
			for _, p := range suite.CodePatternProblems(codes) {
				v.Expect(false, suite.KindCodePattern, "%s (AUTOSHARES_CODE_SAMPLES=%d)", p, len(codes))
			}
			Conclude(v)
		})
})
