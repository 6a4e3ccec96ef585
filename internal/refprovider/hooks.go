package refprovider

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// hooks are the named points where a fault switch or a quirk may change the provider. The
// handlers call them at those points; correctHooks holds the documented behaviour, and
// each entry of the fault and quirk tables (faults.go, quirks.go) replaces or wraps a few
// of them. Nothing else in the handlers knows about faults.
type hooks struct {
	// ---- every API request (server.go) ----

	// setup runs once in New, for a switch that needs state (e.g. remembering tokens).
	setup func(s *Server)
	// intercept may answer an API request before the app key is checked; true = answered.
	intercept func(s *Server, w http.ResponseWriter, r *http.Request) bool
	// responseHeaders may add headers to every API response.
	responseHeaders func(h http.Header, r *http.Request)
	// securityHeaders sets the headers every response carries, before anything else
	// answers (the gateway's 429, the state endpoint and redirects included).
	securityHeaders func(h http.Header, r *http.Request)
	// appKeyOK judges the request's Et-App-Key for the route key rest.
	appKeyOK func(s *Server, r *http.Request, rest string) bool
	// badKeyStep4 runs for a step 4 (right method) refused for its app key, before the
	// refusal is answered; handler is step 4's own handler.
	badKeyStep4 func(s *Server, r *http.Request, handler http.HandlerFunc)
	// appKeyStatus and appKeyBody are the app-key error.
	appKeyStatus int
	appKeyBody   string
	// wrongMethod may answer a request whose method its route does not serve; true =
	// answered, false = 405.
	wrongMethod func(s *Server, w http.ResponseWriter, r *http.Request, rest string, rt route) bool

	// ---- responses (server.go) ----

	// envelope edits a finished envelope and returns the HTTP status to send it with.
	envelope func(env *envelope, status int, ok bool) int
	// errorPrefix comes first in every error envelope's Errors and ErrorsCode.
	errorPrefix []problem
	// contentType labels JSON responses.
	contentType string
	// secretCacheControl is the Cache-Control of responses that carry a secret the
	// provider issued (step 3's reset token, login's token).
	secretCacheControl string
	// errorText may rewrite the problems of body refusals and internal errors.
	errorText func(p problem) problem

	// ---- request bodies (body.go) ----

	// bodyLimit is the most bytes of a body read; more is refused with 413 when it is
	// MaxBodyBytes.
	bodyLimit int64
	// beforeBind may answer a request once its body is read; true = answered.
	beforeBind func(s *Server, w http.ResponseWriter, r *http.Request, body []byte) bool
	// refuseBody answers a body that cannot be bound (kind says why).
	refuseBody func(s *Server, w http.ResponseWriter, kind bodyProblem, status int, probs []problem)
	// boundFields may answer a request once its fields are bound; true = answered.
	boundFields func(s *Server, w http.ResponseWriter, fields []*bodyField) bool
	// propertyMatches says whether a body property name binds to a documented field.
	propertyMatches func(field, property string) bool
	// numberAsString converts a JSON number where a string belongs; false = refused.
	numberAsString func(literal string) (string, bool)

	// ---- step 1 (reset.go) ----

	// unknownUser answers step 1 for a login that does not exist.
	unknownUser func(s *Server, w http.ResponseWriter)
	// answerMatches compares a trader's stored (normalised) answer with the given one.
	answerMatches func(stored, given string) bool
	// answerAttemptLimit is how many consecutive wrong answers lock step 1 for a trader
	// (Options.LockoutPeriod); 0 = never.
	answerAttemptLimit int
	// wrongAnswer is the problems a wrong or missing answer gets.
	wrongAnswer func(given string) []problem
	// mailCode sends the confirmation code.
	mailCode func(s *Server, ctx context.Context, login, email, code string) error
	// step1Success answers a step 1 that mailed code.
	step1Success func(s *Server, w http.ResponseWriter, code string)
	// refusedRequest runs for a step 1 refused for its wrong or missing answer, before the
	// refusal is answered; the store is not locked.
	refusedRequest func(s *Server, ctx context.Context, login string)
	// mailLimit is how many pending codes a trader may have before step 1 mails no more,
	// from the configured Options.MailLimit; 0 = unlimited.
	mailLimit func(configured int) int
	// codeTTL is a confirmation code's lifetime from the configured Options.CodeTTL.
	codeTTL func(configured time.Duration) time.Duration
	// newCode draws a confirmation code candidate (step 1 and provider states alike); it
	// is called with the store locked.
	newCode func() (string, error)

	// ---- step 2 (reset.go) ----

	// findTrader looks up step 2's username; the store is locked.
	findTrader func(st *store, username string) *trader
	// noQuestion is step 2's Model for a trader without a secret question.
	noQuestion any

	// ---- step 3 (reset.go) ----

	codeExpired func(g *grant, now time.Time) bool
	// codeAttempts is how many wrong codes a pending code survives, from the configured
	// Options.CodeAttempts; 0 = unlimited.
	codeAttempts func(configured int) int
	// consumeCode ends a code that has been traded for a token; the store is locked.
	consumeCode func(st *store, code string)
	// codeRaceWindow > 0 trusts step 3's code check after a pause of that length instead
	// of checking and consuming under one lock.
	codeRaceWindow time.Duration

	// ---- step 4 (reset.go) ----

	// beforeTokenLookup may answer a step 4 by its token alone; true = answered.
	beforeTokenLookup func(s *Server, w http.ResponseWriter, token string) bool
	// tokenLookup returns the key of the outstanding token the request's token names, ""
	// for none; the store is locked.
	tokenLookup func(tokens map[string]*grant, token string) string
	// unknownToken may answer a step 4 whose token is not outstanding; true = answered.
	unknownToken func(s *Server, w http.ResponseWriter, token string) bool
	tokenExpired func(g *grant, now time.Time) bool
	// confirmationMatches compares Password and PasswordConfirmation.
	confirmationMatches func(password, confirmation string) bool
	// mismatch runs when they differ; the store is locked.
	mismatch func(st *store, token string)
	// The password rules, in the order checked; a maxPasswordLength of 0 is no maximum.
	minPasswordLength func(configured int) int
	maxPasswordLength int
	// passwordLength counts a password's characters for the length rules.
	passwordLength func(password string) int
	// contextSpecific says whether a password is made of the context words (the trader's
	// login and email, the product's names) and fewer than minLen other characters.
	contextSpecific func(password string, words []string, minLen int) bool
	commonPassword  func(password string) bool
	composition     func(password string) *problem
	// storePassword is what is hashed for a password being set (seed traders, provider
	// states and step 4 alike).
	storePassword func(password string) string
	// tokenRaceWindow > 0 trusts step 4's first token check after a pause of that length
	// instead of checking again under the lock that consumes the token.
	tokenRaceWindow time.Duration
	// storedPassword is which of the Password values a body carried is set (one body may
	// carry the property more than once).
	storedPassword func(f *bodyField) string
	// step4ExtraFields are body properties bound besides the documented ones, and
	// passwordOwner picks whose password a valid token sets; the store is locked.
	step4ExtraFields []string
	passwordOwner    func(st *store, tokenOwner string, extra map[string]string) string
	// guidToken binds step 4's Token as a .NET Guid: a token that is no GUID is refused
	// by model binding, before the application runs (the guid-token quirk).
	guidToken bool
	// applyPassword stores the new hash.
	applyPassword func(t *trader, h passwordHash)
	// consumeToken ends the token (and the trader's other grants); the store is locked.
	consumeToken func(st *store, lk, token string)
	// step4Error may rewrite a step 4 refusal.
	step4Error func(p problem, req newPasswordRequest) problem
	// notifyReset tells the trader their password was changed, once step 4 succeeded;
	// password is the new one (which the notice must not carry).
	notifyReset func(s *Server, ctx context.Context, login, email, password string) error
	// step4Success answers a step 4 that set the password.
	step4Success func(s *Server, w http.ResponseWriter)

	// ---- login (reset.go) ----

	// passwordMatches checks a login's Password header against a trader's hashes.
	passwordMatches func(cur, prev passwordHash, password string) bool
	// loginBody is a successful login's body.
	loginBody func(token string) any
	// loginLockout is how many consecutive failed logins lock an account, from the
	// configured Options.LoginLockout; 0 = never.
	loginLockout func(configured int) int
	// loginAttemptKey is what failed logins are counted under: the account, for any
	// spelling of its login the login accepts (given).
	loginAttemptKey func(t *trader, given string) string
	// loginLocked says whether t's login is locked at now (ak: what its failed logins are
	// counted under); the store is locked.
	loginLocked func(st *store, t *trader, ak string, now time.Time) bool
}

