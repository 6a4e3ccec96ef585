package passwordreset

import (
	"context"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/contract"
	"github.com/autoshares/conformance/internal/harness"
	"github.com/autoshares/conformance/internal/states"
)

const resetPasswordResponseSchema = "reset-password.response.schema.json"

// The documented answer to a missing or wrong secret answer, exactly.
var (
	incorrectAnswerMessage = "Answer is incorrect, try again."
	incorrectAnswerCode    = "ErrorIncorrectAnswer"
)

func resetPasswordContract(headers map[string]contract.Field, user, answer *contract.Field) contract.Request {
	body := map[string]contract.Field{"User": *user}
	if answer != nil {
		body["SecretQuestionAnswer"] = *answer
	}
	return contract.Request{Method: http.MethodPost, Path: apiclient.PathResetPassword, Headers: withJSON(headers), Body: body}
}

var (
	stateUser   = &contract.Field{Example: "trader-from-provider-state", Match: contract.MatchType, FromState: "${User}"}
	stateAnswer = &contract.Field{Example: "answer-from-provider-state", Match: contract.MatchType, FromState: "${SecretQuestionAnswer}"}
	unknownUser = &contract.Field{Example: "unknown-trader"} // the absence state makes sure it is unknown
)

// incorrectAnswer: the documented body, matched exactly.
func incorrectAnswer() contract.Response {
	r := failed(config.CaseWrongAnswer)
	r.Body["Errors"] = contract.Field{Example: []any{incorrectAnswerMessage}}
	r.Body["ErrorsCode"] = contract.Field{Example: []any{incorrectAnswerCode}}
	return r
}

// waitForCode returns the newest confirmation code mailed to email since the given time.
func waitForCode(ctx context.Context, email string, since time.Time) string {
	GinkgoHelper()
	code, err := suite.flow.Code(ctx, email, since)
	if err != nil {
		Fail("step 1 answered success, but no confirmation code reached the trader's mailbox: " + secrets.String(err.Error()))
	}
	secrets.Add(code)
	return code
}

// expectCodeOnlyByMail: the code reaches the trader by email, never in the API's answer
// (whoever can call step 1 must not be able to finish the reset).
func expectCodeOnlyByMail(ex *apiclient.Exchange, code string) {
	GinkgoHelper()
	check(ex).expect(!strings.Contains(string(ex.ResponseBody), code), "body: holds the confirmation code, which must reach the trader only by email").
		done("step 1's answer")
}

var _ = Describe("Step 1, request a reset: POST v1.0/users/password/reset", Label("step1", "reset-request"), func() {

	It("emails a confirmation code to a trader without a secret question", Label("mail"), func(ctx SpecContext) {
		needMailbox()
		trader := given(ctx, states.NoQuestion)
		since := time.Now()
		ex := send(ctx, apiclient.ResetPassword(trader["User"], ""))
		expectSuccess(ex, resetPasswordResponseSchema, "a reset request for a trader without a secret question should succeed")
		expectCodeOnlyByMail(ex, waitForCode(ctx, trader["Email"], since))

		record(contract.Interaction{Description: "a reset request for a trader without a secret question", States: inState(states.NoQuestion),
			Request: resetPasswordContract(validAppKey(), stateUser, nil), Response: succeeded(nil)})
	})

	It("emails a confirmation code when the secret answer is right", Label("mail", "secret-question"), func(ctx SpecContext) {
		needMailbox()
		trader := given(ctx, states.WithQuestion)
		since := time.Now()
		ex := send(ctx, apiclient.ResetPassword(trader["User"], trader["SecretQuestionAnswer"]))
		expectSuccess(ex, resetPasswordResponseSchema, "a reset request with the right secret answer should succeed")
		expectCodeOnlyByMail(ex, waitForCode(ctx, trader["Email"], since))

		record(contract.Interaction{Description: "a reset request with the right secret answer", States: inState(states.WithQuestion),
			Request: resetPasswordContract(validAppKey(), stateUser, stateAnswer), Response: succeeded(nil)})
	})

	It("refuses a missing secret answer with the documented ErrorIncorrectAnswer", Label("secret-question"), func(ctx SpecContext) {
		trader := given(ctx, states.WithQuestion)
		ex := send(ctx, apiclient.ResetPassword(trader["User"], ""))
		expectFailure(ex, resetPasswordResponseSchema, config.CaseWrongAnswer, "a reset request without the secret answer should be refused")

		record(contract.Interaction{Description: "a reset request without the secret answer", States: inState(states.WithQuestion),
			Request: resetPasswordContract(validAppKey(), stateUser, nil), Response: incorrectAnswer()})
	})

	It("refuses a wrong secret answer with the documented ErrorIncorrectAnswer", Label("secret-question"), func(ctx SpecContext) {
		trader := given(ctx, states.WithQuestion)
		ex := send(ctx, apiclient.ResetPassword(trader["User"], "not-"+trader["SecretQuestionAnswer"]))
		expectFailure(ex, resetPasswordResponseSchema, config.CaseWrongAnswer, "a reset request with a wrong secret answer should be refused")

		record(contract.Interaction{Description: "a reset request with a wrong secret answer", States: inState(states.WithQuestion),
			Request:  resetPasswordContract(validAppKey(), stateUser, &contract.Field{Example: "wrong-answer"}),
			Response: incorrectAnswer()})
	})

	It("refuses an unknown user", func(ctx SpecContext) {
		given(ctx, states.NoSuchUser)
		ex := send(ctx, apiclient.ResetPassword(harness.RandomSecret("unknown-trader-"), ""))
		expectFailure(ex, resetPasswordResponseSchema, config.CaseUnknownUser, "a reset request for an unknown user should be refused")

		record(contract.Interaction{Description: "a reset request for an unknown user", States: inState(states.NoSuchUser),
			Request: resetPasswordContract(validAppKey(), unknownUser, nil), Response: failed(config.CaseUnknownUser)})
	})

	It("refuses a reset request without Et-App-Key with the documented error", Label("app-key"), func(ctx SpecContext) {
		given(ctx, states.NoSuchUser)
		req := apiclient.ResetPassword(harness.RandomSecret("unknown-trader-"), "")
		req.OmitAppKey = true
		expectAppKeyError(send(ctx, req), "a reset request without Et-App-Key should be refused")

		record(contract.Interaction{Description: "a reset request without Et-App-Key", States: inState(states.NoSuchUser),
			Request: resetPasswordContract(noAppKey(), unknownUser, nil), Response: appKeyRejected()})
	})
})
