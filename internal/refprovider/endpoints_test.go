package refprovider

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

const successBody = `{"Errors":[],"ErrorsCode":[],"StatusCode":"OK","IsSucceed":true}`

var (
	guidV4   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	sixDigit = regexp.MustCompile(`\d{6}`)
)

func wantModelState(t *testing.T, r resp, fields ...string) {
	t.Helper()
	ms, ok := r.body["ModelState"].(map[string]any)
	if !ok {
		t.Fatalf("no ModelState object: %s", r.raw)
	}
	for _, f := range fields {
		if msgs, _ := stringArray(ms[f]); len(msgs) == 0 {
			t.Errorf("ModelState has no message for %q: %s", f, r.raw)
		}
	}
	if len(ms) != len(fields) {
		t.Errorf("ModelState has %d fields, want %v: %s", len(ms), fields, r.raw)
	}
}

func TestStep1ResetPassword(t *testing.T) {
	t.Parallel()
	validation := []string{"ErrorValidation"}
	tests := []struct {
		name       string
		body       any
		status     int
		errs       []string
		codes      []string
		modelState []string
		mailTo     string // a confirmation mail must go here; "" = no mail at all
	}{
		{name: "trader without question", body: obj{"User": "bob"}, status: 200, mailTo: bob.Email},
		{name: "answer ignored without question", body: obj{"User": "bob", "SecretQuestionAnswer": "x"}, status: 200, mailTo: bob.Email},
		{name: "login is case-insensitive", body: obj{"User": " BOB "}, status: 200, mailTo: bob.Email},
		{name: "right answer", body: obj{"User": "alice", "SecretQuestionAnswer": "Blue"}, status: 200, mailTo: alice.Email},
		{name: "answer trimmed, any case", body: obj{"User": "alice", "SecretQuestionAnswer": "  bLUE "}, status: 200, mailTo: alice.Email},
		{name: "field names any case", body: `{"user":"alice","secretquestionanswer":"blue"}`, status: 200, mailTo: alice.Email},
		{name: "missing answer", body: obj{"User": "alice"}, status: 400,
			errs: []string{"Answer is incorrect, try again."}, codes: []string{"ErrorIncorrectAnswer"}},
		{name: "blank answer", body: obj{"User": "alice", "SecretQuestionAnswer": "  "}, status: 400,
			errs: []string{"Answer is incorrect, try again."}, codes: []string{"ErrorIncorrectAnswer"}},
		{name: "wrong answer", body: obj{"User": "alice", "SecretQuestionAnswer": "Red"}, status: 400,
			errs: []string{"Answer is incorrect, try again."}, codes: []string{"ErrorIncorrectAnswer"}},
		{name: "unknown user", body: obj{"User": "mallory"}, status: 400,
			errs: []string{"User not found."}, codes: []string{"ErrorUserNotFound"}},
		{name: "email is not a login", body: obj{"User": bob.Email}, status: 400,
			errs: []string{"User not found."}, codes: []string{"ErrorUserNotFound"}},
		{name: "missing User", body: obj{}, status: 400, codes: validation, modelState: []string{"User"}},
		{name: "empty body", body: "", status: 400, codes: validation, modelState: []string{"User"}},
		{name: "JSON null", body: "null", status: 400, codes: validation, modelState: []string{"User"}},
		{name: "malformed JSON", body: `{"User":`, status: 400, codes: validation, modelState: []string{"resource"}},
		{name: "trailing garbage", body: `{"User":"bob"} x`, status: 400, codes: validation, modelState: []string{"resource"}},
		{name: "JSON array", body: `[]`, status: 400, codes: validation, modelState: []string{"resource"}},
		{name: "User a number binds as its text", body: `{"User":42}`, status: 400,
			errs: []string{"User not found."}, codes: []string{"ErrorUserNotFound"}},
		{name: "User an object", body: `{"User":{"x":1}}`, status: 400, codes: validation, modelState: []string{"User"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, Options{})
			r := e.do(http.MethodPost, pStep1, tc.body, nil)
			mustCheck(t, r, tc.status, tc.status == 200, tc.errs, tc.codes)
			if tc.status == 200 && r.raw != successBody {
				t.Errorf("success body %s, want %s", r.raw, successBody)
			}
			if tc.status != 200 {
				if errs, _ := stringArray(r.body["Errors"]); len(errs) == 0 {
					t.Errorf("failure without an Errors entry: %s", r.raw)
				}
				if r.body["StatusCode"] != "BadRequest" {
					t.Errorf("StatusCode %v, want BadRequest", r.body["StatusCode"])
				}
			}
			if tc.modelState != nil {
				wantModelState(t, r, tc.modelState...)
			}
			msgs := e.mail.messages()
			if tc.mailTo == "" {
				if len(msgs) != 0 {
					t.Errorf("%d mails sent on a failure", len(msgs))
				}
				return
			}
			if len(msgs) != 1 || !slices.Equal(msgs[0].to, []string{tc.mailTo}) {
				t.Fatalf("mails %+v, want one to %s", msgs, tc.mailTo)
			}
			code := e.mail.lastCode(t, tc.mailTo)
			if strings.Contains(r.raw, code) {
				t.Errorf("response leaks the code: %s", r.raw)
			}
			mustCheck(t, e.step3(code), 200, true, []string{}, []string{})
		})
	}
}

