package refprovider

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/refprovider/testpki"
)

func TestRateLimit(t *testing.T) {
	t.Parallel()
	// One request per second: a burst of one, so back-to-back requests meet the limit
	// even on a slow machine.
	e := newEnv(t, Options{RateLimit: 1})
	step2 := func(headers map[string]string) resp {
		return e.do(http.MethodGet, pStep2+"?username=bob", nil, headers)
	}
	mustCheck(t, step2(nil), 200, true, nil, nil)
	r := step2(nil)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "1" || r.body["Message"] == nil {
		t.Fatalf("over the limit: %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.raw)
	}
	// The state endpoint counts too, and a refused request is not processed.
	r = e.do(http.MethodPost, StatePath, obj{"action": "setup", "state": StateValidToken}, nil)
	if r.status != http.StatusTooManyRequests || r.body["User"] != nil {
		t.Errorf("state endpoint over the limit: %d %s", r.status, r.raw)
	}
	// Another app key is another client.
	if r := step2(map[string]string{"Et-App-Key": "another-key"}); r.status != http.StatusForbidden {
		t.Errorf("another client: %d", r.status)
	}
	time.Sleep(1100 * time.Millisecond)
	mustCheck(t, step2(nil), 200, true, nil, nil)
}

func TestLoginLockout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{LoginLockout: 3})
	reason := func(r resp) any { return r.body["Reason"] }
	for range 2 {
		loginStatus(e, "bob", "wrong-password")
	}
	if s := loginStatus(e, "bob", bob.Password); s != 200 { // a success resets the count
		t.Fatalf("right password after 2 failures: %d", s)
	}
	for range 3 {
		if r := e.login("bob", "wrong-password"); r.status != 401 || reason(r) != "Invalid credentials" {
			t.Fatalf("wrong password: %d %s", r.status, r.raw)
		}
	}
	if r := e.login("bob", bob.Password); r.status != 401 || reason(r) != "Account locked" {
		t.Fatalf("locked, right password: %d %s", r.status, r.raw)
	}
	if s := loginStatus(e, "alice", alice.Password); s != 200 {
		t.Errorf("another trader: %d", s)
	}
	e.clock.Advance(DefaultLockoutPeriod)
	if s := loginStatus(e, "bob", bob.Password); s != 200 {
		t.Errorf("after the lockout period: %d", s)
	}
	// On by default, at 20 consecutive failures: 10 do not lock (far above the suite's own
	// 3 per trader), 20 do.
	d := newEnv(t, Options{})
	for range 10 {
		loginStatus(d, "bob", "wrong-password")
	}
	if s := loginStatus(d, "bob", bob.Password); s != 200 {
		t.Errorf("10 failures locked the account by default: %d", s)
	}
	for range 20 {
		loginStatus(d, "bob", "wrong-password")
	}
	if s := loginStatus(d, "bob", bob.Password); s == 200 {
		t.Errorf("20 consecutive failures did not lock the account by default")
	}
}

// With LoginLockoutNoReset every failed login counts, successes in between too, and the
// lock answers 423 from the failed login that trips it on, counted by LoginLockouts.
func TestLoginLockoutNoReset(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{LoginLockout: 3, LoginLockoutNoReset: true})
	for range 2 {
		loginStatus(e, "bob", "wrong-password")
		if s := loginStatus(e, "bob", bob.Password); s != 200 {
			t.Fatalf("right password before the lock: %d", s)
		}
	}
	if n := e.srv.LoginLockouts(); n != 0 {
		t.Fatalf("LoginLockouts before the lock: %d", n)
	}
	if r := e.login("bob", "wrong-password"); r.status != 423 || r.body["State"] != "Locked" {
		t.Fatalf("the third failed login in total (successes between): %d %s, want 423 Locked", r.status, r.raw)
	}
	if r := e.login("bob", bob.Password); r.status != 423 {
		t.Fatalf("locked, right password: %d %s", r.status, r.raw)
	}
	if n := e.srv.LoginLockouts(); n != 1 {
		t.Errorf("LoginLockouts: %d, want 1", n)
	}
	if s := loginStatus(e, "alice", alice.Password); s != 200 {
		t.Errorf("another trader: %d", s)
	}
}

