package refprovider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fault switch names. Each makes the provider deliberately wrong in exactly one way, so a
// test can prove that the conformance check guarding that behaviour really fails.
const (
	FaultAcceptMismatchedPasswords = "accept-mismatched-passwords"
	FaultAcceptExpiredToken        = "accept-expired-token"
	FaultSuccessWithoutChange      = "success-without-change"
	FaultMismatchConsumesToken     = "mismatch-consumes-token"
	FaultMismatchStatus500         = "mismatch-status-500"
	FaultReusableToken             = "reusable-token"
	FaultAcceptShortPassword       = "accept-short-password"
	FaultKeepOutstandingGrants     = "keep-outstanding-grants"

	FaultIgnoreAppKey         = "ignore-app-key"
	FaultWrongAppKeyMessage   = "wrong-app-key-message"
	FaultAppKeyStatus400      = "app-key-status-400"
	FaultAppKeyCheckedLate    = "app-key-checked-late"
	FaultIsSucceedAsString    = "is-succeed-as-string"
	FaultErrorsEmptyOnFailure = "errors-empty-on-failure"
	FaultErrorsNullOnSuccess  = "errors-null-on-success"
	FaultFailureStatus200     = "failure-status-200"
	FaultFailureStatus500     = "failure-status-500"
	FaultWrongContentType     = "wrong-content-type"

	FaultOldPasswordStillWorks = "old-password-still-works"
	FaultLoginIgnoresPassword  = "login-ignores-password"
	FaultLoginWithoutToken     = "login-without-token"

	FaultSkipSecretAnswerCheck    = "skip-secret-answer-check"
	FaultWrongIncorrectAnswerCode = "wrong-incorrect-answer-code"
	FaultAcceptUnknownUser        = "accept-unknown-user"
	FaultNoConfirmationEmail      = "no-confirmation-email"
	FaultCodeInResponse           = "code-in-response"

	FaultSecretQuestionNull      = "secret-question-null"
	FaultSecretQuestionLoginOnly = "secret-question-login-only"

	FaultAcceptExpiredCode = "accept-expired-code"
	FaultReusableCode      = "reusable-code"

	// The negative and security catalogue.
	FaultAcceptUnknownToken      = "accept-unknown-token"
	FaultAcceptMalformedToken    = "accept-malformed-token"
	FaultTokenRace               = "token-race"
	FaultConfirmationIgnoresCase = "confirmation-ignores-case"
	FaultConfirmationTrimsSpaces = "confirmation-trims-spaces"
	FaultPasswordSpacesStripped  = "password-spaces-stripped"
	FaultNonJSONBody500          = "non-json-body-500"
	FaultMissingField500         = "missing-field-500"
	FaultWrongType500            = "wrong-type-500"
	FaultNumbersBoundWrong       = "numbers-bound-wrong"
	FaultCaseSensitiveProperties = "case-sensitive-properties"
	FaultTextPlain500            = "text-plain-500"
	FaultNoBodyLimit             = "no-body-limit"
	FaultUnusualValue500         = "unusual-value-500"
	FaultStep4AnyMethod          = "step4-any-method"
	FaultWrongMethod200          = "wrong-method-200"
	FaultWrongAppKeyAccepted     = "wrong-app-key-accepted"
	FaultBadKeyConsumesToken     = "bad-key-consumes-token"
	FaultRedirectElsewhere       = "redirect-elsewhere"
	FaultEchoPassword            = "echo-password"
	FaultEchoAppKey              = "echo-app-key"

	// The credential-recovery security profile (OWASP ASVS 5.0 V6, NIST SP 800-63B-4).
	FaultPasswordMax32            = "password-max-32"
	FaultTruncatePassword         = "truncate-password"
	FaultLoginIgnoresPasswordCase = "login-ignores-password-case"
	FaultUnicodePasswordUnusable  = "unicode-password-unusable"
	FaultAcceptCommonPassword     = "accept-common-password"
	FaultRequireComposition       = "require-composition"
	FaultUnlimitedAnswerAttempts  = "unlimited-answer-attempts"
	FaultCodeRace                 = "code-race"
	FaultSequentialCodes          = "sequential-codes"
	FaultLenientTokenMatch        = "lenient-token-match"
	FaultMassAssignment           = "mass-assignment"
	FaultCacheableToken           = "cacheable-token"
	FaultStackTraceInErrors       = "stack-trace-in-errors"
	FaultEchoSecretAnswer         = "echo-secret-answer"

	// The credential-recovery requirements of issue 21 (ASVS 5.0.0, NIST SP 800-63B-4, the
	// OWASP Forgot Password Cheat Sheet).
	FaultAcceptContextPassword   = "accept-context-specific-password"
	FaultUnlimitedCodeAttempts   = "unlimited-code-attempts"
	FaultUnlimitedLoginAttempts  = "unlimited-login-attempts"
	FaultLoginLockoutPerSpelling = "login-lockout-per-spelling"
	FaultMailOnRefusedRequest    = "mail-on-refused-request"
	FaultNoResetNotice           = "no-reset-notification"
	FaultNoticeCarriesPassword   = "notification-carries-password"
	FaultFourDigitCodes          = "four-digit-codes"
	FaultLongCodeLifetime        = "code-lifetime-15m"
	FaultServerVersionHeader     = "server-version-header"
	FaultCORSAnyOrigin           = "cors-any-origin"
	FaultNoNosniff               = "no-nosniff"
	FaultNoHSTS                  = "no-hsts"
	FaultLoginAfterReset         = "login-after-reset"
	FaultPasswordLengthInBytes   = "password-length-in-bytes"
	FaultDuplicatePasswordFirst  = "duplicate-password-first-stored"
	FaultUnlimitedResetMails     = "unlimited-reset-mails"
	// Proof, not a refusal's word for it (issue 22).
	FaultRefusalConsumesToken = "refusal-consumes-token"
	// The planned rows of the requirement matrix (issue 21): ASVS 4.1.1, 13.4.4 and the
	// cheat sheet's Account Lockout.
	FaultMethodNotAllowedHTML = "method-not-allowed-as-html"
	FaultTraceEchoed          = "trace-echoed"
	FaultAnswerLockLocksLogin = "answer-lockout-locks-login"
)

