package refprovider

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Server is the reference provider. It implements http.Handler; create it with New.
type Server struct {
	cfg   config
	hook  hooks // where the enabled faults and quirks change the behaviour (hooks.go)
	st    *store
	logMu sync.Mutex

	limiter *rateLimiter // nil without Options.RateLimit

	// dummyHash is verified against when a login names an unknown user, so that answer
	// takes as long as a wrong password and does not reveal which users exist.
	dummyHash passwordHash

	mailSent, mailDropped atomic.Int64
	// noticesSent, noticesDropped and noticesFailed count the reset notifications mailed,
	// dropped for want of an SMTP server, and failed to send.
	noticesSent, noticesDropped, noticesFailed atomic.Int64
	loginLockouts                              atomic.Int64 // accounts locked by Options.LoginLockout

	routes map[string]route
}

type route struct {
	method  string
	handler http.HandlerFunc
}

// Route keys: lower-case paths below APIPrefix without a trailing slash.
const (
	pathStep1      = "/v1.0/users/password/reset"
	pathStep2      = "/v1.0/users/password/secret-question"
	pathStep3      = "/v1.0/users/password/reset/code"
	pathStep3Ident = "/v1.0/users/identifiers/reset/code"
	pathStep4      = "/v1.0/users/passwords/reset"
	pathLogin      = "/token"
)

// New validates opts, creates the seed traders and returns the provider.
func New(opts Options) (*Server, error) {
	cfg, err := opts.validate()
	if err != nil {
		return nil, fmt.Errorf("refprovider: invalid options: %w", err)
	}
	s := &Server{cfg: cfg, hook: newHooks(cfg), st: newStore()}
	s.hook.setup(s)
	if cfg.rateLimit > 0 {
		s.limiter = newRateLimiter(cfg.rateLimit)
	}
	if s.dummyHash, err = hashPassword("not a password of anyone", cfg.iter); err != nil {
		return nil, err
	}
	for _, t := range opts.Traders {
		h, err := s.hashNewPassword(t.Password)
		if err != nil {
			return nil, err
		}
		tr := &trader{
			login:    strings.TrimSpace(t.User),
			email:    t.Email,
			question: strings.TrimSpace(t.SecretQuestion),
			hash:     h,
		}
		if tr.question != "" {
			tr.answer = normalizeAnswer(t.SecretQuestionAnswer)
		}
		if err := s.st.addLocked(tr); err != nil { // not shared yet: no lock needed
			return nil, err
		}
	}
	s.routes = map[string]route{
		pathStep1:      {http.MethodPost, s.handleResetStart},
		pathStep2:      {http.MethodGet, s.handleSecretQuestion},
		pathStep3:      {http.MethodPost, s.handleResetCode},
		pathStep3Ident: {http.MethodPost, s.handleIdentifierCode},
		pathStep4:      {http.MethodPut, s.handleNewPassword},
		pathLogin:      {http.MethodPost, s.handleLogin},
	}
	return s, nil
}

// MailStats reports how many confirmation emails were sent over SMTP and how many were
// dropped because no SMTPAddr is configured.
func (s *Server) MailStats() (sent, dropped int64) {
	return s.mailSent.Load(), s.mailDropped.Load()
}

// NoticeStats reports how many password-change notifications were sent over SMTP, dropped
// because no SMTPAddr is configured, and could not be sent.
func (s *Server) NoticeStats() (sent, dropped, failed int64) {
	return s.noticesSent.Load(), s.noticesDropped.Load(), s.noticesFailed.Load()
}

// ServeHTTP routes a request and writes one line to the request log.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	s.hook.securityHeaders(sw.Header(), r)
	if s.limiter != nil && !s.limiter.allow(r) {
		s.tooManyRequests(sw)
	} else {
		s.serve(sw, r)
	}
	s.logRequest(r, sw.status(), time.Since(start))
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimSuffix(strings.ToLower(r.URL.Path), "/")
	if s.cfg.testMode && p == StatePath {
		s.handleState(w, r)
		return
	}
	rest, underAPI := strings.CutPrefix(p, APIPrefix)
	if !underAPI || (rest != "" && rest[0] != '/') {
		s.notFound(w, r)
		return
	}
	if s.hook.intercept(s, w, r) {
		return
	}
	s.hook.responseHeaders(w.Header(), r)
	rt, known := s.routes[rest]
	if !s.hook.appKeyOK(s, r, rest) {
		if rest == pathStep4 && r.Method == rt.method {
			s.hook.badKeyStep4(s, r, rt.handler)
		}
		s.appKeyError(w)
		return
	}
	if !known {
		s.notFound(w, r)
		return
	}
	if r.Method != rt.method {
		if s.hook.wrongMethod(s, w, r, rest, rt) {
			return
		}
		s.methodNotAllowed(w, r, rt)
		return
	}
	rt.handler(w, r)
}

// methodNotAllowed answers a method the route does not serve: 405, with Allow.
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request, rt route) {
	w.Header().Set("Allow", rt.method)
	s.writeJSON(w, http.StatusMethodNotAllowed, map[string]string{
		"Message": fmt.Sprintf("The requested resource does not support http method '%s'.", r.Method),
	})
}

// redirectElsewhere answers the redirect-elsewhere fault: 307 (method and body kept) to
// the same path and query on Options.RedirectTo.
func (s *Server) redirectElsewhere(w http.ResponseWriter, r *http.Request) {
	loc := *s.cfg.redirect
	loc.Path = strings.TrimSuffix(loc.Path, "/") + r.URL.Path
	loc.RawPath = ""
	loc.RawQuery = r.URL.RawQuery
	w.Header().Set("Location", loc.String())
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusTemporaryRedirect)
}

