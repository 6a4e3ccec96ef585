package selftest

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/states"
)

// A bad target or configuration is one clear failure before any spec, never fifty.
func expectOneClearFailure(t *testing.T, o outcome, wants ...string) {
	t.Helper()
	if o.exitErr == nil {
		t.Fatalf("the suite passed; output:\n%s", o.output)
	}
	if len(o.failed) != 1 || o.failed[0] != "[SynchronizedBeforeSuite]" || len(o.passed) > 0 {
		t.Errorf("want exactly one failure, in the preflight; failed %q, passed %q", o.failed, o.passed)
	}
	for _, w := range wants {
		if !strings.Contains(o.output, w) {
			t.Errorf("output lacks %q:\n%s", w, o.output)
		}
	}
	for _, noise := range []string{"panic:", "goroutine "} {
		if strings.Contains(o.output, noise) {
			t.Errorf("output has a stack trace (%q):\n%s", noise, o.output)
		}
	}
}

func TestWrongAppKeyIsOneClearFailure(t *testing.T) {
	t.Parallel()
	p, _ := startProvider(t, refprovider.Options{TestMode: true})
	env := targetEnv(p, "")
	env["AUTOSHARES_APP_KEY"] = "not-the-key-0123456789"
	o := runSuite(t, env)
	expectOneClearFailure(t, o, "rejected AUTOSHARES_APP_KEY", "Set AUTOSHARES_APP_KEY")
	if strings.Contains(o.output, "not-the-key-0123456789") {
		t.Errorf("the app key appears in the output")
	}
}

func TestUnreachableTargetIsOneClearFailure(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	o := runSuite(t, map[string]string{"AUTOSHARES_BASE_URL": "http://" + addr + "/api", "AUTOSHARES_APP_KEY": "k-123456"})
	expectOneClearFailure(t, o, "is unreachable", "connection refused")
}

func TestHangingTargetCannotHangTheSuite(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() { // accept and never answer
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	start := time.Now()
	o := runSuite(t, map[string]string{"AUTOSHARES_BASE_URL": "http://" + l.Addr().String() + "/api", "AUTOSHARES_APP_KEY": "k-123456",
		"AUTOSHARES_PREFLIGHT_TIMEOUT": "1s"})
	expectOneClearFailure(t, o, "no response within 1s (AUTOSHARES_PREFLIGHT_TIMEOUT)")
	if d := time.Since(start); d > time.Minute {
		t.Errorf("took %s against a hanging target", d)
	}
}

func TestBadConfigurationListsEveryProblem(t *testing.T) {
	t.Parallel()
	o := runSuite(t, map[string]string{
		"AUTOSHARES_BASE_URL":        "staging.example.com",
		"AUTOSHARES_REQUEST_TIMEOUT": "soon",
		"AUTOSHARES_STEP3_PATH":      "v3",
	})
	expectOneClearFailure(t, o, "3 problem(s)", "AUTOSHARES_BASE_URL", "AUTOSHARES_REQUEST_TIMEOUT", "AUTOSHARES_STEP3_PATH")
}

// A label filter that selects nothing is a failure that names the nearest label, not an
// empty green run.
func TestALabelFilterSelectingNothingFails(t *testing.T) {
	t.Parallel()
	o := runSuite(t, nil, "-ginkgo.label-filter=stpe4")
	if o.exitErr == nil || len(o.passed) > 0 {
		t.Fatalf("want a failure and no spec run; exit %v, passed %q", o.exitErr, o.passed)
	}
	for _, want := range []string{`LABELS="stpe4" selects no spec`, `did you mean "step4"?`, "The area labels:"} {
		if !strings.Contains(o.output, want) {
			t.Errorf("output lacks %q:\n%s", want, o.output)
		}
	}
}

// The apiURL without its /api: the preflight says so once and suggests the URL that works.
func TestABaseURLWithoutAPIIsOneClearFailure(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	env := targetEnv(p, key)
	env["AUTOSHARES_BASE_URL"] = strings.TrimSuffix(p.BaseURL, refprovider.APIPrefix)
	o := runSuite(t, env)
	expectOneClearFailure(t, o, "does not serve the API", "Did you mean AUTOSHARES_BASE_URL="+p.BaseURL)
}

// A state endpoint that lacks states of the contract: one failure listing every one missing.
func TestAStateEndpointLackingStatesIsOneClearFailure(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	u, _ := url.Parse(p.StateURL)
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	lacking := []string{states.ExpiredCode, states.NoSuchCode}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		for _, s := range lacking {
			if bytes.Contains(body, []byte(s)) {
				http.Error(w, `{"error":"unknown provider state"}`, http.StatusBadRequest)
				return
			}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	env := targetEnv(p, key)
	env["AUTOSHARES_STATE_URL"] = srv.URL + u.Path
	o := runSuite(t, env)
	expectOneClearFailure(t, o, "AUTOSHARES_STATE_URL", `"`+lacking[0]+`"`, `"`+lacking[1]+`"`)
}
