package refprovider

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
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
	codePasswordTooShort = "ErrorPasswordTooShort"
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
		if s.has(FaultAcceptUnknownUser) {
			s.succeed(w, nil)
			return
		}
		s.fail(w, http.StatusBadRequest, errUserNotFound)
		return
	}
	if t.question != "" && !s.has(FaultSkipSecretAnswerCheck) && !answerMatches(t.answer, req.SecretQuestionAnswer) {
		s.st.mu.Unlock()
		if s.has(FaultWrongIncorrectAnswerCode) {
			s.fail(w, http.StatusBadRequest, errFaultWrongAnswer)
			return
		}
		s.fail(w, http.StatusBadRequest, errIncorrectAnswer)
		return
	}
	s.st.pruneLocked(now)
	lk := key(t.login)
	// The code is stored before the mail goes out, so a client that reads the mail
	// quickly can never beat the store; it is withdrawn again if sending fails.
	code, err := s.st.newCodeLocked(lk, now.Add(s.cfg.codeTTL))
	g := s.st.codes[code]
	login, email := t.login, t.email
	s.st.mu.Unlock()
	if err != nil {
		s.fail(w, http.StatusInternalServerError, errInternal)
		return
	}

	if !s.has(FaultNoConfirmationEmail) {
		if err := s.sendCode(r.Context(), login, email, code); err != nil {
			s.st.mu.Lock()
			if s.st.codes[code] == g {
				delete(s.st.codes, code)
			}
			s.st.mu.Unlock()
			s.fail(w, http.StatusServiceUnavailable, errEmailNotSent)
			return
		}
	}
	switch {
	case s.has(FaultCodeInResponse):
		s.succeed(w, code)
	case s.cfg.quirks[QuirkStep1DocumentedBody]:
		s.writeRaw(w, http.StatusOK, []byte(step1DocumentedBody))
	default:
		s.succeed(w, nil)
	}
}

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
	t := s.st.traders[key(username)]
	if t == nil && !s.has(FaultSecretQuestionLoginOnly) {
		t = s.st.traders[s.st.byEmail[key(username)]]
	}
	var question string
	if t != nil {
		question = t.question
	}
	s.st.mu.Unlock()
	switch {
	case t == nil:
		s.fail(w, http.StatusBadRequest, errUserNotFound)
	case question == "" && s.has(FaultSecretQuestionNull):
		s.succeed(w, json.RawMessage("null"))
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
	if g == nil || s.st.traders[g.login] == nil {
		s.st.mu.Unlock()
		s.fail(w, http.StatusBadRequest, errInvalidCode)
		return
	}
	if g.expiredAt(now) && !s.has(FaultAcceptExpiredCode) {
		s.st.mu.Unlock()
		s.fail(w, http.StatusBadRequest, errCodeExpired)
		return
	}
	if !s.has(FaultReusableCode) {
		delete(s.st.codes, code)
	}
	token, err := s.st.newTokenLocked(g.login, now.Add(s.cfg.tokenTTL))
	s.st.mu.Unlock()
	if err != nil {
		s.fail(w, http.StatusInternalServerError, errInternal)
		return
	}
	s.succeed(w, token)
}

type newPasswordRequest struct{ Token, Password, PasswordConfirmation string }

// tokenRaceWindow is how long the token-race fault holds a step 4 between checking the
// token and consuming it: long enough that concurrent updates reliably all pass the check.
const tokenRaceWindow = 200 * time.Millisecond

