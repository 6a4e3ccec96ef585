package passwordreset

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	. "github.com/autoshares/conformance/internal/framework"
	"math/big"
	"net/http"
	"strings"
	"unicode/utf8"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/states"
)

// What step 4 does with a new password and around it (docs/SECURITY.md): context-specific
// words (ASVS 6.2.11), length in code points (NIST SP 800-63B-4 3.1.1.2), a repeated
// Password property (ASVS 1.5.3, 15.3.7), no login by the reset (Forgot Password Cheat
// Sheet), and the NIST single-factor minimum of 15 (a finding).

// nistSingleFactorMin is NIST SP 800-63B-4 3.1.1.2's minimum length where the password is
// the only factor, as login here takes it.
const nistSingleFactorMin = 15

// contextSuffix is what follows a context word in a password the target must refuse:
// fewer characters than the minimum length (so the word is what makes the password long
// enough), every character class among them (so no composition rule refuses it instead).
func contextSuffix(minLen int) string {
	s := "Qq2025!"
	for utf8.RuneCountInString(s) < minLen-1 {
		s += "#"
	}
	return s[:max(min(len(s), minLen-1), 1)]
}

// contextCandidates are the words a new password must not be made of: the login, the
// e-mail address and its local part, the product's names; each once (any letter case),
// none shorter than config.MinContextWord.
func contextCandidates(login, email string, products []string) []string {
	words := []string{login, email}
	if local, _, ok := strings.Cut(email, "@"); ok {
		words = append(words, local)
	}
	words = append(words, products...)
	var out []string
	seen := map[string]bool{}
	for _, w := range words {
		w = strings.TrimSpace(w)
		if utf8.RuneCountInString(w) < config.MinContextWord || seen[strings.ToLower(w)] {
			continue
		}
		seen[strings.ToLower(w)] = true
		out = append(out, w)
	}
	return out
}

// twoByteRunes: Latin-1 letters and symbols, two bytes each in UTF-8, unchanged by NFC and
// NFKC normalisation (so a target that normalises sees the same length).
var twoByteRunes = func() []rune {
	var rs []rune
	for r := rune(0xC0); r <= 0xFF; r++ {
		if r != 0xD7 && r != 0xF7 { // × and ÷
			rs = append(rs, r)
		}
	}
	return append(rs, '§', '¿', '¡', '£', '±')
}()

// twoBytePassword is a fresh secret password of n code points of two bytes each: an
// upper-case letter, a lower-case letter and a symbol first, then random letters.
func twoBytePassword(n int) string {
	rs := []rune{'É', 'é', '§'}
	for len(rs) < n {
		i, err := rand.Int(rand.Reader, big.NewInt(int64(len(twoByteRunes))))
		if err != nil {
			Fail("crypto/rand: " + err.Error())
		}
		rs = append(rs, twoByteRunes[i.Int64()])
	}
	p := string(rs[:n])
	World.Secrets.Add(p)
	return p
}

// duplicatePasswordBody is a step 4 body carrying Password twice, the two values in the
// order given, and PasswordConfirmation: raw JSON, which no encoder writes.
func duplicatePasswordBody(token, firstPassword, secondPassword, confirmation string) []byte {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	return []byte(fmt.Sprintf(`{"Token":%s,"Password":%s,"Password":%s,"PasswordConfirmation":%s}`,
		q(token), q(firstPassword), q(secondPassword), q(confirmation)))
}

