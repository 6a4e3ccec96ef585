package passwordreset

import (
	"fmt"
	. "github.com/autoshares/conformance/internal/framework"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/suite"
)

// Step 4's token is what stands between a reset request and an account takeover: only an
// issued token works, once, whatever its owner's requests race.
var _ = Describe("Step 4 tokens: unknown, malformed, reused, raced", Label("step4", "update-password", "security"), func() {

	It("refuses a token it never issued and changes nothing", Label("negative"),
		NegativeChecks(catalogue.Step4UnknownTokenRefused, CheckSecretsNotEchoed), func(ctx SpecContext) {
			trader := Given(ctx, states.ValidToken)
			pw := NewPassword()
			expectRejected(Send(ctx, updatePassword(randomGUID(), pw, pw)), catalogue.Step4UnknownTokenRefused)
			ExpectPasswordUnchanged(ctx, catalogue.Step4UnknownTokenRefused, trader["User"], trader["Password"], pw)
		})

	It("refuses a token that is not a GUID, or is very long, and changes nothing", Label("negative"),
		NegativeChecks(catalogue.Step4MalformedTokenRefused, CheckSecretsNotEchoed), func(ctx SpecContext) {
			trader := Given(ctx, states.ValidToken)
			pw := NewPassword()
			var reqs []client.Request
			for _, tok := range []string{"not-a-guid-" + randomGUID()[:8], strings.Repeat(trader["Token"], 128)} {
				reqs = append(reqs, updatePassword(tok, pw, pw))
			}
			for _, ex := range SendAll(ctx, reqs) {
				expectRejected(ex, catalogue.Step4MalformedTokenRefused)
			}
			ExpectPasswordUnchanged(ctx, catalogue.Step4MalformedTokenRefused, trader["User"], trader["Password"], pw)
		})

	It("refuses a token that already set a password: the password stays the first one", Label("single-use"),
		NegativeChecks(catalogue.Step4TokenSingleUse, CheckSecretsNotEchoed), func(ctx SpecContext) {
			if !World.Cfg.Negative.SingleUseToken {
				SkipFor("", "AUTOSHARES_EXPECT_SINGLE_USE_TOKEN=false: the target's tokens may be used again")
			}
			trader := Given(ctx, states.ValidToken)
			first, second := NewPassword(), NewPassword()
			ExpectSuccess(Send(ctx, updatePassword(trader["Token"], first, first)), catalogue.Step4TokenSingleUse, updatePasswordResponseSchema)
			expectRejected(Send(ctx, updatePassword(trader["Token"], second, second)), catalogue.Step4TokenSingleUse)
			ExpectPasswordUnchanged(ctx, catalogue.Step4TokenSingleUse, trader["User"], first, second)
		})

	It("lets exactly one of concurrent updates with one token succeed, and only its password logs in", Label("single-use", "race"),
		NegativeChecks(catalogue.Step4TokenOneConcurrentUpdate), func(ctx SpecContext) {
			if !World.Cfg.Negative.SingleUseToken {
				SkipFor("", "AUTOSHARES_EXPECT_SINGLE_USE_TOKEN=false: the target's tokens may be used again")
			}
			n := World.Cfg.Negative.ConcurrentUpdates
			var trader states.Values
			passwords := make([]string, n)
			exchanges := SendTogether(ctx, func() []client.Request {
				trader = Given(ctx, states.ValidToken)
				reqs := make([]client.Request, n)
				for i := range reqs {
					passwords[i] = NewPassword()
					reqs[i] = updatePassword(trader["Token"], passwords[i], passwords[i])
				}
				return reqs
			})
			winner := -1
			var wins []string
			for i, ex := range exchanges {
				if succeeded(ex) {
					winner = i
					wins = append(wins, fmt.Sprint(i+1))
				} else {
					expectRejected(ex, catalogue.Step4TokenOneConcurrentUpdate)
				}
			}
			Need(Conclude(VerdictOn(catalogue.Step4TokenOneConcurrentUpdate, nil).Expect(len(wins) == 1, suite.KindWinners,
				"%d simultaneous updates with one token (AUTOSHARES_CONCURRENT_UPDATES): expected exactly one success, got %d (updates %s)", n, len(wins), strings.Join(wins, ", "))),
				"not exactly one update succeeded, so no one new password to log in with")
			ExpectSuccess(exchanges[winner], catalogue.Step4TokenOneConcurrentUpdate, updatePasswordResponseSchema)
			logins := []Login{LoginSucceeds(catalogue.Step4TokenOneConcurrentUpdate, trader["User"], passwords[winner], "with the password of the one update that succeeded")}
			// Two refused updates' passwords and the old one: at most 3 failed logins per
			// trader, so a deployment's account lockout never decides the verdict.
			tried := 0
			for i, pw := range passwords {
				if i != winner && tried < 2 {
					tried++
					logins = append(logins, LoginFails(catalogue.Step4TokenOneConcurrentUpdate, trader["User"], pw, fmt.Sprintf("with the password of refused update %d", i+1)))
				}
			}
			logins = append(logins, LoginFails(catalogue.Step4TokenOneConcurrentUpdate, trader["User"], trader["Password"], "with the password from before the updates"))
			ExpectLogins(ctx, logins...)
		})

	It("refuses a new password shorter than the minimum and changes nothing", Label("negative", "password-policy"),
		NegativeChecks(catalogue.Step4ShortPasswordRefused, CheckSecretsNotEchoed), func(ctx SpecContext) {
			minimum := World.Cfg.Negative.MinPasswordLength
			if minimum < 2 {
				SkipFor("", fmt.Sprintf("AUTOSHARES_EXPECT_MIN_PASSWORD_LENGTH=%d: no shorter non-empty password to try", minimum))
			}
			trader := Given(ctx, states.ValidToken)
			short := passwordOfLength(minimum - 1)
			expectRejected(Send(ctx, updatePassword(trader["Token"], short, short)), catalogue.Step4ShortPasswordRefused)
			ExpectPasswordUnchanged(ctx, catalogue.Step4ShortPasswordRefused, trader["User"], trader["Password"], short)
		})
})

// sameRefusal reports whether two refusals read the same to a client: the same status and
// ErrorsCode, or, with no codes on either, the same Errors once each request's own token is
// taken out of them (a message may quote it). Two refusals that read the same cannot tell
// the client apart what was refused in each.
func sameRefusal(a *client.Exchange, aToken string, b *client.Exchange, bToken string) bool {
	var ea, eb suite.Envelope
	if a.JSON(&ea) != nil || b.JSON(&eb) != nil {
		return a.Status == b.Status && string(a.ResponseBody) == string(b.ResponseBody)
	}
	if a.Status != b.Status {
		return false
	}
	if len(ea.ErrorsCode) > 0 || len(eb.ErrorsCode) > 0 {
		return slices.Equal(ea.ErrorsCode, eb.ErrorsCode)
	}
	without := func(errs []string, token string) []string {
		out := make([]string, len(errs))
		for i, e := range errs {
			if token != "" {
				e = strings.ReplaceAll(e, token, "")
			}
			out[i] = e
		}
		return out
	}
	return slices.Equal(without(ea.Errors, aToken), without(eb.Errors, bToken))
}
