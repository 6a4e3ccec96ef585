package passwordreset

import (
	"crypto/rand"
	"fmt"
	. "github.com/autoshares/conformance/internal/framework"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/suite"
)

// The password checks of the security profile (docs/SECURITY.md): OWASP ASVS 5.0 6.2 and
// NIST SP 800-63B-4 3.1.1.2. Many deployments lock an account after a few failed logins,
// so no spec makes more than maxFailedLogins failed logins for one trader, each comes after
// the right password logged in, and a wrong password's refusal counts only once the right
// password still logs in after it: a lock can never pass for a verdict.

const (
	checkLongAccepted   = catalogue.SecurityPasswordLongAccepted
	checkNotTruncated   = catalogue.SecurityPasswordNotTruncated
	checkCaseSensitive  = catalogue.SecurityPasswordCaseSensitive
	checkUnicodeUsable  = catalogue.SecurityPasswordUnicodeUsable
	checkBlocklist      = catalogue.SecurityPasswordBlocklist
	checkNoComposition  = catalogue.SecurityPasswordNoComposition
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
		p += suite.RandomSecret("")
	}
	p = p[:n]
	World.Secrets.Add(p)
	return p
}

// lowerPassword is a fresh secret password of n random lower-case letters.
func lowerPassword(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = 'a' + b[i]%26
	}
	World.Secrets.Add(string(b))
	return string(b)
}

// unicodePassword: accented letters (precomposed, NFC), a CJK character and an emoji, then
// random letters so it is no common password.
func unicodePassword() string {
	p := "Cr\u00e8me-br\u00fbl\u00e9e-\u6771\u4eac-\U0001F511-" + suite.RandomSecret("")[:8]
	World.Secrets.Add(p)
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
		NotChecked(catalogue.SecurityPasswordNotTruncated, "login "+strings.Join(truncated, "; ")+": "+why)
	}
	if len(cased) > 0 {
		NotChecked(catalogue.SecurityPasswordCaseSensitive, "login "+strings.Join(cased, "; ")+": "+why)
	}
}

