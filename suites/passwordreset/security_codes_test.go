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

	// The samples are made together, each for a fresh trader, while the other specs run: the
	// judgement takes them as a set, in no order, with room for other clients' codes among
	// them (suite.CodePatternProblems), so nothing has to run alone for it.
	It("issues confirmation codes that show no pattern: not repeating, not counting, no constant step",
		Checks(checkCodeUnpredictable), func(ctx SpecContext) {
			var codes []string
			for _, made := range GivenTogether(ctx, states.PendingCode, World.Cfg.Security.CodeSamples) {
				codes = append(codes, made["Code"])
			}
			v := VerdictOn(checkCodeUnpredictable, nil)
			for _, p := range suite.CodePatternProblems(codes) {
				v.Expect(false, suite.KindCodePattern, "%s (AUTOSHARES_CODE_SAMPLES=%d)", p, len(codes))
			}
			Conclude(v)
		})
})
