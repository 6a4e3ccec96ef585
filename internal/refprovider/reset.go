package refprovider

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Error codes and texts. The first two are documented; the others are this provider's
// choice where the docs are silent (see the package documentation).
var (
	errUserNotFound      = problem{code: "ErrorUserNotFound", msg: "User not found."}
	errIncorrectAnswer   = problem{code: "ErrorIncorrectAnswer", msg: "Answer is incorrect, try again."}
	errEmailNotSent      = problem{code: "ErrorEmailNotSent", msg: "The confirmation email could not be sent. Try again later."}
	errUnsupportedIdent  = problem{code: "ErrorUnsupportedIdentifier", msg: "Only the ResetPassword identifier is supported."}
	errInvalidCode       = problem{code: "ErrorInvalidCode", msg: "Confirmation code is invalid."}
	errCodeExpired       = problem{code: "ErrorCodeExpired", msg: "Confirmation code has expired."}
	errInvalidToken      = problem{code: "ErrorInvalidToken", msg: "Password reset token is invalid."}
	errTokenExpired      = problem{code: "ErrorTokenExpired", msg: "Password reset token has expired."}
	errPasswordMismatch  = problem{code: "ErrorPasswordMismatch", msg: "Password and confirmation do not match."}
	errInternal          = problem{code: "ErrorInternal", msg: "An internal error occurred."}
	errFaultWrongAnswer  = problem{code: "ErrorAnswer", msg: "Wrong secret answer."}
	errTooManyAttempts   = problem{code: "ErrorTooManyAttempts", msg: "Too many incorrect answers. Try again later."}
	errPasswordTooCommon = problem{code: "ErrorPasswordTooCommon",
		msg: "Password is too common: it appears on lists of breached passwords. Choose another."}
	errPasswordContextSpecific = problem{code: "ErrorPasswordContextSpecific",
		msg: "Password is too easy to guess: it is made of your login, your email address or the product's name. Choose another."}
	codePasswordTooShort = "ErrorPasswordTooShort"
	codePasswordTooLong  = "ErrorPasswordTooLong"
)

// handleResetStart is step 1: check the user and secret answer, then mail a code.
func (s *Server) handleResetStart(w http.ResponseWriter, r *http.Request) {
	user, answer := field("User", true), field("SecretQuestionAnswer", false)
	if !s.bind(w, r, user, answer) {
		return
	}
	req := struct{ User, SecretQuestionAnswer string }{user.value, answer.value}
	if strings.TrimSpace(req.User) == "" {
		s.fail(w, http.StatusBadRequest, required("User"))
		return
	}
	now := s.cfg.now()

	s.st.mu.Lock()
	t := s.st.traders[key(req.User)]
	if t == nil {
		s.st.mu.Unlock()
		s.hook.unknownUser(s, w)
		return
	}
	lk := key(t.login)
	if t.question != "" {
		// Brute force (ASVS 6.3.1): consecutive wrong answers lock step 1 for this trader,
		// the right answer included, for the lockout period.
		if s.st.lockedLocked(answerAttempts, lk, now) {
			s.st.mu.Unlock()
			s.fail(w, http.StatusBadRequest, errTooManyAttempts)
			return
		}
		if !s.hook.answerMatches(t.answer, req.SecretQuestionAnswer) {
			s.st.failedLocked(answerAttempts, lk, s.hook.answerAttemptLimit, now.Add(s.cfg.lockout))
			s.st.mu.Unlock()
			s.hook.refusedRequest(s, r.Context(), lk)
			s.fail(w, http.StatusBadRequest, s.hook.wrongAnswer(req.SecretQuestionAnswer)...)
			return
		}
		s.st.succeededLocked(answerAttempts, lk)
	}
	s.st.mu.Unlock()
	// Mail flooding (the cheat sheet's "Forgot Password Request"): over the limit, step 1
	// is answered as usual, so the answer tells nothing, but mails nothing.
	code, err := s.issueCodeWithin(r.Context(), lk, s.hook.mailLimit(s.cfg.mailLimit))
	switch {
	case errors.Is(err, errMailLimit):
		s.hook.step1Success(s, w, "")
	case errors.Is(err, errMailNotSent):
		s.fail(w, http.StatusServiceUnavailable, errEmailNotSent)
	case err != nil:
		s.failInternal(w)
	default:
		s.hook.step1Success(s, w, code)
	}
}