// switchDef is one fault switch or quirk: its name, what it does, and how, as changes to
// the hook points of hooks.go. A switch that changes only part of what a hook does wraps
// the hook it finds (prev), so switches at one hook point combine.
type switchDef struct {
	name, description string
	apply             func(h *hooks)
}

// faultTable is every fault switch, each the one deviation it describes.
var faultTable = []switchDef{
	// ---- step 4 ----
	{FaultAcceptMismatchedPasswords, "step 4 ignores PasswordConfirmation: sets Password and succeeds when they differ", func(h *hooks) {
		h.confirmationMatches = func(string, string) bool { return true }
	}},
	{FaultAcceptExpiredToken, "step 4 accepts an expired reset token", func(h *hooks) {
		h.tokenExpired = func(*grant, time.Time) bool { return false }
	}},
	{FaultSuccessWithoutChange, "step 4 answers success but keeps the old password", func(h *hooks) {
		h.applyPassword = func(*trader, passwordHash) {}
	}},
	{FaultMismatchConsumesToken, "a step 4 password-mismatch rejection consumes the token, so a corrected retry fails", func(h *hooks) {
		h.mismatch = func(st *store, token string) { delete(st.tokens, token) }
	}},
	{FaultMismatchStatus500, "step 4 answers a password mismatch with HTTP 500 (the error envelope otherwise right, nothing changed)", func(h *hooks) {
		prev := h.envelope
		h.envelope = func(env *envelope, status int, ok bool) int {
			status = prev(env, status, ok)
			if !ok && slices.Contains(env.ErrorsCode, errPasswordMismatch.code) {
				return http.StatusInternalServerError
			}
			return status
		}
	}},
	{FaultReusableToken, "step 4 does not consume the token on success: it can reset the password again", func(h *hooks) {
		h.consumeToken = func(*store, string, string) {}
	}},
	{FaultAcceptShortPassword, "step 4 skips the minimum password length check", func(h *hooks) {
		h.minPasswordLength = func(int) int { return 0 }
	}},
	{FaultKeepOutstandingGrants, "step 4 success leaves the trader's other outstanding codes and tokens usable", func(h *hooks) {
		h.consumeToken = func(st *store, _, token string) { delete(st.tokens, token) }
	}},

	// ---- app key and envelope ----
	{FaultIgnoreAppKey, "no Et-App-Key check anywhere: any or no key is accepted", func(h *hooks) {
		h.appKeyOK = func(*Server, *http.Request, string) bool { return true }
	}},
	{FaultWrongAppKeyMessage, `app-key error body is {"error":"Invalid application key"} instead of the documented text`, func(h *hooks) {
		h.appKeyBody = `{"error":"Invalid application key"}`
	}},
	{FaultAppKeyStatus400, "app-key error answered with status 400 instead of 403", func(h *hooks) {
		h.appKeyStatus = http.StatusBadRequest
	}},
	{FaultAppKeyCheckedLate, "with a bad app key, step 4 still applies the password change, then answers the app-key error", func(h *hooks) {
		h.badKeyStep4 = func(_ *Server, r *http.Request, step4 http.HandlerFunc) { step4(newDiscardWriter(), r) }
	}},
	{FaultIsSucceedAsString, `IsSucceed sent as the JSON string "true"/"false" on every envelope`, func(h *hooks) {
		prev := h.envelope
		h.envelope = func(env *envelope, status int, ok bool) int {
			env.IsSucceed = fmt.Sprint(ok)
			return prev(env, status, ok)
		}
	}},
	{FaultErrorsEmptyOnFailure, "failure envelopes send Errors [] (no message explaining the failure)", func(h *hooks) {
		prev := h.envelope
		h.envelope = func(env *envelope, status int, ok bool) int {
			if !ok {
				env.Errors = []string{}
			}
			return prev(env, status, ok)
		}
	}},
	{FaultErrorsNullOnSuccess, "success envelopes send Errors and ErrorsCode as null instead of []", func(h *hooks) {
		prev := h.envelope
		h.envelope = func(env *envelope, status int, ok bool) int {
			if ok {
				env.Errors, env.ErrorsCode = nil, nil
			}
			return prev(env, status, ok)
		}
	}},
	{FaultFailureStatus200, "failure envelopes are answered with HTTP 200 (IsSucceed still false)", func(h *hooks) {
		h.envelope = failureStatus(h.envelope, http.StatusOK)
	}},
	{FaultFailureStatus500, "failure envelopes are answered with HTTP 500 (client errors reported as server errors)", func(h *hooks) {
		h.envelope = failureStatus(h.envelope, http.StatusInternalServerError)
	}},
	{FaultWrongContentType, "JSON responses are labelled Content-Type text/plain", func(h *hooks) {
		h.contentType = "text/plain; charset=utf-8"
	}},

	// ---- login ----
	{FaultOldPasswordStillWorks, "login still accepts the previous password after a reset", func(h *hooks) {
		prev := h.passwordMatches
		h.passwordMatches = func(cur, old passwordHash, password string) bool {
			return prev(cur, old, password) || prev(old, old, password)
		}
	}},
	{FaultLoginIgnoresPassword, "login succeeds for an existing user with any password", func(h *hooks) {
		h.passwordMatches = func(passwordHash, passwordHash, string) bool { return true }
	}},
	{FaultLoginWithoutToken, `a successful login answers {"State":"Succeeded"} without the documented Token`, func(h *hooks) {
		h.loginBody = func(string) any { return struct{ State string }{"Succeeded"} }
	}},

	// ---- step 1 ----
	{FaultSkipSecretAnswerCheck, "step 1 accepts a missing or wrong secret answer", func(h *hooks) {
		h.answerMatches = func(string, string) bool { return true }
	}},
	{FaultWrongIncorrectAnswerCode, `a wrong secret answer gives ErrorsCode ["ErrorAnswer"] and a different text`, func(h *hooks) {
		h.wrongAnswer = func(string) []problem { return []problem{errFaultWrongAnswer} }
	}},
	{FaultAcceptUnknownUser, "step 1 answers success for an unknown user", func(h *hooks) {
		h.unknownUser = func(s *Server, w http.ResponseWriter) { s.succeed(w, nil) }
	}},
	{FaultNoConfirmationEmail, "step 1 answers success but sends no confirmation email", func(h *hooks) {
		h.mailCode = func(*Server, context.Context, string, string, string) error { return nil }
	}},
	{FaultCodeInResponse, "step 1 leaks the confirmation code in the response Model", func(h *hooks) {
		h.step1Success = func(s *Server, w http.ResponseWriter, code string) { s.succeed(w, code) }
	}},

	// ---- step 2 ----
	{FaultSecretQuestionNull, `step 2 answers Model null instead of "" for a trader without a secret question`, func(h *hooks) {
		h.noQuestion = json.RawMessage("null")
	}},
	{FaultSecretQuestionLoginOnly, "step 2 looks traders up by login only: by email gives user not found", func(h *hooks) {
		h.findTrader = func(st *store, username string) *trader { return st.traders[key(username)] }
	}},

	// ---- step 3 ----
	{FaultAcceptExpiredCode, "step 3 accepts an expired confirmation code", func(h *hooks) {
		h.codeExpired = func(*grant, time.Time) bool { return false }
	}},
	{FaultReusableCode, "step 3 does not consume the code: it can be traded for a token again", func(h *hooks) {
		h.consumeCode = func(*store, string) {}
	}},

	// ---- the negative and security catalogue ----
	{FaultAcceptUnknownToken, "step 4 answers success (and changes nothing) for a token it never issued", func(h *hooks) {
		h.setup = func(s *Server) { s.st.issued = map[string]bool{} }
		h.unknownToken = func(s *Server, w http.ResponseWriter, token string) bool {
			s.st.mu.Lock()
			issued := s.st.issued[canonicalToken(token)]
			s.st.mu.Unlock()
			if !issued {
				s.succeed(w, nil)
			}
			return !issued
		}
	}},
	{FaultAcceptMalformedToken, "step 4 crashes on a token that is not a GUID (or is very long): 500 instead of 400", func(h *hooks) {
		h.beforeTokenLookup = func(s *Server, w http.ResponseWriter, token string) bool {
			if guidForm.MatchString(token) {
				return false
			}
			s.failInternal(w)
			return true
		}
	}},
	{FaultTokenRace, "step 4 checks and consumes a token non-atomically: concurrent updates with one token all succeed", func(h *hooks) {
		h.tokenRaceWindow = raceWindow
	}},
	{FaultConfirmationIgnoresCase, "step 4 compares Password and PasswordConfirmation case-insensitively", func(h *hooks) {
		h.confirmationMatches = strings.EqualFold
	}},
	{FaultConfirmationTrimsSpaces, "step 4 compares Password and PasswordConfirmation after trimming leading and trailing whitespace", func(h *hooks) {
		h.confirmationMatches = func(p, c string) bool { return strings.TrimSpace(p) == strings.TrimSpace(c) }
	}},
	{FaultPasswordSpacesStripped, "step 4 stores the new password with its spaces removed", func(h *hooks) {
		h.storePassword = func(p string) string { return strings.ReplaceAll(p, " ", "") }
	}},
	{FaultNonJSONBody500, "a request body that is not JSON gets an HTML 500 page (text/html)", func(h *hooks) {
		prev := h.refuseBody
		h.refuseBody = func(s *Server, w http.ResponseWriter, kind bodyProblem, status int, probs []problem) {
			if kind != bodyNotJSON {
				prev(s, w, kind, status, probs)
				return
			}
			s.htmlServerError(w)
		}
	}},
	{FaultMissingField500, "a missing or null required body field gets a 500", func(h *hooks) {
		h.boundFields = serverErrorIf(h.boundFields, func(f *bodyField) bool { return f.required && !f.set })
	}},
	{FaultWrongType500, "an object or array where a body field's string belongs gets a 500", func(h *hooks) {
		prev := h.refuseBody
		h.refuseBody = func(s *Server, w http.ResponseWriter, kind bodyProblem, status int, probs []problem) {
			if kind != bodyWrongType {
				prev(s, w, kind, status, probs)
				return
			}
			s.failInternal(w)
		}
	}},
	{FaultNumbersBoundWrong, `a number where a string belongs is stored in Go's %g form (12345678 becomes "1.2345678e+07")`, func(h *hooks) {
		h.numberAsString = func(lit string) (string, bool) {
			f, err := strconv.ParseFloat(lit, 64)
			if err != nil {
				return "", false
			}
			return strconv.FormatFloat(f, 'g', -1, 64), true
		}
	}},
	{FaultCaseSensitiveProperties, `body property names bind case-sensitively: "password" is treated as a missing Password`, func(h *hooks) {
		h.propertyMatches = func(f, p string) bool { return f == p }
	}},
	{FaultTextPlain500, "a JSON body sent with Content-Type text/plain gets a 500", func(h *hooks) {
		h.beforeBind = func(s *Server, w http.ResponseWriter, r *http.Request, body []byte) bool {
			mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if mt != "text/plain" || len(bytes.TrimSpace(body)) == 0 {
				return false
			}
			s.failInternal(w)
			return true
		}
	}},
	{FaultNoBodyLimit, "request bodies over MaxBodyBytes are processed instead of refused with 413", func(h *hooks) {
		h.bodyLimit = faultBodyCap
	}},
	{FaultUnusualValue500, "a non-ASCII or control character in a body string field gets a 500", func(h *hooks) {
		h.boundFields = serverErrorIf(h.boundFields, func(f *bodyField) bool {
			return strings.ContainsFunc(f.value, func(c rune) bool { return c > unicode.MaxASCII || unicode.IsControl(c) })
		})
	}},
	{FaultStep4AnyMethod, "GET and POST on the step 4 path are handled like PUT (they change the password)", func(h *hooks) {
		prev := h.wrongMethod
		h.wrongMethod = func(s *Server, w http.ResponseWriter, r *http.Request, rest string, rt route) bool {
			if rest == pathStep4 && (r.Method == http.MethodGet || r.Method == http.MethodPost) {
				rt.handler(w, r)
				return true
			}
			return prev(s, w, r, rest, rt)
		}
	}},
	{FaultWrongMethod200, "an undocumented method on a step 1, 2 or 3 path answers a 200 success envelope (changing nothing)", func(h *hooks) {
		prev := h.wrongMethod
		h.wrongMethod = func(s *Server, w http.ResponseWriter, r *http.Request, rest string, rt route) bool {
			if rest != pathStep4 && rest != pathLogin {
				s.succeed(w, nil) // a catch-all that does nothing and says it worked
				return true
			}
			return prev(s, w, r, rest, rt)
		}
	}},
	{FaultWrongAppKeyAccepted, "steps 1, 2, 3 and login accept any non-empty Et-App-Key (step 4 still checks it)", func(h *hooks) {
		prev := h.appKeyOK
		h.appKeyOK = func(s *Server, r *http.Request, rest string) bool {
			if rest != pathStep4 {
				return r.Header.Get("Et-App-Key") != "" // presence is checked, not the value
			}
			return prev(s, r, rest)
		}
	}},
	{FaultBadKeyConsumesToken, "a step 4 refused for its Et-App-Key still consumes the reset token", func(h *hooks) {
		h.badKeyStep4 = func(s *Server, r *http.Request, _ http.HandlerFunc) { s.consumeTokenOf(r) }
	}},
	{FaultRedirectElsewhere, "every API request is answered 307 with Location on Options.RedirectTo (another origin)", func(h *hooks) {
		h.intercept = func(s *Server, w http.ResponseWriter, r *http.Request) bool {
			s.redirectElsewhere(w, r)
			return true
		}
	}},
	{FaultEchoPassword, "step 4 error messages quote the Password and PasswordConfirmation the request carried", func(h *hooks) {
		prev := h.step4Error
		h.step4Error = func(p problem, req newPasswordRequest) problem {
			p = prev(p, req)
			p.msg += fmt.Sprintf(" (Password %q, PasswordConfirmation %q)", req.Password, req.PasswordConfirmation)
			return p
		}
	}},
	{FaultEchoAppKey, "every API response carries the request's Et-App-Key back in an Et-App-Key header", func(h *hooks) {
		h.responseHeaders = func(hd http.Header, r *http.Request) {
			if k := r.Header.Get("Et-App-Key"); k != "" {
				hd.Set("Et-App-Key", k)
			}
		}
	}},

	// ---- the credential-recovery security profile ----
	{FaultPasswordMax32, "step 4 refuses passwords longer than 32 characters (ErrorPasswordTooLong)", func(h *hooks) {
		h.maxPasswordLength = 32
	}},
	{FaultTruncatePassword, "passwords are stored and checked by their first 32 characters only", func(h *hooks) {
		h.storePassword = func(p string) string { return firstRunes(norm.NFC.String(p), 32) }
		h.passwordMatches = func(cur, _ passwordHash, p string) bool { return cur.matches(firstRunes(norm.NFC.String(p), 32)) }
	}},
	{FaultLoginIgnoresPasswordCase, "login compares the password case-insensitively", func(h *hooks) {
		h.storePassword = func(p string) string { return strings.ToLower(norm.NFC.String(p)) }
		h.passwordMatches = func(cur, _ passwordHash, p string) bool { return cur.matches(strings.ToLower(norm.NFC.String(p))) }
	}},
	{FaultUnicodePasswordUnusable, "step 4 accepts a password with non-ASCII characters but stores it without them, so it cannot log in", func(h *hooks) {
		h.storePassword = func(p string) string {
			return strings.Map(func(c rune) rune {
				if c > unicode.MaxASCII {
					return -1
				}
				return c
			}, p)
		}
	}},
	{FaultAcceptCommonPassword, "step 4 accepts passwords on the common-password blocklist (e.g. password1)", func(h *hooks) {
		h.commonPassword = func(string) bool { return false }
	}},
	{FaultRequireComposition, "step 4 requires an upper-case letter, a digit and a symbol (composition rules)", func(h *hooks) {
		h.composition = compositionRule
	}},
	{FaultUnlimitedAnswerAttempts, "step 1 never locks a trader after consecutive wrong secret answers", func(h *hooks) {
		h.answerAttemptLimit = 0
	}},
	{FaultCodeRace, "step 3 checks and consumes a code non-atomically: concurrent exchanges of one code all get a token", func(h *hooks) {
		h.codeRaceWindow = raceWindow
	}},
	{FaultSequentialCodes, "confirmation codes count up: each new code is the previous one plus 1", func(h *hooks) {
		h.newCode = sequentialCodes()
	}},
	{FaultLenientTokenMatch, "step 4 compares only the first 35 characters of a token of up to 64: altered, truncated or extended tokens work", func(h *hooks) {
		h.tokenLookup = prefixToken
	}},
	{FaultMassAssignment, "step 4 honours a body property User, UserName, Login, Email or UserId naming another trader: it sets that trader's password", func(h *hooks) {
		h.step4ExtraFields = massAssignmentFields
		h.passwordOwner = namedOwner
	}},
	{FaultCacheableToken, "step 3 and login success responses carry Cache-Control: public, max-age=3600", func(h *hooks) {
		h.secretCacheControl = "public, max-age=3600"
	}},
	{FaultStackTraceInErrors, "errors for unreadable request bodies and 500s carry an exception type, a stack frame and a source path", func(h *hooks) {
		h.errorText = func(p problem) problem {
			p.msg = "System.Text.Json.JsonException: " + p.msg + stackTrace
			return p
		}
	}},
	{FaultEchoSecretAnswer, "step 1's wrong-answer error quotes the SecretQuestionAnswer the request carried, in an extra Errors entry", func(h *hooks) {
		prev := h.wrongAnswer
		h.wrongAnswer = func(given string) []problem {
			// An entry of its own, so the documented message and code are still there.
			return append(prev(given), problem{code: "ErrorIncorrectAnswerDetail",
				msg: fmt.Sprintf("The answer given was %q.", given)})
		}
	}},

	// ---- the credential-recovery requirements of issue 21 ----
	{FaultAcceptContextPassword, "step 4 accepts a new password made of the trader's login, email address or the product's name (AutoShares2025!)", func(h *hooks) {
		h.contextSpecific = func(string, []string, int) bool { return false }
	}},
	{FaultUnlimitedCodeAttempts, "step 3 takes any number of wrong codes: a pending code still works after them", func(h *hooks) {
		h.codeAttempts = func(int) int { return 0 }
	}},
	{FaultUnlimitedLoginAttempts, "login never locks an account, however many consecutive logins fail", func(h *hooks) {
		h.loginLockout = func(int) int { return 0 }
	}},
	{FaultLoginLockoutPerSpelling, `failed logins are counted per spelling of the login: "Trader" and "trader" each get the whole limit`, func(h *hooks) {
		h.loginAttemptKey = func(_ *trader, given string) string { return strings.TrimSpace(given) }
	}},
	{FaultMailOnRefusedRequest, "step 1 refused for a wrong or missing secret answer still mails the trader a working code", func(h *hooks) {
		h.refusedRequest = func(s *Server, ctx context.Context, lk string) { _, _ = s.issueCode(ctx, lk) }
	}},
	{FaultNoResetNotice, "a successful step 4 sends the trader no notification that the password changed", func(h *hooks) {
		h.notifyReset = func(*Server, context.Context, string, string, string) error { return nil }
	}},
	{FaultNoticeCarriesPassword, "the notification after a successful step 4 carries the new password", func(h *hooks) {
		h.notifyReset = func(s *Server, ctx context.Context, login, email, password string) error {
			return s.sendResetNotice(ctx, login, email, password)
		}
	}},
	{FaultFourDigitCodes, "confirmation codes are 4 random digits (13 bits, not the 20 ASVS 6.5.4 asks)", func(h *hooks) {
		h.newCode = fourDigitCodes
	}},
	{FaultLongCodeLifetime, "confirmation codes live 15 minutes, whatever lifetime is configured (ASVS 6.5.5: at most 10)", func(h *hooks) {
		h.codeTTL = func(time.Duration) time.Duration { return 15 * time.Minute }
	}},
	{FaultServerVersionHeader, "every API response names its backend and version: Server: " + serverVersion + ", X-Powered-By: " + poweredBy, func(h *hooks) {
		prev := h.responseHeaders
		h.responseHeaders = func(hd http.Header, r *http.Request) {
			prev(hd, r)
			hd.Set("Server", serverVersion)
			hd.Set("X-Powered-By", poweredBy)
		}
	}},
	{FaultCORSAnyOrigin, "every API response allows the request's Origin, whatever it is, with credentials; preflights (OPTIONS) are answered 204 allowing it", func(h *hooks) {
		prevHeaders, prevIntercept := h.responseHeaders, h.intercept
		h.responseHeaders = func(hd http.Header, r *http.Request) {
			prevHeaders(hd, r)
			allowOrigin(hd, r)
		}
		h.intercept = func(s *Server, w http.ResponseWriter, r *http.Request) bool {
			if r.Method != http.MethodOptions || r.Header.Get("Origin") == "" || r.Header.Get("Access-Control-Request-Method") == "" {
				return prevIntercept(s, w, r)
			}
			// A preflight carries no app key: CORS middleware answers it before the key check.
			allowOrigin(w.Header(), r)
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
			if hd := r.Header.Get("Access-Control-Request-Headers"); hd != "" {
				w.Header().Set("Access-Control-Allow-Headers", hd)
			}
			w.Header().Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusNoContent)
			return true
		}
	}},
	{FaultNoNosniff, "no response carries X-Content-Type-Options: nosniff", func(h *hooks) {
		prev := h.securityHeaders
		h.securityHeaders = func(hd http.Header, r *http.Request) {
			prev(hd, r)
			hd.Del("X-Content-Type-Options")
		}
	}},
	{FaultMethodNotAllowedHTML, "the 405 answer to an undocumented method labels its JSON body Content-Type text/html, with no charset", func(h *hooks) {
		prev := h.wrongMethod
		h.wrongMethod = func(s *Server, w http.ResponseWriter, r *http.Request, rest string, rt route) bool {
			if prev(s, w, r, rest, rt) {
				return true
			}
			s.methodNotAllowed(relabelled{w, "text/html"}, r, rt)
			return true
		}
	}},
	{FaultTraceEchoed, "TRACE on any API path is answered 200 message/http echoing the request, before the app-key check (a web server with TRACE on)", func(h *hooks) {
		prev := h.intercept
		h.intercept = func(s *Server, w http.ResponseWriter, r *http.Request) bool {
			if r.Method != http.MethodTrace {
				return prev(s, w, r)
			}
			echoTrace(w, r)
			return true
		}
	}},
	{FaultAnswerLockLocksLogin, "the wrong secret answers that lock step 1 for a trader lock its login too: the right password is refused (Account locked) for the lockout period", func(h *hooks) {
		prev := h.loginLocked
		h.loginLocked = func(st *store, t *trader, ak string, now time.Time) bool {
			return prev(st, t, ak, now) || st.lockedLocked(answerAttempts, key(t.login), now)
		}
	}},
	{FaultNoHSTS, "https responses carry no Strict-Transport-Security", func(h *hooks) {
		prev := h.securityHeaders
		h.securityHeaders = func(hd http.Header, r *http.Request) {
			prev(hd, r)
			hd.Del("Strict-Transport-Security")
		}
	}},
	{FaultLoginAfterReset, `step 4's success logs the trader in: its Model carries a session token ({"Token": ...})`, func(h *hooks) {
		h.step4Success = func(s *Server, w http.ResponseWriter) {
			token, err := randomHex(32)
			if err != nil {
				s.failInternal(w)
				return
			}
			s.succeedWithSecret(w, struct{ Token string }{token})
		}
	}},
	{FaultPasswordLengthInBytes, "step 4 counts a password's length in UTF-8 bytes: 7 characters of 2 bytes each pass a minimum of 8", func(h *hooks) {
		h.passwordLength = func(p string) int { return len(p) }
	}},
	{FaultDuplicatePasswordFirst, "a step 4 body with Password twice sets the first while the last is compared with PasswordConfirmation", func(h *hooks) {
		h.storedPassword = func(f *bodyField) string {
			if f.firstSet {
				return f.first
			}
			return f.value
		}
	}},
	{FaultUnlimitedResetMails, "step 1 mails a code however often one trader's reset is requested: no per-account mail limit", func(h *hooks) {
		h.mailLimit = func(int) int { return 0 }
	}},
	{FaultRefusalConsumesToken, "a step 4 refused for its new password (too short or long, common, composition rules) consumes the token", func(h *hooks) {
		var srv *Server
		prevSetup, prev := h.setup, h.step4Error
		h.setup = func(s *Server) { prevSetup(s); srv = s }
		h.step4Error = func(p problem, req newPasswordRequest) problem {
			// req.Token is the key of the token found; the store is not locked here.
			if slices.Contains(policyCodes, p.code) {
				srv.st.mu.Lock()
				delete(srv.st.tokens, req.Token)
				srv.st.mu.Unlock()
			}
			return prev(p, req)
		}
	}},
}

