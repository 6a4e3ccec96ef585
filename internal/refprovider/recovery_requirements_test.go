package refprovider

// The credential-recovery requirements of issue 21 (ASVS 5.0.0, NIST SP 800-63B-4, the
// OWASP Forgot Password Cheat Sheet): each correct behaviour, and a fault case per fault
// switch that breaks it (registered into faultCases, which TestFaultMatrix runs against
// the clean provider and with the fault on). The requests go through this file's own
// small helpers over net/http.

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// reply is one response, its body decoded as a JSON object where it is one.
type reply struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

// codes is the reply's ErrorsCode.
func (r reply) codes() []string {
	var out []string
	arr, _ := r.body["ErrorsCode"].([]any)
	for _, c := range arr {
		if s, ok := c.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// send makes one request to base (the provider's origin) with the test app key unless
// headers name another; body is JSON unless it is a string, sent as it is.
func sendTo(client *http.Client, base, method, path string, body any, headers map[string]string) (reply, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return reply{}, err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		return reply{}, err
	}
	req.Header.Set("Et-App-Key", testAppKey)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	r := reply{status: resp.StatusCode, header: resp.Header, raw: string(data)}
	_ = json.Unmarshal(data, &r.body)
	return r, nil
}

func send(e *env, method, path string, body any, headers map[string]string) (reply, error) {
	return sendTo(e.ts.Client(), e.ts.URL, method, path, body, headers)
}

// setUp makes a provider state and returns its values.
func setUp(e *env, state string) (map[string]string, error) {
	r, err := sendTo(e.ts.Client(), e.ts.URL, http.MethodPost, StatePath, map[string]string{"action": "setup", "state": state}, nil)
	if err != nil {
		return nil, err
	}
	if r.status != http.StatusOK {
		return nil, fmt.Errorf("state %q: %d %s", state, r.status, r.raw)
	}
	vals := map[string]string{}
	for k, v := range r.body {
		vals[k], _ = v.(string)
	}
	return vals, nil
}

func newPassword(e *env, token, password, confirmation string) (reply, error) {
	return send(e, http.MethodPut, pStep4, map[string]string{"Token": token, "Password": password, "PasswordConfirmation": confirmation}, nil)
}

func logIn(e *env, user, password string) (reply, error) {
	return send(e, http.MethodPost, pLogin, nil, map[string]string{"Username": user, "Password": password})
}

func redeem(e *env, code string) (reply, error) {
	return send(e, http.MethodPost, pStep3, map[string]string{"Code": code}, nil)
}

func requestReset(e *env, user, answer string) (reply, error) {
	return send(e, http.MethodPost, pStep1, map[string]string{"User": user, "SecretQuestionAnswer": answer}, nil)
}

// want checks a reply's status and, for a refusal, that ErrorsCode holds code.
func want(r reply, status int, code string) error {
	if r.status != status {
		return fmt.Errorf("status %d, want %d: %s", r.status, status, r.raw)
	}
	if code != "" && !slices.Contains(r.codes(), code) {
		return fmt.Errorf("ErrorsCode %v lacks %s", r.codes(), code)
	}
	return nil
}

// mailsTo is every message the SMTP sink holds for addr, as its parsed subject and body.
type sentMail struct{ subject, body string }

func mailsTo(e *env, addr string) []sentMail {
	var out []sentMail
	for _, m := range e.mail.messages() {
		if !slices.Contains(m.to, addr) {
			continue
		}
		msg, err := mail.ReadMessage(strings.NewReader(m.data))
		if err != nil {
			out = append(out, sentMail{"(not RFC 5322)", m.data})
			continue
		}
		body, _ := io.ReadAll(msg.Body)
		subject := msg.Header.Get("Subject")
		out = append(out, sentMail{subject, string(body)})
	}
	return out
}

func noticesTo(e *env, addr string) []sentMail {
	var out []sentMail
	for _, m := range mailsTo(e, addr) {
		if m.subject == NoticeSubject {
			out = append(out, m)
		}
	}
	return out
}

// sixDigits finds what a reader (or a mail check) could take for a confirmation code.
var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

// resetWith sets a fresh trader's password with a token and returns the state and the
// step 4 reply.
func resetWith(e *env, password string) (map[string]string, reply, error) {
	v, err := setUp(e, StateValidToken)
	if err != nil {
		return nil, reply{}, err
	}
	r, err := newPassword(e, v["Token"], password, password)
	return v, r, err
}

// The fault cases of this file's fault switches.
func init() {
	for name, fc := range recoveryFaultCases {
		faultCases[name] = fc
	}
}

var recoveryFaultCases = map[string]faultCase{
	// ASVS 6.2.11.
	FaultAcceptContextPassword: {func(e *env) error {
		v, err := setUp(e, StateValidToken)
		if err != nil {
			return err
		}
		for _, p := range []string{"AutoShares2025!", "etna-123", v["User"] + "!1", strings.ToUpper(v["Email"])} {
			r, err := newPassword(e, v["Token"], p, p)
			if err != nil {
				return err
			}
			if err := want(r, 400, "ErrorPasswordContextSpecific"); err != nil {
				return fmt.Errorf("a context-specific password was not refused: %w", err)
			}
		}
		return nil
	}, "a context-specific password was not refused"},

	// ASVS 6.6.3, NIST SP 800-63B-4 3.2.2.
	FaultUnlimitedCodeAttempts: {func(e *env) error {
		v, err := setUp(e, StatePendingCode)
		if err != nil {
			return err
		}
		n, _ := strconv.Atoi(v["Code"])
		for i := 1; i <= DefaultCodeAttempts; i++ {
			r, err := redeem(e, fmt.Sprintf("%06d", (n+i)%1_000_000))
			if err != nil {
				return err
			}
			if err := want(r, 400, "ErrorInvalidCode"); err != nil {
				return err
			}
		}
		r, err := redeem(e, v["Code"])
		if err != nil {
			return err
		}
		if err := want(r, 400, "ErrorInvalidCode"); err != nil {
			return fmt.Errorf("the pending code still works after %d wrong codes: %w", DefaultCodeAttempts, err)
		}
		return nil
	}, "the pending code still works after"},

	// ASVS 6.3.1, NIST SP 800-63B-4 3.2.2.
	FaultUnlimitedLoginAttempts: {func(e *env) error {
		v, err := setUp(e, StateNoSecretQuestion)
		if err != nil {
			return err
		}
		for range DefaultLoginLockout {
			if _, err := logIn(e, v["User"], "not-the-password"); err != nil {
				return err
			}
		}
		r, err := logIn(e, v["User"], v["Password"])
		if err != nil {
			return err
		}
		if r.status != 401 || r.body["Reason"] != "Account locked" {
			return fmt.Errorf("not locked after %d failed logins: %d %s", DefaultLoginLockout, r.status, r.raw)
		}
		return nil
	}, "not locked after"},

	// ASVS 6.3.4.
	FaultLoginLockoutPerSpelling: {func(e *env) error {
		v, err := setUp(e, StateNoSecretQuestion)
		if err != nil {
			return err
		}
		spellings := []string{strings.ToUpper(v["User"]), v["User"]}
		for i := range DefaultLoginLockout {
			if _, err := logIn(e, spellings[i%2], "not-the-password"); err != nil {
				return err
			}
		}
		title := strings.ToUpper(v["User"][:1]) + v["User"][1:]
		r, err := logIn(e, title, v["Password"])
		if err != nil {
			return err
		}
		if r.status != 401 || r.body["Reason"] != "Account locked" {
			return fmt.Errorf("spellings of one login are counted apart: not locked after %d failed logins in two spellings: %d %s", DefaultLoginLockout, r.status, r.raw)
		}
		return nil
	}, "spellings of one login are counted apart"},

	// ASVS 2.3.1.
	FaultMailOnRefusedRequest: {func(e *env) error {
		v, err := setUp(e, StateSecretQuestion)
		if err != nil {
			return err
		}
		for _, answer := range []string{"wrong", ""} {
			r, err := requestReset(e, v["User"], answer)
			if err != nil {
				return err
			}
			if err := want(r, 400, "ErrorIncorrectAnswer"); err != nil {
				return err
			}
		}
		if _, err := requestReset(e, UnknownUser, ""); err != nil {
			return err
		}
		if n := len(e.mail.messages()); n != 0 {
			return fmt.Errorf("a refused reset request mailed: %d mails", n)
		}
		return nil
	}, "a refused reset request mailed"},

	// NIST SP 800-63B-4 4.2.3, ASVS 6.3.7.
	FaultNoResetNotice: {func(e *env) error {
		v, r, err := resetWith(e, "a-new-password-1")
		if err != nil {
			return err
		}
		if err := want(r, 200, ""); err != nil {
			return err
		}
		if n := len(noticesTo(e, v["Email"])); n != 1 {
			return fmt.Errorf("no notification after a reset: %d notices", n)
		}
		return nil
	}, "no notification after a reset"},

	FaultNoticeCarriesPassword: {func(e *env) error {
		const password = "a-new-password-2"
		v, r, err := resetWith(e, password)
		if err != nil {
			return err
		}
		if err := want(r, 200, ""); err != nil {
			return err
		}
		for _, m := range noticesTo(e, v["Email"]) {
			for _, secret := range []string{password, v["Token"], v["Password"]} {
				if strings.Contains(m.body, secret) {
					return errors.New("the notification carries a secret")
				}
			}
		}
		return nil
	}, "the notification carries a secret"},

	// ASVS 6.5.4.
	FaultFourDigitCodes: {func(e *env) error {
		for range 3 {
			v, err := setUp(e, StatePendingCode)
			if err != nil {
				return err
			}
			if !regexp.MustCompile(`^\d{6}$`).MatchString(v["Code"]) {
				return fmt.Errorf("a code of %d digits, want 6", len(v["Code"]))
			}
		}
		return nil
	}, "a code of 4 digits"},

	// ASVS 6.5.5.
	FaultLongCodeLifetime: {func(e *env) error {
		v, err := setUp(e, StatePendingCode)
		if err != nil {
			return err
		}
		e.clock.Advance(10 * time.Minute)
		r, err := redeem(e, v["Code"])
		if err != nil {
			return err
		}
		if err := want(r, 400, "ErrorCodeExpired"); err != nil {
			return fmt.Errorf("a code still works after 10 minutes: %w", err)
		}
		return nil
	}, "a code still works after 10 minutes"},

	// ASVS 13.4.6.
	FaultServerVersionHeader: {func(e *env) error {
		for _, h := range []map[string]string{nil, {"Et-App-Key": "wrong"}} {
			r, err := send(e, http.MethodGet, pStep2+"?username=bob", nil, h)
			if err != nil {
				return err
			}
			for _, name := range []string{"Server", "X-Powered-By", "X-AspNet-Version"} {
				if v := r.header.Get(name); v != "" {
					return fmt.Errorf("a response discloses its backend: %s: %s", name, v)
				}
			}
		}
		return nil
	}, "a response discloses its backend"},

	// ASVS 3.4.2.
	FaultCORSAnyOrigin: {func(e *env) error {
		const origin = "https://attacker.example.test"
		simple, err := send(e, http.MethodGet, pStep2+"?username=bob", nil, map[string]string{"Origin": origin})
		if err != nil {
			return err
		}
		preflight, err := send(e, http.MethodOptions, pStep4, nil, map[string]string{"Et-App-Key": "", "Origin": origin,
			"Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type, et-app-key"})
		if err != nil {
			return err
		}
		for what, r := range map[string]reply{"a simple request": simple, "a preflight": preflight} {
			if a := r.header.Get("Access-Control-Allow-Origin"); a == origin || a == "*" {
				return fmt.Errorf("CORS allows a foreign origin on %s (credentials %q)", what, r.header.Get("Access-Control-Allow-Credentials"))
			}
		}
		return nil
	}, "CORS allows a foreign origin"},

	// ASVS 3.4.4.
	FaultNoNosniff: {func(e *env) error {
		for _, c := range []struct {
			method, path string
			headers      map[string]string
		}{{http.MethodGet, pStep2 + "?username=bob", nil}, {http.MethodGet, pStep2 + "?username=bob", map[string]string{"Et-App-Key": "wrong"}},
			{http.MethodGet, APIPrefix + "/no-such-path", nil}, {http.MethodDelete, pStep1, nil}, {http.MethodPost, pStep1, nil}} {
			r, err := send(e, c.method, c.path, nil, c.headers)
			if err != nil {
				return err
			}
			if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
				return fmt.Errorf("%s %s: X-Content-Type-Options %q, want nosniff", c.method, c.path, got)
			}
		}
		return nil
	}, "want nosniff"},

	// ASVS 3.4.1.
	FaultNoHSTS: {func(e *env) error {
		ts := httptest.NewTLSServer(e.srv)
		defer ts.Close()
		for _, h := range []map[string]string{nil, {"Et-App-Key": "wrong"}} {
			r, err := sendTo(ts.Client(), ts.URL, http.MethodGet, pStep2+"?username=bob", nil, h)
			if err != nil {
				return err
			}
			if got := r.header.Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") || got == "max-age=0" {
				return fmt.Errorf("an https response has Strict-Transport-Security %q", got)
			}
		}
		return nil
	}, "an https response has Strict-Transport-Security"},

	// Cheat sheet "User Resets Password".
	FaultLoginAfterReset: {func(e *env) error {
		_, r, err := resetWith(e, "a-new-password-3")
		if err != nil {
			return err
		}
		if err := want(r, 200, ""); err != nil {
			return err
		}
		if _, has := r.body["Model"]; has || strings.Contains(strings.ToLower(r.raw), "token") {
			return fmt.Errorf("step 4's success logs the trader in: %s", r.raw)
		}
		return nil
	}, "step 4's success logs the trader in"},

	// NIST SP 800-63B-4 3.1.1.2.
	FaultPasswordLengthInBytes: {func(e *env) error {
		v, err := setUp(e, StateValidToken)
		if err != nil {
			return err
		}
		short := strings.Repeat("é", DefaultMinPasswordLength-1) // 7 characters, 14 bytes
		r, err := newPassword(e, v["Token"], short, short)
		if err != nil {
			return err
		}
		if err := want(r, 400, codePasswordTooShort); err != nil {
			return fmt.Errorf("%d characters of 2 bytes each passed the minimum of %d: %w", DefaultMinPasswordLength-1, DefaultMinPasswordLength, err)
		}
		return nil
	}, "characters of 2 bytes each passed the minimum"},

	// ASVS 1.5.3.
	FaultDuplicatePasswordFirst: {func(e *env) error {
		v, err := setUp(e, StateValidToken)
		if err != nil {
			return err
		}
		body := fmt.Sprintf(`{"Token":%q,"Password":"first-password-1","Password":"second-password-2","PasswordConfirmation":"second-password-2"}`, v["Token"])
		r, err := send(e, http.MethodPut, pStep4, body, nil)
		if err != nil {
			return err
		}
		if r.status == 200 {
			first, err := logIn(e, v["User"], "first-password-1")
			if err != nil {
				return err
			}
			second, err := logIn(e, v["User"], "second-password-2")
			if err != nil {
				return err
			}
			if first.status == 200 || second.status != 200 {
				return fmt.Errorf("the password set is not the one confirmed: the unconfirmed one logs in %v, the confirmed one %v", first.status == 200, second.status == 200)
			}
		}
		return nil
	}, "the password set is not the one confirmed"},

	// Cheat sheet "Forgot Password Request".
	FaultUnlimitedResetMails: {func(e *env) error {
		v, err := setUp(e, StateNoSecretQuestion)
		if err != nil {
			return err
		}
		// All at once: the limit holds for requests that arrive together too.
		const sent = DefaultMailLimit + 10
		errs := make([]error, sent)
		var wg sync.WaitGroup
		for i := range sent {
			wg.Go(func() {
				r, err := requestReset(e, v["User"], "")
				if err == nil {
					if err = want(r, 200, ""); err != nil {
						err = fmt.Errorf("a request over the mail limit must be answered as usual: %w", err)
					}
				}
				errs[i] = err
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
		if n := len(mailsTo(e, v["Email"])); n != DefaultMailLimit {
			return fmt.Errorf("%d requests at once mailed %d codes to one trader, want the limit, %d", sent, n, DefaultMailLimit)
		}
		return nil
	}, "codes to one trader, want the limit"},
}

// ---- the correct behaviours in more detail ----

func TestRecoveryDefaults(t *testing.T) {
	t.Parallel()
	c, err := Options{AppKey: "k"}.validate()
	if err != nil {
		t.Fatal(err)
	}
	if c.codeTTL != 10*time.Minute || c.loginLockout != DefaultLoginLockout || c.codeAttempts != DefaultCodeAttempts || c.mailLimit != DefaultMailLimit {
		t.Errorf("defaults: code TTL %v, login lockout %d, code attempts %d, mail limit %d", c.codeTTL, c.loginLockout, c.codeAttempts, c.mailLimit)
	}
	// The suite promises at most 3 failed logins per trader; NIST allows at most 100.
	if DefaultLoginLockout <= 3 || DefaultLoginLockout > 100 || DefaultCodeAttempts > 100 {
		t.Errorf("login lockout %d, code attempts %d", DefaultLoginLockout, DefaultCodeAttempts)
	}
	off, err := Options{AppKey: "k", LoginLockout: -1, CodeAttempts: -1, MailLimit: -1}.validate()
	if err != nil {
		t.Fatal(err)
	}
	if off.loginLockout != 0 || off.codeAttempts != 0 || off.mailLimit != 0 {
		t.Errorf("negative limits must be off: %d %d %d", off.loginLockout, off.codeAttempts, off.mailLimit)
	}
}

// Words are taken out whole, in any letter case; what is left must pass the length rule.
func TestMadeOfContextWords(t *testing.T) {
	t.Parallel()
	words := []string{"alice", "alice@example.test", "AutoShares", "ETNA", "alice", "al"}
	for p, made := range map[string]bool{
		"AutoShares2025!":          true,
		"autosharesETNA":           true,
		"ALICE@example.test":       true,
		"alice123":                 true,
		"Etna-1234567":             false, // 8 characters besides the word
		"alice-new-pass":           false,
		"correct horse battery":    false,
		"always-alright":           false, // "al" is too short to be a word
		"AutoShares-is-my-broker!": false,
	} {
		if got := madeOfContextWords(p, words, DefaultMinPasswordLength); got != made {
			t.Errorf("%q: made of context words %v, want %v", p, got, made)
		}
	}
}

// Step 3's code is bound to no trader, so a wrong code counts against every pending code;
// a code issued after the guesses works, and a spent or revoked code sent again is no guess.
func TestCodeGuessLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{CodeAttempts: 3})
	a, err := setUp(e, StatePendingCode)
	if err != nil {
		t.Fatal(err)
	}
	b, err := setUp(e, StatePendingCode)
	if err != nil {
		t.Fatal(err)
	}
	// A used code resubmitted is not a guess.
	r, err := redeem(e, b["Code"])
	if err := errors.Join(err, want(r, 200, "")); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		r, err := redeem(e, b["Code"])
		if err := errors.Join(err, want(r, 400, "ErrorInvalidCode")); err != nil {
			t.Fatal(err)
		}
	}
	wrong := func(n int) {
		t.Helper()
		for i := range n {
			c := fmt.Sprintf("%06d", (i*7919+13)%1_000_000)
			if c == a["Code"] {
				c = "999999"
			}
			r, err := redeem(e, c)
			if err := errors.Join(err, want(r, 400, "ErrorInvalidCode")); err != nil {
				t.Fatal(err)
			}
		}
	}
	wrong(2)
	late, err := setUp(e, StatePendingCode)
	if err != nil {
		t.Fatal(err)
	}
	wrong(1) // a's third wrong code, late's first
	r, err = redeem(e, a["Code"])
	if err := errors.Join(err, want(r, 400, "ErrorInvalidCode")); err != nil {
		t.Errorf("a code that saw the limit of wrong codes: %v", err)
	}
	// A code revoked by the guesses, sent again, is no guess either: late survives it.
	for range 4 {
		if r, err := redeem(e, a["Code"]); errors.Join(err, want(r, 400, "ErrorInvalidCode")) != nil {
			t.Fatalf("the revoked code again: %v %d", err, r.status)
		}
	}
	r, err = redeem(e, late["Code"])
	if err := errors.Join(err, want(r, 200, "")); err != nil {
		t.Errorf("a code issued after most of the guesses, after the revoked one was sent 4 times: %v", err)
	}
	// Off: any number of wrong codes.
	u := newEnv(t, Options{CodeAttempts: -1})
	c, err := setUp(u, StatePendingCode)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 * DefaultCodeAttempts {
		_, _ = redeem(u, fmt.Sprintf("%06d", (i*7919+13)%1_000_000))
	}
	if r, err := redeem(u, c["Code"]); err != nil || r.status != 200 {
		t.Errorf("CodeAttempts -1: %v %d", err, r.status)
	}
}