var _ = Describe("Security: passwords (ASVS 6.2, NIST SP 800-63B-4 3.1.1.2)", Label("security", passwordPolicyLabel, "step4", "login"), func() {

	It("accepts a long password and verifies it exactly: no prefix of it and no other letter case logs in", LongSpec,
		Checks(checkLongAccepted, checkNotTruncated, checkCaseSensitive), func(ctx SpecContext) {
			n := World.Cfg.Security.PasswordMaxLengthRequired
			if n == 0 {
				SkipFor("", "AUTOSHARES_PASSWORD_MAX_LENGTH_REQUIRED=0: long passwords, their exactness and their letter case are not checked")
			}
			// One trader per chunk of at most maxFailedLogins wrong passwords, each trader's own
			// right password proven first and again after them: a refusal counts only when the
			// right password still logs in after it (a lock answers every login, the wrong
			// ones too). With the state endpoint every chunk gets a fresh trader and the
			// chunks go together, one round trip a step for all of them; another source (the
			// mail flow) may hand out the same configured trader again, so its chunks go one
			// after another, and a trader handed out twice (which would then get more than
			// maxFailedLogins failed logins) leaves what is left not checked.
			left, size := exactnessAttempts(n), maxFailedLogins
			used := map[string]bool{}
			for len(left) > 0 {
				var chunks [][]loginAttempt
				for rest := left; len(rest) > 0; rest = rest[min(size, len(rest)):] {
					chunks = append(chunks, rest[:min(size, len(rest))])
				}
				if World.Sources.States == nil {
					chunks = chunks[:1]
				}
				traders := GivenTogether(ctx, states.ValidToken, len(chunks))
				pws := make([]string, len(chunks))
				var sets, logins []client.Request
				for i, trader := range traders {
					if used[strings.ToLower(trader["User"])] && World.Sources.States == nil {
						notCheckedAttempts(left, "the token source hands out the same trader again, which may lock after a few failed logins; set AUTOSHARES_STATE_URL (fresh traders) or add test traders")
						return
					}
					used[strings.ToLower(trader["User"])] = true
					pws[i] = longPassword(n)
					sets = append(sets, updatePassword(trader["Token"], pws[i], pws[i]))
					logins = append(logins, client.Login(trader["User"], pws[i]))
				}
				for _, ex := range SendAll(ctx, sets) {
					ExpectSuccess(ex, checkLongAccepted, updatePasswordResponseSchema)
				}
				for _, ex := range SendAll(ctx, logins) {
					v := VerdictOn(checkLongAccepted, ex)
					World.Secrets.Add(World.Rules.Login(v, 200, "Succeeded", fmt.Sprintf("should succeed with the %d-character password step 4 accepted", n)))
					Conclude(v)
				}
				held := wrongLogins(ctx, n, traders, pws, chunks)
				var again []int // the chunks with refusals to prove
				for i := range chunks {
					if len(held[i]) > 0 {
						again = append(again, i)
					}
				}
				// Only the right password logging in now shows that no lock answered the wrong ones.
				var rights []client.Request
				for _, i := range again {
					rights = append(rights, client.Login(traders[i]["User"], pws[i]))
				}
				var next []loginAttempt
				for k, ex := range SendAll(ctx, rights) {
					i := again[k]
					v := VerdictOn(checkLongAccepted, ex)
					World.Secrets.Add(World.Rules.Login(v, 200, "Succeeded", fmt.Sprintf("should succeed with the %d-character password just set, after %d wrong ones", n, len(chunks[i]))))
					if v.OK() {
						Conclude(v)
						for _, h := range held[i] {
							Conclude(h.v)
						}
						continue
					}
					// Locked (ASVS 6.3.1 allows it): the refusals prove nothing. Again, on fresh
					// traders, with fewer wrong logins each, down to one.
					var unproven []loginAttempt
					for _, h := range held[i] {
						unproven = append(unproven, h.attempt)
					}
					if len(chunks[i]) == 1 {
						notCheckedAttempts(unproven, fmt.Sprintf("the right password no longer logged in after one wrong one (status %d): the target locks the account at the first failed login, and a refusal by a lock proves nothing", ex.Status))
						continue
					}
					By(fmt.Sprintf("the right password no longer logged in after %d wrong ones (status %d): a lock; the refused ones again, at most %d per trader", len(chunks[i]), ex.Status, len(chunks[i])-1))
					size = min(size, len(chunks[i])-1)
					next = append(next, unproven...)
				}
				tried := 0
				for _, c := range chunks {
					tried += len(c)
				}
				left = append(next, left[tried:]...)
			}
		})

	It("lets a non-ASCII password log in with exactly its characters, or refuses it at step 4 and changes nothing",
		Checks(checkUnicodeUsable), func(ctx SpecContext) {
			trader := Given(ctx, states.ValidToken)
			pw := unicodePassword()
			ex := Send(ctx, updatePassword(trader["Token"], pw, pw))
			if !succeeded(ex) {
				// Refusing is allowed: login carries the password in a header.
				expectRefusedAnyShape(ex, checkUnicodeUsable)
				ExpectPasswordUnchanged(ctx, checkUnicodeUsable, trader["User"], trader["Password"], "")
				NotChecked(catalogue.SecurityPasswordUnicodeUsable, "the target refuses non-ASCII passwords at step 4 (allowed); nothing changed")
				return
			}
			ExpectSuccess(ex, checkUnicodeUsable, updatePasswordResponseSchema)
			ExpectLoginSucceeds(ctx, checkUnicodeUsable, trader["User"], pw, "with exactly the non-ASCII password step 4 accepted, sent as UTF-8")
		})

	It("refuses common passwords as a client error and changes nothing, each with a token proven valid",
		Checks(checkBlocklist), func(ctx SpecContext) {
			if !World.Cfg.Security.CheckBlocklist {
				SkipFor("", "AUTOSHARES_CHECK_BLOCKLIST=false: the blocklist is not checked")
			}
			list := World.Cfg.Security.Blocklist
			for _, p := range list {
				World.Secrets.Add(p) // public words, but a password on the wire: never in the output
			}
			// Every entry at once with one token; a refusal counts only once the token is shown
			// to have been valid when the target judged it.
			trader := Given(ctx, states.ValidToken)
			held := blocklistRefusals(ctx, list, func(int) string { return trader["Token"] })
			ExpectPasswordUnchanged(ctx, checkBlocklist, trader["User"], trader["Password"], list[0])
			if len(held) == 0 {
				return
			}
			// A token never comes back: the same token still setting a good password proves it
			// valid throughout.
			pw := NewPassword()
			proof := Send(ctx, updatePassword(trader["Token"], pw, pw))
			if succeeded(proof) {
				v := VerdictOn(checkBlocklist, proof)
				World.Rules.Success(v, updatePasswordResponseSchema)
				if Conclude(v) {
					for _, h := range held {
						Conclude(h.v)
					}
					return
				}
			}
			// The target ended the token on a refusal (the docs are silent; allowed): each
			// entry again with a token of its own, its first use, on a fresh trader.
			By(fmt.Sprintf("the token no longer set a good password after the refusals (status %d): each entry again with a fresh token", proof.Status))
			var again []string
			for _, h := range held {
				again = append(again, list[h.entry])
			}
			traders := make([]states.Values, len(again))
			for i := range traders {
				traders[i] = Given(ctx, states.ValidToken)
			}
			// A fresh token refused as the target refuses a token it never issued proves
			// nothing about the password: such an entry is not checked.
			unknownToken, good := randomGUID(), NewPassword()
			unknown := Send(ctx, updatePassword(unknownToken, good, good))
			var unproven []string
			for _, h := range blocklistRefusals(ctx, again, func(i int) string { return traders[i]["Token"] }) {
				if sameRefusal(h.v.Exchange, traders[h.entry]["Token"], unknown, unknownToken) {
					unproven = append(unproven, fmt.Sprintf("entry %d", slices.Index(list, again[h.entry])+1))
					continue
				}
				Conclude(h.v)
			}
			logins := make([]Login, 0, 2*len(again))
			for i, t := range traders {
				logins = append(logins, LoginSucceeds(checkBlocklist, t["User"], t["Password"], "with the old password: a rejected request must change nothing"),
					LoginFails(checkBlocklist, t["User"], again[i], "with the password of the rejected request: a rejected request must change nothing"))
			}
			ExpectLogins(ctx, logins...)
			if len(unproven) > 0 {
				NotChecked(checkBlocklist, fmt.Sprintf("AUTOSHARES_BLOCKLIST %s: refused with a fresh token exactly as a token the target never issued (status %d), and the target ends a token on a refusal, so nothing shows the password was judged", strings.Join(unproven, ", "), unknown.Status))
			}
		})

	It("accepts a long random password of lower-case letters only: no composition rules",
		Checks(checkNoComposition), func(ctx SpecContext) {
			trader := Given(ctx, states.ValidToken)
			pw := lowerPassword(max(24, World.Cfg.Negative.MinPasswordLength))
			ExpectSuccess(Send(ctx, updatePassword(trader["Token"], pw, pw)), checkNoComposition, updatePasswordResponseSchema)
			ExpectLoginSucceeds(ctx, checkNoComposition, trader["User"], pw, "with the lower-case password step 4 accepted")
		})
})

