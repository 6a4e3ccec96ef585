package passwordreset

import (
	. "github.com/autoshares/conformance/internal/framework"
	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	rec "github.com/autoshares/conformance/internal/pacts"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/suite"
)

const secretQuestionResponseSchema = "secret-question.response.schema.json"

// expectQuestion: success, and Model holds exactly the expected question.
func expectQuestion(ex *client.Exchange, check, want string) {
	GinkgoHelper()
	env := ExpectSuccess(ex, check, secretQuestionResponseSchema)
	Conclude(suite.ModelIs(VerdictOn(check, ex), env, want))
}

var _ = Describe("Step 2, the secret question: GET v1.0/users/password/secret-question", Label("step2", "secret-question"), func() {

	It("returns a trader's secret question, asked by login", Checks(catalogue.Step2ByLoginQuestion), func(ctx SpecContext) {
		trader := Given(ctx, states.WithQuestion)
		expectQuestion(Send(ctx, client.SecretQuestion(trader["User"])), catalogue.Step2ByLoginQuestion, trader["SecretQuestion"])
		if trader["SecretQuestion"] != "" {
			sawFinding(findingSecretQuestion)
		}

		Record(World.Shapes.Interaction(rec.QuestionByLogin))
	})

	It("returns a trader's secret question, asked by email", Checks(catalogue.Step2ByEmailQuestion), func(ctx SpecContext) {
		trader := Given(ctx, states.WithQuestion)
		expectQuestion(Send(ctx, client.SecretQuestion(trader["Email"])), catalogue.Step2ByEmailQuestion, trader["SecretQuestion"])

		Record(World.Shapes.Interaction(rec.QuestionByEmail))
	})

	It(`returns "" for a trader without a secret question`, Checks(catalogue.Step2NoQuestionEmpty), func(ctx SpecContext) {
		trader := Given(ctx, states.NoQuestion)
		expectQuestion(Send(ctx, client.SecretQuestion(trader["User"])), catalogue.Step2NoQuestionEmpty, "")

		Record(World.Shapes.Interaction(rec.QuestionNone))
	})

	It("refuses a request without Et-App-Key with the documented error", Label("app-key"), Checks(catalogue.Step2AppKeyMissingRefused), func(ctx SpecContext) {
		unknown := GivenMade(ctx, states.NoSuchUser)
		req := client.SecretQuestion(unknown.Values["User"])
		req.OmitAppKey = true
		ExpectAppKeyError(Send(ctx, req), catalogue.Step2AppKeyMissingRefused)

		RecordAbsence(unknown, World.Shapes.Interaction(rec.QuestionNoAppKey))
	})
})
