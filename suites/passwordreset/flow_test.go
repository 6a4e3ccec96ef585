package passwordreset

import (
	. "github.com/autoshares/conformance/internal/framework"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/states"
)

// The flow as a trader's app walks it, following the docs' advice: step 1 without an
// answer first, the secret question when that fails, step 1 again with the answer.
var _ = Describe("The whole reset flow, as a client walks it", Label("e2e", "flow"), func() {

	It("resets a forgotten password: step 1, step 2, step 1 with the answer, the emailed code, step 3, step 4, login", Label("mail"), LongSpec,
		Checks(catalogue.Step1MissingAnswerRefused, catalogue.Step2ByLoginQuestion, catalogue.Step1RightAnswerAccepted, catalogue.Step1CodeMailed, catalogue.Step1CodeNotInResponse,
			catalogue.Step3ValidCodeToken, catalogue.Step4ValidSucceeds, catalogue.Step4ValidNewPasswordLogsIn, catalogue.Step4ValidOldPasswordRefused), func(ctx SpecContext) {
			NeedMailbox()
			trader := Given(ctx, states.WithQuestion)

			By("step 1 without an answer: the documented ErrorIncorrectAnswer")
			ExpectFailure(Send(ctx, client.ResetPassword(trader["User"], "")), catalogue.Step1MissingAnswerRefused, resetPasswordResponseSchema, config.CaseWrongAnswer)

			By("step 2: the question")
			expectQuestion(Send(ctx, client.SecretQuestion(trader["User"])), catalogue.Step2ByLoginQuestion, trader["SecretQuestion"])

			By("step 1 with the answer: a code by email")
			since := time.Now()
			ex := Send(ctx, client.ResetPassword(trader["User"], trader["SecretQuestionAnswer"]))
			expectStep1Success(ex, catalogue.Step1RightAnswerAccepted)
			code := waitForCode(ctx, catalogue.Step1CodeMailed, trader["Email"], since)
			expectCodeOnlyByMail(ex, code)

			By("step 3: the token")
			token := expectToken(Send(ctx, resetCode(code)), catalogue.Step3ValidCodeToken)

			By("step 4: the new password")
			pw := NewPassword()
			ExpectSuccess(Send(ctx, updatePassword(token, pw, pw)), catalogue.Step4ValidSucceeds, updatePasswordResponseSchema)

			By("login: with the new password, not the old")
			ExpectLogins(ctx, LoginSucceeds(catalogue.Step4ValidNewPasswordLogsIn, trader["User"], pw, "with the new password at the end of the flow"),
				LoginFails(catalogue.Step4ValidOldPasswordRefused, trader["User"], trader["Password"], "with the old password at the end of the flow"))
		})
})
