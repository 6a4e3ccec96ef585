package selftest

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	oc "github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/states"
)

// wire records every secret that crosses the wire between the suite and the provider:
// app keys and passwords in headers, passwords, tokens, codes and answers in bodies, the
// values provider states return. Whatever the suite saw, it must not have written down.
type wire struct {
	mu      sync.Mutex
	secrets map[string]bool
}

var secretFields = []string{"Password", "PasswordConfirmation", "Token", "Code", "SecretQuestionAnswer"}

func (w *wire) add(v string) {
	// The absence states' fixed values are public: the state contract names them.
	if len(v) >= 6 && v != states.UnknownCode && v != states.UnknownUser {
		w.mu.Lock()
		w.secrets[v] = true
		w.mu.Unlock()
	}
}

func (w *wire) addJSON(body []byte, fields ...string) {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return
	}
	for _, f := range fields {
		if s, ok := m[f].(string); ok {
			w.add(s)
		}
	}
}

func (w *wire) list() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for s := range w.secrets {
		out = append(out, s)
	}
	return out
}

// recordingProxy puts a recording reverse proxy (on 127.0.0.1) in front of the provider and
// returns the suite settings that go through it.
func recordingProxy(t *testing.T, p *refprovider.Running, key string) (map[string]string, *wire) {
	t.Helper()
	w := &wire{secrets: map[string]bool{}}
	w.add(key)
	u, _ := url.Parse(p.BaseURL)
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	rp.ModifyResponse = func(resp *http.Response) error {
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		switch {
		case resp.Request.URL.Path == refprovider.StatePath:
			w.addJSON(body, "Password", "Token", "Code", "SecretQuestionAnswer")
		case strings.HasSuffix(resp.Request.URL.Path, "/reset/code"):
			w.addJSON(body, "Model")
		default:
			w.addJSON(body, "Token")
		}
		return nil
	}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.add(r.Header.Get("Password"))
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		w.addJSON(body, secretFields...)
		rp.ServeHTTP(rw, r)
	}))
	t.Cleanup(srv.Close)
	env := targetEnv(p, key)
	env["AUTOSHARES_BASE_URL"] = srv.URL + refprovider.APIPrefix
	if p.StateURL != "" {
		env["AUTOSHARES_STATE_URL"] = srv.URL + refprovider.StatePath
	}
	return env, w
}

// expectNoSecretWrittenDown scans the console output, every file of the run's reports
// (JUnit, JSON, skip summary, the recorded pact) and the committed pacts.
func expectNoSecretWrittenDown(t *testing.T, o outcome, secrets []string) {
	t.Helper()
	if len(secrets) < 10 {
		t.Fatalf("only %d secrets crossed the wire: the recording proxy is not seeing the run", len(secrets))
	}
	texts := map[string]string{"console output": o.output}
	for _, dir := range []string{o.reports, filepath.Join(moduleRoot(), "pacts")} {
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				b, _ := os.ReadFile(path)
				texts[path] = string(b)
			}
			return nil
		})
	}
	if len(texts) < 5 {
		t.Fatalf("only %d outputs to scan: reports missing?", len(texts))
	}
	for where, text := range texts {
		for _, s := range secrets {
			if i := indexOfSecret(text, s); i >= 0 {
				t.Errorf("%s holds a secret that crossed the wire (%d characters): …%s###%s…", where, len(s),
					text[max(0, i-40):i], text[i+len(s):min(len(text), i+len(s)+40)])
			}
		}
	}
}

func TestNoSecretReachesOutputReportsOrPacts(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	env, w := recordingProxy(t, p, key)
	o := runSuite(t, env)
	if o.exitErr != nil {
		t.Fatalf("the suite failed:\n%s", o.output)
	}
	expectNoSecretWrittenDown(t, o, w.list())
}

