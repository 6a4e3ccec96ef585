package passwordreset

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/checks"
	"github.com/autoshares/conformance/internal/config"
	rec "github.com/autoshares/conformance/internal/recording"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/verdict"
)

const resetCodeResponseSchema = "reset-code.response.schema.json"

// resetCode is step 3 on the path the target serves (AUTOSHARES_STEP3_PATH).
func resetCode(code string) apiclient.Request {
	return apiclient.ResetCode(suite.Cfg.Flow.Step3Path, code)
}

// expectToken: success with the token in Model; returns it.
func expectToken(ex *apiclient.Exchange, check string) string {
	GinkgoHelper()
	env := expectSuccess(ex, check, resetCodeResponseSchema)
	var token string
	_ = json.Unmarshal(env.Model, &token)
	suite.Secrets.Add(token)
	need(done(verdictOn(check, ex).Expect(token != "", verdict.KindModel, "Model: expected the reset token, got %s", verdict.OrMissing(env.Model))),
		"no reset token from "+check+" for the steps after it")
	return token
}

var _ = Describe("Step 3, trade the code for a token: POST v1.0/users/password/reset/code (or users/identifiers/reset/code)", Label("step3", "reset-code"), func() {

	It("trades a valid code for a token that sets the new password", Checks(checks.Step3ValidCodeToken, checks.Step3TokenSetsPassword), func(ctx SpecContext) {
		trader := given(ctx, states.PendingCode)
		token := expectToken(send(ctx, resetCode(trader["Code"])), checks.Step3ValidCodeToken)

		pw := newPassword()
		expectSuccess(send(ctx, updatePassword(token, pw, pw)), checks.Step3TokenSetsPassword, updatePasswordResponseSchema)
		expectLoginSucceeds(ctx, checks.Step3TokenSetsPassword, trader["User"], pw, "with the password set with the token from step 3")

		record(suite.Shapes.Interaction(rec.CodeValid))
	})

	It("refuses an unknown code", Checks(checks.Step3UnknownCodeRefused), func(ctx SpecContext) {
		unknown := givenMade(ctx, states.NoSuchCode)
		ex := send(ctx, resetCode(unknown.Values["Code"]))
		expectFailure(ex, checks.Step3UnknownCodeRefused, resetCodeResponseSchema, config.CaseInvalidCode)

		recordAbsence(unknown, suite.Shapes.Interaction(rec.CodeUnknown))
	})

	It("refuses an expired code", Label("expired-code"), Checks(checks.Step3ExpiredCodeRefused), func(ctx SpecContext) {
		trader := given(ctx, states.ExpiredCode)
		ex := send(ctx, resetCode(trader["Code"]))
		expectFailure(ex, checks.Step3ExpiredCodeRefused, resetCodeResponseSchema, config.CaseExpiredCode)

		record(suite.Shapes.Interaction(rec.CodeExpired))
	})

	It("refuses a code that was already used", Checks(checks.Step3ValidCodeToken, checks.Step3UsedCodeRefused), func(ctx SpecContext) {
		trader := given(ctx, states.PendingCode)
		expectToken(send(ctx, resetCode(trader["Code"])), checks.Step3ValidCodeToken)
		ex := send(ctx, resetCode(trader["Code"]))
		expectFailure(ex, checks.Step3UsedCodeRefused, resetCodeResponseSchema, config.CaseUsedCode)
		// No pact interaction: "already used" takes two requests, and a pact interaction is one.
	})

	It("refuses a code without Et-App-Key with the documented error, and the code stays usable", Label("app-key"),
		Checks(checks.Step3AppKeyMissingRefused, checks.Step3AppKeyCodeSurvives), func(ctx SpecContext) {
			trader := given(ctx, states.PendingCode)
			req := resetCode(trader["Code"])
			req.OmitAppKey = true
			expectAppKeyError(send(ctx, req), checks.Step3AppKeyMissingRefused)
			expectToken(send(ctx, resetCode(trader["Code"])), checks.Step3AppKeyCodeSurvives)

			record(suite.Shapes.Interaction(rec.CodeNoAppKey))
		})
})