var _ = Describe("Security: new passwords at step 4 (ASVS 6.2.11, 1.5.3; NIST SP 800-63B-4 3.1.1.2; no login by a reset)", Label("security", "step4", "update-password"), func() {

	It("refuses new passwords made of the trader's login, e-mail address or the product's names, and changes nothing", Label(passwordPolicyLabel, "login"),
		Checks(catalogue.SecurityPasswordContextWords), func(ctx SpecContext) {
			trader := Given(ctx, states.ValidToken)
			words := contextCandidates(trader["User"], trader["Email"], World.Cfg.Security.ContextWords)
			if len(words) == 0 {
				SkipFor("a context word to try", "the trader's login and e-mail address are shorter than 3 characters and AUTOSHARES_PASSWORD_CONTEXT_WORDS=none: name the product's words in it")
			}
			suffix := contextSuffix(World.Cfg.Negative.MinPasswordLength)
			passwords := make([]string, len(words))
			reqs := make([]client.Request, len(words))
			for i, w := range words {
				passwords[i] = w + suffix
				World.Secrets.Add(passwords[i])
				reqs[i] = updatePassword(trader["Token"], passwords[i], passwords[i])
			}
			// Independent refusals: they go together. Should one be accepted, the others meet
			// a used token; the accepted one fails the check, and the logins below show it.
			for _, ex := range SendAll(ctx, reqs) {
				expectRejected(ex, catalogue.SecurityPasswordContextWords)
			}
			ExpectPasswordUnchanged(ctx, catalogue.SecurityPasswordContextWords, trader["User"], trader["Password"], passwords[0])
		})

	It("counts a new password's length in code points: the minimum in two-byte characters is accepted, one character fewer is refused", Label(passwordPolicyLabel, "login"),
		Checks(catalogue.SecurityPasswordCodePointsCounted), func(ctx SpecContext) {
			const check = catalogue.SecurityPasswordCodePointsCounted
			n := World.Cfg.Negative.MinPasswordLength
			if n < 2 {
				SkipFor("", fmt.Sprintf("AUTOSHARES_EXPECT_MIN_PASSWORD_LENGTH=%d: no shorter non-empty password to try", n))
			}
			trader := Given(ctx, states.ValidToken)
			short, exact := twoBytePassword(n-1), twoBytePassword(n)
			// The short one first: once the exact one is set, the token is used.
			exShort := Send(ctx, updatePassword(trader["Token"], short, short))
			if succeeded(exShort) {
				// n-1 characters of 2 bytes are 2n-2 bytes: counted in bytes, they pass.
				expectRejected(exShort, check)
				return
			}
			exExact := Send(ctx, updatePassword(trader["Token"], exact, exact))
			if succeeded(exExact) {
				expectRejected(exShort, check)
				ExpectSuccess(exExact, check, updatePasswordResponseSchema)
				ExpectLoginSucceeds(ctx, check, trader["User"], exact, fmt.Sprintf("with the %d-character password of two-byte characters step 4 accepted", n))
				if n < nistSingleFactorMin {
					sawFinding(catalogue.FindingPasswordShorterThan15)
				}
				return
			}
			// Both refused: non-ASCII passwords refused altogether (allowed, login carries the
			// password in a header), or a minimum above the one configured. An ASCII password
			// of the minimum length tells which.
			expectRefusedAnyShape(exShort, check)
			expectRefusedAnyShape(exExact, check)
			ascii := passwordOfLength(n)
			exASCII := Send(ctx, updatePassword(trader["Token"], ascii, ascii))
			if !succeeded(exASCII) {
				ExpectPasswordUnchanged(ctx, check, trader["User"], trader["Password"], exact)
				NotChecked(check, fmt.Sprintf("the target refuses a password of %d ASCII characters too: its minimum is above AUTOSHARES_EXPECT_MIN_PASSWORD_LENGTH=%d (set it to the target's)", n, n))
				return
			}
			if n < nistSingleFactorMin {
				sawFinding(catalogue.FindingPasswordShorterThan15)
			}
			NotChecked(check, fmt.Sprintf("the target refuses non-ASCII passwords at step 4 (allowed, see security.password.unicode-usable) and accepts %d ASCII characters: how it counts multi-byte characters does not show", n))
		})

	It("sets the confirmed password, or refuses and changes nothing, when a step 4 body carries Password twice", Label("body", "login"),
		Checks(catalogue.SecurityBodyDuplicateProperty), func(ctx SpecContext) {
			const check = catalogue.SecurityBodyDuplicateProperty
			// The confirmed value last, then first: a target whose parsers disagree either way
			// (one checks the first value, the other stores the last, or the reverse) sets a
			// password nobody confirmed in one of them. One trader each: a success uses the token.
			traders := []states.Values{Given(ctx, states.ValidToken)}
			if other := Given(ctx, states.ValidToken); other["User"] != traders[0]["User"] {
				traders = append(traders, other)
			} else {
				// The same trader again: its newer token is the one sure to work (a target may
				// void the older one when it issues another).
				traders = []states.Values{other}
				NotChecked(check, "the body with the confirmed Password first needs a second trader: the token source handed out the same one; set AUTOSHARES_STATE_URL or add test traders")
			}
			type attempt struct {
				trader             states.Values
				confirmed, another string
			}
			var attempts []attempt
			reqs := make([]client.Request, len(traders))
			for i, t := range traders {
				a := attempt{t, NewPassword(), NewPassword()}
				World.Secrets.Add(t["Token"])
				first, second := a.another, a.confirmed
				if i == 1 {
					first, second = a.confirmed, a.another
				}
				attempts = append(attempts, a)
				reqs[i] = rawBody(http.MethodPut, client.PathUpdatePassword, duplicatePasswordBody(t["Token"], first, second, a.confirmed), "")
			}
			order := []string{"last", "first"}
			var logins []Login
			for i, ex := range SendAll(ctx, reqs) {
				a := attempts[i]
				if succeeded(ex) {
					v := VerdictOn(check, ex)
					World.Rules.Success(v, updatePasswordResponseSchema)
					Conclude(v)
					logins = append(logins,
						LoginSucceeds(check, a.trader["User"], a.confirmed, "with the Password that PasswordConfirmation confirmed (the "+order[i]+" of two), which step 4 accepted"),
						LoginFails(check, a.trader["User"], a.another, "with the other Password of the body (the one not confirmed): only the confirmed one may be set"))
					continue
				}
				expectRefusedAnyShape(ex, check)
				logins = append(logins,
					LoginSucceeds(check, a.trader["User"], a.trader["Password"], "with the old password: a rejected request must change nothing"),
					LoginFails(check, a.trader["User"], a.confirmed, "with the confirmed Password of the rejected request: a rejected request must change nothing"),
					LoginFails(check, a.trader["User"], a.another, "with the other Password of the rejected request: a rejected request must change nothing"))
			}
			ExpectLogins(ctx, logins...)
		})

	It("does not log the trader in on a successful step 4: no session in its reply",
		Checks(catalogue.SecurityResetNoAutoLogin), func(ctx SpecContext) {
			const check = catalogue.SecurityResetNoAutoLogin
			trader := Given(ctx, states.ValidToken)
			pw := NewPassword()
			ex := Send(ctx, updatePassword(trader["Token"], pw, pw))
			v := VerdictOn(check, ex)
			World.Rules.Success(v, updatePasswordResponseSchema)
			SecretSessions(ex)
			World.Rules.NoSession(v)
			Need(Conclude(v), "step 4 did not succeed plainly, and the login after it needs the new password")
			ExpectLoginSucceeds(ctx, check, trader["User"], pw, "with the new password step 4 set: the reset logs nobody in, the trader does")
		})
})
