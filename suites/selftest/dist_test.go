package selftest

// The release binary (make dist), run as a QA engineer runs it: from an empty directory,
// with no Go toolchain on PATH, against the reference provider; and the first-step
// mistakes it must refuse with one clear message before anything starts.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/results"
)

var (
	distOnce sync.Once
	distBin  string
	distErr  error
)

// releaseBinary builds the release binary for this platform once, with the project's own
// script, as `make dist` does.
func releaseBinary(t *testing.T) string {
	t.Helper()
	distOnce.Do(func() {
		dir, err := os.MkdirTemp("", "selftest-dist-")
		if err != nil {
			distErr = err
			return
		}
		cmd := exec.Command("bash", "scripts/dist.sh")
		cmd.Dir = moduleRoot()
		cmd.Env = append(os.Environ(), "DIST_DIR="+dir, "DIST_PLATFORMS="+runtime.GOOS+"/"+runtime.GOARCH)
		if out, err := cmd.CombinedOutput(); err != nil {
			distErr = fmt.Errorf("make dist: %v\n%s", err, out)
			return
		}
		distBin = filepath.Join(dir, "autoshares-conformance-"+runtime.GOOS+"-"+runtime.GOARCH)
	})
	if distErr != nil {
		t.Fatal(distErr)
	}
	return distBin
}

// binaryRun is one run of the release binary.
type binaryRun struct {
	code   int
	output string
	dir    string // the empty directory it ran in
}

// runBinary runs the release binary in a fresh empty directory with PATH holding nothing
// (so no Go toolchain), nothing from the caller's AUTOSHARES_* environment, and env.
func runBinary(t *testing.T, env map[string]string, args ...string) binaryRun {
	t.Helper()
	return runBinaryIn(t, t.TempDir(), env, args...)
}

// runBinaryIn is runBinary in a given directory.
func runBinaryIn(t *testing.T, dir string, env map[string]string, args ...string) binaryRun {
	t.Helper()
	bin := releaseBinary(t)
	emptyPath := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "AUTOSHARES_") && !strings.HasPrefix(name, "GO") && name != "PATH" && name != "MAILPIT_BIN" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "PATH="+emptyPath)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	r := binaryRun{output: ansi.ReplaceAllString(string(out), ""), dir: dir}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("running the release binary: %v\n%s", err, out)
	}
	return r
}

// ansi matches the colour codes of Ginkgo's console output.
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// specReports reads the Ginkgo JSON report the run wrote under dir.
func specReports(t *testing.T, dir string) types.SpecReports {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, results.JSONFile))
	if err != nil {
		t.Fatalf("no JSON report in %s: %v", dir, err)
	}
	var reps []types.Report
	if err := json.Unmarshal(data, &reps); err != nil || len(reps) != 1 {
		t.Fatalf("unreadable report: %v", err)
	}
	return reps[0].SpecReports
}