func TestAnswerLockout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{LockoutPeriod: time.Hour})
	v := e.state(StateSecretQuestion)
	wrong := func(n int) {
		t.Helper()
		for range n {
			mustCheck(t, e.step1(v["User"], "wrong"), 400, false, nil, []string{"ErrorIncorrectAnswer"})
		}
	}
	wrong(DefaultAnswerAttempts - 1)
	mustCheck(t, e.step1(v["User"], v["SecretQuestionAnswer"]), 200, true, nil, nil) // resets the count
	wrong(DefaultAnswerAttempts - 1)
	mustCheck(t, e.do(http.MethodPost, pStep1, obj{"User": v["User"]}, nil), 400, false, nil, []string{"ErrorIncorrectAnswer"}) // missing counts
	mustCheck(t, e.step1(v["User"], v["SecretQuestionAnswer"]), 400, false,
		[]string{"Too many incorrect answers. Try again later."}, []string{"ErrorTooManyAttempts"})
	e.clock.Advance(time.Hour - time.Second)
	mustCheck(t, e.step1(v["User"], v["SecretQuestionAnswer"]), 400, false, nil, []string{"ErrorTooManyAttempts"})
	e.clock.Advance(time.Second)
	mustCheck(t, e.step1(v["User"], v["SecretQuestionAnswer"]), 200, true, nil, nil)
}

func TestProblemDetailsQuirk(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{Quirks: []string{QuirkProblemDetails}})
	v := e.state(StateValidToken)
	for _, c := range []struct {
		what, body string
		status     int
		errKey     string
	}{
		{"not JSON", `not json`, 400, "$"},
		{"a JSON array", `[1]`, 400, "$"},
		{"an object for a string", fmt.Sprintf(`{"Token":{"a":1},"Password":"x","PasswordConfirmation":"x"}`), 400, "$.Token"},
		{"too large", `{"Password":"` + strings.Repeat("p", MaxBodyBytes) + `"}`, 413, ""},
	} {
		r := e.do(http.MethodPut, pStep4, c.body, nil)
		mt, _, _ := mime.ParseMediaType(r.header.Get("Content-Type"))
		if r.status != c.status || mt != "application/problem+json" {
			t.Errorf("%s: %d %q", c.what, r.status, r.header.Get("Content-Type"))
			continue
		}
		var pd struct {
			Type, Title, TraceID string
			Status               int
			Errors               map[string][]string
		}
		if err := json.Unmarshal([]byte(r.raw), &pd); err != nil || pd.Type == "" || pd.Title == "" ||
			pd.Status != c.status || !strings.HasPrefix(pd.TraceID, "00-") {
			t.Errorf("%s: not problem details: %s", c.what, r.raw)
		}
		if c.errKey != "" && len(pd.Errors[c.errKey]) == 0 {
			t.Errorf("%s: errors lack %q: %s", c.what, c.errKey, r.raw)
		}
	}
	if err := unchanged(e, v); err != nil {
		t.Error(err)
	}
	// Business errors keep the envelope.
	mustCheck(t, e.step4(v["Token"], "new-password-a", "new-password-b"), 400, false, nil, []string{"ErrorPasswordMismatch"})
}

func TestPasswordRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	v := e.state(StateValidToken)
	for _, p := range []string{"PASSWORD", "Password123", "qwertyuiop", "Sunshine", "password"} {
		mustCheck(t, e.step4(v["Token"], p, p), 400, false, nil, []string{"ErrorPasswordTooCommon"})
	}
	long := strings.Repeat("0123456789abcdef", 16) // 256 characters: no maximum below the body bound
	mustCheck(t, e.step4(v["Token"], long, long), 200, true, nil, nil)
	if loginStatus(e, v["User"], long) != 200 || loginStatus(e, v["User"], long[:255]) != 401 {
		t.Error("a long password is not verified exactly")
	}
	// NFC and NFD spellings of one password are one password.
	v = e.state(StateValidToken)
	mustCheck(t, e.step4(v["Token"], "caf\u00e9-password", "caf\u00e9-password"), 200, true, nil, nil)
	if loginStatus(e, v["User"], "cafe\u0301-password") != 200 {
		t.Error("the NFD spelling of the password does not log in")
	}

	f := newEnv(t, Options{Faults: []string{FaultPasswordMax32}})
	v = f.state(StateValidToken)
	p32 := strings.Repeat("x", 31) + "y"
	mustCheck(t, f.step4(v["Token"], p32+"z", p32+"z"), 400, false,
		[]string{"Password must be at most 32 characters long."}, []string{"ErrorPasswordTooLong"})
	mustCheck(t, f.step4(v["Token"], p32, p32), 200, true, nil, nil)

	f = newEnv(t, Options{Faults: []string{FaultRequireComposition}})
	v = f.state(StateValidToken)
	mustCheck(t, f.step4(v["Token"], "all-lower-case-words", "all-lower-case-words"), 400, false, nil, []string{"ErrorPasswordComposition"})
	mustCheck(t, f.step4(v["Token"], "Has-Upper-1", "Has-Upper-1"), 200, true, nil, nil)
}

func TestTokenTextForms(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	for _, form := range []func(string) string{
		strings.ToUpper,
		func(s string) string { return "{" + s + "}" },
		func(s string) string { return "(" + strings.ToUpper(s) + ")" },
		func(s string) string { return strings.ReplaceAll(s, "-", "") },
	} {
		v := e.state(StateValidToken)
		mustCheck(t, e.step4(form(v["Token"]), "other-form-password", "other-form-password"), 200, true, nil, nil)
		mustCheck(t, e.step4(v["Token"], "again-password", "again-password"), 400, false, nil, []string{"ErrorInvalidToken"})
	}
	v := e.state(StateValidToken)
	mustCheck(t, e.step4("{"+v["Token"]+")", "x-password", "x-password"), 400, false, nil, []string{"ErrorInvalidToken"})
}

func TestExtraPropertiesNameNobody(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	for _, f := range massAssignmentFields {
		owner := e.state(StateValidToken)
		body := step4Body(owner["Token"], "owner-new-password", "owner-new-password")
		body[f] = "bob"
		if f == "Email" {
			body[f] = bob.Email
		}
		mustCheck(t, e.do(http.MethodPut, pStep4, body, nil), 200, true, nil, nil)
		if loginStatus(e, "bob", bob.Password) != 200 || loginStatus(e, owner["User"], "owner-new-password") != 200 {
			t.Errorf("%s: the wrong password changed", f)
		}
	}
	f := newEnv(t, Options{Faults: []string{FaultMassAssignment}})
	owner := f.state(StateValidToken)
	body := step4Body(owner["Token"], "taken-over-password", "taken-over-password")
	body["UserId"] = "bob"
	mustCheck(t, f.do(http.MethodPut, pStep4, body, nil), 200, true, nil, nil)
	if loginStatus(f, "bob", "taken-over-password") != 200 {
		t.Error("the fault did not set the named trader's password")
	}
	mustCheck(t, f.step4(owner["Token"], "second-password", "second-password"), 400, false, nil, []string{"ErrorInvalidToken"})
}

func TestStateCodesShareTheGenerator(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{Faults: []string{FaultSequentialCodes}})
	a := e.state(StatePendingCode)["Code"]
	r := e.step1("bob", "")
	mustCheck(t, r, 200, true, nil, nil)
	b := e.mail.lastCode(t, bob.Email)
	na, _ := strconv.Atoi(a) // not fmt.Sscan: it reads a leading 0 as octal
	nb, _ := strconv.Atoi(b)
	if nb != (na+1)%1_000_000 {
		t.Errorf("state code %s then mailed code %s: not consecutive", a, b)
	}
}

