package refprovider

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Pact provider states served at StatePath. Setup returns the values named in each
// comment as a flat JSON object of strings.
const (
	// User, Email, Password, Token (valid for TokenTTL).
	StateValidToken = "a trader has a valid password reset token"
	// User, Email, Password, Token (already expired).
	StateExpiredToken = "a trader has an expired password reset token"
	// User, Email, Password.
	StateNoSecretQuestion = "a trader without a secret question"
	// User, Email, Password, SecretQuestion, SecretQuestionAnswer.
	StateSecretQuestion = "a trader with a secret question"
	// User, Email, Password, Code (valid for CodeTTL; no email is sent). With the param
	// CodeIssuedSecondsAgo (a number of seconds), the code was issued that long ago, and
	// the answer carries the key CodeIssuedSecondsAgo with the same number.
	StatePendingCode = "a trader has a pending password reset code"
	// User, Email, Password, Code (already expired).
	StateExpiredCode = "a trader has an expired password reset code"
	// Nothing: makes sure the login UnknownUser does not exist.
	StateNoSuchUser = "no trader has the login unknown-trader"
	// Nothing: makes sure the code UnknownCode is not pending.
	StateNoSuchCode = "no confirmation code 000000 is pending"
)

// The names the "absence" states guarantee absent; pacts use them as exact examples, so
// each interaction can be picked by its state (a stub cannot pick stateless interactions).
const (
	UnknownUser = "unknown-trader"
	UnknownCode = "000000"
)

// States returns the provider state names, in the order of the constants above.
func States() []string {
	return []string{StateValidToken, StateExpiredToken, StateNoSecretQuestion,
		StateSecretQuestion, StatePendingCode, StateExpiredCode, StateNoSuchUser, StateNoSuchCode}
}

// StateSecretQuestionText is the question set up by StateSecretQuestion (the docs' example).
const StateSecretQuestionText = "What street did you live on in third grade?"

// expiredAgo is how far in the past "expired" state grants expired: clearly expired, yet
// well within grantRetention so they are reported as expired, not unknown.
const expiredAgo = time.Minute

type stateRequest struct {
	Action string         `json:"action"`
	State  string         `json:"state"`
	States []string       `json:"states"` // older Pact verifiers send a list instead
	Params map[string]any `json:"params"`
}

// handleState is the Pact provider-state protocol: POST {"action","state","params"}.
func (s *Server) handleState(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		s.stateError(w, http.StatusMethodNotAllowed, "use POST with {\"action\", \"state\", \"params\"}")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		s.stateError(w, http.StatusBadRequest, "request body unreadable or over 1 MiB")
		return
	}
	var req stateRequest
	if err := json.Unmarshal(body, &req); err != nil {
		s.stateError(w, http.StatusBadRequest, "body is not a provider-state request: "+err.Error())
		return
	}
	state := req.State
	if state == "" && len(req.States) == 1 {
		state = req.States[0]
	}
	switch strings.ToLower(req.Action) {
	case "", "setup": // pact verifiers may omit the action on setup
		if state == "" {
			// Pact verifiers call the endpoint for interactions without a state too: there
			// is nothing to set up.
			s.writeStateJSON(w, http.StatusOK, map[string]string{})
			return
		}
		vals, err := s.setupState(state, req.Params)
		if errors.Is(err, errUnknownState) {
			s.stateError(w, http.StatusBadRequest,
				fmt.Sprintf("unknown provider state %q; known states: %s", state, quotedStates()))
			return
		}
		if err != nil {
			s.stateError(w, http.StatusInternalServerError, "setup failed: "+err.Error())
			return
		}
		s.writeStateJSON(w, http.StatusOK, vals)
	case "teardown":
		// Every setup made a fresh trader, so teardown only has to delete it; a teardown
		// without a User (or for a failed setup) has nothing to do.
		for k, v := range req.Params {
			if u, ok := v.(string); ok && strings.EqualFold(k, "User") {
				s.st.mu.Lock()
				s.st.deleteLocked(u)
				s.st.mu.Unlock()
			}
		}
		s.writeStateJSON(w, http.StatusOK, map[string]string{})
	default:
		s.stateError(w, http.StatusBadRequest,
			fmt.Sprintf("unknown action %q; use \"setup\" or \"teardown\"", req.Action))
	}
}

var errUnknownState = errors.New("unknown provider state")

