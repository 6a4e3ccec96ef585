package pacts

import (
	"fmt"
	"maps"
	"net/http"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
)

// Placeholders written into the pact instead of real values: a pact file is shared with
// consumer teams and brokers, so it holds no key, password, token or code, and nothing a
// target returned. Verification swaps the app-key placeholder for the real key and takes
// tokens, users and passwords from the provider state (FromState).
const (
	ShapeWrongAppKey   = WrongAppKey
	ExampleToken       = "reset-token-from-provider-state"
	ExampleNewPassword = "New-Passw0rd!"
	ExampleOtherPass   = "Other-Passw0rd!"
	ExampleMessage     = "a message saying what went wrong"
	ExampleWrongAnswer = "wrong-answer"
	ExampleWrongPass   = "wrong-password"
)

// Values taken from the provider state at verification time.
var (
	StateUser     = Field{Example: "trader-from-provider-state", Match: MatchType, FromState: "${User}"}
	StateEmail    = Field{Example: "trader@example.com", Match: MatchType, FromState: "${Email}"}
	StateAnswer   = Field{Example: "answer-from-provider-state", Match: MatchType, FromState: "${SecretQuestionAnswer}"}
	StatePassword = Field{Example: "password-from-provider-state", Match: MatchType, FromState: "${Password}"}
	StateCode     = Field{Example: "123456", Match: MatchType, FromState: "${Code}"}
	// UnknownUser and UnknownCode are fixed names: the absence states make sure they are
	// unknown on the provider.
	UnknownUser = Field{Example: "unknown-trader"}
	UnknownCode = Field{Example: "000000"}
)

// InState names one provider state, without parameters.
func InState(name string) []State {
	return []State{{Name: name, Params: map[string]any{}}}
}

// Request headers.

// ValidAppKey is an Et-App-Key the verifier replaces with the real one. It is matched
// exactly: a stub then answers a request with another key (the wrong one) by the
// interaction about that key, as the provider would, whatever the order.
func ValidAppKey() map[string]Field {
	return map[string]Field{"Et-App-Key": {Example: AppKeyPlaceholder}}
}

// WrongAppKeyHeader is a deliberately wrong Et-App-Key, sent as it is.
func WrongAppKeyHeader() map[string]Field {
	return map[string]Field{"Et-App-Key": {Example: ShapeWrongAppKey}}
}

// NoAppKey sends no Et-App-Key.
func NoAppKey() map[string]Field { return map[string]Field{} }

func withJSON(h map[string]Field) map[string]Field {
	h["Content-Type"] = Field{Example: "application/json", Match: MatchRegex, Regex: `^application/json.*$`}
	return h
}

// standIn is what the pact builders below pass to apiclient's request builders for every
// value the pact states by a placeholder: the method, path, query, headers and body fields
// come from apiclient (where each request is declared once), the values from the caller.
const standIn = "\x00pact stand-in"

// fromRequest is the pact's view of req, a request built by apiclient with stand-ins: its
// method and path, and each of its query parameters, extra headers and body fields with the
// placeholder values gives by name (a value the builder sets itself, as step 3's
// Identifier, is pinned as it is). headers are the app-key headers (ValidAppKey,
// WrongAppKeyHeader, NoAppKey); a JSON body adds its Content-Type. A stand-in without a
// placeholder would put a suite value in the pact: a bug in the suite, so it panics.
func fromRequest(req client.Request, headers map[string]Field, values map[string]Field) Request {
	out := Request{Method: req.Method, Path: req.Path, Headers: maps.Clone(headers)}
	if out.Headers == nil {
		out.Headers = map[string]Field{}
	}
	value := func(name, sent string) Field {
		if f, ok := values[name]; ok {
			return f
		}
		if sent == standIn {
			panic(fmt.Sprintf("recording: %s %s: no pact placeholder for %s", req.Method, req.Path, name))
		}
		return Field{Example: sent}
	}
	for k, vs := range req.Query {
		if out.Query == nil {
			out.Query = map[string]Field{}
		}
		out.Query[k] = value(k, vs[0])
	}
	for k, vs := range req.Header {
		out.Headers[k] = value(k, vs[0])
	}
	if req.Body != nil {
		body, ok := req.Body.(map[string]string)
		if !ok {
			panic(fmt.Sprintf("recording: %s %s: a pact body is a flat object of strings, not %T", req.Method, req.Path, req.Body))
		}
		out.Body = map[string]Field{}
		for k, v := range body {
			out.Body[k] = value(k, v)
		}
		withJSON(out.Headers)
	}
	return out
}

// Requests of the flow, as the pact sees them: apiclient's requests with placeholders.

// ResetPassword is step 1; answer nil leaves SecretQuestionAnswer out.
func ResetPassword(headers map[string]Field, user Field, answer *Field) Request {
	values, sent := map[string]Field{"User": user}, ""
	if answer != nil {
		values["SecretQuestionAnswer"], sent = *answer, standIn
	}
	return fromRequest(client.ResetPassword(standIn, sent), headers, values)
}

// SecretQuestion is step 2.
func SecretQuestion(headers map[string]Field, username Field) Request {
	return fromRequest(client.SecretQuestion(standIn), headers, map[string]Field{"username": username})
}