func TestTLS(t *testing.T) {
	t.Parallel()
	clients, err := testpki.NewCA("test client CA")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Start(context.Background(), Options{AppKey: testAppKey, HashIterations: testIterations, TLS: true,
		ClientCA: clients.CertPEM(), Traders: []Trader{bob}}, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	if !strings.HasPrefix(r.BaseURL, "https://127.0.0.1:") {
		t.Fatalf("BaseURL %s", r.BaseURL)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(r.CACertPEM()) {
		t.Fatal("CACertPEM holds no certificate")
	}
	certPEM, keyPEM, err := clients.ClientCert("conformance suite")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	get := func(c *tls.Config, host string) (int, error) {
		cl := &http.Client{Transport: &http.Transport{TLSClientConfig: c}, Timeout: 10 * time.Second}
		api := client.Client{BaseURL: strings.Replace(r.BaseURL, "127.0.0.1", host, 1), AppKey: testAppKey, HTTP: cl}
		ex := api.Do(context.Background(), client.SecretQuestion("bob"))
		return ex.Status, ex.Err
	}
	for _, host := range []string{"127.0.0.1", "localhost"} {
		if s, err := get(&tls.Config{RootCAs: roots, Certificates: []tls.Certificate{cert}}, host); err != nil || s != 200 {
			t.Errorf("%s with the CA and a client certificate: %d %v", host, s, err)
		}
	}
	if _, err := get(&tls.Config{RootCAs: roots}, "127.0.0.1"); err == nil {
		t.Error("no client certificate, yet served")
	}
	if _, err := get(&tls.Config{Certificates: []tls.Certificate{cert}}, "127.0.0.1"); err == nil {
		t.Error("the private CA is trusted without being given")
	}
	other, _ := testpki.NewCA("other")
	oc, ok, _ := other.ClientCert("intruder")
	ocert, _ := tls.X509KeyPair(oc, ok)
	if _, err := get(&tls.Config{RootCAs: roots, Certificates: []tls.Certificate{ocert}}, "127.0.0.1"); err == nil {
		t.Error("a client certificate from another CA was accepted")
	}
	if err := (Options{AppKey: "k", ClientCA: clients.CertPEM()}).Validate(); err == nil {
		t.Error("ClientCA without TLS validated")
	}
}

// The guid-token quirk: a step 4 token that is no GUID is refused by binding, with problem
// details naming System.Guid; a GUID that is no issued token still gets the envelope, and
// the issued token in another GUID form still works.
func TestGUIDTokenQuirk(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{Quirks: []string{QuirkGUIDToken}})
	v := e.state(StateValidToken)
	tok := v["Token"]
	for _, bad := range []string{tok[:len(tok)-1], tok + "0", "not-a-guid"} {
		r := e.step4(bad, "Nw-Quirk-Passw0rd!", "Nw-Quirk-Passw0rd!")
		mt, _, _ := mime.ParseMediaType(r.header.Get("Content-Type"))
		if r.status != 400 || mt != "application/problem+json" || !strings.Contains(r.raw, "System.Guid") || !strings.Contains(r.raw, "$.Token") {
			t.Errorf("token of %d characters: %d %q %s", len(bad), r.status, r.header.Get("Content-Type"), r.raw)
		}
	}
	if r := e.step4("00000000-0000-4000-8000-000000000000", "Nw-Quirk-Passw0rd!", "Nw-Quirk-Passw0rd!"); r.status != 400 || strings.Contains(r.header.Get("Content-Type"), "problem") {
		t.Errorf("an unknown GUID: %d %q", r.status, r.header.Get("Content-Type"))
	}
	if r := e.step4("{"+strings.ToUpper(tok)+"}", "Nw-Quirk-Passw0rd!", "Nw-Quirk-Passw0rd!"); r.status != 200 {
		t.Errorf("the issued token in braces and upper case: %d %s", r.status, r.raw)
	}
}
