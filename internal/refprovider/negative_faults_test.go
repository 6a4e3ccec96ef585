package refprovider

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"sync"

	"github.com/autoshares/conformance/internal/client"
)

// The fault matrix (TestFaultMatrix) covers these too; they are kept apart because they
// are the negative and security catalogue.
func init() {
	for name, fc := range negativeFaultCases {
		faultCases[name] = fc
	}
}

// step4Body is a step 4 body with the documented property names.
func step4Body(token, password, confirmation string) obj {
	return obj{"Token": token, "Password": password, "PasswordConfirmation": confirmation}
}

// clientError accepts what the catalogue accepts for a refused malformed request: a 4xx
// with a JSON object body.
func clientError(r resp) error {
	mt, _, _ := mime.ParseMediaType(r.header.Get("Content-Type"))
	if r.status < 400 || r.status > 499 || mt != "application/json" || r.body == nil {
		return errorf("status %d Content-Type %q, want a 4xx with a JSON object body (body %.200s)",
			r.status, r.header.Get("Content-Type"), r.raw)
	}
	return nil
}

// unchanged reports an error unless the state's trader still logs in with its password.
func unchanged(e *env, v map[string]string) error {
	if loginStatus(e, v["User"], v["Password"]) != 200 {
		return errors.New("the old password stopped working: the request changed something")
	}
	return nil
}

// tokenStillWorks reports an error unless v's token can still set a password.
func tokenStillWorks(e *env, v map[string]string, context string) error {
	if err := check(e.step4(v["Token"], "later-password", "later-password"), 200, true, nil, nil); err != nil {
		return fmt.Errorf("%s, the token no longer works: %w", context, err)
	}
	return nil
}

// noEcho reports where any of secrets appears in r's body or headers.
func noEcho(r resp, secrets ...string) error {
	for _, sec := range secrets {
		if strings.Contains(r.raw, sec) {
			return errors.New("the response body echoes a secret the request carried")
		}
		for k, vs := range r.header {
			for _, v := range vs {
				if strings.Contains(v, sec) {
					return fmt.Errorf("the response header %s echoes a secret the request carried", k)
				}
			}
		}
	}
	return nil
}

// notRedirected fails a 3xx.
func notRedirected(r resp) error {
	if r.status >= 300 && r.status <= 399 {
		return fmt.Errorf("status %d: a redirect (to another origin: %t), not an answer at the documented path",
			r.status, !strings.HasPrefix(r.header.Get("Location"), "/"))
	}
	return nil
}

// raceStep4 sends n concurrent step 4s with one token and distinct passwords and returns
// the passwords of the requests answered 200.
func raceStep4(e *env, token string, n int) ([]string, error) {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		won   []string
		errs  []error
		start = make(chan struct{})
	)
	for i := range n {
		p := fmt.Sprintf("racing-password-%d", i)
		wg.Go(func() {
			<-start
			r, err := e.trySend(client.UpdatePassword(token, p, p))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				errs = append(errs, err)
			case r.status == 200:
				won = append(won, p)
			case r.status != 400:
				errs = append(errs, fmt.Errorf("status %d", r.status))
			}
		})
	}
	close(start)
	wg.Wait()
	return won, errors.Join(errs...)
}