// heldVerdict is a passing verdict not recorded yet: what makes it proof comes after it.
type heldVerdict struct {
	v       *suite.Verdict
	attempt loginAttempt
	entry   int
}

// wrongLogins sends every chunk's wrong passwords, each chunk for its own trader, together
// and judges each "not logged in" (the exact refusal is the login checks' business; a lock
// may answer 423, 403, another State). A wrong password that logged in fails its check at
// once; the refusals are returned per chunk, held until the right password is shown to log
// in after them.
func wrongLogins(ctx SpecContext, n int, traders []states.Values, pws []string, chunks [][]loginAttempt) [][]heldVerdict {
	GinkgoHelper()
	var reqs []client.Request
	var of [][2]int // reqs[k] is chunks[of[k][0]][of[k][1]]
	for i, chunk := range chunks {
		for j, a := range chunk {
			wrong := a.wrong(pws[i])
			World.Secrets.Add(wrong)
			reqs = append(reqs, client.Login(traders[i]["User"], wrong))
			of = append(of, [2]int{i, j})
		}
	}
	held := make([][]heldVerdict, len(chunks))
	for k, ex := range SendAll(ctx, reqs) {
		i, j := of[k][0], of[k][1]
		v := VerdictOn(chunks[i][j].check, ex)
		World.Secrets.Add(World.Rules.NotLoggedIn(v, fmt.Sprintf("should fail with the %d-character password just set, %s: a password is verified exactly as set", n, chunks[i][j].what)))
		if !v.OK() {
			Conclude(v)
			continue
		}
		held[i] = append(held[i], heldVerdict{v: v, attempt: chunks[i][j]})
	}
	return held
}

// blocklistRefusals sends each common password of list with token(i), together, and judges
// each refused in the error envelope. A wrong answer fails the check at once (an accepted
// common password needs no further proof); the refusals are returned, held until the token
// is shown to have been valid.
func blocklistRefusals(ctx SpecContext, list []string, token func(i int) string) []heldVerdict {
	GinkgoHelper()
	reqs := make([]client.Request, len(list))
	for i, p := range list {
		reqs[i] = updatePassword(token(i), p, p)
	}
	var held []heldVerdict
	for i, ex := range SendAll(ctx, reqs) {
		v := VerdictOn(checkBlocklist, ex)
		World.Rules.Failure(v, updatePasswordResponseSchema, anyFailure)
		if !v.OK() {
			Conclude(v)
			continue
		}
		held = append(held, heldVerdict{v: v, entry: i})
	}
	return held
}
