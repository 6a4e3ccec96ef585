// Package refprovider is the reference provider: a real, in-memory implementation of the
// server side of the AutoShares Trading API password-reset flow as documented
// (docs/API.md gives the project's account of the documentation).
//
// It exists so the conformance suite has something correct to run against when no
// deployment is given (in-process via New or Start, or standalone via cmd/refprovider and
// `make sandbox`), and so every conformance check can be proven to fail: each fault switch
// (Options.Faults, see FaultNames) breaks exactly one documented or relied-on behaviour.
//
// # Endpoints
//
// All API paths live under APIPrefix and check the Et-App-Key header before anything else,
// including routing: a bad key on an unknown path is the app-key error, not 404. That is
// how the real platform behaves (the key is checked by middleware in front of the router)
// and it means a request with a bad key can never learn which paths exist.
// Paths match case-insensitively and with or without one trailing slash, as ASP.NET Web
// API routing does; the documented spelling of step 4 ends in a slash.
//
//	POST /api/v1.0/users/password/reset               step 1: mail a confirmation code
//	GET  /api/v1.0/users/password/secret-question     step 2: ?username=<login or email>
//	POST /api/v1.0/users/password/reset/code          step 3: code -> reset token
//	POST /api/v1.0/users/identifiers/reset/code       step 3, newer variant (Identifier)
//	PUT  /api/v1.0/users/passwords/reset/             step 4: token -> new password
//	POST /api/token                                   log in (Username/Password headers)
//
// Where the public documentation is silent (statuses, error texts, lifetimes), the
// choices are these; the conformance suite treats them as configurable, so a deployment
// that differs is not wrong merely for differing.
//
//	app key missing/wrong   403 {"error":"Application key is not defined or does not exist"}
//	validation / bad JSON   400 ErrorValidation, one Errors entry per problem, ModelState
//	body over 1 MiB         413 "The request body exceeds 1048576 bytes." ErrorRequestTooLarge
//	unknown user            400 "User not found."                        ErrorUserNotFound
//	wrong/missing answer    400 "Answer is incorrect, try again."        ErrorIncorrectAnswer
//	mail not sent           503 "The confirmation email could not be sent. Try again later." ErrorEmailNotSent
//	bad Identifier          400 "Only the ResetPassword identifier is supported." ErrorUnsupportedIdentifier
//	unknown/used code       400 "Confirmation code is invalid."          ErrorInvalidCode
//	expired code            400 "Confirmation code has expired."         ErrorCodeExpired
//	unknown/used/malformed token 400 "Password reset token is invalid."  ErrorInvalidToken
//	expired token           400 "Password reset token has expired."      ErrorTokenExpired
//	password != confirm     400 "Password and confirmation do not match." ErrorPasswordMismatch
//	password too short      400 "Password must be at least N characters long." ErrorPasswordTooShort
//	common password         400 "Password is too common: ..."           ErrorPasswordTooCommon
//	context-specific password 400 "Password is too easy to guess: ..." ErrorPasswordContextSpecific
//	10 wrong answers in a row 400 "Too many incorrect answers. Try again later." ErrorTooManyAttempts
//	wrong method            405 {"Message":"The requested resource does not support http method 'X'."}
//	unknown path            404 {"Message":"No HTTP resource was found that matches the request URI '/path'."}
//	login failure           401 {"State":"Failed","Step":"BaseAuthentication","Reason":"Invalid credentials"}
//	login locked            401 the same with "Reason":"Account locked" (Options.LoginLockout, default 20)
//	                        423 {"State":"Locked",...} with Options.LoginLockoutNoReset
//	over Options.RateLimit  429 Retry-After: 1 {"Message":"Too many requests. Retry after 1 second."}
//
// ErrorsCode[i] is always the code of Errors[i] (the arrays are parallel), Errors and
// ErrorsCode are always arrays, StatusCode is the .NET HttpStatusCode name of the HTTP
// status, and IsSucceed is a JSON boolean.
//
// # Request bodies
//
// Bodies (steps 1, 3 and 4) are bound the way ASP.NET Web API binds string properties
// (see bind in body.go). Every refusal below is the error envelope with ErrorsCode
// ["ErrorValidation", ...] and changes nothing:
//
//	not JSON, truncated, trailing data  400 "The request body is not a valid JSON object." ModelState "resource"
//	JSON array, string or number        400 the same, ModelState "resource"
//	empty body, JSON null               400 "The F field is required." for each required F
//	required field missing, null, ""    400 "The F field is required.", ModelState F
//	object or array where a string is   400 "The F field must be a string.", ModelState F
//	fraction, exponent, > 64-bit number 400 "The F field must be a string.", ModelState F
//	body over MaxBodyBytes (1 MiB)      413 "The request body exceeds 1048576 bytes." ErrorRequestTooLarge
//
// Accepted as .NET converts them: an integer where a string belongs binds as its decimal
// text (a Password 12345678 is the password "12345678"), a boolean as "True" or "False".
// Property names match case-insensitively; unknown properties are ignored; a repeated
// property takes its last value. The Content-Type is not checked (clients differ): a JSON
// body labelled text/plain is processed as JSON. Strings are taken exactly as sent, with
// any Unicode, control characters or length within the bound (invalid UTF-8 becomes
// U+FFFD); no value in a well-formed body gives a 5xx. Step 4 compares Password and
// PasswordConfirmation byte for byte and stores Password as sent, spaces included; the
// Token is trimmed and must name an issued one exactly, in any text form of its GUID
// (letter case, braces or parentheses, hyphens or none, as Guid.Parse reads it), so a
// token that is not a GUID, is altered, cut or extended, is simply unknown (400
// ErrorInvalidToken). Extra body properties (User, Email, ...) are ignored: only the
// token decides whose password changes.
//
// # Credentials (OWASP ASVS 5.0 V6, NIST SP 800-63B-4)
//
// A new password needs Options.MinPasswordLength characters, has no maximum but the body
// bound, no composition rules, and must not be on the embedded blocklist of common
// breached passwords (blocklist.txt, compared case-insensitively). Passwords are stored
// and verified exactly, after Unicode NFC normalisation of both sides (login carries the
// password's UTF-8 bytes in its Password header). Confirmation codes are uniformly random
// (crypto/rand), step 3 checks and consumes a code under one lock, and secret answers
// lock step 1 for a trader after DefaultAnswerAttempts consecutive wrong or missing ones,
// for Options.LockoutPeriod (a right answer before that resets the count). Responses that
// carry a token (step 3, login) say Cache-Control: no-store, as every response does.
//
// Issue 21's requirements: a new password made of context words (the trader's login and
// email, AutoShares, ETNA) with fewer than the minimum length of other characters is
// refused (ASVS 6.2.11); length counts code points (NIST SP 800-63B-4 3.1.1.2). Every
// wrong step 3 code counts against every pending code, which Options.CodeAttempts wrong
// codes revoke (ASVS 6.6.3). Options.LoginLockout consecutive failed logins lock the
// account, whatever spelling of its login each used (ASVS 6.3.1, 6.3.4). A refused step 1
// mails nothing (ASVS 2.3.1); a trader with Options.MailLimit pending codes is mailed no
// more until one is used, expires or a reset completes (the cheat sheet's "Forgot
// Password Request"). A successful step 4 answers
// no token (no automatic login), revokes the trader's other codes and tokens (ASVS
// 6.6.2) and mails a notification without any secret (NIST SP 800-63B-4 4.2.3, ASVS
// 6.3.7). Codes are 6 digits (ASVS 6.5.4) and live 10 minutes (6.5.5). Every response
// carries X-Content-Type-Options: nosniff, every https one Strict-Transport-Security, none
// a backend version or a CORS grant.
//
// # Tokens, methods, redirects
//
// A step 4 checks and consumes its token under one lock (hashing happens between two
// checks), so of any number of concurrent updates with one token exactly one succeeds, and
// its password is the one that logs in. A refused step 4 (mismatch, too short, bad app
// key, malformed body, wrong method) leaves the token usable. Every documented path
// answers any other method with 405, an Allow header and a JSON {"Message"} body, and
// changes nothing. The provider never redirects, and no response carries a password,
// code, token or app key that its request carried (step 3's Model is the token it issues).
//
// # Quirks
//
// Options.Quirks (QuirkNames) turns on documented oddities that a client must tolerate;
// they are not faults. QuirkStep1DocumentedBody answers step 1's success with the
// documentation's own example, {"Errors": [], "IsSucceed": false}, byte for byte.
// QuirkProblemDetails answers a body that cannot be bound (not JSON, not an object, a
// wrong type, over the bound) as ASP.NET Core does: 400 (413 over the bound)
// application/problem+json {"type","title","status","errors":{"$.Field":[...]},"traceId"}.
// QuirkGUIDToken binds step 4's Token as a .NET Guid: a token that is no GUID (cut
// short, extended) gets those problem details, naming System.Guid.
//
// # Where faults live
//
// hooks.go names the points where behaviour may deviate and holds the correct behaviour
// at each; faults.go's faultTable declares every fault switch once, beside its
// description, as the hooks it replaces or wraps (quirks.go's quirkTable likewise). The
// handlers call the hooks and know nothing of faults.
//
// # Faults that need a word
//
// accept-malformed-token answers 500 (a crash on client input) for a token that is not a
// GUID in a form .NET's Guid.Parse reads. token-race and code-race hold each step 4 or
// step 3 for raceWindow (200 ms) between check and consume, so concurrent requests
// reliably all succeed. numbers-bound-wrong shows only for numbers of 7 or more digits (12345678
// becomes "1.2345678e+07"). redirect-elsewhere answers every API request, before the app
// key check, with 307 to the same path and query on Options.RedirectTo (default
// DefaultRedirectTo, a loopback port nothing listens on). no-body-limit still stops
// reading at 64 MiB.
//
// # Provider states
//
// With Options.TestMode the Pact provider-state endpoint is mounted at StatePath (outside
// the API, no app key). Each setup creates a fresh trader, so verifications never share
// or depend on state; see States and the State* constants.
//
// # Transport
//
// Start serves HTTP on loopback; with Options.TLS, HTTPS with a certificate for 127.0.0.1
// and localhost from a private CA made at start (Running.CACertPEM), and with
// Options.ClientCA, only to clients with a certificate from those CAs. Options.RateLimit
// limits each client (remote IP and app key) as a gateway would.
//
// # Secrets
//
// Passwords are stored only as PBKDF2-SHA256 hashes. The request log (Options.Log) holds
// method, path, status and duration only; confirmation mail is never logged.
package refprovider