// The same with canary values the configuration holds: test traders' passwords and
// answers, and an expired token.
func TestNoConfiguredSecretReachesOutputReportsOrPacts(t *testing.T) {
	t.Parallel()
	suffix := strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
	traders := []refprovider.Trader{
		{User: "cara-" + suffix, Email: "cara-" + suffix + "@traders.example.test", Password: "CANARY-password-cara"},
		{User: "dan-" + suffix, Email: "dan-" + suffix + "@traders.example.test", Password: "CANARY-password-dan",
			SecretQuestion: "What street?", SecretQuestionAnswer: "CANARY-answer-dan"},
	}
	p, key := startProvider(t, refprovider.Options{Traders: traders})
	env, w := recordingProxy(t, p, key)
	env["AUTOSHARES_TEST_TRADERS"] = testTraders(traders)
	env["AUTOSHARES_EXPIRED_TOKEN"] = "CANARY-expired-token"
	env["AUTOSHARES_ALLOW_SKIPS"] = "true" // the mail flow cannot make an expired code
	o := runSuite(t, env)
	if o.exitErr != nil {
		t.Fatalf("the suite failed:\n%s", o.output)
	}
	expectNoSecretWrittenDown(t, o, append(w.list(), "CANARY-password-cara", "CANARY-password-dan", "CANARY-answer-dan", "CANARY-expired-token", "CANARY"))
}

// A failing run under ginkgo -p, against a provider that echoes the passwords it was sent
// into its error messages, with a configured message that makes the failure quote them:
// every process's secrets are masked in the console, the reports and the pact.
func TestNoSecretInAFailingParallelRun(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true, Faults: []string{refprovider.FaultEchoPassword}})
	env, w := recordingProxy(t, p, key)
	env["AUTOSHARES_EXPECT_MISMATCH_MESSAGE"] = "A message this provider does not send."
	env["AUTOSHARES_EXPIRED_TOKEN"] = "CANARY-expired-token-parallel" // configured, never sent: must never appear
	o := runSuiteParallel(t, env, 3)
	if o.exitErr == nil || len(o.failed) == 0 {
		t.Fatalf("want a failing run:\n%s", o.output)
	}
	if !strings.Contains(o.output, "AUTOSHARES_EXPECT_MISMATCH_MESSAGE") || !strings.Contains(o.output, "[REDACTED]") {
		t.Fatalf("the failure does not quote the provider's (masked) messages:\n%s", o.output)
	}
	expectNoSecretWrittenDown(t, o, append(w.list(), "CANARY-expired-token-parallel", "CANARY"))
	// Every process wrote its outcome records (masked: expectNoSecretWrittenDown read them
	// with the rest of the report directory), and the failures are among them.
	procs := map[int]bool{}
	failed := 0
	for _, r := range o.records {
		procs[r.Process] = true
		if r.State == oc.Failed {
			failed++
		}
	}
	if len(procs) != 3 || failed == 0 {
		t.Errorf("outcome records from processes %v with %d failure(s); want all 3 processes and the failures", procs, failed)
	}
}

// indexOfSecret finds s in text as the redactor defines a secret's occurrence: a code of
// digits only counts where no other digit touches it (inside a timestamp's nanoseconds it
// is not that code).
func indexOfSecret(text, s string) int {
	digits := strings.Trim(s, "0123456789") == ""
	for from := 0; ; {
		i := strings.Index(text[from:], s)
		if i < 0 {
			return -1
		}
		i += from
		end := i + len(s)
		if !digits || ((i == 0 || !isDigit(text[i-1])) && (end == len(text) || !isDigit(text[end]))) {
			return i
		}
		from = i + 1
	}
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// Ginkgo's own report flags cannot bypass the masking: the suite writes those files itself,
// from the masked report.
func TestGinkgoReportFlagsGetMaskedReports(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	dir := t.TempDir()
	jsonPath, junitPath := filepath.Join(dir, "ginkgo.json"), filepath.Join(dir, "junit.xml")
	o := runSuite(t, targetEnv(p, key), "-ginkgo.label-filter=step4.mismatch.rejected", "-ginkgo.json-report="+jsonPath, "-ginkgo.junit-report="+junitPath)
	if o.exitErr != nil {
		t.Fatalf("the run failed:\n%s", o.output)
	}
	for _, path := range []string{jsonPath, junitPath} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("the requested report was not written: %v", err)
		}
		if strings.Contains(string(data), key) {
			t.Errorf("%s holds the app key", filepath.Base(path))
		}
		if !strings.Contains(string(data), "[REDACTED]") {
			t.Errorf("%s has no masked transcript", filepath.Base(path))
		}
		// Ginkgo writes its own report after the suite's ReportAfterSuite has run, and lists
		// that node; the suite's masked report, written from within it, cannot.
		if strings.Contains(string(data), "reports, pact and verdict") {
			t.Errorf("%s is Ginkgo's own, unmasked report, not the suite's", filepath.Base(path))
		}
	}
}
