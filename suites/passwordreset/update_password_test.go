package passwordreset

import (
	"fmt"
	. "github.com/autoshares/conformance/internal/framework"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
	rec "github.com/autoshares/conformance/internal/pacts"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/suite"
)

// expiredTokenErrorPinned reports whether the expired-token error is set exactly
// (AUTOSHARES_EXPECT_EXPIRED_TOKEN_ERRORS_CODE or _MESSAGE): then it alone tells an
// expired token's refusal from an unknown one's.
func expiredTokenErrorPinned() bool {
	e := World.Cfg.Expect.Errors[config.CaseExpiredToken]
	return e.ErrorsCode != "" || e.Message != ""
}

const updatePasswordResponseSchema = "update-password.response.schema.json"

var updatePassword = client.UpdatePassword

var _ = Describe("Step 4, update the password: PUT v1.0/users/passwords/reset/", Label("step4", "update-password"), func() {

	It("sets the new password for a valid token and matching passwords: the trader logs in with it, not with the old one", Label("happy-path"),
		Checks(catalogue.Step4ValidSucceeds, catalogue.Step4ValidNewPasswordLogsIn, catalogue.Step4ValidOldPasswordRefused), func(ctx SpecContext) {
			trader := Given(ctx, states.ValidToken)
			pw := NewPassword()

			ExpectSuccess(Send(ctx, updatePassword(trader["Token"], pw, pw)), catalogue.Step4ValidSucceeds, updatePasswordResponseSchema)
			ExpectLogins(ctx, LoginSucceeds(catalogue.Step4ValidNewPasswordLogsIn, trader["User"], pw, "with the new password after a successful update"),
				LoginFails(catalogue.Step4ValidOldPasswordRefused, trader["User"], trader["Password"], "with the old password after a successful update"))

			Record(World.Shapes.Interaction(rec.UpdateValid))
		})

	It("rejects a confirmation that differs from the password, changes nothing, and leaves the token usable", Label("mismatch"),
		Checks(catalogue.Step4MismatchRejected, catalogue.Step4MismatchUnchanged, catalogue.Step4MismatchTokenSurvives), func(ctx SpecContext) {
			trader := Given(ctx, states.ValidToken)
			pw, other := NewPassword(), NewPassword()

			ExpectFailure(Send(ctx, updatePassword(trader["Token"], pw, other)), catalogue.Step4MismatchRejected, updatePasswordResponseSchema, config.CaseMismatch)
			ExpectPasswordUnchanged(ctx, catalogue.Step4MismatchUnchanged, trader["User"], trader["Password"], pw)

			if World.Cfg.Negative.TokenSurvivesMismatch {
				ExpectSuccess(Send(ctx, updatePassword(trader["Token"], pw, pw)), catalogue.Step4MismatchTokenSurvives, updatePasswordResponseSchema)
				ExpectLoginSucceeds(ctx, catalogue.Step4MismatchTokenSurvives, trader["User"], pw, "with the password set by the corrected update")
			} else {
				NotChecked(catalogue.Step4MismatchTokenSurvives, "AUTOSHARES_EXPECT_TOKEN_SURVIVES_MISMATCH=false")
			}

			Record(World.Shapes.Interaction(rec.UpdateMismatch))
		})

	It("rejects an expired token and changes nothing", Label("expired-token"),
		Checks(catalogue.Step4ExpiredTokenRejected, catalogue.Step4ExpiredTokenUnchanged), func(ctx SpecContext) {
			made := GivenMade(ctx, states.ExpiredToken)
			trader := made.Values
			pw := NewPassword()
			if made.Via == suite.ViaConfiguration && !expiredTokenErrorPinned() {
				// A configured token is only said to be expired: a mistyped one, or one of
				// another environment, is refused too, as unknown. Refused otherwise than a
				// token the target never issued, it is known to the target and refused.
				unknownToken := randomGUID()
				exs := SendAll(ctx, []client.Request{updatePassword(trader["Token"], pw, pw), updatePassword(unknownToken, pw, pw)})
				v := VerdictOn(catalogue.Step4ExpiredTokenRejected, exs[0])
				World.Rules.Failure(v, updatePasswordResponseSchema, config.CaseExpiredToken)
				if v.OK() && sameRefusal(exs[0], trader["Token"], exs[1], unknownToken) {
					NotChecked(catalogue.Step4ExpiredTokenRejected, fmt.Sprintf("AUTOSHARES_EXPIRED_TOKEN is refused exactly as a token the target never issued (status %d): nothing shows it is expired rather than unknown; set AUTOSHARES_EXPECT_EXPIRED_TOKEN_ERRORS_CODE to the target's expired-token code", exs[0].Status))
					NotChecked(catalogue.Step4ExpiredTokenUnchanged, "AUTOSHARES_EXPIRED_TOKEN is not shown to be expired, and its owner is not configured")
					return
				}
				Conclude(v)
			} else {
				// The configured (or documented) expired-token error tells an expired token
				// from an unknown one; a state endpoint's expired token is made expired.
				ExpectFailure(Send(ctx, updatePassword(trader["Token"], pw, pw)), catalogue.Step4ExpiredTokenRejected, updatePasswordResponseSchema, config.CaseExpiredToken)
			}
			if trader["User"] != "" {
				ExpectPasswordUnchanged(ctx, catalogue.Step4ExpiredTokenUnchanged, trader["User"], trader["Password"], pw)
			} else {
				NotChecked(catalogue.Step4ExpiredTokenUnchanged, "the owner of AUTOSHARES_EXPIRED_TOKEN is not configured")
			}

			Record(World.Shapes.Interaction(rec.UpdateExpiredToken))
		})

	It("refuses a token once its lifetime has passed", Label("slow", "expired-token"),
		SlowChecks(catalogue.Step4TokenLifetimeEnforced, catalogue.Step4ExpiredTokenUnchanged), func(ctx SpecContext) {
			lifetime := World.Cfg.Flow.TokenLifetime
			if lifetime == 0 {
				SkipFor("the target's token lifetime", "set AUTOSHARES_TOKEN_LIFETIME (e.g. 2m) to wait it out")
			}
			// Made now, not ahead: a token made ahead is already up to seconds old, which the
			// wait below would not count.
			trader := Given(FreshState(ctx), states.ValidToken)
			pw := NewPassword()
			By(fmt.Sprintf("waiting out the token lifetime (%s, AUTOSHARES_TOKEN_LIFETIME)", lifetime))
			if !WaitFor(ctx, lifetime+TimeSlack) {
				Fail("interrupted while waiting out the token lifetime")
			}
			ExpectFailure(Send(ctx, updatePassword(trader["Token"], pw, pw)), catalogue.Step4TokenLifetimeEnforced, updatePasswordResponseSchema, config.CaseExpiredToken)
			ExpectPasswordUnchanged(ctx, catalogue.Step4ExpiredTokenUnchanged, trader["User"], trader["Password"], pw)
			// No pact interaction: the expired-token state records this one.
		})

	Context("without a valid Et-App-Key", Label("app-key"), func() {
		// rejectsKey is the body of both app-key specs: the request is refused with the
		// documented error and changes nothing.
		rejectsKey := func(ctx SpecContext, check string, apply func(*client.Request), interaction rec.DeclaredInteraction) {
			trader := Given(ctx, states.ValidToken)
			pw := NewPassword()
			req := updatePassword(trader["Token"], pw, pw)
			apply(&req)

			ExpectAppKeyError(Send(ctx, req), check)
			ExpectPasswordUnchanged(ctx, catalogue.Step4AppKeyUnchanged, trader["User"], trader["Password"], pw)
			ExpectSuccess(Send(ctx, updatePassword(trader["Token"], pw, pw)), catalogue.Step4AppKeyTokenSurvives, updatePasswordResponseSchema)

			Record(World.Shapes.Interaction(interaction))
		}

		It("rejects a request without Et-App-Key with the documented error and changes nothing",
			Checks(catalogue.Step4AppKeyMissingRefused, catalogue.Step4AppKeyUnchanged, catalogue.Step4AppKeyTokenSurvives), func(ctx SpecContext) {
				rejectsKey(ctx, catalogue.Step4AppKeyMissingRefused, func(r *client.Request) { r.OmitAppKey = true }, rec.UpdateNoAppKey)
			})

		It("rejects a request with a wrong Et-App-Key with the documented error and changes nothing",
			Checks(catalogue.Step4AppKeyWrongRefused, catalogue.Step4AppKeyUnchanged, catalogue.Step4AppKeyTokenSurvives), func(ctx SpecContext) {
				rejectsKey(ctx, catalogue.Step4AppKeyWrongRefused, func(r *client.Request) { r.AppKey = rec.ShapeWrongAppKey }, rec.UpdateWrongAppKey)
			})
	})
})
