package refprovider

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/autoshares/conformance/internal/client"
)

// The credential-recovery security profile's faults; the fault matrix runs them too.
func init() {
	for name, fc := range securityFaultCases {
		faultCases[name] = fc
	}
}

// setPassword runs step 4 with v's token and password p; the error names what failed.
func setPassword(e *env, v map[string]string, p string) error {
	if err := check(e.step4(v["Token"], p, p), 200, true, nil, nil); err != nil {
		return fmt.Errorf("step 4: %w", err)
	}
	return nil
}

// raceStep3 sends n concurrent step 3s with one code and returns how many got a token.
func raceStep3(e *env, code string, n int) (int, error) {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		won   int
		errs  []error
		start = make(chan struct{})
	)
	for range n {
		wg.Go(func() {
			<-start
			r, err := e.trySend(client.ResetCode(client.Step3AutoShares, code))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				errs = append(errs, err)
			case r.status == 200:
				won++
			case r.status != 400:
				errs = append(errs, fmt.Errorf("status %d", r.status))
			}
		})
	}
	close(start)
	wg.Wait()
	return won, errors.Join(errs...)
}

// cacheable reports a Cache-Control that lets a shared cache keep the response.
func cacheable(r resp) error {
	cc := strings.ToLower(r.header.Get("Cache-Control"))
	if strings.Contains(cc, "public") || (strings.Contains(cc, "max-age") && !strings.Contains(cc, "no-store") && !strings.Contains(cc, "private")) {
		return fmt.Errorf("Cache-Control %q lets a shared cache store a secret", r.header.Get("Cache-Control"))
	}
	return nil
}

