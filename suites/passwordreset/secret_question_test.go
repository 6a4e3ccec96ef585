package passwordreset

import (
	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/checks"
	rec "github.com/autoshares/conformance/internal/recording"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/verdict"
)

const secretQuestionResponseSchema = "secret-question.response.schema.json"

// expectQuestion: success, and Model holds exactly the expected question.
func expectQuestion(ex *apiclient.Exchange, check, want string) {
	GinkgoHelper()
	env := expectSuccess(ex, check, secretQuestionResponseSchema)
	done(verdict.ModelIs(verdictOn(check, ex), env, want))
}

var _ = Describe("Step 2, the secret question: GET v1.0/users/password/secret-question", Label("step2", "secret-question"), func() {

	It("returns a trader's secret question, asked by login", Checks(checks.Step2ByLoginQuestion), func(ctx SpecContext) {
		trader := given(ctx, states.WithQuestion)
		expectQuestion(send(ctx, apiclient.SecretQuestion(trader["User"])), checks.Step2ByLoginQuestion, trader["SecretQuestion"])
		if trader["SecretQuestion"] != "" {
			sawFinding(findingSecretQuestion)
		}

		record(suite.Shapes.Interaction(rec.QuestionByLogin))
	})

	It("returns a trader's secret question, asked by email", Checks(checks.Step2ByEmailQuestion), func(ctx SpecContext) {
		trader := given(ctx, states.WithQuestion)
		expectQuestion(send(ctx, apiclient.SecretQuestion(trader["Email"])), checks.Step2ByEmailQuestion, trader["SecretQuestion"])

		record(suite.Shapes.Interaction(rec.QuestionByEmail))
	})

	It(`returns "" for a trader without a secret question`, Checks(checks.Step2NoQuestionEmpty), func(ctx SpecContext) {
		trader := given(ctx, states.NoQuestion)
		expectQuestion(send(ctx, apiclient.SecretQuestion(trader["User"])), checks.Step2NoQuestionEmpty, "")

		record(suite.Shapes.Interaction(rec.QuestionNone))
	})

	It("refuses a request without Et-App-Key with the documented error", Label("app-key"), Checks(checks.Step2AppKeyMissingRefused), func(ctx SpecContext) {
		unknown := givenMade(ctx, states.NoSuchUser)
		req := apiclient.SecretQuestion(unknown.Values["User"])
		req.OmitAppKey = true
		expectAppKeyError(send(ctx, req), checks.Step2AppKeyMissingRefused)

		recordAbsence(unknown, suite.Shapes.Interaction(rec.QuestionNoAppKey))
	})
})
