package pacts

import (
	"fmt"
	"maps"

	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/states"
)

// Answer is what a spec expects of a reply, named once: the judgement the spec applies
// (the verdict.Rules method of the same name) and the response the pact states for it
// (Shapes.Response), which claims no more than that judgement enforces (enforced_test.go).
type Answer struct {
	kind  answerKind
	Case  config.ErrorCase // Failed: the error case whose expectations apply
	Model map[string]Field // Succeeded: what the body carries besides the envelope
}

type answerKind int

const (
	answerSucceeded answerKind = iota + 1
	answerStep1Succeeded
	answerFailed
	answerAppKeyRejected
	answerLoginSucceeded
	answerLoginFailed
)

// The answers a spec expects.
func Succeeded(model map[string]Field) Answer {
	return Answer{kind: answerSucceeded, Model: model}
}
func Step1Succeeded() Answer           { return Answer{kind: answerStep1Succeeded} }
func Failed(c config.ErrorCase) Answer { return Answer{kind: answerFailed, Case: c} }
func AppKeyRejected() Answer           { return Answer{kind: answerAppKeyRejected} }
func LoginSucceeded() Answer           { return Answer{kind: answerLoginSucceeded} }
func LoginFailed() Answer              { return Answer{kind: answerLoginFailed} }

// Response is the pact's response for the answer, under the run's expectations.
func (s Shapes) Response(a Answer) Response {
	switch a.kind {
	case answerSucceeded:
		return s.Succeeded(a.Model)
	case answerStep1Succeeded:
		return s.Step1Succeeded()
	case answerFailed:
		return s.Failed(a.Case)
	case answerAppKeyRejected:
		return s.AppKeyRejected()
	case answerLoginSucceeded:
		return s.LoginSucceeded()
	case answerLoginFailed:
		return s.LoginFailed()
	}
	panic(fmt.Sprintf("recording: an answer of no kind: %+v", a))
}

// Interaction is one interaction of the pact, declared once: the provider state it needs,
// the request (apiclient's, with placeholders: Request is given the run's step 3 variant),
// and the answer the spec that sends it expects. A spec records it (Shapes.Interaction)
// once it has shown the target to honour it.
type DeclaredInteraction struct {
	Description string
	State       string
	Request     func(step3Variant string) Request
	Answer      Answer
}

// Interaction is the pact interaction i, under the run's expectations and step 3 variant.
func (s Shapes) Interaction(i DeclaredInteraction) Interaction {
	return Interaction{Description: i.Description, States: InState(i.State), Request: i.Request(s.Step3Path), Response: s.Response(i.Answer)}
}

// Example values of the pact's responses: what a consumer may see, matched by type.
var (
	QuestionText = Field{Example: "What street did you live on in third grade?", Match: MatchType}
	TokenModel   = map[string]Field{"Model": {Example: "ba6b8cac-6738-4434-bd26-825db020a05c", Match: MatchType}}
)

// fixed is a request that does not depend on the step 3 variant; each call gets its own maps.
func fixed(r Request) func(string) Request {
	return func(string) Request {
		c := r
		c.Query, c.Headers, c.Body = maps.Clone(r.Query), maps.Clone(r.Headers), maps.Clone(r.Body)
		return c
	}
}

func step3(headers func() map[string]Field, code Field) func(string) Request {
	return func(variant string) Request { return ResetCode(variant, headers(), code) }
}