func TestConfirmationMail(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{MailFrom: "Reset Desk <desk@broker.example.test>", CodeTTL: 10 * time.Minute})
	mustCheck(t, e.step1("bob", ""), 200, true, []string{}, []string{})
	msgs := e.mail.to(bob.Email)
	if len(msgs) != 1 {
		t.Fatalf("%d mails to bob, want 1", len(msgs))
	}
	if msgs[0].from != "desk@broker.example.test" {
		t.Errorf("envelope from %q", msgs[0].from)
	}
	msg, body := msgs[0].parse(t)
	for k, want := range map[string]string{
		"To":           bob.Email,
		"Subject":      "AutoShares password reset",
		"From":         `"Reset Desk" <desk@broker.example.test>`,
		"Content-Type": "text/plain; charset=utf-8",
	} {
		if got := msg.Header.Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	if !codeLine.MatchString(body) {
		t.Errorf("body has no %q line:\n%s", "Confirmation code: NNNNNN", body)
	}
	if !strings.Contains(body, "10 minutes") {
		t.Errorf("body does not state the code lifetime:\n%s", body)
	}
	if sent, dropped := e.srv.MailStats(); sent != 1 || dropped != 0 {
		t.Errorf("MailStats = %d, %d; want 1, 0", sent, dropped)
	}
	// Each request gets its own code, and every outstanding code works.
	first := e.mail.lastCode(t, bob.Email)
	second := e.codeFor(bob)
	if first == second {
		t.Errorf("two requests gave the same code %s", first)
	}
	mustCheck(t, e.step3(first), 200, true, nil, nil)
	mustCheck(t, e.step3(second), 200, true, nil, nil)
}

