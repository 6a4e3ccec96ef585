package passwordreset

import (
	"context"
	"fmt"
	. "github.com/autoshares/conformance/internal/framework"
	"net/http"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/suite"
)

const (
	checkAnswersLimited = catalogue.SecurityAnswersAttemptsLimited
	checkLoginNotLocked = catalogue.SecurityAnswersLoginNotLocked
)

var _ = Describe("Security: guessing the secret answer (ASVS 6.3.1, NIST SP 800-63B-4 3.2.2)", Label("security", "brute-force", "step1", "secret-question"), func() {

	It("refuses even the right secret answer after too many wrong ones, for that trader only", LongestSpec,
		Checks(checkAnswersLimited, checkLoginNotLocked), func(ctx SpecContext) {
			n := World.Cfg.Security.MaxFailedAnswers
			if n == 0 {
				SkipFor("", "AUTOSHARES_MAX_FAILED_ANSWERS=0: guessing the secret answer is not checked")
			}
			made := GivenMade(ctx, states.WithQuestion)
			if made.Via != suite.ViaStateEndpoint {
				// A configured test trader locked for the target's lockout period would fail
				// the rest of the run (and the next runs): only fresh traders are guessed at.
				SkipFor("fresh traders from the provider-state endpoint", "set AUTOSHARES_STATE_URL (guessing a configured test trader's answer would lock it for the rest of the run)")
			}
			target := made.Values
			other := Given(ctx, states.WithQuestion)

			// The wrong answers go in batches of AUTOSHARES_MAX_IN_FLIGHT. At first each is
			// sent once, a 429 taken as it is. Once wrong answers are refused in another way
			// than the first (a lock, most often, or a 429), the right answer is tried at
			// once: refused, the limit is proven with fewer guesses. Accepted, that early
			// try proved nothing against a limit of n and restarted the target's count, so
			// all n wrong answers follow, each 429 waited out and resent (a gateway's 429 was
			// not processed: the count must reach the target), and then the right one.
			//
			// A 429 on the right answer proves a limit only if it holds for the account: a
			// gateway that throttles every client would answer it too, and a deployment
			// with no limit of its own behind it would take the right answer once the
			// throttle passed. So the other trader's right answer goes at once: not
			// throttled, the 429 told the accounts apart, and is the account's limit.
			// Throttled too, the right answer is sent again with the 429 waited out
			// (within AUTOSHARES_RATE_LIMIT_BUDGET), and must still be refused; still
			// throttled when the budget is spent, the spec ends inconclusive. A 503 with
			// Retry-After is never the evidence: the transport waits it out and sends that one
			// guess again (an overloaded moment is no answer, and a gateway's 503 reached no
			// count), so an occasional 503 neither ends the guessing early nor fails the check.
			otherChecked := false
			rightAnswer := func(sent int) *suite.Verdict {
				req := client.ResetPassword(target["User"], target["SecretQuestionAnswer"])
				req.NoRateLimitRetry = true
				ex := Send(ctx, req)
				if ex.Status == http.StatusTooManyRequests {
					oreq := client.ResetPassword(other["User"], other["SecretQuestionAnswer"])
					oreq.NoRateLimitRetry = true
					if oex := Send(ctx, oreq); oex.Status != http.StatusTooManyRequests {
						expectStep1Success(oex, checkAnswersLimited)
						otherChecked = true
					} else {
						By("both traders' answers throttled: waiting the throttle out and sending the right answer again")
						ex = Send(ctx, client.ResetPassword(target["User"], target["SecretQuestionAnswer"]))
					}
				}
				return World.Rules.Refusal(VerdictOn(checkAnswersLimited, ex),
					fmt.Sprintf("the right answer after %d wrong ones (AUTOSHARES_MAX_FAILED_ANSWERS=%d): guessing must be stopped by then, for the account", sent, n))
			}
			sent, early := guessAnswers(ctx, target["User"], n, true)
			v := rightAnswer(sent)
			if early && !v.OK() {
				By(fmt.Sprintf("the right answer after %d wrong ones was accepted: the refusals changed for another reason; sending all %d", sent, n))
				guessAnswers(ctx, target["User"], n, false)
				sent += n // both rounds' wrong answers, for the login that follows
				otherChecked = false
				v = rightAnswer(n)
			}
			Conclude(v)

			// Locking one account must not lock others.
			if !otherChecked {
				expectStep1Success(Send(ctx, client.ResetPassword(other["User"], other["SecretQuestionAnswer"])), checkAnswersLimited)
			}

			// The guesses may lock step 1, never the account (the cheat sheet's Account
			// Lockout): the guessed-at trader still logs in.
			ExpectLoginSucceeds(ctx, checkLoginNotLocked, target["User"], target["Password"],
				fmt.Sprintf("with the right password after %d wrong secret answers: forgot-password attempts must not lock the account", sent))
		})
})

// guessAnswers sends up to n wrong secret answers for user, AUTOSHARES_MAX_IN_FLIGHT at a
// time, each of which must be refused. With early, each is sent once (a 429 is an answer,
// not waited out), and it stops after the first batch whose refusals differ from the first
// wrong answer's (RefusalKind; a 429 always counts as a change), and says so. Without
// early, a 429 is waited out and the answer resent, so all n reach the target. It returns
// how many it sent.
func guessAnswers(ctx context.Context, user string, n int, early bool) (int, bool) {
	GinkgoHelper()
	return wrongAttempts(ctx, n, early, suite.RefusalKind, func(int) client.Request {
		wrong := suite.RandomSecret("wrong-")
		World.Secrets.Add(wrong)
		return client.ResetPassword(user, wrong)
	}, func(i int, ex *client.Exchange) {
		Conclude(World.Rules.Refusal(VerdictOn(checkAnswersLimited, ex), fmt.Sprintf("wrong answer %d of %d", i+1, n)))
	})
}

// wrongAttempts sends up to n wrong attempts (build makes the i-th), AUTOSHARES_MAX_IN_FLIGHT
// at a time, and judges each as it comes back. With early, each is sent once (a 429 is an
// answer) and it stops after the first batch whose refusals read otherwise than the
// first's (kind), or that a 429 throttled; without, a 429 is waited out and the attempt
// resent, so all n reach the target. It returns how many it sent, and whether it stopped
// early.
func wrongAttempts(ctx context.Context, n int, early bool, kind func(*client.Exchange) string,
	build func(i int) client.Request, judge func(i int, ex *client.Exchange)) (int, bool) {
	GinkgoHelper()
	first, sent := "", 0
	for sent < n {
		batch := make([]client.Request, min(World.Cfg.MaxInFlight, n-sent))
		for i := range batch {
			batch[i] = build(sent + i)
			batch[i].NoRateLimitRetry = early
		}
		changed := false
		for i, ex := range SendAll(ctx, batch) {
			judge(sent+i, ex)
			switch k := kind(ex); {
			case ex.Status == http.StatusTooManyRequests:
				changed = true // throttled: attempts are limited, or the right one says otherwise
			case first == "":
				first = k
			case k != first:
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