// errMailNotSent is issueCode's error when the code could not be mailed; errMailLimit,
// when the trader has as many pending codes as it may (nothing was issued).
var (
	errMailNotSent = errors.New("the confirmation mail could not be sent")
	errMailLimit   = errors.New("the trader has as many pending codes as the mail limit allows")
)

// issueCode stores a fresh confirmation code for the trader lk and mails it. The code is
// stored before the mail goes out, so a client that reads the mail quickly can never beat
// the store; it is withdrawn again if sending fails (errMailNotSent).
func (s *Server) issueCode(ctx context.Context, lk string) (string, error) {
	return s.issueCodeWithin(ctx, lk, 0)
}

// issueCodeWithin is issueCode unless the trader already has mailLimit pending codes (0:
// no limit): the count and the new code under one lock, so requests that arrive together
// cannot all pass the count before any code is stored.
func (s *Server) issueCodeWithin(ctx context.Context, lk string, mailLimit int) (string, error) {
	now := s.cfg.now()
	s.st.mu.Lock()
	t := s.st.traders[lk]
	if t == nil {
		s.st.mu.Unlock()
		return "", errors.New("no such trader")
	}
	if !s.st.mailAllowedLocked(lk, mailLimit, now) {
		s.st.mu.Unlock()
		return "", errMailLimit
	}
	s.st.pruneLocked(now)
	code, err := s.st.newCodeLocked(lk, now.Add(s.codeLifetime()), s.hook.newCode)
	g := s.st.codes[code]
	login, email := t.login, t.email
	s.st.mu.Unlock()
	if err != nil {
		return "", err
	}
	if err := s.hook.mailCode(s, ctx, login, email, code); err != nil {
		s.st.mu.Lock()
		if s.st.codes[code] == g {
			delete(s.st.codes, code)
		}
		s.st.mu.Unlock()
		return "", errors.Join(errMailNotSent, err)
	}
	return code, nil
}

// codeLifetime is how long a confirmation code is valid.
func (s *Server) codeLifetime() time.Duration { return s.hook.codeTTL(s.cfg.codeTTL) }

// answerMatches compares trimmed and case-insensitively, in constant time; a missing
// answer never matches.
func answerMatches(stored, given string) bool {
	g := normalizeAnswer(given)
	return g != "" && subtle.ConstantTimeCompare([]byte(g), []byte(stored)) == 1
}

// handleSecretQuestion is step 2: the trader's question, "" when there is none.
func (s *Server) handleSecretQuestion(w http.ResponseWriter, r *http.Request) {
	var username string
	// ASP.NET binds query parameters case-insensitively.
	for k, v := range r.URL.Query() {
		if strings.EqualFold(k, "username") && len(v) > 0 {
			username = strings.TrimSpace(v[0])
			break
		}
	}
	if username == "" {
		s.fail(w, http.StatusBadRequest, required("username"))
		return
	}
	s.st.mu.Lock()
	t := s.hook.findTrader(s.st, username)
	var question string
	if t != nil {
		question = t.question
	}
	s.st.mu.Unlock()
	switch {
	case t == nil:
		s.fail(w, http.StatusBadRequest, errUserNotFound)
	case question == "":
		s.succeed(w, s.hook.noQuestion)
	default:
		s.succeed(w, question)
	}
}

// handleResetCode is step 3 as AutoShares documents it: {"Code"}.
func (s *Server) handleResetCode(w http.ResponseWriter, r *http.Request) {
	f := field("Code", true)
	if !s.bind(w, r, f) {
		return
	}
	code := strings.TrimSpace(f.value)
	if code == "" {
		s.fail(w, http.StatusBadRequest, required("Code"))
		return
	}
	s.redeemCode(w, code)
}

// handleIdentifierCode is step 3 as ETNA documents it since 2021: {"Code","Identifier"}.
// Only ResetPassword is served; the other identifiers belong to flows this provider
// does not implement.
func (s *Server) handleIdentifierCode(w http.ResponseWriter, r *http.Request) {
	fc, fi := field("Code", true), field("Identifier", true)
	if !s.bind(w, r, fc, fi) {
		return
	}
	code, ident := strings.TrimSpace(fc.value), strings.TrimSpace(fi.value)
	var probs []problem
	if code == "" {
		probs = append(probs, required("Code"))
	}
	if ident == "" {
		probs = append(probs, required("Identifier"))
	}
	if len(probs) > 0 {
		s.fail(w, http.StatusBadRequest, probs...)
		return
	}
	if !strings.EqualFold(ident, "ResetPassword") { // .NET enum binding ignores case
		s.fail(w, http.StatusBadRequest, errUnsupportedIdent)
		return
	}
	s.redeemCode(w, code)
}

