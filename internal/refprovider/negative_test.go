package refprovider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// The correct provider's side of the negative and security catalogue.

func TestStep4UnknownAndMalformedTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	guid, _ := newGUID()
	for name, tok := range map[string]string{
		"random GUID":      guid,
		"upper-case GUID":  strings.ToUpper(guid),
		"not a GUID":       "not-a-guid",
		"very long":        strings.Repeat("f", 500_000),
		"control chars":    "\x00\x01tok",
		"non-ASCII":        "jéton-ü",
		"JSON-looking":     `{"Token":"x"}`,
		"GUID with braces": "{" + guid + "}",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			v := e.state(StateValidToken)
			mustCheck(t, e.step4(tok, "new-password", "new-password"), 400, false,
				[]string{"Password reset token is invalid."}, []string{"ErrorInvalidToken"})
			if err := unchanged(e, v); err != nil {
				t.Error(err)
			}
			if err := tokenStillWorks(e, v, "after a refused unknown token"); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestStep4TokenRaceHasOneWinner(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	for range 3 {
		v := e.state(StateValidToken)
		won, err := raceStep4(e, v["Token"], 8)
		if err != nil {
			t.Fatal(err)
		}
		if len(won) != 1 {
			t.Fatalf("%d of 8 concurrent updates succeeded: want exactly 1", len(won))
		}
		for i := range 8 {
			p := fmt.Sprintf("racing-password-%d", i)
			if got, want := loginStatus(e, v["User"], p) == 200, p == won[0]; got != want {
				t.Errorf("login with %s works = %v, want %v (winner %s)", p, got, want, won[0])
			}
		}
	}
}

// The token-race fault's window must be real: 8 concurrent updates all succeed.
func TestTokenRaceFaultIsReliable(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{Faults: []string{FaultTokenRace}})
	v := e.state(StateValidToken)
	won, err := raceStep4(e, v["Token"], 8)
	if err != nil {
		t.Fatal(err)
	}
	if len(won) < 2 {
		t.Fatalf("%d of 8 succeeded under token-race, want more than one", len(won))
	}
}

func TestExactConfirmation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	for name, c := range map[string]struct{ pw, conf string }{
		"case differs":         {"New-Password-1", "new-password-1"},
		"leading space":        {"new-password-1", " new-password-1"},
		"trailing tab":         {"new-password-1", "new-password-1\t"},
		"spaces on password":   {" new-password-1 ", "new-password-1"},
		"non-breaking space":   {"new-password-1", "new-password-1\u00a0"},
		"Unicode case folding": {"straße-password", "STRASSE-PASSWORD"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			v := e.state(StateValidToken)
			mustCheck(t, e.step4(v["Token"], c.pw, c.conf), 400, false,
				[]string{"Password and confirmation do not match."}, []string{"ErrorPasswordMismatch"})
			if err := unchanged(e, v); err != nil {
				t.Error(err)
			}
			if err := tokenStillWorks(e, v, "after a mismatch"); err != nil {
				t.Error(err)
			}
		})
	}
	t.Run("stored exactly as sent", func(t *testing.T) {
		t.Parallel()
		for _, pw := range []string{"pass word with  inner spaces", "  padded password  ", "\tTab-Led-Password"} {
			v := e.state(StateValidToken)
			mustCheck(t, e.step4(v["Token"], pw, pw), 200, true, nil, nil)
			// Login carries the password in a header, which loses surrounding spaces; the
			// stored hash shows the exact value.
			e.srv.st.mu.Lock()
			h := e.srv.st.traders[key(v["User"])].hash
			e.srv.st.mu.Unlock()
			if !h.matches(pw) || h.matches(strings.TrimSpace(pw)) && pw != strings.TrimSpace(pw) {
				t.Errorf("%q not stored exactly as sent", pw)
			}
			if pw == strings.TrimSpace(pw) && loginStatus(e, v["User"], pw) != 200 {
				t.Errorf("cannot log in with %q", pw)
			}
		}
	})
}

// malformedCase is a structurally broken body; the provider must answer 400 with the
// error envelope, ErrorValidation, naming modelState in ModelState.
type malformedCase struct {
	name       string
	body       string
	modelState string
}

