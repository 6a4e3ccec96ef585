package refprovider

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// faultCase is a check of one correct behaviour, written the way a conformance check
// would be. The matrix proves it passes on the clean provider and fails, for the stated
// reason, on the provider with the fault switched on.
type faultCase struct {
	check   func(e *env) error
	wantErr string // the failure message must contain this
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// loginStatus is the status of a login attempt.
func loginStatus(e *env, user, password string) int { return e.login(user, password).status }

var faultCases = map[string]faultCase{
	FaultAcceptMismatchedPasswords: {func(e *env) error {
		v := e.state(StateValidToken)
		if err := check(e.step4(v["Token"], "new-password-a", "new-password-b"), 400, false,
			[]string{"Password and confirmation do not match."}, []string{"ErrorPasswordMismatch"}); err != nil {
			return err
		}
		if loginStatus(e, v["User"], "new-password-a") == 200 {
			return errors.New("Password was set despite the mismatch")
		}
		return nil
	}, "status 200, want 400"},

	FaultAcceptExpiredToken: {func(e *env) error {
		v := e.state(StateExpiredToken)
		return check(e.step4(v["Token"], "new-password", "new-password"), 400, false,
			[]string{"Password reset token has expired."}, []string{"ErrorTokenExpired"})
	}, "status 200, want 400"},

	FaultSuccessWithoutChange: {func(e *env) error {
		v := e.state(StateValidToken)
		if err := check(e.step4(v["Token"], "new-password", "new-password"), 200, true, nil, nil); err != nil {
			return err
		}
		if loginStatus(e, v["User"], "new-password") != 200 {
			return errors.New("new password rejected after a successful reset")
		}
		return nil
	}, "new password rejected"},

	FaultMismatchConsumesToken: {func(e *env) error {
		v := e.state(StateValidToken)
		if err := check(e.step4(v["Token"], "new-password-a", "new-password-b"), 400, false, nil,
			[]string{"ErrorPasswordMismatch"}); err != nil {
			return err
		}
		if err := check(e.step4(v["Token"], "new-password-a", "new-password-a"), 200, true, nil, nil); err != nil {
			return fmt.Errorf("corrected retry after a mismatch: %w", err)
		}
		return nil
	}, "corrected retry after a mismatch: status 400"},

	FaultMismatchStatus500: {func(e *env) error {
		v := e.state(StateValidToken)
		return check(e.step4(v["Token"], "new-password-a", "new-password-b"), 400, false, nil, []string{"ErrorPasswordMismatch"})
	}, "status 500, want 400"},

	FaultReusableToken: {func(e *env) error {
		v := e.state(StateValidToken)
		if err := check(e.step4(v["Token"], "new-password-1", "new-password-1"), 200, true, nil, nil); err != nil {
			return err
		}
		if err := check(e.step4(v["Token"], "new-password-2", "new-password-2"), 400, false,
			[]string{"Password reset token is invalid."}, []string{"ErrorInvalidToken"}); err != nil {
			return fmt.Errorf("second use of a token: %w", err)
		}
		return nil
	}, "second use of a token: status 200"},

	FaultAcceptShortPassword: {func(e *env) error {
		v := e.state(StateValidToken)
		return check(e.step4(v["Token"], "short", "short"), 400, false, nil, []string{"ErrorPasswordTooShort"})
	}, "status 200, want 400"},

	FaultKeepOutstandingGrants: {func(e *env) error {
		first, second := e.tokenFor(bob), e.tokenFor(bob)
		code := e.codeFor(bob)
		if err := check(e.step4(first, "new-password-1", "new-password-1"), 200, true, nil, nil); err != nil {
			return err
		}
		if err := check(e.step4(second, "new-password-2", "new-password-2"), 400, false, nil,
			[]string{"ErrorInvalidToken"}); err != nil {
			return fmt.Errorf("other token after a reset: %w", err)
		}
		if err := check(e.step3(code), 400, false, nil, []string{"ErrorInvalidCode"}); err != nil {
			return fmt.Errorf("other code after a reset: %w", err)
		}
		return nil
	}, "other token after a reset: status 200"},

	FaultIgnoreAppKey: {func(e *env) error {
		return appKeyRejected(e.do(http.MethodGet, pStep2+"?username=bob", nil, map[string]string{"Et-App-Key": ""}))
	}, "status 200"},

	FaultWrongAppKeyMessage: {func(e *env) error {
		return appKeyRejected(e.do(http.MethodPost, pStep1, obj{"User": "bob"}, map[string]string{"Et-App-Key": "wrong"}))
	}, `body {"error":"Invalid application key"}`},

	FaultAppKeyStatus400: {func(e *env) error {
		return appKeyRejected(e.do(http.MethodPut, pStep4, obj{}, map[string]string{"Et-App-Key": "wrong"}))
	}, "status 400"},

	FaultAppKeyCheckedLate: {func(e *env) error {
		v := e.state(StateValidToken)
		r := e.do(http.MethodPut, pStep4, obj{"Token": v["Token"], "Password": "new-password",
			"PasswordConfirmation": "new-password"}, map[string]string{"Et-App-Key": "wrong"})
		if err := appKeyRejected(r); err != nil {
			return err
		}
		if loginStatus(e, v["User"], "new-password") == 200 || loginStatus(e, v["User"], v["Password"]) != 200 {
			return errors.New("password changed by a request with a bad app key")
		}
		return nil
	}, "password changed by a request with a bad app key"},

	FaultIsSucceedAsString: {func(e *env) error {
		return check(e.step2("bob"), 200, true, nil, nil)
	}, "IsSucceed is string true, want a boolean"},

	FaultErrorsEmptyOnFailure: {func(e *env) error {
		return check(e.step1("mallory", ""), 400, false, []string{"User not found."}, []string{"ErrorUserNotFound"})
	}, `Errors [], want ["User not found."]`},

	FaultErrorsNullOnSuccess: {func(e *env) error {
		return check(e.step2("bob"), 200, true, []string{}, []string{})
	}, "Errors is <nil>, want an array"},

	FaultFailureStatus200: {func(e *env) error {
		return check(e.step1("mallory", ""), 400, false, nil, []string{"ErrorUserNotFound"})
	}, "status 200, want 400"},

	FaultFailureStatus500: {func(e *env) error {
		return check(e.step1("mallory", ""), 400, false, nil, []string{"ErrorUserNotFound"})
	}, "status 500, want 400"},

	FaultWrongContentType: {func(e *env) error {
		r := e.step2("bob")
		if mt, _, _ := mime.ParseMediaType(r.header.Get("Content-Type")); mt != "application/json" {
			return errorf("Content-Type %q", r.header.Get("Content-Type"))
		}
		return nil
	}, `Content-Type "text/plain`},

	FaultOldPasswordStillWorks: {func(e *env) error {
		v := e.state(StateValidToken)
		if err := check(e.step4(v["Token"], "new-password", "new-password"), 200, true, nil, nil); err != nil {
			return err
		}
		if loginStatus(e, v["User"], v["Password"]) != 401 {
			return errors.New("old password still accepted after a reset")
		}
		return nil
	}, "old password still accepted"},

	FaultLoginIgnoresPassword: {func(e *env) error {
		if s := loginStatus(e, "bob", "not-bobs-password"); s != 401 {
			return errorf("wrong password: login status %d", s)
		}
		return nil
	}, "login status 200"},

	FaultLoginWithoutToken: {func(e *env) error {
		r := e.login("bob", "bob-password-1")
		if tok, _ := r.body["Token"].(string); r.status != 200 || tok == "" {
			return errorf("login answered %d without a Token", r.status)
		}
		return nil
	}, "without a Token"},

	FaultSkipSecretAnswerCheck: {func(e *env) error {
		for _, answer := range []string{"", "Red"} {
			if err := check(e.step1("alice", answer), 400, false, nil, []string{"ErrorIncorrectAnswer"}); err != nil {
				return fmt.Errorf("answer %q: %w", answer, err)
			}
		}
		return nil
	}, `answer "": status 200`},

	FaultWrongIncorrectAnswerCode: {func(e *env) error {
		return check(e.step1("alice", "Red"), 400, false,
			[]string{"Answer is incorrect, try again."}, []string{"ErrorIncorrectAnswer"})
	}, `ErrorsCode ["ErrorAnswer"]`},

	FaultAcceptUnknownUser: {func(e *env) error {
		return check(e.step1("mallory", ""), 400, false, []string{"User not found."}, []string{"ErrorUserNotFound"})
	}, "status 200, want 400"},

	FaultNoConfirmationEmail: {func(e *env) error {
		if err := check(e.step1("bob", ""), 200, true, nil, nil); err != nil {
			return err
		}
		if len(e.mail.to(bob.Email)) != 1 {
			return errors.New("no confirmation mail after a successful step 1")
		}
		return nil
	}, "no confirmation mail"},

	FaultCodeInResponse: {func(e *env) error {
		r := e.step1("bob", "")
		if err := check(r, 200, true, nil, nil); err != nil {
			return err
		}
		code := e.mail.lastCode(e.t, bob.Email)
		if strings.Contains(r.raw, code) {
			return errors.New("step 1 response leaks the confirmation code")
		}
		return nil
	}, "leaks the confirmation code"},

	FaultSecretQuestionNull: {func(e *env) error {
		r := e.step2("bob")
		if m, ok := r.body["Model"].(string); !ok || m != "" {
			return errorf("Model %#v for a trader without a question, want \"\"", r.body["Model"])
		}
		return check(r, 200, true, nil, nil)
	}, "Model <nil>"},

	FaultSecretQuestionLoginOnly: {func(e *env) error {
		r := e.step2(alice.Email)
		if err := check(r, 200, true, nil, nil); err != nil {
			return fmt.Errorf("by email: %w", err)
		}
		return nil
	}, "by email: status 400"},

	FaultAcceptExpiredCode: {func(e *env) error {
		v := e.state(StateExpiredCode)
		return check(e.step3(v["Code"]), 400, false,
			[]string{"Confirmation code has expired."}, []string{"ErrorCodeExpired"})
	}, "status 200, want 400"},

	FaultReusableCode: {func(e *env) error {
		v := e.state(StatePendingCode)
		if err := check(e.step3(v["Code"]), 200, true, nil, nil); err != nil {
			return err
		}
		if err := check(e.step3(v["Code"]), 400, false, nil, []string{"ErrorInvalidCode"}); err != nil {
			return fmt.Errorf("second use of a code: %w", err)
		}
		return nil
	}, "second use of a code: status 200"},
}

// appKeyRejected is the documented app-key error, with the status this provider chose.
func appKeyRejected(r resp) error {
	if r.status != http.StatusForbidden || r.raw != appKeyErrorBody {
		return errorf("status %d body %s, want 403 %s", r.status, r.raw, appKeyErrorBody)
	}
	return nil
}

func TestFaultMatrix(t *testing.T) {
	t.Parallel()
	names := FaultNames()
	if !slices.IsSorted(names) {
		t.Errorf("FaultNames not sorted: %v", names)
	}
	for n := range faultCases {
		if !slices.Contains(names, n) {
			t.Errorf("case for unknown fault %q", n)
		}
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if d := FaultDescription(name); d == "" || strings.Contains(d, "\n") {
				t.Errorf("description %q is not one line", d)
			}
			fc, ok := faultCases[name]
			if !ok {
				t.Fatalf("no test case for fault %q", name)
			}
			if err := fc.check(newEnv(t, Options{})); err != nil {
				t.Fatalf("check fails on the clean provider: %v", err)
			}
			err := fc.check(newEnv(t, Options{Faults: []string{name}}))
			if err == nil {
				t.Fatalf("check passes with fault %q on", name)
			}
			if !strings.Contains(err.Error(), fc.wantErr) {
				t.Errorf("check failed for another reason:\n got  %v\n want %q", err, fc.wantErr)
			}
		})
	}
}