// redeemCode trades a valid code for a reset token, consuming the code.
func (s *Server) redeemCode(w http.ResponseWriter, code string) {
	now := s.cfg.now()
	s.st.mu.Lock()
	g := s.st.codes[code]
	if g == nil {
		if _, spent := s.st.spent[code]; !spent {
			// A guess (ASVS 6.6.3): it counts against every pending code. A code that was
			// issued, then used or revoked, is no guess, so a client that retries one costs
			// nothing.
			s.st.wrongCodeLocked(code, s.hook.codeAttempts(s.cfg.codeAttempts))
		}
	}
	if g == nil || s.st.traders[g.login] == nil {
		s.st.mu.Unlock()
		s.fail(w, http.StatusBadRequest, errInvalidCode)
		return
	}
	if s.hook.codeExpired(g, now) {
		s.st.mu.Unlock()
		s.fail(w, http.StatusBadRequest, errCodeExpired)
		return
	}
	if d := s.hook.codeRaceWindow; d > 0 {
		// The code-race fault: the check above is trusted after a pause in which
		// concurrent requests pass it too.
		s.st.mu.Unlock()
		time.Sleep(d)
		s.st.mu.Lock()
	}
	s.hook.consumeCode(s.st, code)
	if s.st.codes[code] == nil {
		s.st.spent[code] = g.expires
	}
	token, err := s.st.newTokenLocked(g.login, now.Add(s.cfg.tokenTTL))
	s.st.mu.Unlock()
	if err != nil {
		s.failInternal(w)
		return
	}
	s.succeedWithSecret(w, token)
}

// succeedWithSecret answers success with a Model that is a secret (a reset token): shared
// caches must not keep it.
func (s *Server) succeedWithSecret(w http.ResponseWriter, model any) {
	w.Header().Set("Cache-Control", s.hook.secretCacheControl)
	s.succeed(w, model)
}

type newPasswordRequest struct {
	Token, Password, PasswordConfirmation string
	// stored is the password to set: Password, unless a fault picks another of the
	// values a repeated property carried.
	stored string
	// extra holds the step4ExtraFields hook's properties (none by default: other
	// properties are ignored).
	extra map[string]string
}

// bindNewPassword binds step 4's body; false means the request has been answered.
func (s *Server) bindNewPassword(w http.ResponseWriter, r *http.Request) (newPasswordRequest, bool) {
	tok, pw, conf := field("Token", true), field("Password", true), field("PasswordConfirmation", true)
	fields := []*bodyField{tok, pw, conf}
	for _, name := range s.hook.step4ExtraFields {
		fields = append(fields, field(name, false))
	}
	if !s.bind(w, r, fields...) {
		return newPasswordRequest{}, false
	}
	req := newPasswordRequest{Token: strings.TrimSpace(tok.value), Password: pw.value, PasswordConfirmation: conf.value,
		stored: s.hook.storedPassword(pw)}
	for _, f := range fields[3:] {
		if f.set {
			if req.extra == nil {
				req.extra = map[string]string{}
			}
			req.extra[f.name] = f.value
		}
	}
	if s.hook.guidToken && req.Token != "" && !isGUID(req.Token) {
		s.problemDetails(w, bodyWrongType, http.StatusBadRequest, []problem{{field: "Token"}})
		return newPasswordRequest{}, false
	}
	// Passwords are taken as sent: spaces are legitimate password characters.
	return req, true
}