// appKeyErrorBody is the documented body, byte for byte.
const appKeyErrorBody = `{"error":"Application key is not defined or does not exist"}`

func (s *Server) appKeyError(w http.ResponseWriter) {
	s.writeRaw(w, s.hook.appKeyStatus, []byte(s.hook.appKeyBody))
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	// The real message quotes the request URI; the path alone is quoted here so query
	// values (which may carry a username or email) are never echoed.
	s.writeJSON(w, http.StatusNotFound, map[string]string{
		"Message": fmt.Sprintf("No HTTP resource was found that matches the request URI '%s'.", r.URL.Path),
	})
}

// logRequest writes method, path, status and duration: never headers, bodies or query
// strings, which carry app keys, passwords, codes and tokens. EscapedPath keeps control
// characters percent-encoded so a client cannot forge log lines.
func (s *Server) logRequest(r *http.Request, status int, d time.Duration) {
	if s.cfg.log == io.Discard {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.cfg.log, "%s %s %s %d %s\n", time.Now().UTC().Format(time.RFC3339),
		r.Method, r.URL.EscapedPath(), status, d.Round(time.Microsecond))
}

// ---- responses ----

// envelope is the documented ResourceBasedResponse. Model is omitted when nil (endpoints
// without a model); json.RawMessage("null") sends an explicit null.
type envelope struct {
	Model      any                 `json:"Model,omitempty"`
	Errors     []string            `json:"Errors"`
	ErrorsCode []string            `json:"ErrorsCode"`
	ModelState map[string][]string `json:"ModelState,omitempty"`
	StatusCode string              `json:"StatusCode"`
	IsSucceed  any                 `json:"IsSucceed"` // bool; string only under a fault
}

// problem is one entry of Errors/ErrorsCode; field, when set, also goes to ModelState.
type problem struct {
	code, msg, field string
}

const codeValidation = "ErrorValidation"

func required(field string) problem {
	return problem{codeValidation, fmt.Sprintf("The %s field is required.", field), field}
}

// succeed answers 200 with an optional Model.
func (s *Server) succeed(w http.ResponseWriter, model any) {
	env := envelope{Model: model, Errors: []string{}, ErrorsCode: []string{}}
	s.writeEnvelope(w, http.StatusOK, env, true)
}

// fail answers an error envelope. Errors and ErrorsCode are parallel arrays.
func (s *Server) fail(w http.ResponseWriter, status int, probs ...problem) {
	env := envelope{Errors: []string{}, ErrorsCode: []string{}}
	for _, p := range s.hook.errorPrefix {
		env.Errors, env.ErrorsCode = append(env.Errors, p.msg), append(env.ErrorsCode, p.code)
	}
	for _, p := range probs {
		env.Errors = append(env.Errors, p.msg)
		env.ErrorsCode = append(env.ErrorsCode, p.code)
		if p.field != "" {
			if env.ModelState == nil {
				env.ModelState = map[string][]string{}
			}
			env.ModelState[p.field] = append(env.ModelState[p.field], p.msg)
		}
	}
	s.writeEnvelope(w, status, env, false)
}

// failInternal answers 500 ErrorInternal.
func (s *Server) failInternal(w http.ResponseWriter) {
	s.fail(w, http.StatusInternalServerError, s.hook.errorText(errInternal))
}

func (s *Server) writeEnvelope(w http.ResponseWriter, status int, env envelope, ok bool) {
	// StatusCode names the logical status; the status-line faults change only the HTTP
	// status, so each fault breaks exactly one thing.
	env.StatusCode = statusName(status)
	env.IsSucceed = ok
	status = s.hook.envelope(&env, status, ok)
	s.writeJSON(w, status, env)
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil { // only plain values are marshalled; this is a programming error
		status, body = http.StatusInternalServerError, []byte(`{"Message":"An error has occurred."}`)
	}
	s.writeRaw(w, status, body)
}

func (s *Server) writeRaw(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	// ASP.NET sends the charset parameter; clients must compare the media type only.
	h.Set("Content-Type", s.hook.contentType)
	if h.Get("Cache-Control") == "" { // a handler may have set the secret-bearing answer's
		h.Set("Cache-Control", "no-store") // bodies carry reset tokens and login tokens
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// statusName is the .NET HttpStatusCode enum name the envelope's StatusCode carries.
func statusName(status int) string {
	switch status {
	case http.StatusOK:
		return "OK"
	case http.StatusBadRequest:
		return "BadRequest"
	case http.StatusUnauthorized:
		return "Unauthorized"
	case http.StatusForbidden:
		return "Forbidden"
	case http.StatusNotFound:
		return "NotFound"
	case http.StatusMethodNotAllowed:
		return "MethodNotAllowed"
	case http.StatusRequestEntityTooLarge:
		return "RequestEntityTooLarge"
	case http.StatusTooManyRequests:
		return "TooManyRequests"
	case http.StatusInternalServerError:
		return "InternalServerError"
	case http.StatusServiceUnavailable:
		return "ServiceUnavailable"
	}
	return strings.ReplaceAll(http.StatusText(status), " ", "")
}

// statusWriter records the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// discardWriter swallows a response; used by the app-key-checked-late fault.
type discardWriter struct{ h http.Header }

func newDiscardWriter() *discardWriter               { return &discardWriter{h: http.Header{}} }
func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}
