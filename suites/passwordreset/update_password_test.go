package passwordreset

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/config"
	rec "github.com/autoshares/conformance/internal/recording"
	"github.com/autoshares/conformance/internal/states"
)

const updatePasswordResponseSchema = "update-password.response.schema.json"

var updatePassword = apiclient.UpdatePassword

var _ = Describe("Step 4, update the password: PUT v1.0/users/passwords/reset/", Label("step4", "update-password"), func() {

	It("sets the new password for a valid token and matching passwords: the trader logs in with it, not with the old one", Label("happy-path"),
		Checks("step4.valid.succeeds", "step4.valid.new-password-logs-in", "step4.valid.old-password-refused"), func(ctx SpecContext) {
			trader := given(ctx, states.ValidToken)
			pw := newPassword()

			expectSuccess(send(ctx, updatePassword(trader["Token"], pw, pw)), "step4.valid.succeeds", updatePasswordResponseSchema)
			expectLogins(ctx, loginSucceeds("step4.valid.new-password-logs-in", trader["User"], pw, "with the new password after a successful update"),
				loginFails("step4.valid.old-password-refused", trader["User"], trader["Password"], "with the old password after a successful update"))

			record(suite.Shapes.Interaction(rec.UpdateValid))
		})

	It("rejects a confirmation that differs from the password, changes nothing, and leaves the token usable", Label("mismatch"),
		Checks("step4.mismatch.rejected", "step4.mismatch.unchanged", "step4.mismatch.token-survives"), func(ctx SpecContext) {
			trader := given(ctx, states.ValidToken)
			pw, other := newPassword(), newPassword()

			expectFailure(send(ctx, updatePassword(trader["Token"], pw, other)), "step4.mismatch.rejected", updatePasswordResponseSchema, config.CaseMismatch)
			expectPasswordUnchanged(ctx, "step4.mismatch.unchanged", trader["User"], trader["Password"], pw)

			if suite.Cfg.Negative.TokenSurvivesMismatch {
				expectSuccess(send(ctx, updatePassword(trader["Token"], pw, pw)), "step4.mismatch.token-survives", updatePasswordResponseSchema)
				expectLoginSucceeds(ctx, "step4.mismatch.token-survives", trader["User"], pw, "with the password set by the corrected update")
			} else {
				notChecked("step4.mismatch.token-survives", "AUTOSHARES_EXPECT_TOKEN_SURVIVES_MISMATCH=false")
			}

			record(suite.Shapes.Interaction(rec.UpdateMismatch))
		})

	It("rejects an expired token and changes nothing", Label("expired-token"),
		Checks("step4.expired-token.rejected", "step4.expired-token.unchanged"), func(ctx SpecContext) {
			trader := given(ctx, states.ExpiredToken)
			pw := newPassword()

			expectFailure(send(ctx, updatePassword(trader["Token"], pw, pw)), "step4.expired-token.rejected", updatePasswordResponseSchema, config.CaseExpiredToken)
			if trader["User"] != "" {
				expectPasswordUnchanged(ctx, "step4.expired-token.unchanged", trader["User"], trader["Password"], pw)
			} else {
				notChecked("step4.expired-token.unchanged", "the owner of AUTOSHARES_EXPIRED_TOKEN is not configured")
			}

			record(suite.Shapes.Interaction(rec.UpdateExpiredToken))
		})

	It("refuses a token once its lifetime has passed", Label("slow", "expired-token"),
		SlowChecks("step4.token-lifetime.enforced", "step4.expired-token.unchanged"), func(ctx SpecContext) {
			lifetime := suite.Cfg.Flow.TokenLifetime
			if lifetime == 0 {
				Skip("needs the target's token lifetime: set AUTOSHARES_TOKEN_LIFETIME (e.g. 2m) to wait it out")
			}
			// Made now, not ahead: a token made ahead is already up to seconds old, which the
			// wait below would not count.
			trader := given(freshState(ctx), states.ValidToken)
			pw := newPassword()
			By(fmt.Sprintf("waiting out the token lifetime (%s, AUTOSHARES_TOKEN_LIFETIME)", lifetime))
			if !waitFor(ctx, lifetime+timeSlack) {
				Fail("interrupted while waiting out the token lifetime")
			}
			expectFailure(send(ctx, updatePassword(trader["Token"], pw, pw)), "step4.token-lifetime.enforced", updatePasswordResponseSchema, config.CaseExpiredToken)
			expectPasswordUnchanged(ctx, "step4.expired-token.unchanged", trader["User"], trader["Password"], pw)
			// No pact interaction: the expired-token state records this one.
		})

	Context("without a valid Et-App-Key", Label("app-key"), func() {
		// rejectsKey is the body of both app-key specs: the request is refused with the
		// documented error and changes nothing.
		rejectsKey := func(ctx SpecContext, check string, apply func(*apiclient.Request), interaction rec.Interaction) {
			trader := given(ctx, states.ValidToken)
			pw := newPassword()
			req := updatePassword(trader["Token"], pw, pw)
			apply(&req)

			expectAppKeyError(send(ctx, req), check)
			expectPasswordUnchanged(ctx, "step4.app-key.unchanged", trader["User"], trader["Password"], pw)
			expectSuccess(send(ctx, updatePassword(trader["Token"], pw, pw)), "step4.app-key.token-survives", updatePasswordResponseSchema)

			record(suite.Shapes.Interaction(interaction))
		}

		It("rejects a request without Et-App-Key with the documented error and changes nothing",
			Checks("step4.app-key.missing.refused", "step4.app-key.unchanged", "step4.app-key.token-survives"), func(ctx SpecContext) {
				rejectsKey(ctx, "step4.app-key.missing.refused", func(r *apiclient.Request) { r.OmitAppKey = true }, rec.UpdateNoAppKey)
			})

		It("rejects a request with a wrong Et-App-Key with the documented error and changes nothing",
			Checks("step4.app-key.wrong.refused", "step4.app-key.unchanged", "step4.app-key.token-survives"), func(ctx SpecContext) {
				rejectsKey(ctx, "step4.app-key.wrong.refused", func(r *apiclient.Request) { r.AppKey = rec.WrongAppKey }, rec.UpdateWrongAppKey)
			})
	})
})
