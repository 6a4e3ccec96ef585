package passwordreset

import (
	"crypto/rand"
	"fmt"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/harness"
	"github.com/autoshares/conformance/internal/sources"
	"github.com/autoshares/conformance/internal/states"
)

// The password checks of the security profile (docs/SECURITY.md): OWASP ASVS 5.0 6.2 and
// NIST SP 800-63B-4 3.1.1.2. Many deployments lock an account after a few failed logins,
// so no spec makes more than maxFailedLogins failed logins for one trader, and each comes
// after the right password logged in: a lock can never pass for a verdict.

const (
	checkLongAccepted   = "security.password.long-accepted"
	checkNotTruncated   = "security.password.not-truncated"
	checkCaseSensitive  = "security.password.case-sensitive"
	checkUnicodeUsable  = "security.password.unicode-usable"
	checkBlocklist      = "security.password.blocklist"
	checkNoComposition  = "security.password.no-composition"
	maxFailedLogins     = 3
	passwordPolicyLabel = "password-policy"
)

// truncationLengths are where real systems cut passwords: bcrypt's 72 bytes, old 16-,
// 20-, 32-, 50- and 64-character columns.
var truncationLengths = []int{16, 20, 32, 50, 64, 72}

// longPassword is a fresh secret password of n characters (n >= 8): every character class
// first, so a composition rule never refuses it, then random letters and digits.
func longPassword(n int) string {
	p := "Aa1!"
	for len(p) < n {
		p += harness.RandomSecret("")
	}
	p = p[:n]
	suite.Secrets.Add(p)
	return p
}

// lowerPassword is a fresh secret password of n random lower-case letters.
func lowerPassword(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = 'a' + b[i]%26
	}
	suite.Secrets.Add(string(b))
	return string(b)
}

// unicodePassword: accented letters (precomposed, NFC), a CJK character and an emoji, then
// random letters so it is no common password.
func unicodePassword() string {
	p := "Cr\u00e8me-br\u00fbl\u00e9e-\u6771\u4eac-\U0001F511-" + harness.RandomSecret("")[:8]
	suite.Secrets.Add(p)
	return p
}

// loginAttempt is a wrong password to try, for a check, derived from the password just set.
type loginAttempt struct {
	check, what string
	wrong       func(pw string) string
}

// exactnessAttempts: one character short first, then the usual truncation lengths below
// it, with the letter case swapped third, so the first trader sees the likeliest faults.
func exactnessAttempts(n int) []loginAttempt {
	prefix := func(k int) loginAttempt {
		return loginAttempt{checkNotTruncated, fmt.Sprintf("with its first %d characters only", k), func(pw string) string { return pw[:k] }}
	}
	out := []loginAttempt{prefix(n - 1)}
	lengths := slices.DeleteFunc(slices.Clone(truncationLengths), func(k int) bool { return k >= n-1 })
	if slices.Contains(lengths, 32) { // the commonest cut next
		out = append(out, prefix(32))
		lengths = slices.DeleteFunc(lengths, func(k int) bool { return k == 32 })
	}
	out = append(out, loginAttempt{checkCaseSensitive, "with every letter's case swapped", swapCase})
	for _, k := range lengths {
		out = append(out, prefix(k))
	}
	return out
}

// notCheckedAttempts notes the wrong passwords a spec could not try, per check.
func notCheckedAttempts(left []loginAttempt, why string) {
	var truncated, cased []string
	for _, a := range left {
		if a.check == checkCaseSensitive {
			cased = append(cased, a.what)
		} else {
			truncated = append(truncated, a.what)
		}
	}
	if len(truncated) > 0 {
		notChecked("security.password.not-truncated", "login "+strings.Join(truncated, "; ")+": "+why)
	}
	if len(cased) > 0 {
		notChecked("security.password.case-sensitive", "login "+strings.Join(cased, "; ")+": "+why)
	}
}