var securityFaultCases = map[string]faultCase{
	FaultPasswordMax32: {func(e *env) error {
		v := e.state(StateValidToken)
		p := strings.Repeat("long-pass", 8)[:64]
		if err := setPassword(e, v, p); err != nil {
			return err
		}
		if loginStatus(e, v["User"], p) != 200 {
			return errors.New("cannot log in with the 64-character password")
		}
		return nil
	}, "status 400, want 200"},

	FaultTruncatePassword: {func(e *env) error {
		v := e.state(StateValidToken)
		p := "truncation-check-" + strings.Repeat("x", 15) + "-tail-abc" // 41 characters
		if err := setPassword(e, v, p); err != nil {
			return err
		}
		if loginStatus(e, v["User"], p) != 200 {
			return errors.New("cannot log in with the password just set")
		}
		if loginStatus(e, v["User"], p[:32]+"-other-tail") == 200 {
			return errors.New("a login sharing only the first 32 characters succeeded")
		}
		return nil
	}, "sharing only the first 32 characters"},

	FaultLoginIgnoresPasswordCase: {func(e *env) error {
		v := e.state(StateValidToken)
		p := "Mixed-Case-Password-xyz"
		if err := setPassword(e, v, p); err != nil {
			return err
		}
		if loginStatus(e, v["User"], p) != 200 {
			return errors.New("cannot log in with the password just set")
		}
		if loginStatus(e, v["User"], strings.ToUpper(p)) == 200 {
			return errors.New("a login with the password in another letter case succeeded")
		}
		return nil
	}, "another letter case succeeded"},

	FaultUnicodePasswordUnusable: {func(e *env) error {
		v := e.state(StateValidToken)
		p := "pässwört-Ünï-日本-😀"
		if err := setPassword(e, v, p); err != nil {
			return err
		}
		if loginStatus(e, v["User"], p) != 200 {
			return errors.New("the Unicode password step 4 accepted cannot log in")
		}
		return nil
	}, "cannot log in"},

	FaultAcceptCommonPassword: {func(e *env) error {
		v := e.state(StateValidToken)
		for _, p := range []string{"password1", "Password1", "12345678", "QWERTY123", "iloveyou"} {
			if err := check(e.step4(v["Token"], p, p), 400, false,
				[]string{errPasswordTooCommon.msg}, []string{"ErrorPasswordTooCommon"}); err != nil {
				return err
			}
		}
		if err := unchanged(e, v); err != nil {
			return err
		}
		return tokenStillWorks(e, v, "after refused common passwords")
	}, "status 200, want 400"},

	FaultRequireComposition: {func(e *env) error {
		v := e.state(StateValidToken)
		return setPassword(e, v, "correcthorsebatterystaplewide")
	}, "status 400, want 200"},

	FaultUnlimitedAnswerAttempts: {func(e *env) error {
		v := e.state(StateSecretQuestion)
		for i := range DefaultAnswerAttempts {
			if err := check(e.step1(v["User"], fmt.Sprintf("wrong-%d", i)), 400, false, nil,
				[]string{"ErrorIncorrectAnswer"}); err != nil {
				return err
			}
		}
		if err := check(e.step1(v["User"], v["SecretQuestionAnswer"]), 400, false, nil,
			[]string{"ErrorTooManyAttempts"}); err != nil {
			return fmt.Errorf("the right answer after %d wrong ones: %w", DefaultAnswerAttempts, err)
		}
		other := e.state(StateSecretQuestion)
		return check(e.step1(other["User"], other["SecretQuestionAnswer"]), 200, true, nil, nil)
	}, "the right answer after 10 wrong ones: status 200"},

	FaultCodeRace: {func(e *env) error {
		v := e.state(StatePendingCode)
		won, err := raceStep3(e, v["Code"], 8)
		if err != nil {
			return err
		}
		if won != 1 {
			return fmt.Errorf("%d concurrent exchanges of one code got a token, want 1", won)
		}
		return nil
	}, "concurrent exchanges of one code got a token"},

	FaultSequentialCodes: {func(e *env) error {
		var codes []int
		for range 3 {
			n, err := strconv.Atoi(e.state(StatePendingCode)["Code"])
			if err != nil {
				return err
			}
			codes = append(codes, n)
		}
		// Random codes count up twice in a row with odds of 1 in 10^12.
		if codes[1] == codes[0]+1 && codes[2] == codes[1]+1 {
			return errors.New("confirmation codes count up")
		}
		return nil
	}, "codes count up"},

	FaultLenientTokenMatch: {func(e *env) error {
		v := e.state(StateValidToken)
		tk := v["Token"]
		last := "0"
		if tk[len(tk)-1] == '0' {
			last = "1"
		}
		for _, alt := range []string{tk[:len(tk)-1] + last, tk[:len(tk)-1], tk + "0", tk + "-extra"} {
			if err := check(e.step4(alt, "altered-token-pw", "altered-token-pw"), 400, false,
				nil, []string{"ErrorInvalidToken"}); err != nil {
				return err
			}
		}
		if err := unchanged(e, v); err != nil {
			return err
		}
		// Another text form of the same GUID is the same token.
		return check(e.step4("{"+strings.ToUpper(tk)+"}", "other-form-pw", "other-form-pw"), 200, true, nil, nil)
	}, "status 200, want 400"},

	FaultMassAssignment: {func(e *env) error {
		owner, victim := e.state(StateValidToken), e.state(StateNoSecretQuestion)
		body := step4Body(owner["Token"], "mass-assigned-pw", "mass-assigned-pw")
		body["User"], body["Email"] = victim["User"], victim["Email"]
		if err := check(e.do(http.MethodPut, pStep4, body, nil), 200, true, nil, nil); err != nil {
			return err
		}
		if loginStatus(e, victim["User"], victim["Password"]) != 200 {
			return errors.New("the step 4 body naming another trader changed that trader's password")
		}
		if loginStatus(e, owner["User"], "mass-assigned-pw") != 200 {
			return errors.New("the token's owner cannot log in with the new password")
		}
		return nil
	}, "changed that trader's password"},

	FaultCacheableToken: {func(e *env) error {
		v := e.state(StatePendingCode)
		r := e.step3(v["Code"])
		if err := check(r, 200, true, nil, nil); err != nil {
			return err
		}
		if err := cacheable(r); err != nil {
			return fmt.Errorf("step 3: %w", err)
		}
		if err := cacheable(e.login(v["User"], v["Password"])); err != nil {
			return fmt.Errorf("login: %w", err)
		}
		return nil
	}, "public, max-age=3600"},

	FaultStackTraceInErrors: {func(e *env) error {
		for _, body := range []string{`{"Token": `, `not json`, `{"Token":{"a":1}}`} {
			r := e.do(http.MethodPut, pStep4, body, nil)
			if err := clientError(r); err != nil {
				return err
			}
			for _, internal := range []string{"Exception", ".cs:line", " at "} {
				if strings.Contains(r.raw, internal) {
					return fmt.Errorf("the error body carries internals (%q): %.300s", internal, r.raw)
				}
			}
		}
		return nil
	}, "carries internals"},

	FaultEchoSecretAnswer: {func(e *env) error {
		v := e.state(StateSecretQuestion)
		wrong := "wrong-answer-" + v["User"]
		r := e.step1(v["User"], wrong)
		if err := check(r, 400, false, nil, nil); err != nil {
			return err
		}
		if codes, _ := stringArray(r.body["ErrorsCode"]); !slices.Contains(codes, "ErrorIncorrectAnswer") {
			return fmt.Errorf("ErrorsCode %v lacks ErrorIncorrectAnswer", codes)
		}
		return noEcho(r, wrong)
	}, "echoes a secret"},
}