// handleNewPassword is step 4: set the password with a reset token.
func (s *Server) handleNewPassword(w http.ResponseWriter, r *http.Request) {
	req, ok := s.bindNewPassword(w, r)
	if !ok {
		return
	}
	var probs []problem
	if req.Token == "" {
		probs = append(probs, required("Token"))
	}
	if req.Password == "" {
		probs = append(probs, required("Password"))
	}
	if req.PasswordConfirmation == "" {
		probs = append(probs, required("PasswordConfirmation"))
	}
	if len(probs) > 0 {
		s.failNewPassword(w, req, http.StatusBadRequest, probs...)
		return
	}
	if s.hook.beforeTokenLookup(s, w, req.Token) {
		return
	}
	now := s.cfg.now()

	s.st.mu.Lock()
	lk, p := s.checkNewPasswordLocked(&req, now)
	s.st.mu.Unlock()
	if p == &errInvalidToken && s.hook.unknownToken(s, w, req.Token) {
		return
	}
	if p != nil {
		s.failNewPassword(w, req, http.StatusBadRequest, *p)
		return
	}

	// Hash outside the lock (it is the slow part), then check again: a concurrent request
	// may have used the token meanwhile, and a token must change a password only once.
	h, err := s.hashNewPassword(req.stored)
	if err != nil {
		s.failInternal(w)
		return
	}
	if d := s.hook.tokenRaceWindow; d > 0 {
		// The token-race fault: the first check is trusted after a pause in which
		// concurrent requests pass it too.
		time.Sleep(d)
		s.st.mu.Lock()
	} else {
		s.st.mu.Lock()
		if lk, p = s.checkNewPasswordLocked(&req, now); p != nil {
			s.st.mu.Unlock()
			s.failNewPassword(w, req, http.StatusBadRequest, *p)
			return
		}
	}
	// Only the token decides whose password changes, whatever else the body names
	// (OWASP API3:2023, mass assignment).
	t := s.st.traders[s.hook.passwordOwner(s.st, lk, req.extra)]
	var login, email string
	if t != nil {
		s.hook.applyPassword(t, h)
		login, email = t.login, t.email
	}
	s.hook.consumeToken(s.st, lk, req.Token)
	s.st.mu.Unlock()
	if t != nil {
		// NIST SP 800-63B-4 4.2.3, ASVS 6.3.7: the trader hears of the change. The password
		// is set whether or not the notice goes out; a failure is counted.
		if err := s.hook.notifyReset(s, r.Context(), login, email, req.Password); err != nil {
			s.noticesFailed.Add(1)
		}
	}
	s.hook.step4Success(s, w)
}

// hashNewPassword hashes a password being set, as the storePassword hook keeps it.
func (s *Server) hashNewPassword(password string) (passwordHash, error) {
	return hashPassword(s.hook.storePassword(password), s.cfg.iter)
}

// failNewPassword answers a step 4 failure through the step4Error hook.
func (s *Server) failNewPassword(w http.ResponseWriter, req newPasswordRequest, status int, probs ...problem) {
	probs = slices.Clone(probs)
	for i := range probs {
		probs[i] = s.hook.step4Error(probs[i], req)
	}
	s.fail(w, status, probs...)
}

// guidForm matches the forms .NET's Guid.Parse accepts (32 hex digits, optionally
// hyphenated 8-4-4-4-12 and wrapped in braces or parentheses).
var guidForm = regexp.MustCompile(`^[{(]?[0-9A-Fa-f]{8}(-?)[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}[)}]?$`)

// canonicalToken is the form tokens are issued in (lower-case 8-4-4-4-12) for any text
// form of the same GUID: other letter case, braces or parentheses, no hyphens. Those name
// the same token, as .NET's Guid.Parse reads them, so they are accepted. Anything else is
// returned as it is (and is unknown).
func isGUID(token string) bool {
	if !guidForm.MatchString(token) {
		return false
	}
	open, end := token[0], token[len(token)-1]
	return (open == '{') == (end == '}') && (open == '(') == (end == ')') // unbalanced wrapping is not a GUID
}

func canonicalToken(token string) string {
	if !isGUID(token) {
		return token
	}
	hx := strings.ToLower(strings.Map(func(c rune) rune {
		if strings.ContainsRune("{}()-", c) {
			return -1
		}
		return c
	}, token))
	return hx[0:8] + "-" + hx[8:12] + "-" + hx[12:16] + "-" + hx[16:20] + "-" + hx[20:32]
}

// exactToken is the correct token lookup: exactly an issued token, in any GUID text form.
func exactToken(tokens map[string]*grant, token string) string {
	if c := canonicalToken(token); tokens[c] != nil {
		return c
	}
	return ""
}

// prefixToken is the lenient-token-match fault's lookup: any outstanding token sharing the
// first 35 characters, for a token of 35 to 64 characters (a longer one is left to the
// malformed-token checks, which this fault is not about).
func prefixToken(tokens map[string]*grant, token string) string {
	if c := exactToken(tokens, token); c != "" {
		return c
	}
	const n = 35
	if len(token) < n || len(token) > 64 {
		return ""
	}
	for tk := range tokens {
		if len(tk) >= n && strings.EqualFold(tk[:n], token[:n]) {
			return tk
		}
	}
	return ""
}