// ResetCode is step 3 in the configured variant.
func ResetCode(variant string, headers map[string]Field, code Field) Request {
	return fromRequest(client.ResetCode(variant, standIn), headers, map[string]Field{"Code": code})
}

// UpdatePassword is step 4: the token from the provider state, passwords matched by type.
// A confirmation that differs from the password is matched exactly: pact cannot say
// "differs from Password", so a stub tells the mismatch apart by that value.
func UpdatePassword(headers map[string]Field, confirmation string) Request {
	conf := Field{Example: confirmation, Match: MatchType}
	if confirmation != ExampleNewPassword {
		conf.Match = MatchExact
	}
	return fromRequest(client.UpdatePassword(standIn, standIn, standIn), headers, map[string]Field{
		"Token":                {Example: ExampleToken, Match: MatchType, FromState: "${Token}"},
		"Password":             {Example: ExampleNewPassword, Match: MatchType},
		"PasswordConfirmation": conf,
	})
}

// Login is the login request with the state's user and the given password header.
func Login(headers map[string]Field, password Field) Request {
	return fromRequest(client.Login(standIn, standIn), headers, map[string]Field{"Username": StateUser, "Password": password})
}

// Responses, from the expectations in force.

// Shapes builds responses from the run's expectations, so the pact claims what the suite
// checked and no more: every value a response pins exactly is one the judgement of that
// reply enforced under the run's settings (enforced_test.go derives it for the whole pact).
type Shapes struct {
	Expect config.Expectations
	// Step1IsSucceedRequired is AUTOSHARES_EXPECT_STEP1_IS_SUCCEED: only then does step 1's
	// success pin IsSucceed true.
	Step1IsSucceedRequired bool
	// Step3Path is AUTOSHARES_STEP3_PATH, the step 3 variant the target serves (apiclient's
	// Step3AutoShares or Step3ETNA): the path of the pact's step 3 requests.
	Step3Path string
}

var jsonResponse = map[string]Field{"Content-Type": {Example: "application/json; charset=utf-8", Match: MatchRegex, Regex: `^application/json.*$`}}

// Succeeded: the configured success status, IsSucceed exactly true, Errors exactly empty.
func (s Shapes) Succeeded(extra map[string]Field) Response {
	body := map[string]Field{"Errors": {Example: []any{}}, "IsSucceed": {Example: true}}
	for k, f := range extra {
		body[k] = f
	}
	return Response{Status: s.Expect.SuccessStatus, Headers: jsonResponse, Body: body}
}

// Step1Succeeded is step 1's success (verdict.Rules.Step1Success): IsSucceed true only
// when the run required it, otherwise any boolean, as the documentation's own example
// says false.
func (s Shapes) Step1Succeeded() Response {
	r := s.Succeeded(nil)
	if !s.Step1IsSucceedRequired {
		r.Body["IsSucceed"] = Field{Example: true, Match: MatchType}
	}
	return r
}

// Failed is exactly what verdict.Rules.Failure checks: a client error (or the configured
// status), IsSucceed exactly false, at least one message in Errors; where a message or an
// ErrorsCode entry is configured (or documented), Errors or ErrorsCode contains it, among
// any others.
func (s Shapes) Failed(c config.ErrorCase) Response {
	exp := s.Expect.Errors[c]
	r := Response{Status: 400, StatusClass: "clientError", Headers: jsonResponse, Body: map[string]Field{
		"Errors":    {Example: []any{ExampleMessage}, Match: MatchMinType, Min: 1},
		"IsSucceed": {Example: false},
	}}
	if exp.Status != 0 {
		r.Status, r.StatusClass = exp.Status, ""
	}
	if exp.Message != "" {
		r.Body["Errors"] = Field{Example: []any{exp.Message}, Match: MatchArrayContains}
	}
	if exp.ErrorsCode != "" {
		r.Body["ErrorsCode"] = Field{Example: []any{exp.ErrorsCode}, Match: MatchArrayContains}
	}
	return r
}

// AppKeyRejected: any accepted status, exactly the documented body.
func (s Shapes) AppKeyRejected() Response {
	statuses := s.Expect.AppKeyStatuses
	return Response{Status: statuses[len(statuses)-1], StatusIn: statuses, Headers: jsonResponse,
		Body: map[string]Field{"error": {Example: s.Expect.AppKeyMessage}}}
}

// LoginSucceeded: 200, State "Succeeded", a token.
func (Shapes) LoginSucceeded() Response {
	return Response{Status: http.StatusOK, Headers: jsonResponse, Body: map[string]Field{
		"State": {Example: "Succeeded"},
		"Token": {Example: "session-token", Match: MatchType},
	}}
}

// LoginFailed: 401 and State "Failed" (verdict.Rules.Login), with a Reason (the login
// schema requires one); the documented Step and Reason texts are examples, not pinned:
// no check enforces them.
func (Shapes) LoginFailed() Response {
	return Response{Status: http.StatusUnauthorized, Headers: jsonResponse, Body: map[string]Field{
		"State":  {Example: "Failed"},
		"Reason": {Example: "Invalid credentials", Match: MatchType},
	}}
}
