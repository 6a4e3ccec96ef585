package passwordreset

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/contract"
	"github.com/autoshares/conformance/internal/states"
)

const resetCodeResponseSchema = "reset-code.response.schema.json"

// resetCode is step 3 on the path the target serves (AUTOSHARES_STEP3_PATH).
func resetCode(code string) apiclient.Request {
	return apiclient.ResetCode(suite.cfg.Flow.Step3Path, code)
}

// resetCodeContract is step 3 as the pact sees it, on the configured path.
func resetCodeContract(headers map[string]contract.Field, code contract.Field) contract.Request {
	req := resetCode("000000")
	body := map[string]contract.Field{"Code": code}
	if req.Path == apiclient.PathIdentifierResetCode {
		body["Identifier"] = contract.Field{Example: "ResetPassword"}
	}
	return contract.Request{Method: http.MethodPost, Path: req.Path, Headers: withJSON(headers), Body: body}
}

var (
	stateCode   = contract.Field{Example: "123456", Match: contract.MatchType, FromState: "${Code}"}
	unknownCode = contract.Field{Example: "000000"} // the absence state makes sure it is not pending
	tokenModel  = map[string]contract.Field{"Model": {Example: "ba6b8cac-6738-4434-bd26-825db020a05c", Match: contract.MatchType}}
)

// expectToken: success with the token in Model; returns it.
func expectToken(ex *apiclient.Exchange, what string) string {
	GinkgoHelper()
	env := expectSuccess(ex, resetCodeResponseSchema, what)
	var token string
	_ = json.Unmarshal(env.Model, &token)
	secrets.Add(token)
	check(ex).expect(token != "", "Model: expected the reset token, got %s", orMissing(env.Model)).done(what)
	return token
}

// randomCode is a 6-digit code no state made; a clash with a real pending code on a shared
// deployment is a one-in-a-million chance.
func randomCode() string { return fmt.Sprintf("%06d", rand.IntN(1_000_000)) }

var _ = Describe("Step 3, trade the code for a token: POST v1.0/users/password/reset/code (or users/identifiers/reset/code)", Label("step3", "reset-code"), func() {

	It("trades a valid code for a token that sets the new password", func(ctx SpecContext) {
		trader := given(ctx, states.PendingCode)
		token := expectToken(send(ctx, resetCode(trader["Code"])), "a valid code should give a token")

		pw := newPassword()
		expectSuccess(send(ctx, updatePassword(token, pw, pw)), updatePasswordResponseSchema, "the token from step 3 should set the new password")
		expectLoginSucceeds(ctx, trader["User"], pw, "with the password set with the token from step 3")

		record(contract.Interaction{Description: "a valid confirmation code traded for a token", States: inState(states.PendingCode),
			Request: resetCodeContract(validAppKey(), stateCode), Response: succeeded(tokenModel)})
	})

	It("refuses an unknown code", func(ctx SpecContext) {
		given(ctx, states.NoSuchCode)
		ex := send(ctx, resetCode(randomCode()))
		expectFailure(ex, resetCodeResponseSchema, config.CaseInvalidCode, "an unknown code should be refused")

		record(contract.Interaction{Description: "an unknown confirmation code", States: inState(states.NoSuchCode),
			Request: resetCodeContract(validAppKey(), unknownCode), Response: failed(config.CaseInvalidCode)})
	})

	It("refuses an expired code", Label("expired-code"), func(ctx SpecContext) {
		trader := given(ctx, states.ExpiredCode)
		ex := send(ctx, resetCode(trader["Code"]))
		expectFailure(ex, resetCodeResponseSchema, config.CaseExpiredCode, "an expired code should be refused")

		record(contract.Interaction{Description: "an expired confirmation code", States: inState(states.ExpiredCode),
			Request: resetCodeContract(validAppKey(), stateCode), Response: failed(config.CaseExpiredCode)})
	})

	It("refuses a code that was already used", func(ctx SpecContext) {
		trader := given(ctx, states.PendingCode)
		expectToken(send(ctx, resetCode(trader["Code"])), "a valid code should give a token")
		ex := send(ctx, resetCode(trader["Code"]))
		expectFailure(ex, resetCodeResponseSchema, config.CaseUsedCode, "a code that was already traded for a token should be refused")
		// No pact interaction: "already used" takes two requests, and a pact interaction is one.
	})

	It("refuses a code without Et-App-Key with the documented error, and the code stays usable", Label("app-key"), func(ctx SpecContext) {
		trader := given(ctx, states.PendingCode)
		req := resetCode(trader["Code"])
		req.OmitAppKey = true
		expectAppKeyError(send(ctx, req), "step 3 without Et-App-Key should be refused")
		expectToken(send(ctx, resetCode(trader["Code"])), "a code whose request was refused for its app key should still give a token")

		record(contract.Interaction{Description: "a valid confirmation code without Et-App-Key", States: inState(states.PendingCode),
			Request: resetCodeContract(noAppKey(), stateCode), Response: appKeyRejected()})
	})
})