var negativeFaultCases = map[string]faultCase{
	FaultAcceptUnknownToken: {func(e *env) error {
		v := e.state(StateValidToken)
		guid, _ := newGUID()
		if err := check(e.step4(guid, "new-password", "new-password"), 400, false,
			[]string{"Password reset token is invalid."}, []string{"ErrorInvalidToken"}); err != nil {
			return err
		}
		return unchanged(e, v)
	}, "status 200, want 400"},

	FaultAcceptMalformedToken: {func(e *env) error {
		v := e.state(StateValidToken)
		for _, tok := range []string{"not-a-guid", strings.Repeat("f", 100_000)} {
			if err := check(e.step4(tok, "new-password", "new-password"), 400, false,
				nil, []string{"ErrorInvalidToken"}); err != nil {
				return err
			}
		}
		return unchanged(e, v)
	}, "status 500, want 400"},

	FaultTokenRace: {func(e *env) error {
		v := e.state(StateValidToken)
		won, err := raceStep4(e, v["Token"], 8)
		if err != nil {
			return err
		}
		if len(won) != 1 {
			return fmt.Errorf("%d of 8 concurrent updates with one token succeeded, want exactly 1", len(won))
		}
		if loginStatus(e, v["User"], won[0]) != 200 {
			return errors.New("the winner's password does not log in")
		}
		return nil
	}, "concurrent updates with one token succeeded"},

	FaultConfirmationIgnoresCase: {func(e *env) error {
		v := e.state(StateValidToken)
		if err := check(e.step4(v["Token"], "New-Password-1", "new-password-1"), 400, false,
			nil, []string{"ErrorPasswordMismatch"}); err != nil {
			return err
		}
		return unchanged(e, v)
	}, "status 200, want 400"},

	FaultConfirmationTrimsSpaces: {func(e *env) error {
		v := e.state(StateValidToken)
		if err := check(e.step4(v["Token"], "new-password-1", " new-password-1\t"), 400, false,
			nil, []string{"ErrorPasswordMismatch"}); err != nil {
			return err
		}
		return unchanged(e, v)
	}, "status 200, want 400"},

	FaultPasswordSpacesStripped: {func(e *env) error {
		v := e.state(StateValidToken)
		const pw = "new pass word 1"
		if err := check(e.step4(v["Token"], pw, pw), 200, true, nil, nil); err != nil {
			return err
		}
		if loginStatus(e, v["User"], pw) != 200 {
			return errors.New("the password with inner spaces was accepted but does not log in as sent")
		}
		return nil
	}, "does not log in as sent"},

	FaultNonJSONBody500: {func(e *env) error {
		v := e.state(StateValidToken)
		if err := clientError(e.do(http.MethodPut, pStep4, "Token="+v["Token"]+"&Password=x", nil)); err != nil {
			return err
		}
		return unchanged(e, v)
	}, `status 500 Content-Type "text/html`},

	FaultMissingField500: {func(e *env) error {
		v := e.state(StateValidToken)
		for _, body := range []obj{
			{"Token": v["Token"], "Password": "new-password"},
			{"Token": v["Token"], "Password": "new-password", "PasswordConfirmation": nil},
		} {
			if err := clientError(e.do(http.MethodPut, pStep4, body, nil)); err != nil {
				return err
			}
		}
		return unchanged(e, v)
	}, "status 500"},

	FaultWrongType500: {func(e *env) error {
		v := e.state(StateValidToken)
		for _, bad := range []any{obj{"a": "b"}, []string{"new-password"}} {
			body := obj{"Token": v["Token"], "Password": bad, "PasswordConfirmation": bad}
			if err := clientError(e.do(http.MethodPut, pStep4, body, nil)); err != nil {
				return err
			}
		}
		return unchanged(e, v)
	}, "status 500"},

	FaultNumbersBoundWrong: {func(e *env) error {
		v := e.state(StateValidToken)
		r := e.do(http.MethodPut, pStep4, fmt.Sprintf(
			`{"Token":%q,"Password":31415926,"PasswordConfirmation":31415926}`, v["Token"]), nil)
		if r.status >= 200 && r.status < 300 && loginStatus(e, v["User"], "31415926") != 200 {
			return errors.New("numeric password accepted but the trader cannot log in with its string form")
		}
		return nil
	}, "numeric password accepted"},

	FaultCaseSensitiveProperties: {func(e *env) error {
		v := e.state(StateValidToken)
		body := obj{"token": v["Token"], "PASSWORD": "new-password", "passwordConfirmation": "new-password"}
		return check(e.do(http.MethodPut, pStep4, body, nil), 200, true, nil, nil)
	}, "status 400, want 200"},

	FaultTextPlain500: {func(e *env) error {
		v := e.state(StateValidToken)
		r := e.do(http.MethodPut, pStep4, step4Body(v["Token"], "new-password", "new-password"),
			map[string]string{"Content-Type": "text/plain"})
		if r.status >= 500 {
			return fmt.Errorf("status %d for a JSON body labelled text/plain", r.status)
		}
		return nil
	}, "status 500"},

	FaultNoBodyLimit: {func(e *env) error {
		v := e.state(StateValidToken)
		big := strings.Repeat("p", MaxBodyBytes)
		r := e.do(http.MethodPut, pStep4, step4Body(v["Token"], big, big), nil)
		if err := check(r, http.StatusRequestEntityTooLarge, false, nil, []string{"ErrorRequestTooLarge"}); err != nil {
			return err
		}
		return unchanged(e, v)
	}, "status 200, want 413"},

	FaultUnusualValue500: {func(e *env) error {
		v := e.state(StateValidToken)
		for _, val := range []string{"pässwört-ünïcode", "control\x01\x1fchars", "日本語のパスワード"} {
			if r := e.step4(v["Token"], val, val+"-mismatch"); r.status >= 500 {
				return fmt.Errorf("status %d for an unusual but valid value", r.status)
			}
			if r := e.do(http.MethodPost, pStep1, obj{"User": val}, nil); r.status >= 500 {
				return fmt.Errorf("status %d for an unusual but valid value", r.status)
			}
		}
		return nil
	}, "status 500"},

	FaultStep4AnyMethod: {func(e *env) error {
		v := e.state(StateValidToken)
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			r := e.do(m, pStep4, step4Body(v["Token"], "new-password", "new-password"), nil)
			if r.status != http.StatusMethodNotAllowed {
				return fmt.Errorf("%s on step 4: status %d, want 405", m, r.status)
			}
		}
		return unchanged(e, v)
	}, "status 200, want 405"},

	FaultWrongMethod200: {func(e *env) error {
		for _, c := range []struct{ method, path string }{
			{http.MethodDelete, pStep1}, {http.MethodPut, pStep2}, {http.MethodGet, pStep3},
		} {
			if r := e.do(c.method, c.path, nil, nil); r.status != http.StatusMethodNotAllowed {
				return fmt.Errorf("%s %s: status %d, want 405", c.method, c.path, r.status)
			}
		}
		return nil
	}, "status 200, want 405"},

	FaultWrongAppKeyAccepted: {func(e *env) error {
		wrong := map[string]string{"Et-App-Key": "wrong-key"}
		if err := appKeyRejected(e.do(http.MethodGet, pStep2+"?username=bob", nil, wrong)); err != nil {
			return fmt.Errorf("step 2 with a wrong key: %w", err)
		}
		wrong["Username"], wrong["Password"] = "bob", bob.Password
		if err := appKeyRejected(e.do(http.MethodPost, pLogin, nil, wrong)); err != nil {
			return fmt.Errorf("login with a wrong key: %w", err)
		}
		return nil
	}, "step 2 with a wrong key: status 200"},

	FaultBadKeyConsumesToken: {func(e *env) error {
		v := e.state(StateValidToken)
		r := e.do(http.MethodPut, pStep4, step4Body(v["Token"], "new-password", "new-password"),
			map[string]string{"Et-App-Key": "wrong-key"})
		if err := appKeyRejected(r); err != nil {
			return err
		}
		return tokenStillWorks(e, v, "after a step 4 refused for its app key")
	}, "after a step 4 refused for its app key, the token no longer works"},

	FaultRedirectElsewhere: {func(e *env) error {
		r, err := e.tryNoRedirect(http.MethodGet, pStep2+"?username=bob")
		if err != nil {
			return err
		}
		return notRedirected(r)
	}, "status 307: a redirect (to another origin: true)"},

	FaultEchoPassword: {func(e *env) error {
		v := e.state(StateValidToken)
		r := e.step4(v["Token"], "echo-me-password-A", "echo-me-password-B")
		if err := check(r, 400, false, nil, []string{"ErrorPasswordMismatch"}); err != nil {
			return err
		}
		return noEcho(r, "echo-me-password-A", "echo-me-password-B")
	}, "the response body echoes a secret"},

	FaultEchoAppKey: {func(e *env) error {
		return noEcho(e.step2("bob"), testAppKey)
	}, "the response header Et-App-Key echoes a secret"},
}

// tryNoRedirect sends a bodiless request with the app key and does not follow redirects,
// as the conformance suite never does.
func (e *env) tryNoRedirect(method, path string) (resp, error) {
	c := *e.ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return e.exchangeWith(&c, e.ts.URL, path, client.Request{Method: method})
}
