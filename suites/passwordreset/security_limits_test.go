package passwordreset

// Issue 21's limits: guessing step 3's code, failed logins of one account (under any
// spelling of its login), what a reset leaves of the trader's other grants, how many bits
// a code carries, and step 1's response times (a finding).

import (
	"context"
	"encoding/json"
	"fmt"
	. "github.com/autoshares/conformance/internal/framework"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/suite"
)

var _ = Describe("Security: guessing step 3's code (ASVS 6.6.3, NIST SP 800-63B-4 4.2.1.2)", Label("security", "brute-force", "codes", "step3", "reset-code"), func() {

	// RunsAlone: step 3 takes a code alone, so a target may count each wrong code against
	// every pending code (the reference provider does) and void them all, or hold the
	// client's step 3 for a while: no other spec may hold a pending code meanwhile, or
	// send step 3 after. Handed out last, the spec waits until every other is done.
	It("refuses a pending code after too many wrong codes", RunsAlone, Checks(catalogue.SecurityCodeGuessingLimited), func(ctx SpecContext) {
		n := World.Cfg.Security.MaxFailedCodes
		if n == 0 {
			NotChecked(catalogue.SecurityCodeGuessingLimited, "AUTOSHARES_MAX_FAILED_CODES=0: guessing step 3's code is not checked")
			return
		}
		// The documented step 3 request carries the code and nothing naming its trader.
		sawFinding(catalogue.FindingCodeBoundToNoUser)
		WaitUntilAlone(ctx)
		// A code made ahead may have met other specs' wrong codes already: that only makes
		// it fall sooner, never lets a target without a limit pass.
		code := Given(ctx, states.PendingCode)["Code"]
		wrong := make([]client.Request, n)
		for i := range wrong {
			wrong[i] = resetCode(wrongCode(code))
		}
		// Each wrong code must be refused; a 429 is waited out and the code resent (a
		// gateway's 429 did not reach the target's count). The spec runs while every other
		// process is idle, so it may have the whole run's in-flight bound.
		for i, ex := range SendAllWithin(ctx, wrong, World.Cfg.MaxInFlight*ParallelTotal()) {
			Conclude(World.Rules.Refusal(VerdictOn(catalogue.SecurityCodeGuessingLimited, ex), fmt.Sprintf("wrong code %d of %d", i+1, n)))
		}
		DropCodesMadeAhead()
		// A 429 on the right code is waited out (within the budget) and the code sent again:
		// a throttle that only delays the guesses limits nothing. Still throttled when the
		// budget is spent, the exchange ends the spec inconclusive.
		ex := Send(ctx, resetCode(code))
		if succeeded(ex) {
			var token string
			_ = json.Unmarshal(ex.ResponseBody, &struct{ Model *string }{&token})
			World.Secrets.Add(token)
		}
		Conclude(World.Rules.Refusal(VerdictOn(catalogue.SecurityCodeGuessingLimited, ex),
			fmt.Sprintf("the pending code after %d wrong codes of its length (AUTOSHARES_MAX_FAILED_CODES=%d): guessing must be stopped by then", n, n)))
	})
})

// wrongCode is a random code of code's form (as many digits, or characters) other than code.
func wrongCode(code string) string {
	for {
		var b strings.Builder
		r := suite.RandomSecret("")
		for i, c := range code {
			x := r[i%len(r)]
			if unicode.IsDigit(c) {
				b.WriteByte('0' + x%10)
			} else {
				b.WriteByte('A' + x%26)
			}
			if i%len(r) == len(r)-1 {
				r = suite.RandomSecret("")
			}
		}
		if w := b.String(); w != code {
			return w
		}
	}
}

