package suite_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/redact"
	"github.com/autoshares/conformance/internal/suite"
)

var check = catalogue.Check{ID: catalogue.Step4MismatchRejected, Statement: "A mismatch MUST be refused."}

func rules(t *testing.T) suite.Rules {
	t.Helper()
	set, err := catalogue.DefaultSchemas()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return suite.Rules{Expect: cfg.Expect, Schemas: set}
}

func reply(status int, contentType, body string) *client.Exchange {
	return &client.Exchange{Method: http.MethodPut, URL: "http://127.0.0.1:1/api/v1.0/users/passwords/reset/", RequestHeader: http.Header{},
		Status: status, ResponseHeader: http.Header{"Content-Type": {contentType}}, ResponseBody: []byte(body)}
}

func TestFailureCollectsEveryProblem(t *testing.T) {
	v := suite.For(check, reply(200, "text/plain", `{"Errors": [], "IsSucceed": "false"}`))
	rules(t).Failure(v, "update-password.response.schema.json", config.CaseMismatch)
	got := strings.Join(v.Texts(), "\n")
	for _, want := range []string{"status: expected a 4xx client error, got 200 (a failure must not look like a success)",
		`Content-Type: expected application/json, got "text/plain"`, "/IsSucceed", `IsSucceed: expected false, got "false"`,
		"Errors: expected at least one message"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
}

func TestFailureAcceptsAClientErrorInTheEnvelope(t *testing.T) {
	v := suite.For(check, reply(400, "application/json; charset=utf-8", `{"Errors": ["no"], "ErrorsCode": ["X"], "IsSucceed": false, "Extra": 1}`))
	rules(t).Failure(v, "update-password.response.schema.json", config.CaseMismatch)
	if !v.OK() {
		t.Errorf("want no problem, got %q", v.Problems)
	}
}

func TestFailureChecksConfiguredValues(t *testing.T) {
	r := rules(t)
	r.Expect.Errors = map[config.ErrorCase]config.ErrorExpectation{config.CaseMismatch: {Status: 422, ErrorsCode: "ErrorPasswordMismatch", Message: "Passwords differ."}}
	v := suite.For(check, reply(400, "application/json", `{"Errors": ["no"], "ErrorsCode": ["X"], "IsSucceed": false}`))
	r.Failure(v, "update-password.response.schema.json", config.CaseMismatch)
	got := strings.Join(v.Texts(), "\n")
	for _, want := range []string{"AUTOSHARES_EXPECT_MISMATCH_STATUS", "AUTOSHARES_EXPECT_MISMATCH_ERRORS_CODE", "AUTOSHARES_EXPECT_MISMATCH_MESSAGE"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems do not name %s:\n%s", want, got)
		}
	}
}

func TestFailureCalls5xxAServerError(t *testing.T) {
	v := suite.For(check, reply(500, "application/json", `{"Errors": ["boom"], "IsSucceed": false}`))
	rules(t).Failure(v, "update-password.response.schema.json", config.CaseMismatch)
	if len(v.Problems) != 1 || !strings.Contains(v.Problems[0].Text, "a 5xx tells clients to retry") {
		t.Errorf("problems = %q", v.Problems)
	}
}

func TestSuccess(t *testing.T) {
	r := rules(t)
	v := suite.For(check, reply(200, "application/json", `{"Errors": [], "IsSucceed": true}`))
	r.Success(v, "update-password.response.schema.json")
	if !v.OK() {
		t.Errorf("want no problem, got %q", v.Problems)
	}
	v = suite.For(check, reply(201, "application/json", `{"Errors": ["x"], "IsSucceed": false}`))
	r.Success(v, "update-password.response.schema.json")
	got := strings.Join(v.Texts(), "\n")
	for _, want := range []string{"AUTOSHARES_EXPECT_SUCCESS_STATUS", "IsSucceed: expected true, got false", "Errors: expected [], got 1 message(s)"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
}

func TestAppKeyErrorWantsTheDocumentedBody(t *testing.T) {
	r := rules(t)
	v := suite.For(check, reply(403, "application/json", `{"error": "Application key is not defined or does not exist"}`))
	r.AppKeyError(v)
	if !v.OK() {
		t.Errorf("want no problem, got %q", v.Problems)
	}
	v = suite.For(check, reply(400, "application/json", `{"error": "Invalid key"}`))
	r.AppKeyError(v)
	if len(v.Problems) != 2 {
		t.Errorf("want the status and the text, got %q", v.Problems)
	}
}

func TestLogin(t *testing.T) {
	v := suite.For(check, reply(200, "application/json", `{"State": "Succeeded", "Token": "session"}`))
	if tok := rules(t).Login(v, 200, "Succeeded", "with the new password"); tok != "session" || !v.OK() {
		t.Errorf("token %q, problems %q", tok, v.Problems)
	}
	v = suite.For(check, reply(401, "application/json", `{"State": "Failed", "Step": "BaseAuthentication", "Reason": "Invalid credentials"}`))
	rules(t).Login(v, 200, "Succeeded", "with the new password")
	if len(v.Problems) != 2 || !strings.HasPrefix(v.Problems[0].Text, "login with the new password: status") {
		t.Errorf("problems = %q", v.Problems)
	}
}

// The failure message names the check first, lists the problems and shows the transcript,
// with every secret masked, also one that appears in a problem line.
func TestMessageNamesTheCheckAndMasks(t *testing.T) {
	ex := reply(400, "application/json", `{"Errors": ["your password s3cret-Passw0rd is wrong"], "IsSucceed": false}`)
	ex.RequestBody = []byte(`{"Password": "s3cret-Passw0rd"}`)
	v := suite.For(check, ex).Expect(false, suite.KindErrors, "Errors: %q", "your password s3cret-Passw0rd is wrong")
	msg := v.Message(redact.New("s3cret-Passw0rd"))
	if !strings.HasPrefix(msg, "[step4.mismatch.rejected] A mismatch MUST be refused.\n1 problem(s):") {
		t.Errorf("message starts wrong:\n%s", msg)
	}
	if strings.Contains(msg, "s3cret-Passw0rd") || !strings.Contains(msg, "Transcript:") {
		t.Errorf("message leaks the secret or lacks the transcript:\n%s", msg)
	}
	if suite.For(check, ex).Message(redact.New()) != "" {
		t.Error("the message of a verdict without problems must be empty")
	}
}
