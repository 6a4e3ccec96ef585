package passwordreset

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/harness"
	"github.com/autoshares/conformance/internal/sources"
	"github.com/autoshares/conformance/internal/states"
)

const checkAnswersLimited = "security.answers.attempts-limited"

var _ = Describe("Security: guessing the secret answer (ASVS 6.3.1, NIST SP 800-63B-4 3.2.2)", Label("security", "brute-force", "step1", "secret-question"), func() {

	It("refuses even the right secret answer after too many wrong ones, for that trader only",
		Checks(checkAnswersLimited), func(ctx SpecContext) {
			n := suite.Cfg.Security.MaxFailedAnswers
			if n == 0 {
				Skip("AUTOSHARES_MAX_FAILED_ANSWERS=0: guessing the secret answer is not checked")
			}
			made := givenMade(ctx, states.WithQuestion)
			if made.Via != sources.ViaStateEndpoint {
				// A configured test trader locked for the target's lockout period would fail
				// the rest of the run (and the next runs): only fresh traders are guessed at.
				Skip("needs fresh traders from the provider-state endpoint (set AUTOSHARES_STATE_URL): guessing a configured test trader's answer would lock it for the rest of the run")
			}
			target := made.Values
			other := given(ctx, states.WithQuestion)

			// The wrong answers are independent: they go AUTOSHARES_MAX_IN_FLIGHT at a time. A
			// wrong answer a gateway answers 429 was not processed, so it is retried like any
			// exchange (the count must reach the target); only the right answer's 429 is taken
			// as it is, as the evidence that guessing is throttled.
			reqs := make([]apiclient.Request, n)
			for i := range reqs {
				wrong := harness.RandomSecret("wrong-")
				suite.Secrets.Add(wrong)
				reqs[i] = apiclient.ResetPassword(target["User"], wrong)
			}
			for i, ex := range sendAll(ctx, reqs) {
				done(suite.Rules.Refusal(verdictOn(checkAnswersLimited, ex), fmt.Sprintf("wrong answer %d of %d", i+1, n)))
			}

			right := apiclient.ResetPassword(target["User"], target["SecretQuestionAnswer"])
			right.NoRateLimitRetry = true
			done(suite.Rules.Refusal(verdictOn(checkAnswersLimited, send(ctx, right)),
				fmt.Sprintf("the right answer after %d wrong ones (AUTOSHARES_MAX_FAILED_ANSWERS): guessing must be stopped by then", n)))

			// Locking one account must not lock others.
			expectStep1Success(send(ctx, apiclient.ResetPassword(other["User"], other["SecretQuestionAnswer"])), checkAnswersLimited)
		})
})
