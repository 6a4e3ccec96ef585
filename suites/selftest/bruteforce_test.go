package selftest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/refprovider"
)

// A target may limit guessing the secret answer with a 429 and a long Retry-After (here
// 900 s after 5 step 1 requests for one trader), which no waiting budget covers: the
// brute-force spec takes that 429 as it is and passes, rather than waiting it out and
// ending inconclusive.
func TestAnswerGuessingLimitedBy429Passes(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	var mu sync.Mutex
	tries := map[string]int{}
	env := behindGateway(t, p, key, func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, client.PathResetPassword) {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			var req struct{ User string }
			_ = json.Unmarshal(body, &req)
			mu.Lock()
			tries[strings.ToLower(req.User)]++
			over := tries[strings.ToLower(req.User)] > 5
			mu.Unlock()
			if over {
				throttled(w, "900", `{"Message":"Too many attempts. Retry after 15 minutes."}`)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
	// The mail-flooding spec is left out: 23 step 1 requests for one trader meet this
	// gateway's 15-minute throttle, which it rightly cannot tell from a per-client one
	// (inconclusive, not passed).
	o := runSuite(t, env, "-ginkgo.label-filter=brute-force && !mail")
	if o.exitErr != nil || len(o.failed) > 0 || len(o.passed) == 0 {
		t.Fatalf("want the brute-force spec to pass against a 429 after 5 wrong answers; exit %v, passed %q, failed %q, skipped %q\n%s", o.exitErr, o.passed, o.failed, o.skipped, o.output)
	}
}

// A gateway that throttles every client (5 step 1 requests a second, then 429 with
// Retry-After: 1) in front of a provider with no secret-answer limit of its own: the 429 on
// the right answer is the gateway's, the other trader's answer is throttled too, and once
// the throttle is waited out the right answer is taken. The spec must not pass.
func TestAnswerGuessingThrottledPerClientIsNoLimit(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true, Faults: []string{refprovider.FaultUnlimitedAnswerAttempts}})
	var mu sync.Mutex
	var window time.Time
	n := 0
	env := behindGateway(t, p, key, func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, client.PathResetPassword) {
			mu.Lock()
			if now := time.Now(); now.Sub(window) >= time.Second {
				window, n = now, 0
			}
			n++
			over := n > 5
			mu.Unlock()
			if over {
				throttled(w, "1", `{"Message":"Too many requests."}`)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
	env["AUTOSHARES_MAX_FAILED_ANSWERS"] = "10"
	o := runSuite(t, env, "-ginkgo.label-filter=secret-question && brute-force")
	if o.exitErr == nil || len(o.failed) != 1 {
		t.Fatalf("want the secret-answer limit spec (alone) to fail behind a gateway that throttles every client; exit %v, passed %q, failed %q, skipped %q\n%s", o.exitErr, o.passed, o.failed, o.skipped, o.output)
	}
	if !strings.Contains(o.output, "the right answer after 10 wrong ones") {
		t.Errorf("want the failure to name the right answer taken after the wrong ones\n%s", o.output)
	}
}
