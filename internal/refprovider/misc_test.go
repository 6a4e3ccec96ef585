package refprovider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/client"
)

func TestNewValidation(t *testing.T) {
	t.Parallel()
	_, err := New(Options{
		Faults:            []string{"accept-expired-token", "no-such-fault"},
		CodeTTL:           -time.Second,
		TokenTTL:          -time.Second,
		SMTPAddr:          "localhost",
		MailFrom:          "not an address",
		MinPasswordLength: -1,
		HashIterations:    -1,
		Quirks:            []string{"no-such-quirk"},
		RedirectTo:        "/relative",
		Traders: []Trader{
			{User: "a", Email: "a@example.test", Password: "secret-one"},
			{User: "A", Email: "a@example.test", Password: "secret-two"},
			{User: "", Email: "Name <b@example.test>", Password: ""},
			{User: "c", Email: "c@example.test", Password: "x", SecretQuestion: "Why?"},
			{User: "d\nX-Injected: 1", Email: "d@example.test", Password: "x"},
		},
	})
	if err == nil {
		t.Fatal("New accepted invalid options")
	}
	msg := err.Error()
	for _, want := range []string{
		"AppKey is required",
		`unknown fault switch "no-such-fault"; known: ` + strings.Join(FaultNames(), ", "),
		"CodeTTL -1s is negative",
		"TokenTTL -1s is negative",
		`SMTPAddr "localhost" is not host:port`,
		`MailFrom "not an address"`,
		"MinPasswordLength -1 is negative",
		"HashIterations -1 is negative",
		`unknown quirk "no-such-quirk"; known: ` + strings.Join(QuirkNames(), ", "),
		`RedirectTo "/relative" is not an absolute http or https URL`,
		`Traders[1]: User "A" repeats Traders[0]`,
		`Traders[1]: Email "a@example.test" repeats Traders[0]`,
		"Traders[2]: User is required",
		"Traders[2]: Email \"Name <b@example.test>\" is not a bare email address",
		"Traders[2]: Password is required",
		"Traders[3]: SecretQuestionAnswer is required",
		"Traders[4]: User contains control characters",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q", want)
		}
	}
	for _, secret := range []string{"secret-one", "secret-two"} {
		if strings.Contains(msg, secret) {
			t.Errorf("error echoes a password: %s", msg)
		}
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	s, err := New(Options{AppKey: "k", Traders: []Trader{bob}})
	if err != nil {
		t.Fatal(err)
	}
	c := s.cfg
	if c.codeTTL != DefaultCodeTTL || c.tokenTTL != DefaultTokenTTL || c.minLen != DefaultMinPasswordLength ||
		c.iter != DefaultHashIterations || c.mailFrom.Address != DefaultMailFrom || c.smtpAddr != "" {
		t.Errorf("defaults not applied: %+v", c)
	}
	// The seed password is stored as a real PBKDF2 hash with the default cost, not as text.
	h := s.st.traders["bob"].hash
	if h.iter != DefaultHashIterations || len(h.salt) != saltLen || len(h.key) != keyLen || !h.matches(bob.Password) {
		t.Errorf("hash %+v", h)
	}
	if string(h.key) == bob.Password || h.matches("bob-password-2") {
		t.Error("hash does not discriminate")
	}
}

func TestRequestLogHasNoSecrets(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	code := e.codeFor(alice)
	tok, _ := e.step3(code).body["Model"].(string)
	mustCheck(t, e.step4(tok, "logged-new-password", "logged-new-password"), 200, true, nil, nil)
	e.login("alice", "logged-new-password")
	e.step2(alice.Email)
	e.do(http.MethodGet, pStep2+"?username=alice", nil, map[string]string{"Et-App-Key": "wrong-key-value"})

	log := e.log.String()
	lines := strings.Split(strings.TrimSpace(log), "\n")
	if len(lines) != 6 {
		t.Errorf("%d log lines, want 6:\n%s", len(lines), log)
	}
	for _, want := range []string{"POST /api/v1.0/users/password/reset 200 ", "PUT /api/v1.0/users/passwords/reset/ 200 ",
		"GET /api/v1.0/users/password/secret-question 403 "} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	for _, secret := range []string{code, tok, "logged-new-password", alice.Password, "Blue", testAppKey,
		"wrong-key-value", alice.Email, "username"} {
		if strings.Contains(log, secret) {
			t.Errorf("log contains %q:\n%s", secret, log)
		}
	}
}