// policyCodes are the ErrorsCode of step 4's refusals of a new password for its policy.
var policyCodes = []string{codePasswordTooShort, codePasswordTooLong, errPasswordTooCommon.code, "ErrorPasswordComposition"}

// faultDescriptions indexes faultTable by name.
var faultDescriptions = func() map[string]string {
	m := make(map[string]string, len(faultTable))
	for _, f := range faultTable {
		m[f.name] = f.description
	}
	return m
}()

// raceWindow is how long the race faults hold a request between checking a grant and
// consuming it: long enough that concurrent requests reliably all pass the check.
const raceWindow = 200 * time.Millisecond

// What the server-version-header fault discloses: a backend and its exact version.
const (
	serverVersion = "Microsoft-IIS/10.0"
	poweredBy     = "ASP.NET 4.0.30319"
)

// allowOrigin is the cors-any-origin fault: the request's Origin echoed as allowed, with
// credentials, which lets any site read the responses with the user's cookies.
func allowOrigin(h http.Header, r *http.Request) {
	if o := r.Header.Get("Origin"); o != "" {
		h.Set("Access-Control-Allow-Origin", o)
		h.Set("Access-Control-Allow-Credentials", "true")
		h.Add("Vary", "Origin")
	}
}

// stackTrace is what the stack-trace-in-errors fault appends: a frame and a source path,
// as an unhandled .NET exception shows them.
const stackTrace = " at AutoShares.Api.Controllers.PasswordController.Reset() in /src/Api/Controllers/PasswordController.cs:line 42"