func TestMailFailureAndDroppedMail(t *testing.T) {
	t.Parallel()
	t.Run("SMTP unreachable", func(t *testing.T) {
		t.Parallel()
		sink := newSMTPSink(t)
		addr := sink.addr()
		sink.ln.Close() // nothing listens there any more: connection refused
		e := newEnv(t, Options{SMTPAddr: addr})
		r := e.step1("bob", "")
		mustCheck(t, r, http.StatusServiceUnavailable, false,
			[]string{"The confirmation email could not be sent. Try again later."}, []string{"ErrorEmailNotSent"})
		if r.body["StatusCode"] != "ServiceUnavailable" {
			t.Errorf("StatusCode %v", r.body["StatusCode"])
		}
		if sixDigit.MatchString(r.raw) {
			t.Errorf("503 body carries digits that could be the code: %s", r.raw)
		}
		e.srv.st.mu.Lock()
		n := len(e.srv.st.codes)
		e.srv.st.mu.Unlock()
		if n != 0 {
			t.Errorf("%d codes stored although no mail was sent", n)
		}
	})
	t.Run("recipient rejected", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{SMTPAddr: newSMTPSinkWith(t, sinkOpts{rejectRcpt: true}).addr()})
		mustCheck(t, e.step1("bob", ""), http.StatusServiceUnavailable, false, nil, []string{"ErrorEmailNotSent"})
	})
	t.Run("STARTTLS not attempted on loopback", func(t *testing.T) {
		t.Parallel()
		sink := newSMTPSinkWith(t, sinkOpts{offerSTARTTLS: true})
		e := newEnv(t, Options{SMTPAddr: sink.addr()})
		mustCheck(t, e.step1("bob", ""), 200, true, nil, nil)
		if len(sink.to(bob.Email)) != 1 {
			t.Error("no mail")
		}
	})
	t.Run("no SMTP configured", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{SMTPAddr: noSMTP})
		mustCheck(t, e.step1("bob", ""), 200, true, []string{}, []string{})
		if sent, dropped := e.srv.MailStats(); sent != 0 || dropped != 1 {
			t.Errorf("MailStats = %d, %d; want 0, 1", sent, dropped)
		}
		e.srv.st.mu.Lock()
		var code string
		for c := range e.srv.st.codes {
			code = c
		}
		e.srv.st.mu.Unlock()
		if code == "" || strings.Contains(e.log.String(), code) {
			t.Errorf("code %q missing, or in the log:\n%s", code, e.log.String())
		}
	})
}

func TestStep2SecretQuestion(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	tests := []struct {
		name, query string
		status      int
		model       any // nil = no Model expected
		codes       []string
	}{
		{"by login", "username=alice", 200, "Favourite colour?", []string{}},
		{"by email", "username=alice%40example.test", 200, "Favourite colour?", []string{}},
		{"any case", "username=ALICE%40Example.TEST", 200, "Favourite colour?", []string{}},
		{"parameter name any case", "UserName=alice", 200, "Favourite colour?", []string{}},
		{"no question", "username=bob", 200, "", []string{}},
		{"unknown", "username=mallory", 400, nil, []string{"ErrorUserNotFound"}},
		{"missing", "", 400, nil, []string{"ErrorValidation"}},
		{"blank", "username=+", 400, nil, []string{"ErrorValidation"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(http.MethodGet, pStep2+"?"+tc.query, nil, nil)
			mustCheck(t, r, tc.status, tc.status == 200, nil, tc.codes)
			model, present := r.body["Model"]
			if tc.model == nil {
				if present {
					t.Errorf("failure carries a Model: %s", r.raw)
				}
				return
			}
			if model != tc.model {
				t.Errorf("Model %#v, want %#v (body %s)", model, tc.model, r.raw)
			}
		})
	}
	if r := e.do(http.MethodGet, pStep2, nil, nil); r.status == 400 {
		wantModelState(t, r, "username")
	}
}