// The app-key faults combine: the message and the status are independent switches.
func TestAppKeyFaultsCombine(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{Faults: []string{FaultWrongAppKeyMessage, FaultAppKeyStatus400}})
	r := e.step2("bob")
	mustCheck(t, r, 200, true, nil, nil)
	r = e.do(http.MethodGet, pStep2+"?username=bob", nil, map[string]string{"Et-App-Key": ""})
	if r.status != 400 || r.raw != `{"error":"Invalid application key"}` {
		t.Errorf("got %d %s", r.status, r.raw)
	}
}

func TestFaultSideDetails(t *testing.T) {
	t.Parallel()
	t.Run("accept-mismatched-passwords sets Password", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{Faults: []string{FaultAcceptMismatchedPasswords}})
		v := e.state(StateValidToken)
		mustCheck(t, e.step4(v["Token"], "new-password-a", "new-password-b"), 200, true, nil, nil)
		if loginStatus(e, v["User"], "new-password-a") != 200 {
			t.Error("Password was not set")
		}
	})
	t.Run("success-without-change keeps the old password", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{Faults: []string{FaultSuccessWithoutChange}})
		v := e.state(StateValidToken)
		mustCheck(t, e.step4(v["Token"], "new-password", "new-password"), 200, true, nil, nil)
		if loginStatus(e, v["User"], v["Password"]) != 200 {
			t.Error("old password no longer works")
		}
	})
	t.Run("is-succeed-as-string on failures too", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{Faults: []string{FaultIsSucceedAsString}})
		if r := e.step1("mallory", ""); r.body["IsSucceed"] != "false" {
			t.Errorf("IsSucceed %#v", r.body["IsSucceed"])
		}
	})
	t.Run("failure-status-200 keeps IsSucceed false and StatusCode", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{Faults: []string{FaultFailureStatus200}})
		r := e.step1("mallory", "")
		if r.status != 200 || r.body["IsSucceed"] != false || r.body["StatusCode"] != "BadRequest" {
			t.Errorf("got %d %s", r.status, r.raw)
		}
	})
	t.Run("wrong-incorrect-answer-code changes the text", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{Faults: []string{FaultWrongIncorrectAnswerCode}})
		r := e.step1("alice", "")
		if errs, _ := stringArray(r.body["Errors"]); len(errs) != 1 || errs[0] == "Answer is incorrect, try again." {
			t.Errorf("Errors %v", errs)
		}
	})
	t.Run("accept-unknown-user sends no mail", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{Faults: []string{FaultAcceptUnknownUser}})
		mustCheck(t, e.step1("mallory", ""), 200, true, nil, nil)
		if n := len(e.mail.messages()); n != 0 {
			t.Errorf("%d mails", n)
		}
	})
	t.Run("code-in-response puts the mailed code in Model", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{Faults: []string{FaultCodeInResponse}})
		r := e.step1("bob", "")
		if r.body["Model"] != e.mail.lastCode(t, bob.Email) {
			t.Errorf("Model %v", r.body["Model"])
		}
	})
	t.Run("ignore-app-key applies to login", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{Faults: []string{FaultIgnoreAppKey}})
		r := e.do(http.MethodPost, pLogin, nil, map[string]string{"Et-App-Key": "", "Username": "bob", "Password": bob.Password})
		if r.status != 200 {
			t.Errorf("got %d %s", r.status, r.raw)
		}
	})
	t.Run("login-ignores-password still rejects unknown users", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{Faults: []string{FaultLoginIgnoresPassword}})
		if s := loginStatus(e, "mallory", "x"); s != 401 {
			t.Errorf("unknown user: %d", s)
		}
	})
}