// Options.LoginLockout: a negative one never locks, and the lock counts the account, not
// the spelling; it holds for the lockout period.
func TestLoginLockoutDefaultAndOff(t *testing.T) {
	t.Parallel()
	off := newEnv(t, Options{LoginLockout: -1})
	for range DefaultLoginLockout + 5 {
		_, _ = logIn(off, "bob", "wrong")
	}
	if r, err := logIn(off, "bob", bob.Password); err != nil || r.status != 200 {
		t.Errorf("LoginLockout -1 locked: %v %d", err, r.status)
	}
	e := newEnv(t, Options{})
	for i := range DefaultLoginLockout - 1 {
		_, _ = logIn(e, []string{"bob", "BOB", " Bob "}[i%3], "wrong")
	}
	if r, err := logIn(e, "Bob", bob.Password); err != nil || r.status != 200 {
		t.Fatalf("one below the limit: %v %d %s", err, r.status, r.raw)
	}
	for range DefaultLoginLockout {
		_, _ = logIn(e, "BoB", "wrong")
	}
	if r, _ := logIn(e, "bob", bob.Password); r.status != 401 || r.body["Reason"] != "Account locked" {
		t.Errorf("after the limit: %d %s", r.status, r.raw)
	}
	e.clock.Advance(DefaultLockoutPeriod)
	if r, _ := logIn(e, "bob", bob.Password); r.status != 200 {
		t.Errorf("after the lockout period: %d %s", r.status, r.raw)
	}
}

