package suite

import (
	"encoding/json"
	"slices"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/config"
)

// Envelope is the documented part of ResourceBasedResponse; IsSucceed stays raw so that a
// string "true" is reported as what it is rather than failing to decode.
type Envelope struct {
	Model      json.RawMessage `json:"Model"`
	Errors     []string        `json:"Errors"`
	ErrorsCode []string        `json:"ErrorsCode"`
	IsSucceed  json.RawMessage `json:"IsSucceed"`
}

// Rules are the expectations in force for a run: the exact values where configured (or
// documented), the invariants every client relies on where not.
type Rules struct {
	Expect  config.Expectations
	Schemas *catalogue.Set
}

// Success: the configured success status, the schema, IsSucceed true, no errors.
func (r Rules) Success(v *Verdict, schemaName string) Envelope { return r.success(v, schemaName, true) }

// success is Success; with requireIsSucceed false, IsSucceed need only be a boolean.
func (r Rules) success(v *Verdict, schemaName string, requireIsSucceed bool) Envelope {
	ex := v.Exchange
	want := r.Expect.SuccessStatus
	v.Expect(ex.Status == want, KindStatus, "status: expected %d (AUTOSHARES_EXPECT_SUCCESS_STATUS), got %d", want, ex.Status).
		JSONBody(r.Schemas, schemaName)
	var env Envelope
	err := ex.JSON(&env)
	v.Expect(err == nil, KindBody, "body: expected the JSON envelope, got %v", err)
	if err == nil {
		if requireIsSucceed {
			v.Expect(string(env.IsSucceed) == "true", KindIsSucceed, "IsSucceed: expected true, got %s", OrMissing(env.IsSucceed))
		} else {
			v.Expect(string(env.IsSucceed) == "true" || string(env.IsSucceed) == "false", KindIsSucceed, "IsSucceed: expected a boolean, got %s", OrMissing(env.IsSucceed))
		}
		v.Expect(len(env.Errors) == 0, KindErrors, "Errors: expected [], got %d message(s)", len(env.Errors))
	}
	return env
}

// Failure: what every client relies on when the docs give no exact value. A failure never
// looks like success (not 2xx, IsSucceed false), a client error is not a 5xx, it comes in
// the error envelope with at least one message; exact status, ErrorsCode and message are
// checked only where configured (or documented).
func (r Rules) Failure(v *Verdict, schemaName string, c config.ErrorCase) Envelope {
	ex := v.Exchange
	exp := r.Expect.Errors[c]
	if exp.Status != 0 {
		v.Expect(ex.Status == exp.Status, KindStatus, "status: expected %d (AUTOSHARES_EXPECT_%s_STATUS), got %d", exp.Status, c, ex.Status)
	} else {
		v.Expect(ex.Status >= 400 && ex.Status < 500, KindStatus, "status: expected a 4xx client error, got %d%s", ex.Status, StatusHint(ex.Status))
	}
	v.JSONBody(r.Schemas, schemaName)
	var env Envelope
	err := ex.JSON(&env)
	v.Expect(err == nil, KindBody, "body: expected the JSON error envelope, got %v", err)
	if err == nil {
		v.Expect(string(env.IsSucceed) == "false", KindIsSucceed, "IsSucceed: expected false, got %s", OrMissing(env.IsSucceed))
		v.Expect(len(env.Errors) > 0, KindErrors, "Errors: expected at least one message, got none")
		if exp.ErrorsCode != "" {
			v.Expect(slices.Contains(env.ErrorsCode, exp.ErrorsCode), KindErrorsCode, "ErrorsCode: expected to contain %q (AUTOSHARES_EXPECT_%s_ERRORS_CODE), got %q", exp.ErrorsCode, c, env.ErrorsCode)
		}
		if exp.Message != "" {
			v.Expect(slices.Contains(env.Errors, exp.Message), KindMessage, "Errors: expected to contain %q (AUTOSHARES_EXPECT_%s_MESSAGE), got %q", exp.Message, c, env.Errors)
		}
	}
	return env
}

// AppKeyError: one of the accepted statuses and exactly the documented body.
func (r Rules) AppKeyError(v *Verdict) {
	ex := v.Exchange
	var body struct {
		Error string `json:"error"`
	}
	err := ex.JSON(&body)
	v.Expect(slices.Contains(r.Expect.AppKeyStatuses, ex.Status), KindStatus, "status: expected one of %v (AUTOSHARES_EXPECT_APP_KEY_STATUS), got %d", r.Expect.AppKeyStatuses, ex.Status).
		JSONBody(r.Schemas, "app-key-error.schema.json").
		Expect(err == nil && body.Error == r.Expect.AppKeyMessage, KindAppKeyError, "error: expected exactly %q (AUTOSHARES_EXPECT_APP_KEY_MESSAGE), got %q", r.Expect.AppKeyMessage, body.Error)
}

// Login: the documented status and State of POST apiURL/token; returns the session token,
// which the caller must treat as a secret.
func (r Rules) Login(v *Verdict, status int, state, why string) string {
	ex := v.Exchange
	var body struct{ State, Token string }
	err := ex.JSON(&body)
	kind := KindNotLoggedIn
	if state != "Succeeded" {
		kind = KindLoginRefusal
		if ex.Status/100 == 2 || body.State == "Succeeded" {
			kind = KindLoggedIn
		}
	}
	v.Expect(ex.Status == status, kind, "login %s: status: expected %d, got %d", why, status, ex.Status).
		JSONBody(r.Schemas, "login.response.schema.json").
		Expect(err == nil && body.State == state, kind, "login %s: State: expected %q, got %q", why, state, body.State)
	return body.Token
}

// StatusHint says why a status is wrong for a failure.
func StatusHint(status int) string {
	switch {
	case status >= 200 && status < 300:
		return " (a failure must not look like a success)"
	case status >= 300 && status < 400:
		return " (the endpoint did not answer at its documented path)"
	case status >= 500:
		return " (the request was at fault, not the server: a 5xx tells clients to retry)"
	}
	return ""
}

// OrMissing shows a raw JSON value, or says it is missing.
func OrMissing(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "nothing (field missing)"
	}
	return string(raw)
}

// ModelIs: the success's Model is exactly the string want (step 2's question, "" for a
// trader without one); null or missing is not.
func ModelIs(v *Verdict, env Envelope, want string) *Verdict {
	var got *string
	err := json.Unmarshal(env.Model, &got)
	return v.Expect(err == nil && got != nil && *got == want, KindModel, "Model: expected %q, got %s", want, OrMissing(env.Model))
}
