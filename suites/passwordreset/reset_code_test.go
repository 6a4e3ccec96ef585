package passwordreset

import (
	"encoding/json"
	. "github.com/autoshares/conformance/internal/framework"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
	rec "github.com/autoshares/conformance/internal/pacts"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/suite"
)

const resetCodeResponseSchema = "reset-code.response.schema.json"

// resetCode is step 3 on the path the target serves (AUTOSHARES_STEP3_PATH).
func resetCode(code string) client.Request {
	return client.ResetCode(World.Cfg.Flow.Step3Path, code)
}

// expectToken: success with the token in Model; returns it.
func expectToken(ex *client.Exchange, check string) string {
	GinkgoHelper()
	env := ExpectSuccess(ex, check, resetCodeResponseSchema)
	var token string
	_ = json.Unmarshal(env.Model, &token)
	World.Secrets.Add(token)
	Need(Conclude(VerdictOn(check, ex).Expect(token != "", suite.KindModel, "Model: expected the reset token, got %s", suite.OrMissing(env.Model))),
		"no reset token from "+check+" for the steps after it")
	return token
}

var _ = Describe("Step 3, trade the code for a token: POST v1.0/users/password/reset/code (or users/identifiers/reset/code)", Label("step3", "reset-code"), func() {

	It("trades a valid code for a token that sets the new password", Checks(catalogue.Step3ValidCodeToken, catalogue.Step3TokenSetsPassword), func(ctx SpecContext) {
		trader := Given(ctx, states.PendingCode)
		token := expectToken(Send(ctx, resetCode(trader["Code"])), catalogue.Step3ValidCodeToken)

		pw := NewPassword()
		ExpectSuccess(Send(ctx, updatePassword(token, pw, pw)), catalogue.Step3TokenSetsPassword, updatePasswordResponseSchema)
		ExpectLoginSucceeds(ctx, catalogue.Step3TokenSetsPassword, trader["User"], pw, "with the password set with the token from step 3")

		Record(World.Shapes.Interaction(rec.CodeValid))
	})

	It("refuses an unknown code", Checks(catalogue.Step3UnknownCodeRefused), func(ctx SpecContext) {
		unknown := GivenMade(ctx, states.NoSuchCode)
		ex := Send(ctx, resetCode(unknown.Values["Code"]))
		ExpectFailure(ex, catalogue.Step3UnknownCodeRefused, resetCodeResponseSchema, config.CaseInvalidCode)

		RecordAbsence(unknown, World.Shapes.Interaction(rec.CodeUnknown))
	})

	It("refuses an expired code", Label("expired-code"), Checks(catalogue.Step3ExpiredCodeRefused), func(ctx SpecContext) {
		trader := Given(ctx, states.ExpiredCode)
		ex := Send(ctx, resetCode(trader["Code"]))
		ExpectFailure(ex, catalogue.Step3ExpiredCodeRefused, resetCodeResponseSchema, config.CaseExpiredCode)

		Record(World.Shapes.Interaction(rec.CodeExpired))
	})

	It("refuses a code that was already used", Checks(catalogue.Step3ValidCodeToken, catalogue.Step3UsedCodeRefused), func(ctx SpecContext) {
		trader := Given(ctx, states.PendingCode)
		expectToken(Send(ctx, resetCode(trader["Code"])), catalogue.Step3ValidCodeToken)
		ex := Send(ctx, resetCode(trader["Code"]))
		ExpectFailure(ex, catalogue.Step3UsedCodeRefused, resetCodeResponseSchema, config.CaseUsedCode)
		// No pact interaction: "already used" takes two requests, and a pact interaction is one.
	})

	It("refuses a code without Et-App-Key with the documented error, and the code stays usable", Label("app-key"),
		Checks(catalogue.Step3AppKeyMissingRefused, catalogue.Step3AppKeyCodeSurvives), func(ctx SpecContext) {
			trader := Given(ctx, states.PendingCode)
			req := resetCode(trader["Code"])
			req.OmitAppKey = true
			ExpectAppKeyError(Send(ctx, req), catalogue.Step3AppKeyMissingRefused)
			expectToken(Send(ctx, resetCode(trader["Code"])), catalogue.Step3AppKeyCodeSurvives)

			Record(World.Shapes.Interaction(rec.CodeNoAppKey))
		})
})
