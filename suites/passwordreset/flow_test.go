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

	It("resets a forgotten password: step 1, step 2, step 1 with the answer, the emailed code, step 3, step 4, login", Label("mail"), func(ctx SpecContext) {
		needMailbox()
		trader := given(ctx, states.WithQuestion)

		By("step 1 without an answer: the documented ErrorIncorrectAnswer")
		ex := send(ctx, apiclient.ResetPassword(trader["User"], ""))
		expectFailure(ex, resetPasswordResponseSchema, config.CaseWrongAnswer, "step 1 without the secret answer")

		By("step 2: the question")
		expectQuestion(send(ctx, apiclient.SecretQuestion(trader["User"])), trader["SecretQuestion"], "step 2")

		By("step 1 with the answer: a code by email")
		since := time.Now()
		ex = send(ctx, apiclient.ResetPassword(trader["User"], trader["SecretQuestionAnswer"]))
		expectSuccess(ex, resetPasswordResponseSchema, "step 1 with the secret answer")
		code := waitForCode(ctx, trader["Email"], since)
		expectCodeOnlyByMail(ex, code)

		By("step 3: the token")
		token := expectToken(send(ctx, resetCode(code)), "step 3 with the emailed code")

		By("step 4: the new password")
		pw := newPassword()
		expectSuccess(send(ctx, updatePassword(token, pw, pw)), updatePasswordResponseSchema, "step 4 with the token from step 3")

		By("login: with the new password, not the old")
		expectLoginSucceeds(ctx, trader["User"], pw, "with the new password at the end of the flow")
		expectLoginFails(ctx, trader["User"], trader["Password"], "with the old password at the end of the flow")
	})
})
