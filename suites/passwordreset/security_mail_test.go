package passwordreset

import (
	"context"
	"fmt"
	. "github.com/autoshares/conformance/internal/framework"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/suite"
)

// The problem kinds of the mail checks (deviation signatures group failures by kind).
const (
	kindUnwantedMail = "unwanted-mail" // mail the target must not have sent
	kindMailSecret   = "mail-secret"   // a secret in a mail
)

// floodExtra is how many step 1 requests the mail-flooding check sends beyond the limit:
// more than one, so a target whose limit is off by one still fails.
const floodExtra = 3

var _ = Describe("Security: what the reset mails the trader (ASVS 2.3.1, 6.3.7, NIST SP 800-63B-4 4.2.3)", Label("security", "mail", "step1"), func() {

	// One spec for three checks: the refused requests' mail is awaited
	// (AUTOSHARES_NO_MAIL_WAIT) while the reset goes on, and every mail the reset brings is
	// read once at the end.
	It("mails nothing for refused requests, a notification without secrets after the reset, and no secret in any mail", Label("secret-question", "step3", "step4"), LongSpec,
		Checks(catalogue.SecurityResetRefusedRequestMailsNothing, catalogue.SecurityResetNotificationMailed, catalogue.SecurityMailNoSecrets), func(ctx SpecContext) {
			NeedMailbox()
			trader := Given(ctx, states.WithQuestion)
			email, answer := trader["Email"], trader["SecretQuestionAnswer"]
			before := mailSnapshot(ctx, email)

			By("step 1 without an answer and with a wrong one, at once: refused, they must mail nothing")
			wrong := suite.RandomSecret("wrong-")
			World.Secrets.Add(wrong)
			refusedAt := time.Now()
			refused := SendAll(ctx, []client.Request{client.ResetPassword(trader["User"], ""), client.ResetPassword(trader["User"], wrong)})
			due := 1 // the right answer's code mail
			for _, ex := range refused {
				if ex.Status/100 == 2 {
					due++ // not refused: this check does not judge it (the step 1 checks do), and it may mail
				}
			}

			By("the reset: step 1 with the answer, the mailed code, step 3, step 4")
			since := time.Now()
			expectStep1Success(Send(ctx, client.ResetPassword(trader["User"], answer)), catalogue.SecurityResetNotificationMailed)
			code := waitForCode(ctx, catalogue.SecurityResetNotificationMailed, email, since)
			noMail := noMailWait(time.Since(since))
			token := expectToken(Send(ctx, resetCode(code)), catalogue.SecurityResetNotificationMailed)
			beforeReset := mailSnapshot(ctx, email)
			pw := NewPassword()
			reset := Send(ctx, updatePassword(token, pw, pw))
			ExpectSuccess(reset, catalogue.SecurityResetNotificationMailed, updatePasswordResponseSchema)

			By("the notification, and the refused requests' mail given twice the time the code mail took (at most AUTOSHARES_NO_MAIL_WAIT)")
			mctx, cancel := context.WithTimeout(ctx, World.Cfg.Flow.MailTimeout)
			_, err := World.Mailbox.WaitForNew(mctx, email, beforeReset, 1, -1)
			cancel()
			mailRead(err)
			WaitFor(ctx, time.Until(refusedAt.Add(noMail)))
			mails, err := World.Mailbox.NewMails(ctx, email, before)
			mailRead(err)
			var preReset, postReset []states.Mail
			for _, m := range mails {
				if beforeReset[m.ID] {
					preReset = append(preReset, m)
				} else {
					postReset = append(postReset, m)
				}
			}

			extra := len(preReset) - due + max(len(postReset)-1, 0)
			Conclude(VerdictOn(catalogue.SecurityResetRefusedRequestMailsNothing, refused[len(refused)-1]).Expect(extra <= 0, kindUnwantedMail,
				"a refused reset request mailed the trader: %s reached it before the reset, where %d was due (the right answer's code mail), and %s after it, where one notification was due",
				plural(len(preReset), "mail"), due, plural(len(postReset), "mail")))

			secrets := []struct{ name, value string }{
				{"the new password", pw}, {"the old password", trader["Password"]}, {"the reset token", token}, {"the secret answer", answerToLookFor(answer)},
			}
			v := VerdictOn(catalogue.SecurityResetNotificationMailed, reset).Expect(len(postReset) > 0, suite.KindNoMail,
				"no notification mail reached the trader within AUTOSHARES_MAIL_TIMEOUT (%s) of the successful reset", World.Cfg.Flow.MailTimeout)
			for _, m := range postReset {
				for _, s := range append(secrets, struct{ name, value string }{"the confirmation code", code}) {
					v.Expect(!mailCarries(m, s.value), kindMailSecret, "the notification carries %s", s.name)
				}
			}
			Conclude(v)

			v = VerdictOn(catalogue.SecurityMailNoSecrets, reset)
			for _, m := range mails {
				what := "a mail of the reset"
				switch {
				case !beforeReset[m.ID]:
					what = "the notification"
				case m.Code == code:
					what = "the code mail"
				}
				for _, s := range secrets {
					v.Expect(!mailCarries(m, s.value), kindMailSecret, "%s carries %s", what, s.name)
				}
			}
			Conclude(v)
		})

	It("mails one trader at most AUTOSHARES_MAX_RESET_MAILS codes, however many requests it gets", Label("brute-force"), LongSpec,
		Checks(catalogue.SecurityResetMailFloodLimited), func(ctx SpecContext) {
			NeedMailbox()
			n := World.Cfg.Security.MaxResetMails
			if n == 0 {
				SkipFor("", "AUTOSHARES_MAX_RESET_MAILS=0: mail flooding is not checked")
			}
			made := GivenMade(ctx, states.NoQuestion)
			if made.Via != suite.ViaStateEndpoint {
				// A configured test trader would keep the flood's pending codes: the target
				// may then mail it nothing more for the rest of the run.
				SkipFor("fresh traders from the provider-state endpoint", "set AUTOSHARES_STATE_URL (flooding a configured test trader would leave it unable to get codes for the rest of the run)")
			}
			email := made.Values["Email"]
			before := mailSnapshot(ctx, email)

			// A 429 is waited out and the request sent again, like any exchange's: a gateway's
			// per-client throttle must not pass for the trader's limit. When the budget cannot
			// cover the waits, the spec is inconclusive (received). All at once, not
			// AUTOSHARES_MAX_IN_FLIGHT at a time: one round trip before the wait for mail.
			reqs := make([]client.Request, n+floodExtra)
			for i := range reqs {
				reqs[i] = client.ResetPassword(made.Values["User"], "")
			}
			sent := time.Now()
			exs := SendAllWithin(ctx, reqs, len(reqs))

			// Mail beyond the limit fails at once; the wait only lets late mail arrive. Once
			// the limit's worth arrived, the rest is given twice the time that took (the
			// requests went together, so a target's extra mail is no later than its
			// allowed mail), at most AUTOSHARES_NO_MAIL_WAIT in all. A deployment that
			// delivers its mail later than that passes unproven (docs/SECURITY.md).
			wctx, cancel := context.WithTimeout(ctx, World.Cfg.Security.NoMailWait)
			defer cancel()
			got, err := World.Mailbox.WaitForNew(wctx, email, before, n, n)
			mailRead(err)
			if got == n {
				gctx, cancel := context.WithTimeout(wctx, noMailWait(time.Since(sent)))
				got, err = World.Mailbox.WaitForNew(gctx, email, before, 0, n)
				cancel()
				mailRead(err)
			}
			Conclude(VerdictOn(catalogue.SecurityResetMailFloodLimited, exs[len(exs)-1]).Expect(got <= n, kindUnwantedMail,
				"%d step 1 requests for one trader mailed it %d times: more than AUTOSHARES_MAX_RESET_MAILS=%d", len(reqs), got, n))
		})
})