func TestStep3Code(t *testing.T) {
	t.Parallel()
	type call struct {
		path string
		body func(code string) any
	}
	legacy := call{pStep3, func(c string) any { return obj{"Code": c} }}
	ident := func(id string) call {
		return call{pStep3Ident, func(c string) any { return obj{"Code": c, "Identifier": id} }}
	}
	tests := []struct {
		name    string
		call    call
		code    func(e *env) string
		advance time.Duration
		status  int
		errs    []string
		codes   []string
	}{
		{name: "legacy path", call: legacy, status: 200},
		{name: "identifiers path", call: ident("ResetPassword"), status: 200},
		{name: "identifier any case", call: ident("resetpassword"), status: 200},
		{name: "code with spaces", call: legacy, code: func(e *env) string { return " " + e.codeFor(bob) + " " }, status: 200},
		{name: "just before expiry", call: legacy, advance: DefaultCodeTTL - time.Second, status: 200},
		{name: "expired at TTL", call: legacy, advance: DefaultCodeTTL, status: 400,
			errs: []string{"Confirmation code has expired."}, codes: []string{"ErrorCodeExpired"}},
		{name: "expired, identifiers path", call: ident("ResetPassword"), advance: time.Hour, status: 400,
			errs: []string{"Confirmation code has expired."}, codes: []string{"ErrorCodeExpired"}},
		{name: "unknown code", call: legacy, code: func(*env) string { return "not-a-code" }, status: 400,
			errs: []string{"Confirmation code is invalid."}, codes: []string{"ErrorInvalidCode"}},
		{name: "unused six digits", call: legacy, code: unusedCode, status: 400,
			errs: []string{"Confirmation code is invalid."}, codes: []string{"ErrorInvalidCode"}},
		{name: "used code", call: legacy, code: func(e *env) string {
			c := e.codeFor(bob)
			mustCheck(e.t, e.step3(c), 200, true, nil, nil)
			return c
		}, status: 400, errs: []string{"Confirmation code is invalid."}, codes: []string{"ErrorInvalidCode"}},
		{name: "used on the other path", call: ident("ResetPassword"), code: func(e *env) string {
			c := e.codeFor(bob)
			mustCheck(e.t, e.step3(c), 200, true, nil, nil)
			return c
		}, status: 400, errs: []string{"Confirmation code is invalid."}, codes: []string{"ErrorInvalidCode"}},
		{name: "other identifier", call: ident("ResetPinCode"), status: 400,
			errs: []string{"Only the ResetPassword identifier is supported."}, codes: []string{"ErrorUnsupportedIdentifier"}},
		{name: "missing identifier", call: call{pStep3Ident, func(c string) any { return obj{"Code": c} }}, status: 400,
			codes: []string{"ErrorValidation"}},
		{name: "missing code and identifier", call: call{pStep3Ident, func(string) any { return obj{} }}, status: 400,
			codes: []string{"ErrorValidation", "ErrorValidation"}},
		{name: "missing code", call: call{pStep3, func(string) any { return obj{} }}, status: 400,
			codes: []string{"ErrorValidation"}},
		// A number binds as its text; seven digits are never a code.
		{name: "code as number", call: call{pStep3, func(string) any { return `{"Code":1234567}` }}, status: 400,
			codes: []string{"ErrorInvalidCode"}},
		{name: "code as object", call: call{pStep3, func(string) any { return `{"Code":{"Value":"123456"}}` }}, status: 400,
			codes: []string{"ErrorValidation"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, Options{})
			getCode := tc.code
			if getCode == nil {
				getCode = func(e *env) string { return e.codeFor(bob) }
			}
			code := getCode(e)
			e.clock.Advance(tc.advance)
			r := e.do(http.MethodPost, tc.call.path, tc.call.body(code), nil)
			mustCheck(t, r, tc.status, tc.status == 200, tc.errs, tc.codes)
			tok, _ := r.body["Model"].(string)
			if tc.status == 200 {
				if !guidV4.MatchString(tok) {
					t.Errorf("Model %q is not a GUID v4", tok)
				}
				// The token works, and the code is single-use.
				mustCheck(t, e.step4(tok, "brand-new-pass", "brand-new-pass"), 200, true, nil, nil)
				mustCheck(t, e.step3(code), 400, false, nil, []string{"ErrorInvalidCode"})
			} else if _, has := r.body["Model"]; has {
				t.Errorf("failure carries a Model: %s", r.raw)
			}
		})
	}
}

// unusedCode returns six digits that are not an outstanding code.
func unusedCode(e *env) string {
	e.srv.st.mu.Lock()
	defer e.srv.st.mu.Unlock()
	for i := 0; ; i++ {
		c := fmt.Sprintf("%06d", i)
		if _, used := e.srv.st.codes[c]; !used {
			return c
		}
	}
}