var _ = Describe("Security: passwords (ASVS 6.2, NIST SP 800-63B-4 3.1.1.2)", Label("security", passwordPolicyLabel, "step4", "login"), func() {

	It("accepts a long password and verifies it exactly: no prefix of it and no other letter case logs in", longSpec,
		Checks(checkLongAccepted, checkNotTruncated, checkCaseSensitive), func(ctx SpecContext) {
			n := suite.Cfg.Security.PasswordMaxLengthRequired
			if n == 0 {
				Skip("AUTOSHARES_PASSWORD_MAX_LENGTH_REQUIRED=0: long passwords, their exactness and their letter case are not checked")
			}
			attempts := exactnessAttempts(n)
			// One trader per maxFailedLogins wrong passwords, each trader's own right password
			// proven first. The state endpoint makes a fresh trader each time; another source
			// (the mail flow) may hand out the same configured trader again, which would then
			// get more than maxFailedLogins failed logins: what is left is not checked.
			used := map[string]bool{}
			for i := 0; i < len(attempts); i += maxFailedLogins {
				chunk := attempts[i:min(i+maxFailedLogins, len(attempts))]
				made := givenMade(ctx, states.ValidToken)
				trader := made.Values
				if used[strings.ToLower(trader["User"])] && made.Via != sources.ViaStateEndpoint {
					notCheckedAttempts(attempts[i:], "the token source hands out the same trader again, which may lock after a few failed logins; set AUTOSHARES_STATE_URL (fresh traders) or add test traders")
					return
				}
				used[strings.ToLower(trader["User"])] = true
				pw := longPassword(n)
				expectSuccess(send(ctx, updatePassword(trader["Token"], pw, pw)), checkLongAccepted, updatePasswordResponseSchema)
				expectLoginSucceeds(ctx, checkLongAccepted, trader["User"], pw, fmt.Sprintf("with the %d-character password step 4 accepted", n))
				// The wrong passwords are independent logins: they go together.
				reqs := make([]apiclient.Request, len(chunk))
				for i, a := range chunk {
					wrong := a.wrong(pw)
					suite.Secrets.Add(wrong)
					reqs[i] = apiclient.Login(trader["User"], wrong)
				}
				// Not logged in is the verdict: the third failure may already be answered as a
				// lock (423, 403, another State); the exact refusal is the login checks' business.
				for i, ex := range sendAll(ctx, reqs) {
					v := verdictOn(chunk[i].check, ex)
					suite.Secrets.Add(suite.Rules.NotLoggedIn(v, fmt.Sprintf("should fail with the %d-character password just set, %s: a password is verified exactly as set", n, chunk[i].what)))
					done(v)
				}
			}
		})

	It("lets a non-ASCII password log in with exactly its characters, or refuses it at step 4 and changes nothing",
		Checks(checkUnicodeUsable), func(ctx SpecContext) {
			trader := given(ctx, states.ValidToken)
			pw := unicodePassword()
			ex := send(ctx, updatePassword(trader["Token"], pw, pw))
			if !succeeded(ex) {
				// Refusing is allowed: login carries the password in a header.
				expectRefusedAnyShape(ex, checkUnicodeUsable)
				expectPasswordUnchanged(ctx, checkUnicodeUsable, trader["User"], trader["Password"], "")
				notChecked("security.password.unicode-usable", "the target refuses non-ASCII passwords at step 4 (allowed); nothing changed")
				return
			}
			expectSuccess(ex, checkUnicodeUsable, updatePasswordResponseSchema)
			expectLoginSucceeds(ctx, checkUnicodeUsable, trader["User"], pw, "with exactly the non-ASCII password step 4 accepted, sent as UTF-8")
		})

	It("refuses common passwords as a client error and changes nothing",
		Checks(checkBlocklist), func(ctx SpecContext) {
			if !suite.Cfg.Security.CheckBlocklist {
				Skip("AUTOSHARES_CHECK_BLOCKLIST=false: the blocklist is not checked")
			}
			trader := given(ctx, states.ValidToken)
			list := suite.Cfg.Security.Blocklist
			reqs := make([]apiclient.Request, len(list))
			for i, p := range list {
				suite.Secrets.Add(p) // public words, but a password on the wire: never in the output
				reqs[i] = updatePassword(trader["Token"], p, p)
			}
			for _, ex := range sendAll(ctx, reqs) {
				expectRejected(ex, checkBlocklist)
			}
			expectPasswordUnchanged(ctx, checkBlocklist, trader["User"], trader["Password"], list[0])
		})

	It("accepts a long random password of lower-case letters only: no composition rules",
		Checks(checkNoComposition), func(ctx SpecContext) {
			trader := given(ctx, states.ValidToken)
			pw := lowerPassword(max(24, suite.Cfg.Negative.MinPasswordLength))
			expectSuccess(send(ctx, updatePassword(trader["Token"], pw, pw)), checkNoComposition, updatePasswordResponseSchema)
			expectLoginSucceeds(ctx, checkNoComposition, trader["User"], pw, "with the lower-case password step 4 accepted")
		})
})
