package passwordreset

import (
	"context"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/checks"
	"github.com/autoshares/conformance/internal/config"
	rec "github.com/autoshares/conformance/internal/recording"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/verdict"
)

const resetPasswordResponseSchema = "reset-password.response.schema.json"

// expectStep1Success: a 2xx (the success status) without errors; IsSucceed is relied on
// only with AUTOSHARES_EXPECT_STEP1_IS_SUCCEED, since the documentation's own success
// example says false. The mail arriving is the rest of the proof (waitForCode).
func expectStep1Success(ex *apiclient.Exchange, check string) {
	GinkgoHelper()
	v := verdictOn(check, ex)
	suite.Rules.Step1Success(v, resetPasswordResponseSchema, suite.Cfg.Negative.Step1IsSucceedRequired)
	need(done(v), "the success of "+check+" failed, and the rest of the spec needs it")
}

// waitForCode returns the newest confirmation code mailed to email since the given time.
func waitForCode(ctx context.Context, check, email string, since time.Time) string {
	GinkgoHelper()
	code, err := suite.Flow.Code(ctx, email, since)
	need(done(verdictOn(check, nil).Expect(err == nil, verdict.KindNoMail, "step 1 answered success, but no confirmation code reached the trader's mailbox: %v", err)),
		"no confirmation code reached the mailbox ("+check+") for the steps after it")
	suite.Secrets.Add(code)
	return code
}

// expectCodeOnlyByMail: the code reaches the trader by email, never in the API's answer
// (whoever can call step 1 must not be able to finish the reset).
func expectCodeOnlyByMail(ex *apiclient.Exchange, code string) {
	GinkgoHelper()
	done(verdictOn(checks.Step1CodeNotInResponse, ex).
		Expect(!strings.Contains(string(ex.ResponseBody), code), verdict.KindEcho, "body: holds the confirmation code, which must reach the trader only by email"))
}

var _ = Describe("Step 1, request a reset: POST v1.0/users/password/reset", Label("step1", "reset-request"), func() {

	It("emails a confirmation code to a trader without a secret question", Label("mail"),
		Checks(checks.Step1NoQuestionAccepted, checks.Step1CodeMailed, checks.Step1CodeNotInResponse), func(ctx SpecContext) {
			needMailbox()
			trader := given(ctx, states.NoQuestion)
			since := time.Now()
			ex := send(ctx, apiclient.ResetPassword(trader["User"], ""))
			expectStep1Success(ex, checks.Step1NoQuestionAccepted)
			expectCodeOnlyByMail(ex, waitForCode(ctx, checks.Step1CodeMailed, trader["Email"], since))

			record(suite.Shapes.Interaction(rec.ResetNoQuestion))
		})

	It("emails a confirmation code when the secret answer is right", Label("mail", "secret-question"),
		Checks(checks.Step1RightAnswerAccepted, checks.Step1CodeMailed, checks.Step1CodeNotInResponse), func(ctx SpecContext) {
			needMailbox()
			trader := given(ctx, states.WithQuestion)
			since := time.Now()
			ex := send(ctx, apiclient.ResetPassword(trader["User"], trader["SecretQuestionAnswer"]))
			expectStep1Success(ex, checks.Step1RightAnswerAccepted)
			expectCodeOnlyByMail(ex, waitForCode(ctx, checks.Step1CodeMailed, trader["Email"], since))

			record(suite.Shapes.Interaction(rec.ResetRightAnswer))
		})

	It("refuses a missing secret answer with the documented ErrorIncorrectAnswer", Label("secret-question"),
		Checks(checks.Step1MissingAnswerRefused), func(ctx SpecContext) {
			trader := given(ctx, states.WithQuestion)
			ex := send(ctx, apiclient.ResetPassword(trader["User"], ""))
			expectFailure(ex, checks.Step1MissingAnswerRefused, resetPasswordResponseSchema, config.CaseWrongAnswer)

			record(suite.Shapes.Interaction(rec.ResetMissingAnswer))
		})

	It("refuses a wrong secret answer with the documented ErrorIncorrectAnswer", Label("secret-question"),
		Checks(checks.Step1WrongAnswerRefused), func(ctx SpecContext) {
			trader := given(ctx, states.WithQuestion)
			ex := send(ctx, apiclient.ResetPassword(trader["User"], "not-"+trader["SecretQuestionAnswer"]))
			expectFailure(ex, checks.Step1WrongAnswerRefused, resetPasswordResponseSchema, config.CaseWrongAnswer)

			record(suite.Shapes.Interaction(rec.ResetWrongAnswer))
		})

	It("refuses an unknown user", Checks(checks.Step1UnknownUserRefused), func(ctx SpecContext) {
		unknown := givenMade(ctx, states.NoSuchUser)
		ex := send(ctx, apiclient.ResetPassword(unknown.Values["User"], ""))
		expectFailure(ex, checks.Step1UnknownUserRefused, resetPasswordResponseSchema, config.CaseUnknownUser)
		sawFinding(findingUserEnumeration)

		recordAbsence(unknown, suite.Shapes.Interaction(rec.ResetUnknownUser))
	})

	It("refuses a reset request without Et-App-Key with the documented error", Label("app-key"),
		Checks(checks.Step1AppKeyMissingRefused), func(ctx SpecContext) {
			unknown := givenMade(ctx, states.NoSuchUser)
			req := apiclient.ResetPassword(unknown.Values["User"], "")
			req.OmitAppKey = true
			expectAppKeyError(send(ctx, req), checks.Step1AppKeyMissingRefused)

			recordAbsence(unknown, suite.Shapes.Interaction(rec.ResetNoAppKey))
		})
})
