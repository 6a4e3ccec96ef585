package passwordreset

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/config"
)

// envelope is the documented part of ResourceBasedResponse; IsSucceed stays raw so that a
// string "true" is reported as what it is rather than failing to decode.
type envelope struct {
	Model      json.RawMessage `json:"Model"`
	Errors     []string        `json:"Errors"`
	ErrorsCode []string        `json:"ErrorsCode"`
	IsSucceed  json.RawMessage `json:"IsSucceed"`
}

func decodeEnvelope(ex *apiclient.Exchange) (envelope, error) {
	var e envelope
	err := ex.JSON(&e)
	return e, err
}

// expectSuccess: the configured success status, the schema, IsSucceed true, no errors.
func expectSuccess(ex *apiclient.Exchange, schemaName, what string) envelope {
	GinkgoHelper()
	want := suite.cfg.Expect.SuccessStatus
	v := check(ex).
		expect(ex.Status == want, "status: expected %d (AUTOSHARES_EXPECT_SUCCESS_STATUS), got %d", want, ex.Status).
		schema(schemaName)
	env, err := decodeEnvelope(ex)
	v.expect(err == nil, "body: expected the JSON envelope, got %v", err)
	if err == nil {
		v.expect(string(env.IsSucceed) == "true", "IsSucceed: expected true, got %s", orMissing(env.IsSucceed))
		v.expect(len(env.Errors) == 0, "Errors: expected [], got %d message(s)", len(env.Errors))
	}
	v.done(what)
	return env
}

// expectFailure: what every client relies on when the docs give no exact value. A failure
// never looks like success (not 2xx, IsSucceed false), a client error is not a 5xx, it
// comes in the error envelope with at least one message; exact status and ErrorsCode are
// checked only where configured (or documented).
func expectFailure(ex *apiclient.Exchange, schemaName string, c config.ErrorCase, what string) envelope {
	GinkgoHelper()
	exp := suite.cfg.Expect.Errors[c]
	v := check(ex)
	if exp.Status != 0 {
		v.expect(ex.Status == exp.Status, "status: expected %d (AUTOSHARES_EXPECT_%s_STATUS), got %d", exp.Status, c, ex.Status)
	} else {
		v.expect(ex.Status >= 400 && ex.Status < 500, "status: expected a 4xx client error, got %d%s", ex.Status, statusHint(ex.Status))
	}
	v.schema(schemaName)
	env, err := decodeEnvelope(ex)
	v.expect(err == nil, "body: expected the JSON error envelope, got %v", err)
	if err == nil {
		v.expect(string(env.IsSucceed) == "false", "IsSucceed: expected false, got %s", orMissing(env.IsSucceed))
		v.expect(len(env.Errors) > 0, "Errors: expected at least one message, got none")
		if exp.ErrorsCode != "" {
			v.expect(slices.Contains(env.ErrorsCode, exp.ErrorsCode), "ErrorsCode: expected to contain %q (AUTOSHARES_EXPECT_%s_ERRORS_CODE), got %q", exp.ErrorsCode, c, env.ErrorsCode)
		}
		if exp.Message != "" {
			v.expect(slices.Contains(env.Errors, exp.Message), "Errors: expected to contain %q (AUTOSHARES_EXPECT_%s_MESSAGE), got %q", exp.Message, c, env.Errors)
		}
	}
	v.done(what)
	return env
}

func statusHint(status int) string {
	switch {
	case status >= 200 && status < 300:
		return " (a failure must not look like a success)"
	case status >= 500:
		return " (the request was at fault, not the server: a 5xx tells clients to retry)"
	}
	return ""
}

func orMissing(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "nothing (field missing)"
	}
	return string(raw)
}

// expectAppKeyError: one of the accepted statuses and exactly the documented body.
func expectAppKeyError(ex *apiclient.Exchange, what string) {
	GinkgoHelper()
	exp := suite.cfg.Expect
	var body struct {
		Error string `json:"error"`
	}
	err := ex.JSON(&body)
	check(ex).
		expect(slices.Contains(exp.AppKeyStatuses, ex.Status), "status: expected one of %v (AUTOSHARES_EXPECT_APP_KEY_STATUS), got %d", exp.AppKeyStatuses, ex.Status).
		schema("app-key-error.schema.json").
		expect(err == nil && body.Error == exp.AppKeyMessage, "error: expected exactly %q (AUTOSHARES_EXPECT_APP_KEY_MESSAGE), got %q", exp.AppKeyMessage, body.Error).
		done(what)
}

// login tries the credentials at POST apiURL/token, as a trader's app does.
func login(ctx context.Context, user, password string) *apiclient.Exchange {
	GinkgoHelper()
	return send(ctx, apiclient.Login(user, password))
}

// expectLoginSucceeds: 200 and State "Succeeded" with a token.
func expectLoginSucceeds(ctx context.Context, user, password, why string) {
	GinkgoHelper()
	expectLogin(ctx, user, password, http.StatusOK, "Succeeded", "login should succeed "+why)
}

// expectLoginFails: the documented 401 with State "Failed".
func expectLoginFails(ctx context.Context, user, password, why string) {
	GinkgoHelper()
	expectLogin(ctx, user, password, http.StatusUnauthorized, "Failed", "login should fail "+why)
}

func expectLogin(ctx context.Context, user, password string, status int, state, what string) {
	GinkgoHelper()
	ex := login(ctx, user, password)
	var r struct{ State, Token string }
	err := ex.JSON(&r)
	secrets.Add(r.Token)
	check(ex).
		expect(ex.Status == status, "status: expected %d, got %d", status, ex.Status).
		schema("login.response.schema.json").
		expect(err == nil && r.State == state, "State: expected %q, got %q", state, r.State).
		done(what)
}

// expectPasswordUnchanged: the old password still works and the attempted one does not.
func expectPasswordUnchanged(ctx context.Context, user, oldPassword, attempted string) {
	GinkgoHelper()
	expectLoginSucceeds(ctx, user, oldPassword, "with the old password: a rejected request must change nothing")
	if attempted != "" {
		expectLoginFails(ctx, user, attempted, "with the password of the rejected request: a rejected request must change nothing")
	}
}
