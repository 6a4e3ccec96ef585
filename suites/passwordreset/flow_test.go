package passwordreset

import (
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/checks"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/states"
)

// The flow as a trader's app walks it, following the docs' advice: step 1 without an
// answer first, the secret question when that fails, step 1 again with the answer.
var _ = Describe("The whole reset flow, as a client walks it", Label("e2e", "flow"), func() {

	It("resets a forgotten password: step 1, step 2, step 1 with the answer, the emailed code, step 3, step 4, login", Label("mail"), longSpec,
		Checks(checks.Step1MissingAnswerRefused, checks.Step2ByLoginQuestion, checks.Step1RightAnswerAccepted, checks.Step1CodeMailed, checks.Step1CodeNotInResponse,
			checks.Step3ValidCodeToken, checks.Step4ValidSucceeds, checks.Step4ValidNewPasswordLogsIn, checks.Step4ValidOldPasswordRefused), func(ctx SpecContext) {
			needMailbox()
			trader := given(ctx, states.WithQuestion)

			By("step 1 without an answer: the documented ErrorIncorrectAnswer")
			expectFailure(send(ctx, apiclient.ResetPassword(trader["User"], "")), checks.Step1MissingAnswerRefused, resetPasswordResponseSchema, config.CaseWrongAnswer)

			By("step 2: the question")
			expectQuestion(send(ctx, apiclient.SecretQuestion(trader["User"])), checks.Step2ByLoginQuestion, trader["SecretQuestion"])

			By("step 1 with the answer: a code by email")
			since := time.Now()
			ex := send(ctx, apiclient.ResetPassword(trader["User"], trader["SecretQuestionAnswer"]))
			expectStep1Success(ex, checks.Step1RightAnswerAccepted)
			code := waitForCode(ctx, checks.Step1CodeMailed, trader["Email"], since)
			expectCodeOnlyByMail(ex, code)

			By("step 3: the token")
			token := expectToken(send(ctx, resetCode(code)), checks.Step3ValidCodeToken)

			By("step 4: the new password")
			pw := newPassword()
			expectSuccess(send(ctx, updatePassword(token, pw, pw)), checks.Step4ValidSucceeds, updatePasswordResponseSchema)

			By("login: with the new password, not the old")
			expectLogins(ctx, loginSucceeds(checks.Step4ValidNewPasswordLogsIn, trader["User"], pw, "with the new password at the end of the flow"),
				loginFails(checks.Step4ValidOldPasswordRefused, trader["User"], trader["Password"], "with the old password at the end of the flow"))
		})
})
