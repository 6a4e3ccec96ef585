package suite_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/redact"
	"github.com/autoshares/conformance/internal/suite"
)

func TestNoRedirectNamesTheLocation(t *testing.T) {
	ex := reply(307, "", "")
	ex.ResponseHeader.Set("Location", "http://elsewhere.test/api/v1.0/users/passwords/reset/")
	v := rules(t).NoRedirect(suite.For(check, ex))
	if len(v.Problems) != 1 || !strings.Contains(v.Problems[0].Text, "did not answer at its documented path") || !strings.Contains(v.Problems[0].Text, "http://elsewhere.test/") {
		t.Errorf("problems = %q", v.Problems)
	}
	if v := rules(t).NoRedirect(suite.For(check, reply(400, "application/json", "{}"))); !v.OK() {
		t.Errorf("a 400 is not a redirect: %q", v.Problems)
	}
}

// An echoed secret is found in the body or a header, named by kind and place, and masked in
// the failure message.
func TestNoEchoFindsAndMasksCarriedSecrets(t *testing.T) {
	ex := reply(400, "application/json", `{"Errors": ["Password s3cret-Passw0rd is too weak"], "IsSucceed": false}`)
	ex.RequestHeader.Set("Et-App-Key", "app-key-123456")
	ex.RequestBody = []byte(`{"token": "tok-abcdef", "Password": "s3cret-Passw0rd", "PasswordConfirmation": "s3cret-Passw0rd"}`)
	ex.ResponseHeader.Set("X-Debug-Key", "app-key-123456")
	v := rules(t).NoEcho(suite.For(check, ex), "password", "token")
	if len(v.Problems) != 2 || !strings.HasPrefix(v.Problems[0].Text, "body: carries back the password") {
		t.Errorf("want the password twice in the body (Password and its confirmation), got %q", v.Problems)
	}
	v = rules(t).NoEcho(suite.For(check, ex), "app key")
	if len(v.Problems) != 1 || !strings.HasPrefix(v.Problems[0].Text, "header X-Debug-Key: carries back the app key") {
		t.Errorf("problems = %q", v.Problems)
	}
	// The problem names the field, never the value, even before any masking.
	if !strings.Contains(v.Problems[0].Text, "in its Et-App-Key header") || strings.Contains(strings.Join(v.Texts(), "\n"), "app-key-123456") {
		t.Errorf("the problem must name the field and not the value: %q", v.Problems)
	}
	if msg := v.Message(redact.New("app-key-123456", "s3cret-Passw0rd")); strings.Contains(msg, "app-key-123456") {
		t.Errorf("the failure shows the app key:\n%s", msg)
	}
}

// Short values are not looked for: they occur by chance.
func TestCarriedSecretsSkipsShortValues(t *testing.T) {
	got := suite.CarriedSecrets(http.Header{"Password": {"abc"}}, []byte(`{"Code": "123456", "User": "trader-1"}`))
	if len(got) != 1 || got[0].What != "code" {
		t.Errorf("carried = %+v", got)
	}
}

func TestRefusedAcceptsBothErrorShapes(t *testing.T) {
	r := rules(t)
	for _, body := range []string{`{"Errors": ["bad"], "IsSucceed": false}`, `{"Message": "Validation error", "ModelState": {"User": ["required"]}}`} {
		if v := r.Refused(suite.For(check, reply(400, "application/json; charset=utf-8", body)), "x"); !v.OK() {
			t.Errorf("%s: %q", body, v.Problems)
		}
	}
	v := r.Refused(suite.For(check, reply(500, "text/html", "<html>")), "step 1 with a body that is not JSON")
	got := strings.Join(v.Texts(), "\n")
	for _, want := range []string{"step 1 with a body that is not JSON: expected a 4xx client error, got 500", `Content-Type: step 1 with a body that is not JSON: expected application/json or application/problem+json, got "text/html"`} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	if v := r.Refused(suite.For(check, reply(400, "application/json", `{"error": "x"}`)), "x"); v.OK() {
		t.Error("a body of neither shape passed")
	}
}

func TestNotServerErrorAllowsProcessing(t *testing.T) {
	r := rules(t)
	if v := r.NotServerError(suite.For(check, reply(200, "application/json", `{"Errors": [], "IsSucceed": true}`)), "x"); !v.OK() {
		t.Errorf("a processed request: %q", v.Problems)
	}
	if v := r.NotServerError(suite.For(check, reply(502, "application/json", `{}`)), "x"); v.OK() {
		t.Error("a 502 passed")
	}
}

