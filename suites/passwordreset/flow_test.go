package passwordreset

import (
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/states"
)

// The flow as a trader's app walks it, following the docs' advice: step 1 without an
// answer first, the secret question when that fails, step 1 again with the answer.
var _ = Describe("The whole reset flow, as a client walks it", Label("e2e", "flow"), func() {

	It("resets a forgotten password: step 1, step 2, step 1 with the answer, the emailed code, step 3, step 4, login", Label("mail"), longSpec,
		Checks("step1.missing-answer.refused", "step2.by-login.question", "step1.right-answer.accepted", "step1.code-mailed", "step1.code-not-in-response",
			"step3.valid-code.token", "step4.valid.succeeds", "step4.valid.new-password-logs-in", "step4.valid.old-password-refused"), func(ctx SpecContext) {
			needMailbox()
			trader := given(ctx, states.WithQuestion)

			By("step 1 without an answer: the documented ErrorIncorrectAnswer")
			expectFailure(send(ctx, apiclient.ResetPassword(trader["User"], "")), "step1.missing-answer.refused", resetPasswordResponseSchema, config.CaseWrongAnswer)

			By("step 2: the question")
			expectQuestion(send(ctx, apiclient.SecretQuestion(trader["User"])), "step2.by-login.question", trader["SecretQuestion"])

			By("step 1 with the answer: a code by email")
			since := time.Now()
			ex := send(ctx, apiclient.ResetPassword(trader["User"], trader["SecretQuestionAnswer"]))
			expectStep1Success(ex, "step1.right-answer.accepted")
			code := waitForCode(ctx, "step1.code-mailed", trader["Email"], since)
			expectCodeOnlyByMail(ex, code)

			By("step 3: the token")
			token := expectToken(send(ctx, resetCode(code)), "step3.valid-code.token")

			By("step 4: the new password")
			pw := newPassword()
			expectSuccess(send(ctx, updatePassword(token, pw, pw)), "step4.valid.succeeds", updatePasswordResponseSchema)

			By("login: with the new password, not the old")
			expectLogins(ctx, loginSucceeds("step4.valid.new-password-logs-in", trader["User"], pw, "with the new password at the end of the flow"),
				loginFails("step4.valid.old-password-refused", trader["User"], trader["Password"], "with the old password at the end of the flow"))
		})
})