// massAssignmentFields are the properties the mass-assignment fault binds, in the order
// it honours them.
var massAssignmentFields = []string{"User", "UserName", "Login", "Email", "UserId"}

// namedOwner is the mass-assignment fault: the first extra property naming an existing
// trader (by login or email) is whose password changes.
func namedOwner(st *store, owner string, extra map[string]string) string {
	for _, f := range massAssignmentFields {
		v, ok := extra[f]
		if !ok {
			continue
		}
		if _, ok := st.traders[key(v)]; ok {
			return key(v)
		}
		if lk, ok := st.byEmail[key(v)]; ok {
			return lk
		}
	}
	return owner
}

// checkNewPasswordLocked applies step 4's checks in the documented order and returns the
// trader's key, or the problem to answer; it sets req.Token to the key of the token found.
// The caller holds s.st.mu.
func (s *Server) checkNewPasswordLocked(req *newPasswordRequest, now time.Time) (string, *problem) {
	tk := s.hook.tokenLookup(s.st.tokens, req.Token)
	g := s.st.tokens[tk]
	if tk == "" || g == nil || s.st.traders[g.login] == nil {
		return "", &errInvalidToken
	}
	req.Token = tk
	if s.hook.tokenExpired(g, now) {
		return "", &errTokenExpired
	}
	if !s.hook.confirmationMatches(req.Password, req.PasswordConfirmation) {
		s.hook.mismatch(s.st, req.Token)
		return "", &errPasswordMismatch
	}
	if p := s.passwordRules(req.Password, s.st.traders[g.login]); p != nil {
		return "", p
	}
	return g.login, nil
}

// passwordRules are step 4's rules for a new password (ASVS 6.2, NIST SP 800-63B-4
// 3.1.1.2): a minimum length in code points, no maximum below 64 (here none but the body
// bound), not a common breached password, not made of context-specific words (ASVS 6.2.11:
// the trader's login and email, the product's names), and no composition rules.
func (s *Server) passwordRules(password string, t *trader) *problem {
	n := s.hook.passwordLength(password)
	if minLen := s.hook.minPasswordLength(s.cfg.minLen); n < minLen {
		return &problem{code: codePasswordTooShort, msg: fmt.Sprintf("Password must be at least %d characters long.", minLen)}
	}
	if maxLen := s.hook.maxPasswordLength; maxLen > 0 && n > maxLen {
		return &problem{code: codePasswordTooLong, msg: fmt.Sprintf("Password must be at most %d characters long.", maxLen)}
	}
	if s.hook.commonPassword(password) {
		return &errPasswordTooCommon
	}
	if t != nil && s.hook.contextSpecific(password, contextWords(t), s.cfg.minLen) {
		return &errPasswordContextSpecific
	}
	return s.hook.composition(password)
}

// productNames are the context-specific words every password is held against.
var productNames = []string{"AutoShares", "ETNA"}

// contextWords are the words a trader's new password must not be made of: the product's
// names, the login, the email address and its local part.
func contextWords(t *trader) []string {
	words := append([]string{t.login, t.email}, productNames...)
	if local, _, ok := strings.Cut(t.email, "@"); ok {
		words = append(words, local)
	}
	return words
}

// minContextWord is the shortest word contextSpecific strips: shorter ones (a login "al")
// would eat ordinary letters.
const minContextWord = 3

// madeOfContextWords reports whether password, once every context word (of at least
// minContextWord characters, any letter case) is taken out, keeps fewer than minLen
// characters: the words add nothing a guesser does not already know, so what is left
// must pass the length rule on its own ("AutoShares2025!" leaves 5; "alice-new-pass" for
// alice leaves 9).
func madeOfContextWords(password string, words []string, minLen int) bool {
	rest := strings.ToLower(norm.NFC.String(password))
	ws := make([]string, 0, len(words))
	for _, w := range words {
		if w = strings.ToLower(norm.NFC.String(strings.TrimSpace(w))); utf8.RuneCountInString(w) >= minContextWord {
			ws = append(ws, w)
		}
	}
	// Longest first, so the email goes before the login and local part inside it.
	slices.SortFunc(ws, func(a, b string) int { return len(b) - len(a) })
	stripped := false
	for _, w := range ws {
		if strings.Contains(rest, w) {
			rest, stripped = strings.ReplaceAll(rest, w, ""), true
		}
	}
	return stripped && utf8.RuneCountInString(rest) < minLen
}