var _ = Describe("Security: failed logins of one account (ASVS 6.3.1, 6.3.4, NIST SP 800-63B-4 3.2.2)", Label("security", "brute-force", "login", "locks-accounts"), func() {

	It("refuses the right password after too many failed logins", LongSpec, Checks(catalogue.SecurityLoginAttemptsLimited), func(ctx SpecContext) {
		trader, ok := lockableTrader(ctx, catalogue.SecurityLoginAttemptsLimited)
		if !ok {
			return
		}
		user := trader["User"]
		limitLogins(ctx, catalogue.SecurityLoginAttemptsLimited, trader, func(int) string { return user }, "")
	})

	It("counts failed logins under every spelling of a login the target accepts", LongSpec, Checks(catalogue.SecurityLoginLimitPerSpelling), func(ctx SpecContext) {
		trader, ok := lockableTrader(ctx, catalogue.SecurityLoginLimitPerSpelling)
		if !ok {
			return
		}
		user := trader["User"]
		spellings := caseSpellings(user, World.Cfg.Security.MaxFailedLogins+1)
		if len(spellings) < World.Cfg.Security.MaxFailedLogins+1 {
			NotChecked(catalogue.SecurityLoginLimitPerSpelling, fmt.Sprintf("the trader's login has too few letters for %d spellings of its own", World.Cfg.Security.MaxFailedLogins+1))
			return
		}
		// Another spelling with the right password: is it the same account to the target?
		ex := Send(ctx, client.Login(spellings[0], trader["Password"]))
		token := loginToken(ex)
		if ex.Status/100 != 2 || token == "" {
			NotChecked(catalogue.SecurityLoginLimitPerSpelling, "login is case-sensitive: the trader's login with its letter case changed is not the same account (refused with the right password), so there is no other spelling to count under")
			return
		}
		// Each failed login under a spelling of its own: a count kept per spelling never
		// reaches its limit; the right password goes under the login as it was made.
		limitLogins(ctx, catalogue.SecurityLoginLimitPerSpelling, trader, func(i int) string { return spellings[1+i] }, " each under another spelling of the login")
	})
})

// lockableTrader is a fresh trader of the spec's own, made by the state endpoint: locking a
// configured test trader would fail the rest of the run (the suite promises every other
// trader at most 3 failed logins).
func lockableTrader(ctx context.Context, check string) (states.Values, bool) {
	GinkgoHelper()
	if World.Cfg.Security.MaxFailedLogins == 0 {
		NotChecked(check, "AUTOSHARES_MAX_FAILED_LOGINS=0: failed logins are not checked")
		return nil, false
	}
	made := GivenMade(ctx, states.NoQuestion)
	if made.Via != suite.ViaStateEndpoint {
		NotChecked(check, "needs a fresh trader from the provider-state endpoint (set AUTOSHARES_STATE_URL): locking a configured test trader would lock it for the rest of the run")
		return nil, false
	}
	return made.Values, true
}

// limitLogins sends up to AUTOSHARES_MAX_FAILED_LOGINS failed logins for trader (login i
// under spelling(i)), AUTOSHARES_MAX_IN_FLIGHT at a time, then the right password, which
// must be refused. As the secret-answer check does, it tries the right password early once
// failed logins start to be refused in another way (a lock, a 429); accepted early, the
// count restarted and every failed login follows. A 429 on the right password is waited
// out and the login sent again: a throttle that only delays guessing limits nothing.
func limitLogins(ctx context.Context, check string, trader states.Values, spelling func(int) string, how string) {
	GinkgoHelper()
	n := World.Cfg.Security.MaxFailedLogins
	right := func(sent int) *suite.Verdict {
		ex := Send(ctx, client.Login(trader["User"], trader["Password"]))
		why := fmt.Sprintf("with the right password after %d failed logins%s (AUTOSHARES_MAX_FAILED_LOGINS=%d): guessing must be stopped by then", sent, how, n)
		v := VerdictOn(check, ex)
		World.Secrets.Add(World.Rules.NotLoggedIn(v, why))
		return v
	}
	sent, early := failLogins(ctx, check, spelling, n, true)
	if early {
		// Refused: the limit is proven with fewer guesses. Accepted: the refusals changed
		// for another reason, and that login restarted the target's count.
		if v := right(sent); v.OK() {
			Conclude(v)
			return
		}
		By(fmt.Sprintf("the right password after %d failed logins was accepted: the refusals changed for another reason; sending all %d", sent, n))
		failLogins(ctx, check, spelling, n, false)
	}
	Conclude(right(n))
}

