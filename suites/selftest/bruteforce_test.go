package selftest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/autoshares/conformance/internal/apiclient"
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
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, apiclient.PathResetPassword) {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			var req struct{ User string }
			_ = json.Unmarshal(body, &req)
			mu.Lock()
			tries[strings.ToLower(req.User)]++
			over := tries[strings.ToLower(req.User)] > 5
			mu.Unlock()
			if over {
				w.Header().Set("Retry-After", "900")
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusTooManyRequests)
				_, _ = w.Write([]byte(`{"Message":"Too many attempts. Retry after 15 minutes."}`))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
	o := runSuite(t, env, "-ginkgo.label-filter=brute-force")
	if o.exitErr != nil || len(o.failed) > 0 || len(o.passed) == 0 {
		t.Fatalf("want the brute-force spec to pass against a 429 after 5 wrong answers; exit %v, passed %q, failed %q, skipped %q\n%s", o.exitErr, o.passed, o.failed, o.skipped, o.output)
	}
}
