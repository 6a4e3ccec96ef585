package passwordreset

import (
	"context"
	. "github.com/autoshares/conformance/internal/framework"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
	rec "github.com/autoshares/conformance/internal/pacts"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/suite"
)

const resetPasswordResponseSchema = "reset-password.response.schema.json"

// expectStep1Success: a 2xx (the success status) without errors; IsSucceed is relied on
// only with AUTOSHARES_EXPECT_STEP1_IS_SUCCEED, since the documentation's own success
// example says false. The mail arriving is the rest of the proof (waitForCode).
func expectStep1Success(ex *client.Exchange, check string) {
	GinkgoHelper()
	v := VerdictOn(check, ex)
	World.Rules.Step1Success(v, resetPasswordResponseSchema, World.Cfg.Negative.Step1IsSucceedRequired)
	Need(Conclude(v), "the success of "+check+" failed, and the rest of the spec needs it")
}

// waitForCode returns the newest confirmation code mailed to email since the given time.
func waitForCode(ctx context.Context, check, email string, since time.Time) string {
	GinkgoHelper()
	code, err := World.Flow.Code(ctx, email, since)
	Need(Conclude(VerdictOn(check, nil).Expect(err == nil, suite.KindNoMail, "step 1 answered success, but no confirmation code reached the trader's mailbox: %v", err)),
		"no confirmation code reached the mailbox ("+check+") for the steps after it")
	World.Secrets.Add(code)
	return code
}

// expectCodeOnlyByMail: the code reaches the trader by email, never in the API's answer
// (whoever can call step 1 must not be able to finish the reset).
func expectCodeOnlyByMail(ex *client.Exchange, code string) {
	GinkgoHelper()
	Conclude(VerdictOn(catalogue.Step1CodeNotInResponse, ex).
		Expect(!strings.Contains(string(ex.ResponseBody), code), suite.KindEcho, "body: holds the confirmation code, which must reach the trader only by email"))
}

var _ = Describe("Step 1, request a reset: POST v1.0/users/password/reset", Label("step1", "reset-request"), func() {

	It("emails a confirmation code to a trader without a secret question", Label("mail"),
		Checks(catalogue.Step1NoQuestionAccepted, catalogue.Step1CodeMailed, catalogue.Step1CodeNotInResponse), func(ctx SpecContext) {
			NeedMailbox()
			trader := Given(ctx, states.NoQuestion)
			since := time.Now()
			ex := Send(ctx, client.ResetPassword(trader["User"], ""))
			expectStep1Success(ex, catalogue.Step1NoQuestionAccepted)
			expectCodeOnlyByMail(ex, waitForCode(ctx, catalogue.Step1CodeMailed, trader["Email"], since))

			Record(World.Shapes.Interaction(rec.ResetNoQuestion))
		})

	It("emails a confirmation code when the secret answer is right", Label("mail", "secret-question"),
		Checks(catalogue.Step1RightAnswerAccepted, catalogue.Step1CodeMailed, catalogue.Step1CodeNotInResponse), func(ctx SpecContext) {
			NeedMailbox()
			trader := Given(ctx, states.WithQuestion)
			since := time.Now()
			ex := Send(ctx, client.ResetPassword(trader["User"], trader["SecretQuestionAnswer"]))
			expectStep1Success(ex, catalogue.Step1RightAnswerAccepted)
			expectCodeOnlyByMail(ex, waitForCode(ctx, catalogue.Step1CodeMailed, trader["Email"], since))

			Record(World.Shapes.Interaction(rec.ResetRightAnswer))
		})

	It("refuses a missing secret answer with the documented ErrorIncorrectAnswer", Label("secret-question"),
		Checks(catalogue.Step1MissingAnswerRefused), func(ctx SpecContext) {
			trader := Given(ctx, states.WithQuestion)
			ex := Send(ctx, client.ResetPassword(trader["User"], ""))
			ExpectFailure(ex, catalogue.Step1MissingAnswerRefused, resetPasswordResponseSchema, config.CaseWrongAnswer)

			Record(World.Shapes.Interaction(rec.ResetMissingAnswer))
		})

	It("refuses a wrong secret answer with the documented ErrorIncorrectAnswer", Label("secret-question"),
		Checks(catalogue.Step1WrongAnswerRefused), func(ctx SpecContext) {
			trader := Given(ctx, states.WithQuestion)
			ex := Send(ctx, client.ResetPassword(trader["User"], "not-"+trader["SecretQuestionAnswer"]))
			ExpectFailure(ex, catalogue.Step1WrongAnswerRefused, resetPasswordResponseSchema, config.CaseWrongAnswer)

			Record(World.Shapes.Interaction(rec.ResetWrongAnswer))
		})

	It("refuses an unknown user", Checks(catalogue.Step1UnknownUserRefused), func(ctx SpecContext) {
		unknown := GivenMade(ctx, states.NoSuchUser)
		ex := Send(ctx, client.ResetPassword(unknown.Values["User"], ""))
		ExpectFailure(ex, catalogue.Step1UnknownUserRefused, resetPasswordResponseSchema, config.CaseUnknownUser)
		sawFinding(findingUserEnumeration)

		RecordAbsence(unknown, World.Shapes.Interaction(rec.ResetUnknownUser))
	})

	It("refuses a reset request without Et-App-Key with the documented error", Label("app-key"),
		Checks(catalogue.Step1AppKeyMissingRefused), func(ctx SpecContext) {
			unknown := GivenMade(ctx, states.NoSuchUser)
			req := client.ResetPassword(unknown.Values["User"], "")
			req.OmitAppKey = true
			ExpectAppKeyError(Send(ctx, req), catalogue.Step1AppKeyMissingRefused)

			RecordAbsence(unknown, World.Shapes.Interaction(rec.ResetNoAppKey))
		})
})
