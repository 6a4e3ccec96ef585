package selftest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/autoshares/conformance/internal/refprovider"
)

// Nothing is swallowed: a provider state whose teardown fails fails the run, naming the spec
// that used it, the state and the trader, so a deployment is never left dirty unnoticed.
// (Teardowns run in the background, off the spec's chain of round trips: the failure comes
// at the end of the process's specs.)
func TestAFailedTeardownFailsTheSpec(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	u, _ := url.Parse(p.StateURL)
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	// The preflight sets up and tears down each state once to see that the endpoint serves
	// it; every teardown after that one fails.
	var mu sync.Mutex
	seen := map[string]int{}
	states := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req struct {
			Action, State string
			Params        map[string]any
		}
		_ = json.Unmarshal(body, &req)
		if req.Action == "teardown" && req.Params["User"] != nil {
			mu.Lock()
			seen[req.State]++
			n := seen[req.State]
			mu.Unlock()
			if n > 1 {
				http.Error(w, `{"error":"teardown refused"}`, http.StatusInternalServerError)
				return
			}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(states.Close)
	env := targetEnv(p, key)
	env["AUTOSHARES_STATE_URL"] = states.URL + u.Path
	o := runSuite(t, env, "-ginkgo.label-filter=step4.mismatch.rejected")
	if o.exitErr == nil || len(o.failed) != 1 {
		t.Fatalf("want the run to fail once; exit %v, failed %q\n%s", o.exitErr, o.failed, o.output)
	}
	for _, want := range []string{"rejects a confirmation that differs from the password", "teardown of the provider state \"a trader has a valid password reset token\"", "(trader \"", "answered 500"} {
		if !strings.Contains(o.output, want) {
			t.Errorf("output lacks %q:\n%s", want, o.output)
		}
	}
}

// Reports that cannot be written fail the run with the reason; a run is not green when its
// evidence is missing.
func TestUnwritableReportsFailTheRun(t *testing.T) {
	t.Parallel()
	blocker := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(compiledSuite(t), "-ginkgo.no-color", "-ginkgo.dry-run")
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "AUTOSHARES_REPORT_DIR="+filepath.Join(blocker, "reports"))
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the run passed without its reports:\n%s", out)
	}
	if !strings.Contains(string(out), "writing the reports to") {
		t.Errorf("output does not say the reports could not be written:\n%s", out)
	}
}
