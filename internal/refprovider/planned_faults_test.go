package refprovider

import (
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// The faults of the requirement matrix's last planned rows (issue 21: ASVS 4.1.1, 13.4.4,
// the cheat sheet's Account Lockout); the fault matrix runs them too.
func init() {
	for name, fc := range plannedFaultCases {
		faultCases[name] = fc
	}
}

var plannedFaultCases = map[string]faultCase{
	FaultMethodNotAllowedHTML: {func(e *env) error {
		r := e.do(http.MethodDelete, pStep1, nil, nil)
		mt, params, _ := mime.ParseMediaType(r.header.Get("Content-Type"))
		if r.status != http.StatusMethodNotAllowed || mt != "application/json" || params["charset"] != "utf-8" {
			return fmt.Errorf("DELETE on step 1: status %d, Content-Type %q, want 405 application/json; charset=utf-8", r.status, r.header.Get("Content-Type"))
		}
		return nil
	}, `Content-Type "text/html"`},

	FaultTraceEchoed: {func(e *env) error {
		for _, key := range []string{"", testAppKey} {
			r := e.do(http.MethodTrace, pLogin, nil, map[string]string{"Et-App-Key": key})
			if r.status < 400 || strings.HasPrefix(r.header.Get("Content-Type"), "message/http") {
				return fmt.Errorf("TRACE (app key %t): status %d, Content-Type %q, want a refusal, no echo", key != "", r.status, r.header.Get("Content-Type"))
			}
		}
		return nil
	}, `status 200, Content-Type "message/http"`},

	FaultAnswerLockLocksLogin: {func(e *env) error {
		v := e.state(StateSecretQuestion)
		for i := range DefaultAnswerAttempts {
			if r := e.step1(v["User"], fmt.Sprintf("wrong-%d", i)); r.status != http.StatusBadRequest {
				return fmt.Errorf("wrong answer %d: status %d", i+1, r.status)
			}
		}
		if r := e.step1(v["User"], v["SecretQuestionAnswer"]); r.status == http.StatusOK {
			return fmt.Errorf("step 1 not locked after %d wrong answers", DefaultAnswerAttempts)
		}
		if r := e.login(v["User"], v["Password"]); r.status != http.StatusOK {
			return fmt.Errorf("login after %d wrong secret answers: status %d %s, want 200", DefaultAnswerAttempts, r.status, r.raw)
		}
		return nil
	}, "Account locked"},
}