// correctHooks is the documented behaviour at every hook point.
func correctHooks() hooks {
	return hooks{
		setup:           func(*Server) {},
		intercept:       func(*Server, http.ResponseWriter, *http.Request) bool { return false },
		responseHeaders: func(http.Header, *http.Request) {},
		securityHeaders: func(h http.Header, r *http.Request) {
			h.Set("X-Content-Type-Options", "nosniff") // ASVS 3.4.4
			if r.TLS != nil {
				h.Set("Strict-Transport-Security", hstsValue) // ASVS 3.4.1
			}
		},
		appKeyOK: func(s *Server, r *http.Request, _ string) bool {
			got := r.Header.Get("Et-App-Key")
			return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.appKey)) == 1
		},
		badKeyStep4:  func(*Server, *http.Request, http.HandlerFunc) {},
		appKeyStatus: http.StatusForbidden,
		appKeyBody:   appKeyErrorBody,
		wrongMethod: func(*Server, http.ResponseWriter, *http.Request, string, route) bool {
			return false
		},

		envelope:           func(_ *envelope, status int, _ bool) int { return status },
		contentType:        "application/json; charset=utf-8",
		secretCacheControl: "no-store",
		errorText:          func(p problem) problem { return p },

		bodyLimit:  MaxBodyBytes,
		beforeBind: func(*Server, http.ResponseWriter, *http.Request, []byte) bool { return false },
		refuseBody: func(s *Server, w http.ResponseWriter, _ bodyProblem, status int, probs []problem) {
			s.fail(w, status, s.errorTexts(probs)...)
		},
		boundFields:     func(*Server, http.ResponseWriter, []*bodyField) bool { return false },
		propertyMatches: strings.EqualFold,
		numberAsString:  integerAsString,

		unknownUser: func(s *Server, w http.ResponseWriter) {
			s.fail(w, http.StatusBadRequest, errUserNotFound)
		},
		answerMatches:      answerMatches,
		answerAttemptLimit: DefaultAnswerAttempts,
		wrongAnswer:        func(string) []problem { return []problem{errIncorrectAnswer} },
		mailCode:           (*Server).sendCode,
		step1Success:       func(s *Server, w http.ResponseWriter, _ string) { s.succeed(w, nil) },
		newCode:            randomCode,
		refusedRequest:     func(*Server, context.Context, string) {}, // ASVS 2.3.1: nothing is mailed
		mailLimit:          func(configured int) int { return configured },
		codeTTL:            func(configured time.Duration) time.Duration { return configured },

		findTrader: func(st *store, username string) *trader {
			if t := st.traders[key(username)]; t != nil {
				return t
			}
			return st.traders[st.byEmail[key(username)]]
		},
		noQuestion: "",

		codeExpired:  (*grant).expiredAt,
		codeAttempts: func(configured int) int { return configured },
		consumeCode:  func(st *store, code string) { delete(st.codes, code) },

		beforeTokenLookup: func(*Server, http.ResponseWriter, string) bool { return false },
		tokenLookup:       exactToken,
		unknownToken:      func(*Server, http.ResponseWriter, string) bool { return false },
		tokenExpired:      (*grant).expiredAt,
		confirmationMatches: func(password, confirmation string) bool {
			return password == confirmation // letter case and spaces are part of a password
		},
		mismatch:          func(*store, string) {},
		minPasswordLength: func(configured int) int { return configured },
		maxPasswordLength: 0,                      // none but MaxBodyBytes: ASVS 6.2.9 and NIST ask for at least 64
		passwordLength:    utf8.RuneCountInString, // NIST SP 800-63B-4 3.1.1.2: a code point is a character
		contextSpecific:   madeOfContextWords,
		commonPassword:    isCommonPassword,
		composition:       func(string) *problem { return nil }, // ASVS 6.2.5: no composition rules
		storePassword:     norm.NFC.String,
		storedPassword:    func(f *bodyField) string { return f.value }, // the one compared with the confirmation
		passwordOwner:     func(_ *store, owner string, _ map[string]string) string { return owner },
		applyPassword:     func(t *trader, h passwordHash) { t.prevHash, t.hash = t.hash, h },
		consumeToken: func(st *store, lk, _ string) {
			st.revokeLocked(lk, "", "") // a completed reset ends every other reset in flight
		},
		step4Error: func(p problem, _ newPasswordRequest) problem { return p },
		notifyReset: func(s *Server, ctx context.Context, login, email, _ string) error {
			return s.sendResetNotice(ctx, login, email, "")
		},
		step4Success: func(s *Server, w http.ResponseWriter) { s.succeed(w, nil) }, // no automatic login

		passwordMatches: func(cur, _ passwordHash, password string) bool {
			return cur.matches(norm.NFC.String(password))
		},
		loginBody:       func(token string) any { return struct{ State, Token string }{"Succeeded", token} },
		loginLockout:    func(configured int) int { return configured },
		loginAttemptKey: func(t *trader, _ string) string { return key(t.login) },
		// Failed logins alone: the cheat sheet's Account Lockout wants no lock from
		// forgot-password attempts (step 1's own lock stays in step 1).
		loginLocked: func(st *store, _ *trader, ak string, now time.Time) bool {
			return st.lockedLocked(loginAttempts, ak, now)
		},
	}
}

// hstsValue is the Strict-Transport-Security of every https response: a year, and
// subdomains too.
const hstsValue = "max-age=31536000; includeSubDomains"

// newHooks applies the enabled quirks, then the enabled faults, each in table order.
func newHooks(cfg config) hooks {
	h := correctHooks()
	for _, q := range quirkTable {
		if cfg.quirks[q.name] {
			q.apply(&h)
		}
	}
	for _, f := range faultTable {
		if cfg.faults[f.name] {
			f.apply(&h)
		}
	}
	return h
}

// errorTexts maps problems through the errorText hook.
func (s *Server) errorTexts(probs []problem) []problem {
	out := make([]problem, len(probs))
	for i, p := range probs {
		out[i] = s.hook.errorText(p)
	}
	return out
}