// failLogins sends up to n logins with wrong passwords, each refused. With early, each is
// sent once (a 429 is an answer) and it stops after the first batch whose refusals read
// otherwise than the first's; without, a 429 is waited out and the login resent.
func failLogins(ctx context.Context, check string, spelling func(int) string, n int, early bool) (int, bool) {
	GinkgoHelper()
	return wrongAttempts(ctx, n, early, loginRefusalKind, func(i int) client.Request {
		wrong := suite.RandomSecret("wrong-")
		World.Secrets.Add(wrong)
		return client.Login(spelling(i), wrong)
	}, func(i int, ex *client.Exchange) {
		v := VerdictOn(check, ex)
		World.Secrets.Add(World.Rules.NotLoggedIn(v, fmt.Sprintf("with wrong password %d of %d", i+1, n)))
		Conclude(v)
	})
}

// loginRefusalKind is how a refused login reads: its status, State and Reason.
func loginRefusalKind(ex *client.Exchange) string {
	var b struct{ State, Reason string }
	_ = json.Unmarshal(ex.ResponseBody, &b)
	return fmt.Sprintf("%d %s %s", ex.Status, b.State, b.Reason)
}

// loginToken is the token a login answered, if any.
func loginToken(ex *client.Exchange) string {
	var b struct{ Token string }
	_ = json.Unmarshal(ex.ResponseBody, &b)
	return b.Token
}

// caseSpellings are up to n spellings of login, each with the case of its letters changed
// in another way (the all-swapped one first), none the login itself.
func caseSpellings(login string, n int) []string {
	var letters []int
	for i, c := range login {
		if unicode.IsLetter(c) && unicode.ToUpper(c) != unicode.ToLower(c) && c < unicode.MaxASCII {
			letters = append(letters, i)
		}
	}
	if len(letters) > 20 {
		letters = letters[:20]
	}
	total := 1<<len(letters) - 1 // every non-empty set of letters to swap
	var out []string
	for m := total; m > 0 && len(out) < n; m-- {
		b := []byte(login)
		for k, at := range letters {
			if m&(1<<k) != 0 {
				b[at] = byte(swapCase(string(b[at]))[0])
			}
		}
		out = append(out, string(b))
	}
	return out
}

var _ = Describe("Security: a reset voids the trader's other grants (ASVS 6.6.2)", Label("security", "step3", "step4", "reset-code", "update-password", "mail"), func() {

	// The codes come by mail: the mail checks are declared, and judged, where they are met.
	It("refuses the trader's other code and token after a successful reset", LongSpec, Checks(catalogue.SecurityResetOldCodesVoid, catalogue.Step1NoQuestionAccepted, catalogue.Step1CodeMailed), func(ctx SpecContext) {
		NeedMailbox()
		const check = catalogue.SecurityResetOldCodesVoid
		trader := Given(ctx, states.PendingCode)
		// Three grants of one trader, all issued before the reset: a token (from the
		// state's code), a second token, which makes the reset, and a code still pending.
		older := expectToken(Send(ctx, resetCode(trader["Code"])), check)
		mailed := func() string {
			since := time.Now()
			// The state's trader need not be one without a secret question: refused, its
			// question is unknown here, and the check cannot go on.
			ex := Send(ctx, client.ResetPassword(trader["User"], ""))
			Need(succeeded(ex), "step 1 without an answer, for the pending-code state's trader, was refused (it may have a secret question)")
			expectStep1Success(ex, catalogue.Step1NoQuestionAccepted)
			return waitForCode(ctx, catalogue.Step1CodeMailed, trader["Email"], since)
		}
		resetter := expectToken(Send(ctx, resetCode(mailed())), check)
		pending := mailed()
		password := NewPassword()
		ExpectSuccess(Send(ctx, client.UpdatePassword(resetter, password, password)), check, updatePasswordResponseSchema)

		other := NewPassword()
		exs := SendAll(ctx, []client.Request{client.UpdatePassword(older, other, other), resetCode(pending)})
		Conclude(World.Rules.Refusal(VerdictOn(check, exs[0]), "step 4 with the trader's older token, after a successful reset"))
		if succeeded(exs[1]) {
			var token string
			_ = json.Unmarshal(exs[1].ResponseBody, &struct{ Model *string }{&token})
			World.Secrets.Add(token)
		}
		Conclude(World.Rules.Refusal(VerdictOn(check, exs[1]), "step 3 with the trader's code mailed before it, after a successful reset"))
	})
})