func TestStep4NewPassword(t *testing.T) {
	t.Parallel()
	const newPW = "correct-horse-9"
	validation := "ErrorValidation"
	tests := []struct {
		name        string
		token       func(e *env) string // nil = a valid token of bob
		advance     time.Duration
		body        func(tok string) any // nil = new password twice
		status      int
		errs, codes []string
		modelState  []string
		changed     bool // bob's password is newPW afterwards
	}{
		{name: "success", status: 200, changed: true},
		{name: "without trailing slash", status: 200, changed: true},
		{name: "exactly the minimum length", body: pw("31415926", "31415926"), status: 200},
		{name: "length counts characters", body: pw("ééééééé€", "ééééééé€"), status: 200},
		{name: "length counts characters, not bytes", body: pw("ééééééé", "ééééééé"), status: 400,
			errs: []string{"Password must be at least 8 characters long."}, codes: []string{"ErrorPasswordTooShort"}},
		{name: "all fields missing", body: func(string) any { return obj{} }, status: 400,
			codes: []string{validation, validation, validation}, modelState: []string{"Token", "Password", "PasswordConfirmation"}},
		{name: "confirmation missing", body: func(tok string) any { return obj{"Token": tok, "Password": newPW} }, status: 400,
			codes: []string{validation}, modelState: []string{"PasswordConfirmation"}},
		{name: "malformed JSON", body: func(string) any { return `{"Token": ` }, status: 400,
			codes: []string{validation}, modelState: []string{"resource"}},
		{name: "unknown token before mismatch", token: func(*env) string { return "ba6b8cac-6738-4434-bd26-825db020a05c" },
			body: pw("aaaaaaaaa", "bbbbbbbbb"), status: 400,
			errs: []string{"Password reset token is invalid."}, codes: []string{"ErrorInvalidToken"}},
		{name: "expired token before mismatch", advance: DefaultTokenTTL, body: pw("aaaaaaaaa", "bbbbbbbbb"), status: 400,
			errs: []string{"Password reset token has expired."}, codes: []string{"ErrorTokenExpired"}},
		{name: "just before expiry", advance: DefaultTokenTTL - time.Second, status: 200, changed: true},
		{name: "mismatch before length", body: pw("short", "other"), status: 400,
			errs: []string{"Password and confirmation do not match."}, codes: []string{"ErrorPasswordMismatch"}},
		{name: "mismatch by case", body: pw(newPW, strings.ToUpper(newPW)), status: 400,
			errs: []string{"Password and confirmation do not match."}, codes: []string{"ErrorPasswordMismatch"}},
		{name: "too short", body: pw("1234567", "1234567"), status: 400,
			errs: []string{"Password must be at least 8 characters long."}, codes: []string{"ErrorPasswordTooShort"}},
		{name: "used token", token: func(e *env) string {
			tok := e.tokenFor(bob)
			mustCheck(e.t, e.step4(tok, "first-new-pass", "first-new-pass"), 200, true, nil, nil)
			return tok
		}, status: 400, errs: []string{"Password reset token is invalid."}, codes: []string{"ErrorInvalidToken"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, Options{})
			tok := ""
			if tc.token != nil {
				tok = tc.token(e)
			} else {
				tok = e.tokenFor(bob)
			}
			e.clock.Advance(tc.advance)
			body := tc.body
			if body == nil {
				body = pw(newPW, newPW)
			}
			path := pStep4
			if tc.name == "without trailing slash" {
				path = strings.TrimSuffix(path, "/")
			}
			r := e.do(http.MethodPut, path, body(tok), nil)
			mustCheck(t, r, tc.status, tc.status == 200, tc.errs, tc.codes)
			if tc.status == 200 && r.raw != successBody {
				t.Errorf("success body %s, want %s", r.raw, successBody)
			}
			if tc.modelState != nil {
				wantModelState(t, r, tc.modelState...)
			}
			if got := e.login("bob", newPW).status == 200; got != tc.changed {
				t.Errorf("new password works = %v, want %v", got, tc.changed)
			}
			if tc.status != 200 && tc.token == nil && tc.advance < DefaultTokenTTL {
				// A rejection changes nothing: the old password works, the token too.
				if e.login("bob", bob.Password).status != 200 {
					t.Error("old password stopped working after a rejection")
				}
				mustCheck(t, e.step4(tok, newPW, newPW), 200, true, nil, nil)
			}
		})
	}
}