// malformedBodies are the classes of the catalogue for an endpoint whose valid body is
// valid (the members of a JSON object, without braces) with the required string field f
// set to fv in it.
func malformedBodies(f, fv, valid string) []malformedCase {
	pair := fmt.Sprintf("%q:%q", f, fv)
	with := func(v string) string { return "{" + strings.Replace(valid, pair, v, 1) + "}" }
	missing := strings.Replace(valid, pair+",", "", 1)
	if missing == valid {
		missing = strings.Replace(valid, ","+pair, "", 1)
	}
	if missing == valid {
		missing = ""
	}
	return []malformedCase{
		{"not JSON", "Token=abc&Password=xyz", "resource"},
		{"truncated JSON", "{" + valid, "resource"},
		{"trailing garbage", "{" + valid + "} {}", "resource"},
		{"JSON array", "[{" + valid + "}]", "resource"},
		{"JSON string", `"` + f + `"`, "resource"},
		{"JSON number", `42`, "resource"},
		{"empty body", "", f},
		{"JSON null", "null", f},
		{"field missing", "{" + missing + "}", f},
		{"field null", with(fmt.Sprintf("%q:null", f)), f},
		{"field empty", with(fmt.Sprintf("%q:%q", f, "")), f},
		{"field object", with(fmt.Sprintf(`%q:{"x":%q}`, f, fv)), f},
		{"field array", with(fmt.Sprintf(`%q:[%q]`, f, fv)), f},
		{"field fraction", with(fmt.Sprintf(`%q:1.5`, f)), f},
		{"field exponent", with(fmt.Sprintf(`%q:1e3`, f)), f},
		{"field beyond int64", with(fmt.Sprintf(`%q:123456789012345678901234567890`, f)), f},
	}
}

// modelStateHas checks that ModelState names field.
func modelStateHas(t *testing.T, r resp, field string) {
	t.Helper()
	ms, _ := r.body["ModelState"].(map[string]any)
	if msgs, _ := stringArray(ms[field]); len(msgs) == 0 {
		t.Errorf("ModelState has no message for %q: %.300s", field, r.raw)
	}
}

func TestMalformedBodies(t *testing.T) {
	t.Parallel()
	// valid returns a body that would succeed (and change something) with the value of
	// the field under test, and the state to check afterwards.
	endpoints := []struct {
		name, method, path, field string
		valid                     func(e *env) (body, fv string, v map[string]string)
		unchanged                 func(e *env, v map[string]string) error
	}{
		{"step 1", http.MethodPost, pStep1, "User",
			func(e *env) (string, string, map[string]string) { return `"User":"bob"`, "bob", nil },
			func(e *env, _ map[string]string) error {
				if n := len(e.mail.messages()); n != 0 {
					return fmt.Errorf("%d mails sent for a malformed request", n)
				}
				return nil
			}},
		{"step 3", http.MethodPost, pStep3, "Code",
			func(e *env) (string, string, map[string]string) {
				v := e.state(StatePendingCode)
				return fmt.Sprintf(`"Code":%q`, v["Code"]), v["Code"], v
			},
			func(e *env, v map[string]string) error {
				return check(e.step3(v["Code"]), 200, true, nil, nil)
			}},
		{"step 3 (Identifier)", http.MethodPost, pStep3Ident, "Code",
			func(e *env) (string, string, map[string]string) {
				v := e.state(StatePendingCode)
				return fmt.Sprintf(`"Code":%q,"Identifier":"ResetPassword"`, v["Code"]), v["Code"], v
			},
			func(e *env, v map[string]string) error {
				return check(e.step3(v["Code"]), 200, true, nil, nil)
			}},
		{"step 4", http.MethodPut, pStep4, "Password",
			func(e *env) (string, string, map[string]string) {
				v := e.state(StateValidToken)
				return fmt.Sprintf(`"Token":%q,"Password":"new-password","PasswordConfirmation":"new-password"`, v["Token"]),
					"new-password", v
			},
			func(e *env, v map[string]string) error {
				if err := unchanged(e, v); err != nil {
					return err
				}
				return tokenStillWorks(e, v, "after a malformed request")
			}},
	}
	for _, ep := range endpoints {
		t.Run(ep.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, Options{})
			for i, mc := range malformedBodies(ep.field, "x", `"`+ep.field+`":"x"`) {
				t.Run(mc.name, func(t *testing.T) {
					valid, fv, v := ep.valid(e)
					body := malformedBodies(ep.field, fv, valid)[i].body
					for _, ct := range []string{"application/json", "text/plain", ""} {
						r := e.do(ep.method, ep.path, body, map[string]string{"Content-Type": ct})
						mustCheck(t, r, 400, false, nil, nil)
						if codes, _ := stringArray(r.body["ErrorsCode"]); len(codes) == 0 || codes[0] != codeValidation {
							t.Errorf("ErrorsCode %v, want ErrorValidation first", codes)
						}
						modelStateHas(t, r, mc.modelState)
					}
					if err := ep.unchanged(e, v); err != nil {
						t.Error(err)
					}
				})
			}
		})
	}
}