// echoTrace answers TRACE as RFC 9110 9.3.8 describes it: the request as received, headers
// and all, as message/http.
func echoTrace(w http.ResponseWriter, r *http.Request) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s %s\r\nHost: %s\r\n", r.Method, r.RequestURI, r.Proto, r.Host)
	_ = r.Header.Write(&b)
	b.WriteString("\r\n")
	w.Header().Set("Content-Type", "message/http")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b.Bytes())
}

// relabelled sends its response under another Content-Type than the handler set.
type relabelled struct {
	http.ResponseWriter
	contentType string
}

func (w relabelled) WriteHeader(code int) {
	w.Header().Set("Content-Type", w.contentType)
	w.ResponseWriter.WriteHeader(code)
}

// failureStatus answers every failure envelope with status instead of its own.
func failureStatus(prev func(*envelope, int, bool) int, status int) func(*envelope, int, bool) int {
	return func(env *envelope, s int, ok bool) int {
		s = prev(env, s, ok)
		if !ok {
			return status
		}
		return s
	}
}

// serverErrorIf answers 500 when any bound field meets bad.
func serverErrorIf(prev func(*Server, http.ResponseWriter, []*bodyField) bool, bad func(*bodyField) bool) func(*Server, http.ResponseWriter, []*bodyField) bool {
	return func(s *Server, w http.ResponseWriter, fields []*bodyField) bool {
		if slices.ContainsFunc(fields, bad) {
			s.failInternal(w)
			return true
		}
		return prev(s, w, fields)
	}
}

// firstRunes is s cut to its first n characters.
func firstRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// FaultNames returns every fault switch name, sorted.
func FaultNames() []string { return sortedNames(faultDescriptions) }

// FaultDescription returns the one-line description of a fault switch, "" if unknown.
func FaultDescription(name string) string { return faultDescriptions[name] }

func parseFaults(names []string) (map[string]bool, error) {
	return parseSwitches("fault switch", names, faultDescriptions)
}

func sortedNames(known map[string]string) []string {
	names := make([]string, 0, len(known))
	for n := range known {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// parseSwitches checks names against the known switches of one kind; the error lists the
// known ones so a typo in a Makefile or CI variable is fixable from the message alone.
func parseSwitches(kind string, names []string, known map[string]string) (map[string]bool, error) {
	set := make(map[string]bool, len(names))
	var unknown []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if _, ok := known[n]; !ok {
			unknown = append(unknown, fmt.Sprintf("%q", n))
			continue
		}
		set[n] = true
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("unknown %s %s; known: %s", kind, strings.Join(unknown, ", "), strings.Join(sortedNames(known), ", "))
	}
	return set, nil
}
