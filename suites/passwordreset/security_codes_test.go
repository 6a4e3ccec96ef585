package passwordreset

import (
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	cataloguepkg "github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/states"
	suitepkg "github.com/autoshares/conformance/internal/suite"
)

const (
	checkCodeOneExchange   = cataloguepkg.SecurityCodeOneConcurrentExchange
	checkCodeUnpredictable = cataloguepkg.SecurityCodeUnpredictable
)

var _ = Describe("Security: confirmation codes (ASVS 6.5)", Label("security", "codes", "step3", "reset-code"), func() {

	It("lets exactly one of concurrent exchanges of one code return a token", Label("race"),
		Checks(checkCodeOneExchange), func(ctx SpecContext) {
			n := suite.Cfg.Negative.ConcurrentUpdates
			exchanges := sendTogether(ctx, func() []client.Request {
				trader := given(ctx, states.PendingCode)
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
					expectFailure(ex, checkCodeOneExchange, resetCodeResponseSchema, anyFailure)
				}
			}
			done(verdictOn(checkCodeOneExchange, nil).Expect(len(wins) == 1, suitepkg.KindWinners,
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
			fresh := freshState(ctx)
			codes := make([]string, suite.Cfg.Security.CodeSamples)
			for i := range codes {
				codes[i] = given(fresh, states.PendingCode)["Code"]
			}
			v := verdictOn(checkCodeUnpredictable, nil)
			for _, p := range suitepkg.CodePatternProblems(codes) {
				v.Expect(false, suitepkg.KindCodePattern, "%s (AUTOSHARES_CODE_SAMPLES=%d)", p, len(codes))
			}
			done(v)
		})
})