func TestReleaseBinaryPassesWithoutGoToolchain(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	env := targetEnv(p, key)
	env["AUTOSHARES_REPORT_DIR"] = "out/reports" // relative: from the directory it ran in
	r := runBinary(t, env)
	if r.code != 0 {
		t.Fatalf("exit code %d, want 0\n%s", r.code, r.output)
	}
	reports := filepath.Join(r.dir, "out", "reports")
	for _, f := range []string{results.JSONFile, "junit.xml", "pacts/AutoSharesConformanceSuite-AutoSharesTradingAPI.json"} {
		if _, err := os.Stat(filepath.Join(reports, f)); err != nil {
			t.Errorf("report %s missing: %v", f, err)
		}
	}
	passed := 0
	for _, s := range specReports(t, reports) {
		if s.LeafNodeType == types.NodeTypeIt && s.State == types.SpecStatePassed {
			passed++
		}
	}
	if passed < 20 {
		t.Errorf("only %d specs passed\n%s", passed, r.output)
	}
	// Parallel by default (AUTOSHARES_PROCS unset: auto, picked from the target's answer
	// time), the count said with how it was picked, and the target said before the run,
	// without the app key.
	var procs int
	if m := regexp.MustCompile(`Processes: (\d+) \(auto: the target answered in `).FindStringSubmatch(r.output); m != nil {
		procs, _ = strconv.Atoi(m[1])
	}
	start := strings.Index(r.output, "Target: "+p.BaseURL)
	parallel := strings.Index(r.output, fmt.Sprintf("Running in parallel across %d processes", procs))
	if procs < 2 || start < 0 || parallel < 0 || start > parallel {
		t.Errorf("want the target first, then the processes auto picked, in parallel:\n%s", r.output)
	}
	if strings.Contains(r.output, key) {
		t.Error("the app key appears in the output")
	}
	// The reports name the suite's build, as --version does: the commit of this checkout.
	head, err := exec.Command("git", "-C", moduleRoot(), "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(reports, results.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var sum results.Summary
	if err := json.Unmarshal(raw, &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Suite.Commit != strings.TrimSpace(string(head)) || sum.Suite.Version == "devel" || sum.Suite.From != "build stamp" {
		t.Errorf("summary.json names the suite %+v, want the commit %s and its version, from the build stamp", sum.Suite, head)
	}
	html, _ := os.ReadFile(filepath.Join(reports, "report.html"))
	if !strings.Contains(string(html), strings.TrimSpace(string(head))) {
		t.Errorf("report.html does not name the commit")
	}
}

func TestReleaseBinaryFlagsAndFailureExitCode(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true, Faults: []string{refprovider.FaultAcceptMismatchedPasswords}})
	env := targetEnv(p, key)
	env["AUTOSHARES_REPORT_DIR"] = "r"
	r := runBinary(t, env, "--labels", "step4 && !slow", "--procs", "2")
	if r.code != 1 {
		t.Fatalf("against a faulty provider: exit code %d, want 1\n%s", r.code, r.output)
	}
	if !strings.Contains(r.output, "Running in parallel across 2 processes") {
		t.Errorf("--procs 2 not honoured:\n%s", r.output)
	}
	failed := 0
	for _, s := range specReports(t, filepath.Join(r.dir, "r")) {
		if s.LeafNodeType != types.NodeTypeIt || s.State == types.SpecStateSkipped {
			continue
		}
		if !slices.Contains(s.Labels(), "step4") {
			t.Errorf("--labels step4 ran %q (labels %v)", s.FullText(), s.Labels())
		}
		if s.State.Is(types.SpecStateFailureStates) {
			failed++
		}
	}
	if failed == 0 {
		t.Errorf("no spec failed against %s", refprovider.FaultAcceptMismatchedPasswords)
	}
}

func TestReleaseBinaryVersionAndHelp(t *testing.T) {
	t.Parallel()
	head, err := exec.Command("git", "-C", moduleRoot(), "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("no git commit to compare with: %v", err)
	}
	r := runBinary(t, nil, "--version")
	if r.code != 0 || !strings.Contains(r.output, "commit "+strings.TrimSpace(string(head))) {
		t.Errorf("--version: exit %d, output %q; want the commit %s", r.code, r.output, head)
	}
	r = runBinary(t, nil, "--help")
	if r.code != 0 {
		t.Errorf("--help: exit %d", r.code)
	}
	for _, name := range config.KnownNames() {
		if !strings.Contains(r.output, "  "+name) {
			t.Errorf("--help does not list %s", name)
		}
	}
}

// Each mistake a new user makes first is one clear message naming the fix, exit code 2,
// and nothing started.
func TestReleaseBinaryRefusesFirstStepMistakes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		env   map[string]string
		args  []string
		wants []string
	}{
		{"misspelt variable", map[string]string{"AUTOSHARES_BASEURL": "https://staging.example.com/api"}, nil,
			[]string{"AUTOSHARES_BASEURL is set in the environment but is not a setting", "did you mean AUTOSHARES_BASE_URL?"}},
		{"app key without base URL", map[string]string{"AUTOSHARES_APP_KEY": "k-0123456789-secret"}, nil,
			[]string{"AUTOSHARES_APP_KEY set, but AUTOSHARES_BASE_URL is not", "embedded reference provider"}},
		{"missing config file, named from where it ran", map[string]string{"AUTOSHARES_CONFIG": "staging.local.json"}, nil,
			[]string{"AUTOSHARES_CONFIG: cannot read", "/staging.local.json"}},
		{"stray argument", nil, []string{"step4"}, []string{"unexpected argument", "Ginkgo flags go after --"}},
		{"bad procs", map[string]string{"AUTOSHARES_PROCS": "lots"}, nil, []string{"AUTOSHARES_PROCS: \"lots\" is not auto or a whole number"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runBinary(t, c.env, c.args...)
			if r.code != 2 {
				t.Errorf("exit code %d, want 2", r.code)
			}
			for _, w := range c.wants {
				if !strings.Contains(r.output, w) {
					t.Errorf("output lacks %q:\n%s", w, r.output)
				}
			}
			for _, noise := range []string{"Running in", "Running Suite", "panic", "goroutine ", "k-0123456789-secret"} {
				if strings.Contains(r.output, noise) {
					t.Errorf("output has %q:\n%s", noise, r.output)
				}
			}
			if c.name == "missing config file, named from where it ran" && !strings.Contains(r.output, r.dir) {
				t.Errorf("the config path is not resolved from %s:\n%s", r.dir, r.output)
			}
		})
	}
}

