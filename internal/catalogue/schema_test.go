package catalogue

import (
	"errors"
	"strings"
	"testing"
)

func TestEverySchemaCompiles(t *testing.T) {
	s, err := DefaultSchemas()
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Names()) < 5 {
		t.Fatalf("only %v", s.Names())
	}
}

func TestViolationsNameSchemaAndPointer(t *testing.T) {
	s, _ := DefaultSchemas()
	cases := []struct {
		schema, body string
		want         []string // empty = valid
	}{
		{"update-password.response.schema.json", `{"Errors": [], "IsSucceed": true}`, nil},
		{"update-password.response.schema.json", `{"Errors": [], "IsSucceed": true, "ErrorsCode": [], "StatusCode": "OK", "Model": null, "Extra": 1}`, nil},
		{"update-password.response.schema.json", `{"Errors": ["Password and confirmation do not match."], "IsSucceed": false, "StatusCode": 400}`, nil},
		{"update-password.response.schema.json", `{"Errors": [], "IsSucceed": "true"}`, []string{"at '/IsSucceed'", "want boolean"}},
		{"update-password.response.schema.json", `{"Errors": [], "IsSucceed": false}`, []string{"at '/Errors'", "minItems"}},
		{"update-password.response.schema.json", `{"Errors": ["x"], "IsSucceed": true}`, []string{"at '/Errors'"}},
		{"update-password.response.schema.json", `{"IsSucceed": false}`, []string{"missing property 'Errors'"}},
		{"update-password.response.schema.json", `<html>`, []string{"not JSON"}},
		{"app-key-error.schema.json", `{"error": "Application key is not defined or does not exist"}`, nil},
		{"app-key-error.schema.json", `{"error": 403}`, []string{"at '/error'"}},
		{"app-key-error.schema.json", `{"error": "Application key is not defined or does not exist", "IsSucceed": false}`, []string{"additional properties 'IsSucceed'"}},
		{"update-password.request.schema.json", `{"Token": "t", "Password": "p", "PasswordConfirmation": "p"}`, nil},
		{"update-password.request.schema.json", `{"Token": "t", "Password": "p"}`, []string{"PasswordConfirmation"}},
		{"login.response.schema.json", `{"State": "Failed", "Step": "BaseAuthentication", "Reason": "Invalid credentials"}`, nil},
		{"login.response.schema.json", `{"State": "Succeeded"}`, []string{"Token"}},
	}
	for _, c := range cases {
		err := s.Validate(c.schema, []byte(c.body))
		if len(c.want) == 0 {
			if err != nil {
				t.Errorf("%s %s: unexpected %v", c.schema, c.body, err)
			}
			continue
		}
		var se *Error
		if !errors.As(err, &se) {
			t.Errorf("%s %s: want *Error, got %v", c.schema, c.body, err)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, "schemas/"+c.schema) {
			t.Errorf("message does not name the schema file: %s", msg)
		}
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s %s: message lacks %q:\n%s", c.schema, c.body, w, msg)
			}
		}
	}
}

func TestUnknownSchemaIsAnError(t *testing.T) {
	s, _ := DefaultSchemas()
	if err := s.Validate("nope.schema.json", []byte(`{}`)); err == nil || !strings.Contains(err.Error(), "known:") {
		t.Fatalf("err = %v", err)
	}
}

func BenchmarkValidateSmallBody(b *testing.B) {
	s, _ := DefaultSchemas()
	body := []byte(`{"Errors": [], "IsSucceed": true, "StatusCode": "OK"}`)
	for b.Loop() {
		if err := s.Validate("update-password.response.schema.json", body); err != nil {
			b.Fatal(err)
		}
	}
}

func TestFlowSchemas(t *testing.T) {
	s, _ := DefaultSchemas()
	cases := []struct {
		schema, body string
		valid        bool
	}{
		{"reset-password.request.schema.json", `{"User": "robert.zak", "SecretQuestionAnswer": "Peterson"}`, true},
		{"reset-password.request.schema.json", `{"SecretQuestionAnswer": "Peterson"}`, false},
		{"secret-question.response.schema.json", `{"Model": "What street?", "Errors": [], "IsSucceed": true}`, true},
		{"secret-question.response.schema.json", `{"Model": "", "Errors": [], "IsSucceed": true}`, true},
		{"secret-question.response.schema.json", `{"Model": null, "Errors": [], "IsSucceed": true}`, false},
		{"secret-question.response.schema.json", `{"Errors": ["User not found."], "IsSucceed": false}`, true},
		{"identifiers-reset-code.request.schema.json", `{"Code": "231408", "Identifier": "ResetPassword"}`, true},
		{"identifiers-reset-code.request.schema.json", `{"Code": "231408", "Identifier": "Reset"}`, false},
		{"reset-code.response.schema.json", `{"Model": "ba6b8cac-6738-4434-bd26-825db020a05c", "Errors": [], "IsSucceed": true}`, true},
		{"reset-code.response.schema.json", `{"Model": "", "Errors": [], "IsSucceed": true}`, false},
		{"reset-code.response.schema.json", `{"Model": null, "Errors": ["Confirmation code is invalid."], "IsSucceed": false}`, true},
	}
	for _, c := range cases {
		if err := s.Validate(c.schema, []byte(c.body)); (err == nil) != c.valid {
			t.Errorf("%s %s: valid=%v, got %v", c.schema, c.body, c.valid, err)
		}
	}
}
