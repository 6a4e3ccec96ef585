// Package selftest proves the conformance suite detects what it claims to: it runs the
// compiled suite against the reference provider with each fault switch on and asserts
// that the specs guarding that behaviour fail (and that all pass without faults), and
// against bad targets and configurations, asserting one clear failure.
package selftest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	cataloguepkg "github.com/autoshares/conformance/internal/catalogue"
	oc "github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/results"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/testkit"
)

var catalogue = cataloguepkg.MustDefault()

// built is a binary the self-test builds once per test binary, whichever test asks first.
type built struct {
	once sync.Once
	path string
	err  error
}

// get builds the binary named name with the go command's args (the output path follows
// "-o") from the repository root, once.
func (b *built) get(t *testing.T, what, name string, args ...string) string {
	t.Helper()
	b.once.Do(func() {
		dir, err := os.MkdirTemp("", "selftest-"+name+"-")
		if err != nil {
			b.err = err
			return
		}
		b.path = filepath.Join(dir, name)
		cmd := exec.Command("go", append([]string{args[0], "-o", b.path}, args[1:]...)...)
		cmd.Dir = moduleRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("building %s: %v\n%s", what, err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

var suiteBuild, launcherBuild built

// compiledSuite builds the password reset suite once per test binary. Without -race:
// the race detector already runs the suite itself elsewhere in `make test`, and here
// speed matters because the suite runs once per fault.
func compiledSuite(t *testing.T) string {
	t.Helper()
	return suiteBuild.get(t, "the suite", "passwordreset.test", "test", "-c", "./suites/passwordreset")
}

// moduleRoot is the repository root; it is always found (repo.Root falls back to the
// location of its own source file).
func moduleRoot() string {
	root, err := testkit.Root()
	if err != nil {
		panic(err)
	}
	return root
}

// outcome is what one run of the suite produced.
type outcome struct {
	exitErr error
	output  string
	failed  []string // leaf texts of failed specs, and "[BeforeSuite]" for a suite-level failure
	passed  []string
	skipped []string  // skipped themselves, for want of a setting
	filter  []string  // left out by the label filter
	specs   []specRun // every spec (It) the run reported, with its checks
	reports string
	records []oc.Record // the run's outcome records (internal/outcome), every process's
}

// specRun is one spec of a run, with the checks it declares and how it ended.
type specRun struct {
	Text    string
	Full    string   // its full text, as outcome records name it
	Checks  []string // its labels that are check IDs
	State   types.SpecState
	Failure string // the (masked) failure message
	// Labels are all its labels, its containers' included; Status is what the suite's
	// reports call its end (report.Classify): passed, failed, skipped, filtered, not-run.
	Labels []string
	Status string
}

// withCheck returns the specs of the run that declare the check.
func (o outcome) withCheck(id string) []specRun {
	var out []specRun
	for _, s := range o.specs {
		if slices.Contains(s.Checks, id) {
			out = append(out, s)
		}
	}
	return out
}

// runSuite runs the compiled suite with the given settings (and nothing from the caller's
// AUTOSHARES_* environment), bounded in time.
func runSuite(t *testing.T, env map[string]string, args ...string) outcome {
	t.Helper()
	return runCompiled(t, env, 1, args...)
}

// runSuiteParallel is runSuite under `ginkgo -p` with procs processes; args are Ginkgo CLI
// flags (--label-filter=...).
func runSuiteParallel(t *testing.T, env map[string]string, procs int, args ...string) outcome {
	t.Helper()
	return runCompiled(t, env, procs, args...)
}

func runCompiled(t *testing.T, env map[string]string, procs int, args ...string) outcome {
	t.Helper()
	bin := compiledSuite(t)
	reports := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"-ginkgo.no-color"}, args...)...)
	cmd.Dir = t.TempDir()
	if procs > 1 {
		// The Ginkgo CLI runs a precompiled suite in parallel; it runs from the module
		// root, where the go tool finds it.
		cli := append([]string{"tool", "ginkgo", "run", "-p", fmt.Sprintf("--procs=%d", procs), "--no-color"}, args...)
		cmd = exec.CommandContext(ctx, "go", append(cli, bin)...)
		cmd.Dir = moduleRoot()
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AUTOSHARES_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "AUTOSHARES_REPORT_DIR="+reports)
	if bin, err := states.BinaryPath(); err == nil {
		cmd.Env = append(cmd.Env, "MAILPIT_BIN="+bin) // the suite runs in a temp dir
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	o := outcome{exitErr: err, output: string(out), reports: reports}
	if o.records, err = oc.ReadAll(reports); err != nil {
		t.Fatalf("unreadable outcome records: %v", err)
	}
	data, rerr := os.ReadFile(filepath.Join(reports, results.JSONFile))
	if rerr != nil {
		t.Fatalf("the suite wrote no JSON report (%v); output:\n%s", rerr, out)
	}
	var reps []types.Report
	if err := json.Unmarshal(data, &reps); err != nil || len(reps) != 1 {
		t.Fatalf("unreadable report: %v", err)
	}
	for _, s := range reps[0].SpecReports {
		name := s.LeafNodeText
		if s.LeafNodeType != types.NodeTypeIt {
			name = "[" + s.LeafNodeType.String() + "]"
		}
		if s.LeafNodeType == types.NodeTypeIt {
			run := specRun{Text: s.LeafNodeText, Full: s.FullText(), State: s.State, Failure: s.Failure.Message, Labels: s.Labels()}
			run.Status, _ = results.Classify(s, reps[0])
			for _, l := range s.LeafNodeLabels {
				if _, ok := catalogue.Get(l); ok {
					run.Checks = append(run.Checks, l)
				}
			}
			o.specs = append(o.specs, run)
		}
		switch {
		case s.State.Is(types.SpecStateFailureStates):
			o.failed = append(o.failed, name)
		case s.State == types.SpecStatePassed && s.LeafNodeType == types.NodeTypeIt:
			o.passed = append(o.passed, name)
		case s.State == types.SpecStateSkipped && s.LeafNodeType == types.NodeTypeIt && s.Failure.Message != "":
			o.skipped = append(o.skipped, name)
		case s.State == types.SpecStateSkipped && s.LeafNodeType == types.NodeTypeIt:
			o.filter = append(o.filter, name)
		}
	}
	return o
}

// One Mailpit serves every test of this package: each trader has its own address, so
// tests sharing it cannot read each other's codes.
var (
	mailpitOnce sync.Once
	mailpit     *states.Server
	mailpitErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if mailpit != nil {
		mailpit.Stop()
	}
	os.Exit(code)
}

// sharedMailpit starts the package's Mailpit on first use.
func sharedMailpit(t *testing.T) *states.Server {
	t.Helper()
	mailpitOnce.Do(func() {
		bin, err := states.BinaryPath()
		if err != nil {
			mailpitErr = err
			return
		}
		mailpit, mailpitErr = states.StartServer(context.Background(), bin)
	})
	if mailpitErr != nil {
		t.Fatalf("the self-test needs Mailpit: %v", mailpitErr)
	}
	return mailpit
}

// tokenTTL is the reference provider's token lifetime in these tests: short, so the slow
// spec that waits it out stays quick, long enough for any spec to use a fresh token.
const tokenTTL = 3 * time.Second

// startProvider runs the reference provider on loopback for one test, mailing the shared
// Mailpit, as the embedded provider does.
func startProvider(t *testing.T, opts refprovider.Options) (*refprovider.Running, string) {
	t.Helper()
	opts.AppKey = "selftest-app-key-" + strings.ReplaceAll(t.Name(), "/", "-")
	opts.SMTPAddr = sharedMailpit(t).SMTPAddr
	opts.TokenTTL = tokenTTL
	// Cheap hashing: this test binary runs under the race detector, where the default
	// cost makes each login take a fifth of a second, and short token lifetimes then tight.
	opts.HashIterations = 1000
	p, err := refprovider.Start(context.Background(), opts, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p, opts.AppKey
}

// targetEnv points the suite at a started provider and the shared mailbox. The mail
// timeout is short: against the no-mail fault the specs wait it out.
func targetEnv(p *refprovider.Running, key string) map[string]string {
	env := map[string]string{"AUTOSHARES_BASE_URL": p.BaseURL, "AUTOSHARES_APP_KEY": key,
		"AUTOSHARES_MAILBOX_URL": mailpit.APIURL, "AUTOSHARES_MAIL_TIMEOUT": "5s",
		"AUTOSHARES_TOKEN_LIFETIME": tokenTTL.String(),
		// A fixed seed: each fault run meets the same generated bodies, so whether a
		// generated spec fails never depends on the draw.
		"AUTOSHARES_SEED": "20261128"}
	if p.StateURL != "" {
		env["AUTOSHARES_STATE_URL"] = p.StateURL
	}
	return env
}

// throttled answers as a hardened gateway throttles: 429 with Retry-After, its own body,
// and the security headers every response carries (ASVS 3.4.4).
func throttled(w http.ResponseWriter, retryAfter, body string) {
	w.Header().Set("Retry-After", retryAfter)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = w.Write([]byte(body))
}

// behindGateway is targetEnv for a run through a gateway in front of the provider's API,
// as a production deployment sits behind one: handle answers a request itself or passes
// it on with next.ServeHTTP. The gateway stops with the test.
func behindGateway(t *testing.T, p *refprovider.Running, key string, handle func(w http.ResponseWriter, r *http.Request, next http.Handler)) map[string]string {
	t.Helper()
	u, err := url.Parse(p.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	next := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handle(w, r, next) }))
	t.Cleanup(gw.Close)
	env := targetEnv(p, key)
	env["AUTOSHARES_BASE_URL"] = gw.URL + u.Path
	return env
}

// specsStep2 is a step 2 request of a spec, not the preflight's own probe (whose login
// starts "preflight-"): a gateway that stops those lets the run reach its specs.
func specsStep2(r *http.Request) bool {
	return strings.HasSuffix(r.URL.Path, "/secret-question") && !strings.HasPrefix(r.URL.Query().Get("username"), "preflight-")
}

func containsAny(list []string, sub string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.Contains(s, sub) })
}

// testTraders is AUTOSHARES_TEST_TRADERS for traders seeded in the provider: what a QA
// engineer would configure for the same accounts on staging.
func testTraders(ts []refprovider.Trader) string {
	type trader struct{ User, Email, Password, SecretQuestionAnswer string }
	out := make([]trader, len(ts))
	for i, t := range ts {
		out[i] = trader{t.User, t.Email, t.Password, t.SecretQuestionAnswer}
	}
	b, _ := json.Marshal(out)
	return string(b)
}
