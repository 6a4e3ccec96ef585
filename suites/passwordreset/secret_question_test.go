package passwordreset

import (
	"encoding/json"
	"net/http"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/contract"
	"github.com/autoshares/conformance/internal/harness"
	"github.com/autoshares/conformance/internal/states"
)

const secretQuestionResponseSchema = "secret-question.response.schema.json"

func secretQuestionContract(headers map[string]contract.Field, username contract.Field) contract.Request {
	return contract.Request{Method: http.MethodGet, Path: apiclient.PathSecretQuestion, Headers: headers,
		Query: map[string]contract.Field{"username": username}}
}

// expectQuestion: success, and Model holds exactly the expected question.
func expectQuestion(ex *apiclient.Exchange, want, what string) {
	GinkgoHelper()
	env := expectSuccess(ex, secretQuestionResponseSchema, what)
	var got *string
	err := json.Unmarshal(env.Model, &got)
	check(ex).expect(err == nil && got != nil && *got == want, "Model: expected %q, got %s", want, orMissing(env.Model)).done(what)
}

var questionText = contract.Field{Example: "What street did you live on in third grade?", Match: contract.MatchType}

var _ = Describe("Step 2, the secret question: GET v1.0/users/password/secret-question", Label("step2", "secret-question"), func() {

	It("returns a trader's secret question, asked by login", func(ctx SpecContext) {
		trader := given(ctx, states.WithQuestion)
		expectQuestion(send(ctx, apiclient.SecretQuestion(trader["User"])), trader["SecretQuestion"], "the secret question by login")

		record(contract.Interaction{Description: "the secret question of a trader, asked by login", States: inState(states.WithQuestion),
			Request:  secretQuestionContract(validAppKey(), *stateUser),
			Response: succeeded(map[string]contract.Field{"Model": questionText})})
	})

	It("returns a trader's secret question, asked by email", func(ctx SpecContext) {
		trader := given(ctx, states.WithQuestion)
		expectQuestion(send(ctx, apiclient.SecretQuestion(trader["Email"])), trader["SecretQuestion"], "the secret question by email")

		record(contract.Interaction{Description: "the secret question of a trader, asked by email", States: inState(states.WithQuestion),
			Request:  secretQuestionContract(validAppKey(), contract.Field{Example: "trader@example.com", Match: contract.MatchType, FromState: "${Email}"}),
			Response: succeeded(map[string]contract.Field{"Model": questionText})})
	})

	It(`returns "" for a trader without a secret question`, func(ctx SpecContext) {
		trader := given(ctx, states.NoQuestion)
		expectQuestion(send(ctx, apiclient.SecretQuestion(trader["User"])), "", "the secret question of a trader who has none")

		record(contract.Interaction{Description: "the secret question of a trader who has none", States: inState(states.NoQuestion),
			Request:  secretQuestionContract(validAppKey(), *stateUser),
			Response: succeeded(map[string]contract.Field{"Model": {Example: ""}})})
	})

	It("refuses a request without Et-App-Key with the documented error", Label("app-key"), func(ctx SpecContext) {
		given(ctx, states.NoSuchUser)
		req := apiclient.SecretQuestion(harness.RandomSecret("unknown-trader-"))
		req.OmitAppKey = true
		expectAppKeyError(send(ctx, req), "a secret-question request without Et-App-Key should be refused")

		record(contract.Interaction{Description: "a secret-question request without Et-App-Key", States: inState(states.NoSuchUser),
			Request: secretQuestionContract(noAppKey(), *unknownUser), Response: appKeyRejected()})
	})
})