// compositionRule is the require-composition fault's rule (ASVS 6.2.5 forbids it).
func compositionRule(password string) *problem {
	var upper, digit, symbol bool
	for _, c := range password {
		upper = upper || unicode.IsUpper(c)
		digit = digit || unicode.IsDigit(c)
		symbol = symbol || !(unicode.IsLetter(c) || unicode.IsDigit(c) || unicode.IsSpace(c))
	}
	if upper && digit && symbol {
		return nil
	}
	return &problem{code: "ErrorPasswordComposition",
		msg: "Password must contain an upper-case letter, a digit and a symbol."}
}

// consumeTokenOf deletes the reset token a step 4 request carries; only the
// bad-key-consumes-token fault calls it, for a request refused for its app key.
func (s *Server) consumeTokenOf(r *http.Request) {
	req, ok := s.bindNewPassword(newDiscardWriter(), r)
	if !ok {
		return
	}
	s.st.mu.Lock()
	delete(s.st.tokens, canonicalToken(req.Token))
	s.st.mu.Unlock()
}

// handleLogin is POST /api/token with Username and Password headers.
//
// Options.LoginLockout consecutive failed logins (DefaultLoginLockout unless set) lock the
// account's login for Options.LockoutPeriod, whatever spelling of the login each used: it
// answers 401 with Reason "Account locked", even with the right password. Unknown users
// are not counted (there is no account to lock).
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	user, password := r.Header.Get("Username"), r.Header.Get("Password")
	now := s.cfg.now()
	s.st.mu.Lock()
	t := s.st.traders[key(user)]
	var cur, prev passwordHash
	var ak string // what failed logins are counted under
	if t != nil {
		cur, prev = t.hash, t.prevHash
		ak = s.hook.loginAttemptKey(t, user)
	}
	locked := t != nil && s.hook.loginLocked(s.st, t, ak, now)
	s.st.mu.Unlock()

	var ok bool
	switch {
	case t == nil:
		s.dummyHash.matches(password) // same cost as a wrong password
	case locked:
		cur.matches(password) // same cost as any other answer
		s.loginLocked(w)
		return
	default:
		ok = s.hook.passwordMatches(cur, prev, password)
	}
	if t != nil {
		s.st.mu.Lock()
		locks := false
		switch {
		case ok && !s.cfg.lockoutNoRst:
			s.st.succeededLocked(loginAttempts, ak)
		case !ok:
			locks = s.st.failedLocked(loginAttempts, ak, s.hook.loginLockout(s.cfg.loginLockout), now.Add(s.cfg.lockout))
		}
		s.st.mu.Unlock()
		if locks {
			s.loginLockouts.Add(1)
			if s.cfg.lockoutNoRst {
				s.loginLocked(w) // the tripwire shows on the login that tripped it
				return
			}
		}
	}
	if !ok {
		s.loginFailed(w, "Invalid credentials")
		return
	}
	token, err := randomHex(32)
	if err != nil {
		s.failInternal(w)
		return
	}
	// The token is opaque and not stored: no endpoint here accepts a bearer token.
	w.Header().Set("Cache-Control", s.hook.secretCacheControl)
	s.writeJSON(w, http.StatusOK, s.hook.loginBody(token))
}

// loginLocked answers a login to a locked account: 401 Reason "Account locked", or, with
// Options.LoginLockoutNoReset, 423 State "Locked", an answer no login expectation accepts.
func (s *Server) loginLocked(w http.ResponseWriter) {
	if !s.cfg.lockoutNoRst {
		s.loginFailed(w, "Account locked")
		return
	}
	s.writeJSON(w, http.StatusLocked, struct{ State, Step, Reason string }{
		"Locked", "BaseAuthentication", "Account locked"})
}

// LoginLockouts is how many times an account's login was locked (Options.LoginLockout).
func (s *Server) LoginLockouts() int64 { return s.loginLockouts.Load() }

// loginFailed is the login refusal: 401 {"State":"Failed","Step":"BaseAuthentication","Reason"}.
func (s *Server) loginFailed(w http.ResponseWriter, reason string) {
	s.writeJSON(w, http.StatusUnauthorized, struct{ State, Step, Reason string }{
		"Failed", "BaseAuthentication", reason})
}

// formatTTL renders a lifetime for the confirmation mail ("15 minutes").
func formatTTL(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		if m := int(d / time.Minute); m != 1 {
			return fmt.Sprintf("%d minutes", m)
		}
		return "1 minute"
	}
	return d.String()
}