// setupState creates a fresh trader in the named state and returns the values a pact
// interaction may inject.
func (s *Server) setupState(state string, params map[string]any) (map[string]string, error) {
	ago, agoGiven, err := codeIssuedAgo(params)
	if err != nil {
		return nil, err
	}
	switch state {
	case StateNoSuchUser:
		s.st.mu.Lock()
		defer s.st.mu.Unlock()
		s.st.deleteLocked(UnknownUser)
		return map[string]string{}, nil
	case StateNoSuchCode:
		s.st.mu.Lock()
		defer s.st.mu.Unlock()
		delete(s.st.codes, UnknownCode)
		return map[string]string{}, nil
	}
	var question, answer string
	switch state {
	case StateValidToken, StateExpiredToken, StateNoSecretQuestion, StatePendingCode, StateExpiredCode:
	case StateSecretQuestion:
		hx, err := randomHex(4)
		if err != nil {
			return nil, err
		}
		question, answer = StateSecretQuestionText, "Elm Street "+hx
	default:
		return nil, errUnknownState
	}
	password, err := randomPassword(s.cfg.minLen)
	if err != nil {
		return nil, err
	}
	h, err := s.hashNewPassword(password)
	if err != nil {
		return nil, err
	}
	now := s.cfg.now()
	expired := now.Add(-expiredAgo)

	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	var t *trader
	for range 10 { // a 48-bit random login practically never collides; retry if it does
		hx, err := randomHex(6)
		if err != nil {
			return nil, err
		}
		login := "trader-" + hx
		t = &trader{login: login, email: login + "@traders.example.test", hash: h,
			question: question, answer: normalizeAnswer(answer)}
		if err = s.st.addLocked(t); err == nil {
			break
		}
		t = nil
	}
	if t == nil {
		return nil, errors.New("could not create a unique trader")
	}
	vals := map[string]string{"User": t.login, "Email": t.email, "Password": password}
	lk := key(t.login)
	switch state {
	case StateValidToken, StateExpiredToken:
		exp := now.Add(s.cfg.tokenTTL)
		if state == StateExpiredToken {
			exp = expired
		}
		vals["Token"], err = s.st.newTokenLocked(lk, exp)
	case StatePendingCode, StateExpiredCode:
		exp := now.Add(s.codeLifetime())
		if state == StateExpiredCode {
			exp = expired
		}
		if state == StatePendingCode && agoGiven {
			// A code issued that long ago: what the lifetime left of it (ASVS 6.5.5's check).
			exp = now.Add(-ago).Add(s.codeLifetime())
			vals[ParamCodeIssuedSecondsAgo] = fmt.Sprint(int64(ago / time.Second))
		}
		vals["Code"], err = s.st.newCodeLocked(lk, exp, s.hook.newCode)
	case StateSecretQuestion:
		vals["SecretQuestion"], vals["SecretQuestionAnswer"] = question, answer
	}
	if err != nil {
		s.st.deleteLocked(lk)
		return nil, err
	}
	return vals, nil
}

// ParamCodeIssuedSecondsAgo is the pending-code state's optional param: the code was
// issued that many seconds ago (a JSON number or a string of digits).
const ParamCodeIssuedSecondsAgo = "CodeIssuedSecondsAgo"

// codeIssuedAgo reads ParamCodeIssuedSecondsAgo from a setup's params.
func codeIssuedAgo(params map[string]any) (time.Duration, bool, error) {
	v, ok := params[ParamCodeIssuedSecondsAgo]
	if !ok {
		return 0, false, nil
	}
	var n float64
	switch x := v.(type) {
	case float64:
		n = x
	case string:
		if _, err := fmt.Sscan(x, &n); err != nil {
			return 0, false, fmt.Errorf("param %s: %q is no number of seconds", ParamCodeIssuedSecondsAgo, x)
		}
	default:
		return 0, false, fmt.Errorf("param %s: want a number of seconds", ParamCodeIssuedSecondsAgo)
	}
	if n < 0 || n > 86400 {
		return 0, false, fmt.Errorf("param %s: %v is not between 0 and 86400", ParamCodeIssuedSecondsAgo, n)
	}
	return time.Duration(n) * time.Second, true, nil
}

// randomPassword has upper, lower, digit and symbol and at least 24 characters (more if
// minLen asks), so it satisfies the length rule and any usual composition rule.
func randomPassword(minLen int) (string, error) {
	n := max(24, minLen)
	b := make([]byte, n) // base64 of n bytes is longer than n characters
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return ("Aa1-" + base64.RawURLEncoding.EncodeToString(b))[:n], nil
}

func quotedStates() string {
	q := make([]string, 0, len(States()))
	for _, st := range States() {
		q = append(q, fmt.Sprintf("%q", st))
	}
	return strings.Join(q, ", ")
}

func (s *Server) stateError(w http.ResponseWriter, status int, msg string) {
	s.writeStateJSON(w, status, map[string]string{"error": msg})
}

// writeStateJSON ignores the response faults: they break the API, not the test harness.
func (s *Server) writeStateJSON(w http.ResponseWriter, status int, v any) {
	body, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