// The notification goes over SMTP to the trader, after the password changed, and holds no
// secret and nothing a reader could take for a code; without SMTP it is counted dropped.
func TestResetNotification(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	const password = "the-new-password-9"
	v, r, err := resetWith(e, password)
	if err := errors.Join(err, want(r, 200, "")); err != nil {
		t.Fatal(err)
	}
	all := mailsTo(e, v["Email"])
	if len(all) != 1 || all[0].subject != NoticeSubject {
		t.Fatalf("mails after a reset: %+v", all)
	}
	body := all[0].body
	for _, secret := range []string{password, v["Token"], v["Password"]} {
		if strings.Contains(body, secret) {
			t.Error("the notification carries a secret")
		}
	}
	if sixDigits.MatchString(body) || strings.Contains(strings.ToLower(body), "code") {
		t.Errorf("the notification could be taken for a code mail:\n%s", body)
	}
	if sent, dropped, failed := e.srv.NoticeStats(); sent != 1 || dropped != 0 || failed != 0 {
		t.Errorf("NoticeStats %d %d %d", sent, dropped, failed)
	}
	if sent, _ := e.srv.MailStats(); sent != 0 {
		t.Errorf("MailStats counts notices: %d", sent)
	}
	// A refused step 4 notifies nobody.
	w, err := setUp(e, StateValidToken)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := newPassword(e, w["Token"], "a-new-password-7", "a-new-password-8"); err != nil || r.status != 400 {
		t.Fatalf("mismatch: %v %d", err, r.status)
	}
	if n := len(mailsTo(e, w["Email"])); n != 0 {
		t.Errorf("a refused step 4 mailed %d", n)
	}
	d := newEnv(t, Options{SMTPAddr: noSMTP})
	if _, r, err := resetWith(d, password); err != nil || r.status != 200 {
		t.Fatalf("without SMTP: %v %d", err, r.status)
	}
	if sent, dropped, _ := d.srv.NoticeStats(); sent != 0 || dropped != 1 {
		t.Errorf("NoticeStats without SMTP: %d sent, %d dropped", sent, dropped)
	}
}