func TestBindingLeniency(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	step4 := func(body string) resp { return e.do(http.MethodPut, pStep4, body, nil) }
	t.Run("a number binds as its decimal text", func(t *testing.T) {
		v := e.state(StateValidToken)
		mustCheck(t, step4(fmt.Sprintf(`{"Token":%q,"Password":31415926,"PasswordConfirmation":31415926}`, v["Token"])),
			200, true, nil, nil)
		if loginStatus(e, v["User"], "31415926") != 200 {
			t.Error(`cannot log in with "31415926"`)
		}
	})
	t.Run("a number and its string form confirm each other", func(t *testing.T) {
		v := e.state(StateValidToken)
		mustCheck(t, step4(fmt.Sprintf(`{"Token":%q,"Password":-123456789,"PasswordConfirmation":"-123456789"}`, v["Token"])),
			200, true, nil, nil)
		if loginStatus(e, v["User"], "-123456789") != 200 {
			t.Error(`cannot log in with "-123456789"`)
		}
	})
	t.Run("a boolean binds as True or False", func(t *testing.T) {
		v := e.state(StateValidToken)
		mustCheck(t, step4(fmt.Sprintf(`{"Token":%q,"Password":true,"PasswordConfirmation":"True"}`, v["Token"])),
			400, false, []string{"Password must be at least 8 characters long."}, []string{"ErrorPasswordTooShort"})
		mustCheck(t, e.do(http.MethodPost, pStep1, `{"User":false}`, nil), 400, false,
			[]string{"User not found."}, []string{"ErrorUserNotFound"})
	})
	t.Run("property names in any case, unknown ones ignored, last duplicate wins", func(t *testing.T) {
		v := e.state(StateValidToken)
		body := fmt.Sprintf(`{"TOKEN":%q,"password":"first","Password":"new-password","passwordconfirmation":"new-password","Extra":{"a":[1]},"IsAdmin":true}`, v["Token"])
		mustCheck(t, step4(body), 200, true, nil, nil)
		if loginStatus(e, v["User"], "new-password") != 200 {
			t.Error("cannot log in with the new password")
		}
	})
	t.Run("JSON sent as text/plain is processed as JSON", func(t *testing.T) {
		v := e.state(StateValidToken)
		r := e.do(http.MethodPut, pStep4, step4Body(v["Token"], "new-password", "new-password"),
			map[string]string{"Content-Type": "text/plain; charset=utf-8"})
		mustCheck(t, r, 200, true, nil, nil)
	})
	t.Run("unusual but valid values", func(t *testing.T) {
		for _, pw := range []string{"pässwört-ünïcode", "日本語のパスワード", "emoji-😀-password", "ctl\x01\x1f\x7f-password",
			"nul\x00-password", strings.Repeat("long", 100_000), "invalid-utf8-\xff\xfe-password", "\u202eright-to-left"} {
			v := e.state(StateValidToken)
			mustCheck(t, e.step4(v["Token"], pw, pw), 200, true, nil, nil)
			r := e.do(http.MethodPost, pStep1, obj{"User": pw, "SecretQuestionAnswer": pw}, nil)
			mustCheck(t, r, 400, false, nil, []string{"ErrorUserNotFound"})
			mustCheck(t, e.step3(pw), 400, false, nil, []string{"ErrorInvalidCode"})
			r = e.do(http.MethodGet, pStep2+"?username="+url.QueryEscape(pw), nil, nil)
			mustCheck(t, r, 400, false, nil, []string{"ErrorUserNotFound"})
		}
		v := e.state(StateValidToken)
		mustCheck(t, e.step4(v["Token"], "pässwört-ü", "pässwört-ü"), 200, true, nil, nil)
		if loginStatus(e, v["User"], "pässwört-ü") != 200 {
			t.Error("cannot log in with a non-ASCII password")
		}
	})
}