// minNoMailWait is the least time mail that must not come is given: a mailbox shows mail
// moments after it was sent, even when the target mails before it answers.
const minNoMailWait = 250 * time.Millisecond

// noMailWait is how long mail that must not come is given to arrive, once the target's own
// mail took took to (from the request that sent it to the mailbox showing it): twice that,
// as the target mails the same way, at least minNoMailWait, at most AUTOSHARES_NO_MAIL_WAIT.
func noMailWait(took time.Duration) time.Duration {
	return min(World.Cfg.Security.NoMailWait, max(2*took, minNoMailWait))
}

// mailSnapshot is the trader's mail so far, what the spec's mail arrives on top of.
func mailSnapshot(ctx context.Context, email string) states.Seen {
	GinkgoHelper()
	seen, err := World.Mailbox.Snapshot(ctx, email)
	mailRead(err)
	return seen
}

// mailRead ends the spec when the mailbox could not be read: no check can be judged.
func mailRead(err error) {
	GinkgoHelper()
	if err != nil {
		why := World.Secrets.String("reading the trader's mailbox: " + err.Error())
		Errored(why, nil)
		Fail(why)
	}
}

// mailCarries reports whether a mail's subject or body holds the secret. Its content is
// never printed: it may hold the very secret looked for.
func mailCarries(m states.Mail, secret string) bool {
	return secret != "" && (strings.Contains(m.Body, secret) || strings.Contains(m.Subject, secret))
}

// answerToLookFor is the secret answer when it is long enough that finding it in a mail
// means it was copied there: a short answer ("blue") may be an ordinary word of a template.
func answerToLookFor(answer string) string {
	if len([]rune(answer)) < 6 {
		return ""
	}
	return answer
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