var _ = Describe("Security: how many bits a code carries (ASVS 6.5.4, NIST SP 800-63B-4 4.2.1.2)", Label("security", "codes", "step3", "reset-code"), func() {

	It("issues confirmation codes of at least 20 bits", Checks(catalogue.SecurityCodeLength), func(ctx SpecContext) {
		digits := World.Cfg.Security.MinCodeDigits
		if digits == 0 {
			NotChecked(catalogue.SecurityCodeLength, "AUTOSHARES_MIN_CODE_DIGITS=0: the codes' length is not checked")
			return
		}
		v := VerdictOn(catalogue.SecurityCodeLength, nil)
		for i := range 2 {
			code := Given(ctx, states.PendingCode)["Code"]
			bits, alphabet := codeBits(code)
			// A numeric code by its digits (no rounding at the boundary); another by its bits.
			ok := alphabet == 10 && len(code) >= digits || alphabet != 10 && bits >= float64(digits)*math.Log2(10)
			v.Expect(ok, suite.KindCodeLength, "code %d: %d characters of an alphabet of %d carry %.1f bits, expected at least %d digits' worth (%.1f bits; AUTOSHARES_MIN_CODE_DIGITS=%d)",
				i+1, len(code), alphabet, bits, digits, float64(digits)*math.Log2(10), digits)
		}
		Conclude(v)
	})
})

var _ = Describe("Security: how long a code lives (ASVS 6.5.5, NIST SP 800-63B-4 4.2.1.2)", Label("security", "codes", "step3", "reset-code"), func() {

	It("refuses a code issued longer ago than the longest code lifetime", Checks(catalogue.SecurityCodeLifetimeBounded), func(ctx SpecContext) {
		const check = catalogue.SecurityCodeLifetimeBounded
		lifetime := World.Cfg.Security.MaxCodeLifetime
		if lifetime == 0 {
			NotChecked(check, "AUTOSHARES_MAX_CODE_LIFETIME=0: the codes' lifetime is not checked")
			return
		}
		if World.Sources.States == nil {
			NotChecked(check, "needs the provider-state endpoint (AUTOSHARES_STATE_URL) to make a code issued long ago; waiting out the lifetime is not done")
			return
		}
		// 5 seconds past the lifetime: a deployment may round its expiry to the second.
		ago := int64((lifetime + 5*time.Second) / time.Second)
		NoteState(states.PendingCode)
		trader, err := World.Sources.States.Setup(ctx, states.PendingCode, map[string]any{states.ParamCodeIssuedSecondsAgo: ago})
		if err != nil {
			msg := World.Secrets.String(err.Error())
			Errored("the provider state "+states.PendingCode+" could not be set up: "+msg, nil)
			Fail(msg)
		}
		DeferCleanup(func(ctx SpecContext) error {
			return World.Sources.States.Teardown(ctx, states.PendingCode, map[string]any{"User": trader["User"]})
		})
		if trader[states.ParamCodeIssuedSecondsAgo] != fmt.Sprint(ago) {
			NotChecked(check, "the state endpoint does not confirm the pending-code param "+states.ParamCodeIssuedSecondsAgo+" (fixtures/provider-states.json): it cannot make a code issued long ago")
			return
		}
		ex := Send(ctx, resetCode(trader["Code"]))
		if succeeded(ex) {
			var token string
			_ = json.Unmarshal(ex.ResponseBody, &struct{ Model *string }{&token})
			World.Secrets.Add(token)
		}
		Conclude(World.Rules.Refusal(VerdictOn(check, ex),
			fmt.Sprintf("a code issued %d s ago (AUTOSHARES_MAX_CODE_LIFETIME=%v): it must have expired", ago, lifetime)))
	})
})