func TestBodySizeBound(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	v := e.state(StateValidToken)
	under := strings.Repeat("p", MaxBodyBytes/2-200)
	over := strings.Repeat("p", MaxBodyBytes)
	for _, c := range []struct{ method, path string }{{http.MethodPost, pStep1}, {http.MethodPost, pStep3},
		{http.MethodPost, pStep3Ident}, {http.MethodPut, pStep4}} {
		r := e.do(c.method, c.path, step4Body(v["Token"], over, over), nil)
		mustCheck(t, r, http.StatusRequestEntityTooLarge, false,
			[]string{fmt.Sprintf("The request body exceeds %d bytes.", MaxBodyBytes)}, []string{"ErrorRequestTooLarge"})
	}
	if err := unchanged(e, v); err != nil {
		t.Error(err)
	}
	// Just under the bound is processed: a long password is a password.
	mustCheck(t, e.step4(v["Token"], under, under), 200, true, nil, nil)
}

func TestWrongMethodsChangeNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	documented := map[string]string{pStep1: "POST", pStep2: "GET", pStep3: "POST", pStep3Ident: "POST",
		pStep4: "PUT", strings.TrimSuffix(pStep4, "/"): "PUT", pLogin: "POST"}
	methods := []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"}
	for path, allow := range documented {
		for _, m := range methods {
			if m == allow {
				continue
			}
			v := e.state(StateValidToken)
			body := step4Body(v["Token"], "new-password", "new-password")
			body["User"], body["Code"] = v["User"], "000000"
			r := e.do(m, path, body, map[string]string{"Username": v["User"], "Password": v["Password"]})
			if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != allow {
				t.Errorf("%s %s: status %d Allow %q, want 405 Allow %s", m, path, r.status, r.header.Get("Allow"), allow)
			}
			if m != "HEAD" {
				if err := clientError(r); err != nil {
					t.Errorf("%s %s: %v", m, path, err)
				}
			}
			if err := unchanged(e, v); err != nil {
				t.Errorf("%s %s: %v", m, path, err)
			}
			if err := tokenStillWorks(e, v, m+" "+path); err != nil {
				t.Error(err)
			}
		}
	}
	if n := len(e.mail.codeMails()); n != 0 {
		t.Errorf("%d mails sent by wrong-method requests", n)
	}
}

func TestWrongAppKeyEverywhere(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	for _, key := range []string{"wrong-key", testAppKey + "x", strings.ToUpper(testAppKey), " " + testAppKey + "-"} {
		v := e.state(StateValidToken)
		code := e.state(StatePendingCode)
		h := map[string]string{"Et-App-Key": key}
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{http.MethodPost, pStep1, obj{"User": "bob"}},
			{http.MethodGet, pStep2 + "?username=bob", nil},
			{http.MethodPost, pStep3, obj{"Code": code["Code"]}},
			{http.MethodPost, pStep3Ident, obj{"Code": code["Code"], "Identifier": "ResetPassword"}},
			{http.MethodPut, pStep4, step4Body(v["Token"], "new-password", "new-password")},
		} {
			if err := appKeyRejected(e.do(c.method, c.path, c.body, h)); err != nil {
				t.Errorf("%s %s with a wrong key: %v", c.method, c.path, err)
			}
		}
		lh := map[string]string{"Et-App-Key": key, "Username": v["User"], "Password": v["Password"]}
		if err := appKeyRejected(e.do(http.MethodPost, pLogin, nil, lh)); err != nil {
			t.Errorf("login with a wrong key: %v", err)
		}
		if n := len(e.mail.codeMails()); n != 0 {
			t.Errorf("%d mails sent for requests with a wrong key", n)
		}
		mustCheck(t, e.step3(code["Code"]), 200, true, nil, nil)
		if err := tokenStillWorks(e, v, "after a step 4 with a wrong key"); err != nil {
			t.Error(err)
		}
	}
}