// bindNewPassword binds step 4's body; false means the request has been answered.
func (s *Server) bindNewPassword(w http.ResponseWriter, r *http.Request) (newPasswordRequest, bool) {
	tok, pw, conf := field("Token", true), field("Password", true), field("PasswordConfirmation", true)
	if !s.bind(w, r, tok, pw, conf) {
		return newPasswordRequest{}, false
	}
	// Passwords are taken as sent: spaces are legitimate password characters.
	return newPasswordRequest{strings.TrimSpace(tok.value), pw.value, conf.value}, true
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
	if s.has(FaultAcceptMalformedToken) && !guidForm.MatchString(req.Token) {
		s.fail(w, http.StatusInternalServerError, errInternal)
		return
	}
	now := s.cfg.now()

	s.st.mu.Lock()
	lk, p := s.checkNewPasswordLocked(req, now)
	unissued := p == &errInvalidToken && s.st.issued != nil && !s.st.issued[req.Token]
	s.st.mu.Unlock()
	if unissued { // the accept-unknown-token fault: success, and nothing happens
		s.succeed(w, nil)
		return
	}
	if p != nil {
		s.failNewPassword(w, req, http.StatusBadRequest, *p)
		return
	}

	stored := req.Password
	if s.has(FaultPasswordSpacesStripped) {
		stored = strings.ReplaceAll(stored, " ", "")
	}
	// Hash outside the lock (it is the slow part), then check again: a concurrent request
	// may have used the token meanwhile, and a token must change a password only once.
	h, err := hashPassword(stored, s.cfg.iter)
	if err != nil {
		s.fail(w, http.StatusInternalServerError, errInternal)
		return
	}
	if s.has(FaultTokenRace) {
		// The fault: the first check is trusted after a pause in which concurrent
		// requests pass it too.
		time.Sleep(tokenRaceWindow)
		s.st.mu.Lock()
		if t := s.st.traders[lk]; t != nil {
			t.prevHash, t.hash = t.hash, h
		}
		s.st.revokeLocked(lk, "", "")
		s.st.mu.Unlock()
		s.succeed(w, nil)
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	lk, p = s.checkNewPasswordLocked(req, now)
	if p != nil {
		s.failNewPassword(w, req, http.StatusBadRequest, *p)
		return
	}
	t := s.st.traders[lk]
	if !s.has(FaultSuccessWithoutChange) {
		t.prevHash, t.hash = t.hash, h
	}
	switch {
	case s.has(FaultReusableToken):
		// The fault: nothing is consumed.
	case s.has(FaultKeepOutstandingGrants):
		delete(s.st.tokens, req.Token)
	default:
		// A completed reset ends every other reset in flight for this trader.
		s.st.revokeLocked(lk, "", "")
	}
	s.succeed(w, nil)
}

// failNewPassword answers a step 4 failure; under the echo-password fault the messages
// quote the passwords the request carried.
func (s *Server) failNewPassword(w http.ResponseWriter, req newPasswordRequest, status int, probs ...problem) {
	if s.has(FaultEchoPassword) {
		probs = slices.Clone(probs)
		for i := range probs {
			probs[i].msg += fmt.Sprintf(" (Password %q, PasswordConfirmation %q)", req.Password, req.PasswordConfirmation)
		}
	}
	s.fail(w, status, probs...)
}

// guidForm matches the forms .NET's Guid.Parse accepts (32 hex digits, optionally
// hyphenated 8-4-4-4-12 and wrapped in braces or parentheses); only the
// accept-malformed-token fault tells tokens of this form from others.
var guidForm = regexp.MustCompile(`^[{(]?[0-9A-Fa-f]{8}(-?)[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}[)}]?$`)

// confirmationMatches compares byte for byte: letter case and surrounding whitespace are
// part of a password.
func (s *Server) confirmationMatches(password, confirmation string) bool {
	switch {
	case s.has(FaultAcceptMismatchedPasswords):
		return true
	case s.has(FaultConfirmationIgnoresCase):
		return strings.EqualFold(password, confirmation)
	case s.has(FaultConfirmationTrimsSpaces):
		return strings.TrimSpace(password) == strings.TrimSpace(confirmation)
	}
	return password == confirmation
}

// checkNewPasswordLocked applies step 4's checks in the documented order and returns the
// trader's key, or the problem to answer. The caller holds s.st.mu.
func (s *Server) checkNewPasswordLocked(req newPasswordRequest, now time.Time) (string, *problem) {
	g := s.st.tokens[req.Token]
	if g == nil || s.st.traders[g.login] == nil {
		return "", &errInvalidToken
	}
	if g.expiredAt(now) && !s.has(FaultAcceptExpiredToken) {
		return "", &errTokenExpired
	}
	if !s.confirmationMatches(req.Password, req.PasswordConfirmation) {
		if s.has(FaultMismatchConsumesToken) {
			delete(s.st.tokens, req.Token)
		}
		return "", &errPasswordMismatch
	}
	if utf8.RuneCountInString(req.Password) < s.cfg.minLen && !s.has(FaultAcceptShortPassword) {
		return "", &problem{code: codePasswordTooShort,
			msg: fmt.Sprintf("Password must be at least %d characters long.", s.cfg.minLen)}
	}
	return g.login, nil
}

// consumeTokenOf deletes the reset token a step 4 request carries; only the
// bad-key-consumes-token fault calls it, for a request refused for its app key.
func (s *Server) consumeTokenOf(r *http.Request) {
	req, ok := s.bindNewPassword(newDiscardWriter(), r)
	if !ok {
		return
	}
	s.st.mu.Lock()
	delete(s.st.tokens, req.Token)
	s.st.mu.Unlock()
}

// handleLogin is POST /api/token with Username and Password headers.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	user, password := r.Header.Get("Username"), r.Header.Get("Password")
	s.st.mu.Lock()
	t := s.st.traders[key(user)]
	var cur, prev passwordHash
	if t != nil {
		cur, prev = t.hash, t.prevHash
	}
	s.st.mu.Unlock()

	var ok bool
	switch {
	case t == nil:
		s.dummyHash.matches(password) // same cost as a wrong password
	case s.has(FaultLoginIgnoresPassword):
		ok = true
	default:
		ok = cur.matches(password)
		if !ok && s.has(FaultOldPasswordStillWorks) {
			ok = prev.matches(password)
		}
	}
	if !ok {
		s.writeJSON(w, http.StatusUnauthorized, struct{ State, Step, Reason string }{
			"Failed", "BaseAuthentication", "Invalid credentials"})
		return
	}
	if s.has(FaultLoginWithoutToken) {
		s.writeJSON(w, http.StatusOK, struct{ State string }{"Succeeded"})
		return
	}
	token, err := randomHex(32)
	if err != nil {
		s.fail(w, http.StatusInternalServerError, errInternal)
		return
	}
	// The token is opaque and not stored: no endpoint here accepts a bearer token.
	s.writeJSON(w, http.StatusOK, struct{ State, Token string }{"Succeeded", token})
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