// A step 4 whose notice cannot be sent still sets the password: the change is what the
// trader asked for, and the failure is counted.
func TestResetNotificationFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{SMTPAddr: newSMTPSinkWith(t, sinkOpts{rejectRcpt: true}).addr()})
	v, r, err := resetWith(e, "the-new-password-8")
	if err := errors.Join(err, want(r, 200, "")); err != nil {
		t.Fatal(err)
	}
	if r, _ := logIn(e, v["User"], "the-new-password-8"); r.status != 200 {
		t.Errorf("the new password does not log in: %d", r.status)
	}
	if _, _, failed := e.srv.NoticeStats(); failed != 1 {
		t.Errorf("failed notices: %d", failed)
	}
}

// The mail limit counts each trader's pending codes: another trader is not limited, and
// once a code is used, or the codes expire, or a reset revokes them, mail flows again. Off
// with a negative MailLimit.
func TestMailLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{MailLimit: 2})
	step1 := func(n int) {
		t.Helper()
		for range n {
			if r, err := requestReset(e, "bob", ""); err != nil || r.status != 200 {
				t.Fatalf("step 1: %v %d", err, r.status)
			}
		}
	}
	codes := func() []string {
		var out []string
		for _, m := range mailsTo(e, bob.Email) {
			if c := codeLine.FindStringSubmatch(m.body); c != nil {
				out = append(out, c[1])
			}
		}
		return out
	}
	step1(3)
	if n := len(codes()); n != 2 {
		t.Fatalf("%d mails, want 2", n)
	}
	if r, err := requestReset(e, "alice", "blue"); err != nil || r.status != 200 || len(mailsTo(e, alice.Email)) != 1 {
		t.Errorf("another trader: %v %d", err, r.status)
	}
	// Using a code frees a place.
	if r, err := redeem(e, codes()[0]); err != nil || r.status != 200 {
		t.Fatalf("step 3: %v %d", err, r.status)
	}
	step1(2)
	if n := len(codes()); n != 3 {
		t.Fatalf("after using a code: %d mails, want 3", n)
	}
	// Expired codes are not pending.
	e.clock.Advance(DefaultCodeTTL)
	step1(2)
	if n := len(codes()); n != 5 {
		t.Fatalf("after the codes expired: %d mails, want 5", n)
	}
	// A reset revokes the trader's codes.
	r, err := redeem(e, codes()[4])
	if err := errors.Join(err, want(r, 200, "")); err != nil {
		t.Fatal(err)
	}
	token, _ := r.body["Model"].(string)
	if r, err := newPassword(e, token, "bob-password-new-1", "bob-password-new-1"); err != nil || r.status != 200 {
		t.Fatalf("step 4: %v %d", err, r.status)
	}
	step1(2)
	if n := len(codes()); n != 7 {
		t.Fatalf("after a reset: %d mails, want 7", n)
	}
	off := newEnv(t, Options{MailLimit: -1})
	for range DefaultMailLimit + 2 {
		_, _ = requestReset(off, "bob", "")
	}
	if n := len(mailsTo(off, bob.Email)); n != DefaultMailLimit+2 {
		t.Errorf("MailLimit -1: %d mails", n)
	}
}

