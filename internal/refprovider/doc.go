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
//	body over 64 KiB        413 ErrorRequestTooLarge
//	unknown user            400 "User not found."                        ErrorUserNotFound
//	wrong/missing answer    400 "Answer is incorrect, try again."        ErrorIncorrectAnswer
//	mail not sent           503 "The confirmation email could not be sent. Try again later." ErrorEmailNotSent
//	bad Identifier          400 "Only the ResetPassword identifier is supported." ErrorUnsupportedIdentifier
//	unknown/used code       400 "Confirmation code is invalid."          ErrorInvalidCode
//	expired code            400 "Confirmation code has expired."         ErrorCodeExpired
//	unknown/used token      400 "Password reset token is invalid."       ErrorInvalidToken
//	expired token           400 "Password reset token has expired."      ErrorTokenExpired
//	password != confirm     400 "Password and confirmation do not match." ErrorPasswordMismatch
//	password too short      400 "Password must be at least N characters long." ErrorPasswordTooShort
//	wrong method            405 {"Message":"The requested resource does not support http method 'X'."}
//	unknown path            404 {"Message":"No HTTP resource was found that matches the request URI '/path'."}
//	login failure           401 {"State":"Failed","Step":"BaseAuthentication","Reason":"Invalid credentials"}
//
// ErrorsCode[i] is always the code of Errors[i] (the arrays are parallel), Errors and
// ErrorsCode are always arrays, StatusCode is the .NET HttpStatusCode name of the HTTP
// status, and IsSucceed is a JSON boolean. Request bodies are not required to carry a
// Content-Type (clients differ); JSON field names match case-insensitively, as in ASP.NET.
//
// # Provider states
//
// With Options.TestMode the Pact provider-state endpoint is mounted at StatePath (outside
// the API, no app key). Each setup creates a fresh trader, so verifications never share
// or depend on state; see States and the State* constants.
//
// # Secrets
//
// Passwords are stored only as PBKDF2-SHA256 hashes. The request log (Options.Log) holds
// method, path, status and duration only; confirmation mail is never logged.
package refprovider