func pw(password, confirmation string) func(string) any {
	return func(tok string) any {
		return obj{"Token": tok, "Password": password, "PasswordConfirmation": confirmation}
	}
}

func TestResetEndsOtherGrants(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	tok1, tok2 := e.tokenFor(bob), e.tokenFor(bob)
	code := e.codeFor(bob)
	aliceTok := e.tokenFor(alice)
	mustCheck(t, e.step4(tok1, "new-password-1", "new-password-1"), 200, true, nil, nil)
	mustCheck(t, e.step4(tok2, "new-password-2", "new-password-2"), 400, false, nil, []string{"ErrorInvalidToken"})
	mustCheck(t, e.step3(code), 400, false, nil, []string{"ErrorInvalidCode"})
	// Another trader's reset is untouched.
	mustCheck(t, e.step4(aliceTok, "alice-new-pass", "alice-new-pass"), 200, true, nil, nil)
}

func TestLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	const failed = `{"State":"Failed","Step":"BaseAuthentication","Reason":"Invalid credentials"}`
	tests := []struct {
		name, user, password string
		ok                   bool
	}{
		{"right password", "bob", bob.Password, true},
		{"login any case", "BOB", bob.Password, true},
		{"wrong password", "bob", "bob-password-2", false},
		{"password is case-sensitive", "bob", strings.ToUpper(bob.Password), false},
		{"unknown user", "mallory", bob.Password, false},
		{"no credentials", "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.login(tc.user, tc.password)
			if !tc.ok {
				if r.status != http.StatusUnauthorized || r.raw != failed {
					t.Fatalf("got %d %s, want 401 %s", r.status, r.raw, failed)
				}
				return
			}
			tok, _ := r.body["Token"].(string)
			if r.status != 200 || r.body["State"] != "Succeeded" || len(tok) < 32 {
				t.Fatalf("got %d %s", r.status, r.raw)
			}
			if tok2, _ := e.login(tc.user, tc.password).body["Token"].(string); tok2 == tok {
				t.Error("two logins returned the same token")
			}
		})
	}
}