// codeBits is how many bits a code of random characters of its alphabet carries, and the
// alphabet's size: digits (10), letters of one case (26), both (36), letters of both
// cases (52), with digits (62); anything else counts as 94 (printable ASCII).
func codeBits(code string) (float64, int) {
	var digit, lower, upper, other bool
	for _, c := range code {
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= 'A' && c <= 'Z':
			upper = true
		default:
			other = true
		}
	}
	size := 0
	switch {
	case other:
		size = 94
	default:
		if digit {
			size += 10
		}
		if lower {
			size += 26
		}
		if upper {
			size += 26
		}
	}
	if size == 0 {
		return 0, 0
	}
	return float64(len([]rune(code))) * math.Log2(float64(size)), size
}

var _ = Describe("Security: step 1's response times (ASVS 6.3.8)", Label("security", "step1", "reset-request", "timing"), func() {

	It("reports step 1's response times for a known and an unknown user", Label("secret-question"),
		Checks(catalogue.Step1WrongAnswerRefused, catalogue.Step1UnknownUserRefused), func(ctx SpecContext) {
			n := World.Cfg.Security.TimingSamples
			if n == 0 {
				SkipFor("", "AUTOSHARES_TIMING_SAMPLES=0: response times are not measured")
			}
			known := Given(ctx, states.WithQuestion)["User"]
			unknown := GivenMade(ctx, states.NoSuchUser).Values["User"]
			// Pairs, the known and the unknown user side by side (the order swapped every
			// pair), AUTOSHARES_MAX_IN_FLIGHT requests at a time: both meet the same network
			// and load. The known user's answer is wrong, a failed challenge as the unknown
			// user's is, and mails nothing; fewer than a lockout's worth by default.
			reqs := make([]client.Request, 0, 2*n)
			for i := range n {
				wrong := suite.RandomSecret("wrong-")
				World.Secrets.Add(wrong)
				pair := []client.Request{client.ResetPassword(known, wrong), client.ResetPassword(unknown, wrong)}
				if i%2 == 1 {
					pair[0], pair[1] = pair[1], pair[0]
				}
				reqs = append(reqs, pair...)
			}
			var tk, tu []time.Duration
			for i, ex := range SendAll(ctx, reqs) {
				isKnown := (i%2 == 0) == (i/2%2 == 0)
				if isKnown {
					ExpectFailure(ex, catalogue.Step1WrongAnswerRefused, resetPasswordResponseSchema, config.CaseWrongAnswer)
				} else {
					ExpectFailure(ex, catalogue.Step1UnknownUserRefused, resetPasswordResponseSchema, config.CaseUnknownUser)
				}
				if ex.RateLimitWaits > 0 {
					continue // a throttled exchange's time is the wait's, not the target's
				}
				if isKnown {
					tk = append(tk, ex.Duration)
				} else {
					tu = append(tu, ex.Duration)
				}
			}
			stats := timingStats(tk, tu)
			RecordOutcome(outcome.Record{Finding: catalogue.FindingLoginTiming, State: outcome.Passed, Reason: stats})
		})
})

// timingStats describes two samples of response times: medians, interquartile ranges, and
// how many of each.
func timingStats(known, unknown []time.Duration) string {
	if len(known) == 0 || len(unknown) == 0 {
		return "no sample: every exchange of a user was throttled"
	}
	mk, qk := medianIQR(known)
	mu, qu := medianIQR(unknown)
	return fmt.Sprintf("step 1 for a known user (wrong answer): median %v, interquartile range %v; for an unknown user: median %v, interquartile range %v; %d and %d samples, interleaved in pairs; difference of medians %v",
		mk, qk, mu, qu, len(known), len(unknown), (mk - mu).Abs())
}

func medianIQR(d []time.Duration) (time.Duration, time.Duration) {
	s := slices.Clone(d)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[int(q*float64(len(s)-1)+0.5)] }
	return at(0.5), at(0.75) - at(0.25)
}
