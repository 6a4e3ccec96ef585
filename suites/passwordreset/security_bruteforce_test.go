package passwordreset

import (
	"context"
	"fmt"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/harness"
	"github.com/autoshares/conformance/internal/sources"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/verdict"
)

const checkAnswersLimited = "security.answers.attempts-limited"

var _ = Describe("Security: guessing the secret answer (ASVS 6.3.1, NIST SP 800-63B-4 3.2.2)", Label("security", "brute-force", "step1", "secret-question"), func() {

	It("refuses even the right secret answer after too many wrong ones, for that trader only", longestSpec,
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

			// The wrong answers go in batches of AUTOSHARES_MAX_IN_FLIGHT. A wrong answer a
			// gateway answers 429 was not processed, so it is retried like any exchange (the
			// count must reach the target); only the right answer's 429 is taken as it is, as
			// the evidence that guessing is throttled. Once wrong answers are refused in
			// another way than the first (a lock, most often), the right answer is tried at
			// once: refused, the limit is proven with fewer guesses. Accepted, that early try
			// proved nothing against a limit of n and restarted the target's count, so all n
			// wrong answers follow, and then the right one.
			rightAnswer := func() *apiclient.Exchange {
				req := apiclient.ResetPassword(target["User"], target["SecretQuestionAnswer"])
				req.NoRateLimitRetry = true
				return send(ctx, req)
			}
			sent, early := guessAnswers(ctx, target["User"], n, true)
			ex := rightAnswer()
			if early && !suite.Rules.Refusal(verdictOn(checkAnswersLimited, ex), "").OK() {
				By(fmt.Sprintf("the right answer after %d wrong ones was accepted: the refusals changed for another reason; sending all %d", sent, n))
				guessAnswers(ctx, target["User"], n, false)
				sent, ex = n, rightAnswer()
			}
			done(suite.Rules.Refusal(verdictOn(checkAnswersLimited, ex),
				fmt.Sprintf("the right answer after %d wrong ones (AUTOSHARES_MAX_FAILED_ANSWERS=%d): guessing must be stopped by then", sent, n)))

			// Locking one account must not lock others.
			expectStep1Success(send(ctx, apiclient.ResetPassword(other["User"], other["SecretQuestionAnswer"])), checkAnswersLimited)
		})
})

// guessAnswers sends up to n wrong secret answers for user, AUTOSHARES_MAX_IN_FLIGHT at a
// time, each of which must be refused. With early, it stops after the first batch whose
// refusals differ from the first wrong answer's (RefusalKind), and says so. It returns how
// many it sent.
func guessAnswers(ctx context.Context, user string, n int, early bool) (int, bool) {
	GinkgoHelper()
	first, sent := "", 0
	for sent < n {
		batch := make([]apiclient.Request, min(suite.Cfg.MaxInFlight, n-sent))
		for i := range batch {
			wrong := harness.RandomSecret("wrong-")
			suite.Secrets.Add(wrong)
			batch[i] = apiclient.ResetPassword(user, wrong)
		}
		changed := false
		for i, ex := range sendAll(ctx, batch) {
			done(suite.Rules.Refusal(verdictOn(checkAnswersLimited, ex), fmt.Sprintf("wrong answer %d of %d", sent+i+1, n)))
			switch kind := verdict.RefusalKind(ex); {
			case first == "":
				first = kind
			case kind != first:
				changed = true
			}
		}
		sent += len(batch)
		if early && changed {
			return sent, true
		}
	}
	return sent, false
}