// Headers: nosniff on every response (the gateway's 429 and the state endpoint too), HSTS
// on https only, no CORS grant to any origin, no backend version.
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{RateLimit: 1})
	var got []reply
	for range 3 { // the second and third are over the limit: 429
		r, err := send(e, http.MethodGet, pStep2+"?username=bob", nil, map[string]string{"Origin": "https://other.example.test"})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if got[2].status != http.StatusTooManyRequests {
		t.Fatalf("want a 429, got %d", got[2].status)
	}
	st, err := sendTo(e.ts.Client(), e.ts.URL, http.MethodGet, StatePath, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, st)
	for i, r := range got {
		if r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("response %d (%d): no nosniff", i, r.status)
		}
		for _, h := range []string{"Strict-Transport-Security", "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Server", "X-Powered-By"} {
			if v := r.header.Get(h); v != "" {
				t.Errorf("response %d (%d) over http: %s: %s", i, r.status, h, v)
			}
		}
	}
}

// Under TLS, Start's own listener (not only httptest's) sets HSTS.
func TestHSTSFromStart(t *testing.T) {
	t.Parallel()
	r, err := Start(t.Context(), Options{AppKey: testAppKey, HashIterations: testIterations, TLS: true}, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} // a private CA made at start
	rep, err := sendTo(client, strings.TrimSuffix(r.BaseURL, APIPrefix), http.MethodGet, APIPrefix+"/no-such-path", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.header.Get("Strict-Transport-Security") != hstsValue {
		t.Errorf("https %d: Strict-Transport-Security %q", rep.status, rep.header.Get("Strict-Transport-Security"))
	}
}

// Each Unicode code point is one character: 8 two-byte characters pass the minimum of 8,
// and log in.
func TestPasswordLengthInCodePoints(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	p := strings.Repeat("é", DefaultMinPasswordLength)
	v, r, err := resetWith(e, p)
	if err := errors.Join(err, want(r, 200, "")); err != nil {
		t.Fatal(err)
	}
	if r, _ := logIn(e, v["User"], p); r.status != 200 {
		t.Errorf("login: %d", r.status)
	}
}

// Step 4 refuses a context-specific password with its own code, and accepts a password
// that merely contains a word among enough else.
func TestContextSpecificRefusal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	v, err := setUp(e, StateValidToken)
	if err != nil {
		t.Fatal(err)
	}
	r, err := newPassword(e, v["Token"], v["Email"], v["Email"])
	if err := errors.Join(err, want(r, 400, "ErrorPasswordContextSpecific")); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(r.codes(), "ErrorPasswordContextSpecific") || len(r.codes()) != 1 {
		t.Errorf("ErrorsCode %v", r.codes())
	}
	p := "my AutoShares password, long enough"
	if r, err := newPassword(e, v["Token"], p, p); err != nil || r.status != 200 {
		t.Errorf("a password with a product name among enough else: %v %d %s", err, r.status, r.raw)
	}
}

// codeMails is the sink's messages that carry a confirmation code: since a successful
// step 4 mails a notification, a test counting the mails a request caused counts these.
func (s *smtpSink) codeMails() []sinkMsg {
	var out []sinkMsg
	for _, m := range s.messages() {
		if codeLine.MatchString(strings.ReplaceAll(m.data, "\r\n", "\n")) {
			out = append(out, m)
		}
	}
	return out
}