// A configuration file named relative to where the binary ran, and the mail token
// source's test traders deciding how many processes run.
func TestReleaseBinaryConfigFileAndTraderLimitedProcs(t *testing.T) {
	t.Parallel()
	suffix := strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
	traders := []refprovider.Trader{
		{User: "ann-" + suffix, Email: "ann-" + suffix + "@traders.example.test", Password: "Ann-Passw0rd-1"},
		{User: "bob-" + suffix, Email: "bob-" + suffix + "@traders.example.test", Password: "Bob-Passw0rd-1",
			SecretQuestion: "What street did you live on in third grade?", SecretQuestionAnswer: "Peterson"},
		{User: "cy-" + suffix, Email: "cy-" + suffix + "@traders.example.test", Password: "Cy-Passw0rd-1"},
		{User: "dee-" + suffix, Email: "dee-" + suffix + "@traders.example.test", Password: "Dee-Passw0rd-1",
			SecretQuestion: "What street did you live on in third grade?", SecretQuestionAnswer: "Elm"},
	}
	p, key := startProvider(t, refprovider.Options{Traders: traders}) // no state endpoint
	settings := targetEnv(p, key)
	settings["AUTOSHARES_TEST_TRADERS"] = testTraders(traders)
	delete(settings, "AUTOSHARES_TOKEN_LIFETIME")                    // not asked for: no spec waits it out
	settings["AUTOSHARES_ALLOW_SKIPS"] = "true"                      // the mail flow cannot make expired tokens and codes
	settings["AUTOSHARES_PROCS"] = strconv.Itoa(config.DefaultProcs) // more than the traders serve
	file := map[string]any{}
	for k, v := range settings {
		file[k] = v
	}
	data, _ := json.Marshal(file)

	// The binary runs in a directory holding only the file.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "staging.local.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	r := runBinaryIn(t, dir, map[string]string{"AUTOSHARES_CONFIG": "staging.local.json"}, "--labels", "step4 && !slow")
	if r.code != 0 {
		t.Fatalf("exit code %d, want 0\n%s", r.code, r.output)
	}
	if !strings.Contains(r.output, fmt.Sprintf("Processes: 2 (%d asked for", config.DefaultProcs)) || !strings.Contains(r.output, "Running in parallel across 2 processes") {
		t.Errorf("want 2 processes, and why:\n%s", r.output)
	}
	if _, err := os.Stat(filepath.Join(dir, "reports", results.JSONFile)); err != nil {
		t.Errorf("the default report directory is not under where the binary ran: %v", err)
	}
	for _, s := range []string{"Peterson", "Elm", "Passw0rd"} {
		if strings.Contains(r.output, s) {
			t.Errorf("a test trader's secret (%s) appears in the output", s)
		}
	}
}

// The release binary alone, from an empty directory with no settings at all: the embedded
// provider, its mail through the Mailpit the binary carries, the whole default catalogue,
// nothing skipped.
func TestReleaseBinaryAloneRunsEverythingWithItsOwnMailbox(t *testing.T) {
	t.Parallel()
	r := runBinary(t, nil)
	if r.code != 0 {
		t.Fatalf("exit code %d, want 0\n%s", r.code, r.output)
	}
	ran := 0
	for _, s := range specReports(t, filepath.Join(r.dir, "reports")) {
		if s.LeafNodeType != types.NodeTypeIt {
			continue
		}
		if s.State == types.SpecStateSkipped && !slices.Contains(s.Labels(), "slow") {
			t.Errorf("skipped: %s: %s", s.FullText(), s.Failure.Message)
		}
		if s.State == types.SpecStatePassed && slices.Contains(s.Labels(), "mail") {
			ran++
		}
	}
	if ran == 0 {
		t.Errorf("no mail spec passed: the binary's own Mailpit did not serve the embedded provider\n%s", r.output)
	}
}