// The documentation's own step 1 success body passes unless IsSucceed is required.
func TestStep1SuccessToleratesTheDocumentedBody(t *testing.T) {
	r := rules(t)
	const schema = "reset-password.response.schema.json"
	documented := reply(200, "application/json", `{"Errors": [], "IsSucceed": false}`)
	judge := func(ex *client.Exchange, require bool) *suite.Verdict {
		v := suite.For(check, ex)
		r.Step1Success(v, schema, require)
		return v
	}
	if v := judge(documented, false); !v.OK() {
		t.Errorf("the documented body failed: %q", v.Problems)
	}
	if v := judge(documented, true); !strings.Contains(strings.Join(v.Texts(), "\n"), "IsSucceed: expected true") {
		t.Errorf("with IsSucceed required: %q", v.Problems)
	}
	for _, body := range []string{`{"Errors": ["no"], "IsSucceed": false}`, `{"Errors": [], "IsSucceed": "false"}`} {
		if v := judge(reply(200, "application/json", body), false); v.OK() {
			t.Errorf("%s passed as a step 1 success", body)
		}
	}
}

// Every secret a request carries is looked for: passwords in the header and the body, and
// tokens, codes and secret answers however the body wraps them (a number, a list).
func TestCarriedSecretsCoversEveryKind(t *testing.T) {
	got := suite.CarriedSecrets(http.Header{"Password": {"s3cret-Passw0rd"}, "Et-App-Key": {"app-key-123456"}},
		[]byte(`{"Token": ["tok-123456"], "code": 654321, "SecretQuestionAnswer": "Elm Street 9", "PasswordConfirmation": "s3cret-Other"}`))
	kinds := map[string]string{}
	for _, c := range got {
		kinds[c.Value] = c.What
	}
	want := map[string]string{"s3cret-Passw0rd": "password", "app-key-123456": "app key", "tok-123456": "token", "654321": "code",
		"Elm Street 9": "secret answer", "s3cret-Other": "password"}
	for v, what := range want {
		if kinds[v] != what {
			t.Errorf("%q: want %s, got %q (all: %+v)", v, what, kinds[v], got)
		}
	}
}

// A code inside a new token is chance, not an echo; a code on its own is an echo.
func TestACodeEchoesOnlyAsAWholeWord(t *testing.T) {
	req := []byte(`{"Code": "483920"}`)
	for body, echoed := range map[string]bool{
		`{"Model": "9f2c4839204b-…", "IsSucceed": true}`:              false,
		`{"Errors": ["Code 483920 is invalid."], "IsSucceed": false}`: true,
		`{"Code":"483920"}`: true,
	} {
		ex := &client.Exchange{RequestHeader: http.Header{}, RequestBody: req, ResponseBody: []byte(body)}
		if got := len(suite.Echoes(suite.For(check, ex))) > 0; got != echoed {
			t.Errorf("%s: echoed %v, want %v", body, got, echoed)
		}
	}
}

// ASP.NET's System.Text.Json writes every non-ASCII character as \uXXXX: an echoed
// non-ASCII password is found in the body's decoded strings, not only in its raw bytes.
func TestAnEscapedEchoIsFound(t *testing.T) {
	req := []byte(`{"Token": "0f8fad5b-d9cb-469f-a165-70867728950e", "Password": "Cr\u00e8me-br\u00fbl\u00e9e-\u6771\u4eac", "PasswordConfirmation": "x"}`)
	for body, echoed := range map[string]bool{
		`{"Errors": ["Password 'Cr\u00E8me-br\u00FBl\u00E9e-\u6771\u4EAC' is not allowed."], "IsSucceed": false}`: true,
		`{"Errors": ["Password 'Crème-brûlée-東京' is not allowed."], "IsSucceed": false}`:                          true,
		`{"Errors": ["Password is not allowed."], "IsSucceed": false}`:                                            false,
	} {
		ex := &client.Exchange{RequestHeader: http.Header{}, RequestBody: req, ResponseBody: []byte(body)}
		if got := len(suite.Echoes(suite.For(check, ex))) > 0; got != echoed {
			t.Errorf("%s: echoed %v, want %v", body, got, echoed)
		}
	}
}