// TestNoSecretEchoedNoRedirect runs every kind of request with secrets in it and checks
// that no answer echoes one or redirects.
func TestNoSecretEchoedNoRedirect(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	v := e.state(StateValidToken)
	code := e.state(StatePendingCode)["Code"]
	const pwA, pwB = "secret-password-AAA", "secret-password-BBB"
	secrets := []string{v["Token"], code, pwA, pwB, v["Password"], testAppKey}
	var rs []resp
	add := func(r resp) { rs = append(rs, r) }
	add(e.step4(v["Token"], pwA, pwB))
	add(e.step4(v["Token"], "short", "short"))
	add(e.step4(v["Token"], pwA, pwA))
	add(e.step4(v["Token"], pwA, pwA)) // used token
	add(e.do(http.MethodPut, pStep4, `{"Token":"`+v["Token"]+`","Password":{"x":"`+pwA+`"}}`, nil))
	add(e.do(http.MethodPut, pStep4, `{"Token":"`+v["Token"]+`","Password":"`+pwA, nil))
	add(e.do(http.MethodGet, pStep4, step4Body(v["Token"], pwA, pwA), nil))
	add(e.do(http.MethodPut, pStep4+"?Token="+v["Token"]+"&Password="+pwA, nil, nil))
	add(e.do(http.MethodPost, pStep1, obj{"User": v["User"], "SecretQuestionAnswer": pwA}, nil))
	add(e.do(http.MethodPost, pStep1, obj{"User": pwA}, nil))
	add(e.do(http.MethodPost, pStep3, obj{"Code": code + "0"}, nil))
	add(e.do(http.MethodPost, pStep3Ident, obj{"Code": code, "Identifier": pwA}, nil))
	add(e.do(http.MethodGet, pStep2+"?username="+pwA, nil, nil))
	add(e.login(v["User"], pwB))
	add(e.login(pwA, pwB))
	add(e.do(http.MethodPost, pLogin, nil, map[string]string{"Et-App-Key": testAppKey + "-wrong", "Password": pwA}))
	for i, r := range rs {
		if err := notRedirected(r); err != nil {
			t.Errorf("request %d: %v", i, err)
		}
		if err := noEcho(r, secrets...); err != nil {
			t.Errorf("request %d: %v", i, err)
		}
	}
	// Step 3's success carries the token it issues: the one expected exception.
	r := e.step3(code)
	mustCheck(t, r, 200, true, nil, nil)
	if err := noEcho(r, code, testAppKey); err != nil {
		t.Error(err)
	}
}

func TestRedirectElsewhereFault(t *testing.T) {
	t.Parallel()
	var (
		mu   sync.Mutex
		seen []*http.Request
	)
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Clone(r.Context()))
		mu.Unlock()
	}))
	t.Cleanup(elsewhere.Close)
	e := newEnv(t, Options{Faults: []string{FaultRedirectElsewhere}, RedirectTo: elsewhere.URL + "/prefix/"})
	r, err := e.tryNoRedirect(http.MethodGet, pStep2+"?username=bob")
	if err != nil {
		t.Fatal(err)
	}
	if want := elsewhere.URL + "/prefix" + pStep2 + "?username=bob"; r.status != 307 || r.header.Get("Location") != want {
		t.Fatalf("got %d Location %q, want 307 %q", r.status, r.header.Get("Location"), want)
	}
	// A client that follows it hands the app key and body to the other origin: the
	// danger the conformance suite must never walk into.
	e.do(http.MethodPut, pStep4, step4Body("tok", "pw-sent-elsewhere", "pw-sent-elsewhere"), nil)
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || seen[0].Method != http.MethodPut || seen[0].Header.Get("Et-App-Key") != testAppKey {
		t.Fatalf("the other origin saw %d requests", len(seen))
	}
	// The provider-state endpoint is not part of the API and keeps working.
	if v := e.state(StateValidToken); v["Token"] == "" {
		t.Error("no token from the provider state")
	}
}

func TestStep1DocumentedBodyQuirk(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{Quirks: []string{QuirkStep1DocumentedBody}})
	r := e.step1("bob", "")
	if r.status != 200 || r.raw != `{"Errors": [], "IsSucceed": false}` {
		t.Fatalf("got %d %s", r.status, r.raw)
	}
	if e.mail.lastCode(t, bob.Email) == "" {
		t.Error("no confirmation mail")
	}
	// Failures are unchanged.
	mustCheck(t, e.step1("mallory", ""), 400, false, []string{"User not found."}, []string{"ErrorUserNotFound"})
	if len(QuirkNames()) == 0 || QuirkDescription(QuirkStep1DocumentedBody) == "" {
		t.Error("quirk not listed")
	}
}

func TestExtraErrorEntriesQuirk(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{Quirks: []string{QuirkExtraErrorEntries}})
	mustCheck(t, e.step1("mallory", ""), 400, false, []string{extraErrorMessage, "User not found."}, []string{extraErrorCode, "ErrorUserNotFound"})
	if r := e.step1("bob", ""); r.status != 200 {
		t.Errorf("successes are unchanged; got %d %s", r.status, r.raw)
	}
}