func TestConcurrentUseIsSingleUse(t *testing.T) {
	t.Parallel()
	const n = 16
	e := newEnv(t, Options{})
	race := func(name, method, path string, body func(i int) any) {
		var wg sync.WaitGroup
		statuses := make([]int, n)
		for i := range n {
			wg.Go(func() {
				r, err := e.try(method, path, body(i), nil)
				if err != nil {
					t.Error(err)
				}
				statuses[i] = r.status
			})
		}
		wg.Wait()
		ok := 0
		for _, s := range statuses {
			if s == 200 {
				ok++
			} else if s != 400 {
				t.Errorf("%s: status %d", name, s)
			}
		}
		if ok != 1 {
			t.Errorf("%s: %d of %d concurrent uses succeeded, want exactly 1", name, ok, n)
		}
	}
	code := e.state(StatePendingCode)["Code"]
	race("code", http.MethodPost, pStep3, func(int) any { return obj{"Code": code} })
	tok := e.state(StateValidToken)["Token"]
	race("token", http.MethodPut, pStep4, func(i int) any {
		p := fmt.Sprintf("concurrent-pass-%d", i)
		return obj{"Token": tok, "Password": p, "PasswordConfirmation": p}
	})
}

// TestConcurrentFlows runs whole flows side by side; its value is under -race.
func TestConcurrentFlows(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{SMTPAddr: noSMTP}) // codes come from provider states here
	flow := func(i int) error {
		post := func(path string, body any) (resp, error) { return e.try(http.MethodPost, path, body, nil) }
		r, err := post(StatePath, obj{"state": StatePendingCode})
		if err != nil {
			return err
		}
		user, _ := r.body["User"].(string)
		oldPW, _ := r.body["Password"].(string)
		code, _ := r.body["Code"].(string)
		if r, err = e.trySend(client.SecretQuestion(user)); err != nil {
			return err
		}
		if r, err = e.trySend(client.ResetPassword(user, "")); err != nil || r.status != 200 {
			return fmt.Errorf("step 1: %v %s", err, r.raw)
		}
		if r, err = e.trySend(client.ResetCode(client.Step3ETNA, code)); err != nil || r.status != 200 {
			return fmt.Errorf("step 3: %v %s", err, r.raw)
		}
		tok, _ := r.body["Model"].(string)
		p := fmt.Sprintf("flow-password-%d", i)
		r, err = e.trySend(client.UpdatePassword(tok, p, p))
		if err != nil || r.status != 200 {
			return fmt.Errorf("step 4: %v %s", err, r.raw)
		}
		for pw, want := range map[string]int{p: 200, oldPW: 401} {
			r, err = e.trySend(client.Login(user, pw))
			if err != nil || r.status != want {
				return fmt.Errorf("login: %v %d, want %d", err, r.status, want)
			}
		}
		_, err = post(StatePath, obj{"action": "teardown", "params": obj{"User": user}})
		return err
	}
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Go(func() {
			if err := flow(i); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	e.srv.st.mu.Lock()
	defer e.srv.st.mu.Unlock()
	if len(e.srv.st.traders) != 2 || len(e.srv.st.codes) != 0 || len(e.srv.st.tokens) != 0 {
		t.Errorf("left over: %d traders, %d codes, %d tokens", len(e.srv.st.traders), len(e.srv.st.codes), len(e.srv.st.tokens))
	}
}

func TestStart(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, err := Start(ctx, Options{AppKey: testAppKey, TestMode: true, HashIterations: testIterations,
		Traders: []Trader{bob}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.BaseURL, "http://127.0.0.1:") || !strings.HasSuffix(r.BaseURL, APIPrefix) ||
		r.StateURL != "http://"+r.Addr+StatePath {
		t.Errorf("BaseURL %q StateURL %q", r.BaseURL, r.StateURL)
	}
	c := client.Client{BaseURL: r.BaseURL, AppKey: testAppKey, HTTP: http.DefaultClient}
	if ex := c.Do(ctx, client.Login("bob", bob.Password)); ex.Err != nil || ex.Status != 200 {
		t.Errorf("login: %d %v", ex.Status, ex.Err)
	}
	res, err := http.Post(r.StateURL, "application/json", strings.NewReader(`{"state":"`+StateValidToken+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("state: %d", res.StatusCode)
	}

	cancel() // ctx done stops the server
	done := make(chan error, 1)
	go func() { done <- r.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Wait: %v", err)
		}
	case <-time.After(ShutdownTimeout + time.Second):
		t.Fatal("server did not stop after ctx was cancelled")
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := http.Get(r.BaseURL + "/token"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

func TestStartWithoutTestModeAndClose(t *testing.T) {
	t.Parallel()
	r, err := Start(context.Background(), Options{AppKey: testAppKey, HashIterations: testIterations}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if r.StateURL != "" {
		t.Errorf("StateURL %q without TestMode", r.StateURL)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := Start(context.Background(), Options{}, ""); err == nil {
		t.Error("Start accepted options without an AppKey")
	}
}