func TestRoutingAndAppKey(t *testing.T) {
	t.Parallel()
	endpoints := []struct{ method, path string }{
		{http.MethodPost, pStep1},
		{http.MethodGet, pStep2 + "?username=bob"},
		{http.MethodPost, pStep3},
		{http.MethodPost, pStep3Ident},
		{http.MethodPut, pStep4},
		{http.MethodPost, pLogin},
		{http.MethodGet, APIPrefix + "/v1.0/no/such/thing"}, // the key is checked before routing
		{http.MethodDelete, pStep1},
	}
	e := newEnv(t, Options{})
	tok := e.tokenFor(bob)
	mailsBefore := len(e.mail.messages())
	for _, ep := range endpoints {
		for _, key := range []string{"", "wrong-key", strings.ToUpper(testAppKey), testAppKey + "x"} {
			t.Run(fmt.Sprintf("%s %s key=%q", ep.method, ep.path, key), func(t *testing.T) {
				body := any(obj{"User": "bob", "Code": "123456", "Identifier": "ResetPassword",
					"Token": tok, "Password": "changed-by-bad-key", "PasswordConfirmation": "changed-by-bad-key"})
				r := e.do(ep.method, ep.path, body, map[string]string{"Et-App-Key": key,
					"Username": "bob", "Password": bob.Password})
				if r.status != http.StatusForbidden || r.raw != appKeyErrorBody {
					t.Fatalf("got %d %s, want 403 %s", r.status, r.raw, appKeyErrorBody)
				}
				if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("Content-Type %q", ct)
				}
			})
		}
	}
	// Nothing happened: no mail, token still valid, password unchanged.
	if n := len(e.mail.messages()); n != mailsBefore {
		t.Errorf("%d mails sent with a bad key", n-mailsBefore)
	}
	if e.login("bob", "changed-by-bad-key").status == 200 {
		t.Error("password changed with a bad key")
	}
	mustCheck(t, e.step4(tok, "good-new-pass", "good-new-pass"), 200, true, nil, nil)

	t.Run("unknown path", func(t *testing.T) {
		r := e.do(http.MethodGet, APIPrefix+"/v1.0/users/nothing?secret=x", nil, nil)
		want := `{"Message":"No HTTP resource was found that matches the request URI '/api/v1.0/users/nothing'."}`
		if r.status != 404 || r.raw != want {
			t.Errorf("got %d %s, want 404 %s", r.status, r.raw, want)
		}
	})
	t.Run("outside the API needs no key", func(t *testing.T) {
		for _, p := range []string{"/", "/apix", "/v1.0/users/password/reset"} {
			if r := e.do(http.MethodGet, p, nil, map[string]string{"Et-App-Key": ""}); r.status != 404 {
				t.Errorf("%s: got %d %s, want 404", p, r.status, r.raw)
			}
		}
	})
	t.Run("wrong method", func(t *testing.T) {
		for _, c := range []struct{ method, path, allow string }{
			{http.MethodGet, pStep1, "POST"},
			{http.MethodPost, pStep2, "GET"},
			{http.MethodPost, pStep4, "PUT"},
			{http.MethodGet, pLogin, "POST"},
			{http.MethodPatch, pStep3Ident, "POST"},
		} {
			r := e.do(c.method, c.path, nil, nil)
			want := fmt.Sprintf(`{"Message":"The requested resource does not support http method '%s'."}`, c.method)
			if r.status != 405 || r.raw != want || r.header.Get("Allow") != c.allow {
				t.Errorf("%s %s: got %d %s Allow=%q", c.method, c.path, r.status, r.raw, r.header.Get("Allow"))
			}
		}
	})
	t.Run("paths match any case", func(t *testing.T) {
		r := e.do(http.MethodGet, "/API/V1.0/Users/Password/Secret-Question?username=alice", nil, nil)
		mustCheck(t, r, 200, true, nil, nil)
	})
	t.Run("body limit", func(t *testing.T) {
		big := `{"User":"` + strings.Repeat("a", MaxBodyBytes) + `"}`
		r := e.do(http.MethodPost, pStep1, big, nil)
		mustCheck(t, r, http.StatusRequestEntityTooLarge, false, nil, []string{"ErrorRequestTooLarge"})
	})
}

func TestStatePathOnlyInTestMode(t *testing.T) {
	t.Parallel()
	s, err := New(Options{AppKey: testAppKey, HashIterations: testIterations})
	if err != nil {
		t.Fatal(err)
	}
	r := serveDirect(s, http.MethodPost, StatePath, `{"state":"`+StateValidToken+`"}`, nil)
	if r.Code != 404 {
		t.Errorf("state endpoint without TestMode: %d %s", r.Code, r.Body)
	}
}

func TestExpiryUsesInjectedClock(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{CodeTTL: time.Minute, TokenTTL: 2 * time.Minute})
	code := e.codeFor(bob)
	e.clock.Advance(59 * time.Second)
	tok, _ := e.step3(code).body["Model"].(string)
	if tok == "" {
		t.Fatal("code expired before its TTL")
	}
	code2 := e.codeFor(bob)
	e.clock.Advance(time.Minute)
	mustCheck(t, e.step3(code2), 400, false, nil, []string{"ErrorCodeExpired"})
	e.clock.Advance(time.Minute) // the token is now 2m01s old
	mustCheck(t, e.step4(tok, "new-password", "new-password"), 400, false, nil, []string{"ErrorTokenExpired"})
	// Long-expired grants are pruned, after which they are simply unknown.
	e.clock.Advance(grantRetention + time.Hour)
	e.codeFor(bob) // step 1 prunes
	mustCheck(t, e.step3(code2), 400, false, nil, []string{"ErrorInvalidCode"})
}