// The interactions the specs record, one value each.
var (
	// Step 1.
	ResetNoQuestion = DeclaredInteraction{"a reset request for a trader without a secret question", states.NoQuestion,
		fixed(ResetPassword(ValidAppKey(), StateUser, nil)), Step1Succeeded()}
	ResetRightAnswer = DeclaredInteraction{"a reset request with the right secret answer", states.WithQuestion,
		fixed(ResetPassword(ValidAppKey(), StateUser, &StateAnswer)), Step1Succeeded()}
	ResetMissingAnswer = DeclaredInteraction{"a reset request without the secret answer", states.WithQuestion,
		fixed(ResetPassword(ValidAppKey(), StateUser, nil)), Failed(config.CaseWrongAnswer)}
	ResetWrongAnswer = DeclaredInteraction{"a reset request with a wrong secret answer", states.WithQuestion,
		fixed(ResetPassword(ValidAppKey(), StateUser, &Field{Example: ExampleWrongAnswer})), Failed(config.CaseWrongAnswer)}
	ResetUnknownUser = DeclaredInteraction{"a reset request for an unknown user", states.NoSuchUser,
		fixed(ResetPassword(ValidAppKey(), UnknownUser, nil)), Failed(config.CaseUnknownUser)}
	ResetNoAppKey = DeclaredInteraction{"a reset request without Et-App-Key", states.NoSuchUser,
		fixed(ResetPassword(NoAppKey(), UnknownUser, nil)), AppKeyRejected()}

	// Step 2.
	QuestionByLogin = DeclaredInteraction{"the secret question of a trader, asked by login", states.WithQuestion,
		fixed(SecretQuestion(ValidAppKey(), StateUser)), Succeeded(map[string]Field{"Model": QuestionText})}
	QuestionByEmail = DeclaredInteraction{"the secret question of a trader, asked by email", states.WithQuestion,
		fixed(SecretQuestion(ValidAppKey(), StateEmail)), Succeeded(map[string]Field{"Model": QuestionText})}
	QuestionNone = DeclaredInteraction{"the secret question of a trader who has none", states.NoQuestion,
		fixed(SecretQuestion(ValidAppKey(), StateUser)), Succeeded(map[string]Field{"Model": {Example: ""}})}
	QuestionNoAppKey = DeclaredInteraction{"a secret-question request without Et-App-Key", states.NoSuchUser,
		fixed(SecretQuestion(NoAppKey(), UnknownUser)), AppKeyRejected()}

	// Step 3.
	CodeValid = DeclaredInteraction{"a valid confirmation code traded for a token", states.PendingCode,
		step3(ValidAppKey, StateCode), Succeeded(TokenModel)}
	CodeUnknown = DeclaredInteraction{"an unknown confirmation code", states.NoSuchCode,
		step3(ValidAppKey, UnknownCode), Failed(config.CaseInvalidCode)}
	CodeExpired = DeclaredInteraction{"an expired confirmation code", states.ExpiredCode,
		step3(ValidAppKey, StateCode), Failed(config.CaseExpiredCode)}
	CodeNoAppKey = DeclaredInteraction{"a valid confirmation code without Et-App-Key", states.PendingCode,
		step3(NoAppKey, StateCode), AppKeyRejected()}

	// Step 4.
	UpdateValid = DeclaredInteraction{"a password update with a valid token and matching passwords", states.ValidToken,
		fixed(UpdatePassword(ValidAppKey(), ExampleNewPassword)), Succeeded(nil)}
	UpdateMismatch = DeclaredInteraction{"a password update whose confirmation differs from the password", states.ValidToken,
		fixed(UpdatePassword(ValidAppKey(), ExampleOtherPass)), Failed(config.CaseMismatch)}
	UpdateExpiredToken = DeclaredInteraction{"a password update with an expired token", states.ExpiredToken,
		fixed(UpdatePassword(ValidAppKey(), ExampleNewPassword)), Failed(config.CaseExpiredToken)}
	UpdateNoAppKey = DeclaredInteraction{"a password update without Et-App-Key", states.ValidToken,
		fixed(UpdatePassword(NoAppKey(), ExampleNewPassword)), AppKeyRejected()}
	UpdateWrongAppKey = DeclaredInteraction{"a password update with a wrong Et-App-Key", states.ValidToken,
		fixed(UpdatePassword(WrongAppKeyHeader(), ExampleNewPassword)), AppKeyRejected()}

	// Login.
	LoginWithPassword = DeclaredInteraction{"a login with the trader's password", states.NoQuestion,
		fixed(Login(ValidAppKey(), StatePassword)), LoginSucceeded()}
	LoginWrongPassword = DeclaredInteraction{"a login with a wrong password", states.NoQuestion,
		fixed(Login(ValidAppKey(), Field{Example: ExampleWrongPass})), LoginFailed()}
	LoginNoAppKey = DeclaredInteraction{"a login without Et-App-Key", states.NoQuestion,
		fixed(Login(NoAppKey(), StatePassword)), AppKeyRejected()}
)

// Interactions is every interaction a spec records, for the tests that hold the pact to them.
var Interactions = []DeclaredInteraction{
	ResetNoQuestion, ResetRightAnswer, ResetMissingAnswer, ResetWrongAnswer, ResetUnknownUser, ResetNoAppKey,
	QuestionByLogin, QuestionByEmail, QuestionNone, QuestionNoAppKey,
	CodeValid, CodeUnknown, CodeExpired, CodeNoAppKey,
	UpdateValid, UpdateMismatch, UpdateExpiredToken, UpdateNoAppKey, UpdateWrongAppKey,
	LoginWithPassword, LoginWrongPassword, LoginNoAppKey,
}
