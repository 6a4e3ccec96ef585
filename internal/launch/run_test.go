package launch

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/results"
)

// Ginkgo's retry flags, and flags Ginkgo does not know, are mistakes: exit 2, nothing run.
func TestRetryAndUnknownGinkgoFlagsExitTwo(t *testing.T) {
	for _, args := range [][]string{{"--flake-attempts=3"}, {"--repeat", "2"}, {"--until-it-fails"}, {"-must-pass-repeatedly=2"},
		{"--flakeAttempts=2"}, {"--no-such-flag"}, {"--procs=x"}} {
		var out, errOut bytes.Buffer
		code := Run(Options{Suite: "/nonexistent/never-started.test", GinkgoArgs: args, Stdout: &out, Stderr: &errOut})
		if code != ExitUsage || out.Len() != 0 || !strings.Contains(errOut.String(), "No spec was run.") {
			t.Errorf("%q: exit %d, want 2 with nothing started\nstdout: %s\nstderr: %s", args, code, out.String(), errOut.String())
		}
		if strings.Contains(args[0], "lake") || strings.Contains(args[0], "repeat") || strings.Contains(args[0], "until") {
			if !strings.Contains(errOut.String(), "retry flags") {
				t.Errorf("%q: the refusal does not say why:\n%s", args, errOut.String())
			}
		}
	}
	for _, off := range []string{"--flake-attempts=0", "--until-it-fails=false", "--fail-fast", "-v"} {
		if f := retryAsked([]string{off}); f != "" {
			t.Errorf("%s is no retry, refused as %q", off, f)
		}
	}
}

func TestNoColourUnlessTheOutputIsATerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	t.Setenv("NO_COLOR", "")
	if !colorless(w) {
		t.Error("a pipe counts as a terminal")
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		if colorless(tty) {
			t.Error("a terminal gets no colour")
		}
		t.Setenv("NO_COLOR", "1")
		if !colorless(tty) {
			t.Error("NO_COLOR is not honoured")
		}
	}
	args := strings.Join(ginkgoArgs(Options{Suite: "s.test", Labels: "step4", GinkgoArgs: []string{"--fail-fast"}}, 3, true), " ")
	if args != "autoshares-conformance run --randomize-all --procs=3 --no-color --label-filter=step4 --fail-fast s.test" {
		t.Errorf("Ginkgo's command line: %s", args)
	}
}

func TestTheVerdictIsThisRunsOnly(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-time.Hour)
	os.WriteFile(filepath.Join(dir, VerdictFile), []byte("AN EARLIER RUN'S VERDICT\n"), 0o644)
	os.Chtimes(filepath.Join(dir, VerdictFile), old, old)
	sum := `{"succeeded": false, "counts": {"specs": 3, "run": 3, "passed": 3},
		"specs": [{"node": "SynchronizedBeforeSuite", "status": "` + results.StatusFailed + `", "reason": "the key was refused"}]}`
	os.WriteFile(filepath.Join(dir, results.SummaryFile), []byte(sum), 0o644)
	var out bytes.Buffer
	// Every spec passed (Ginkgo exits 0) but the suite's verdict failed: the run fails.
	if code := printVerdict(&out, dir, time.Now().Add(-time.Minute), ExitPassed); code != ExitFailed {
		t.Errorf("exit %d, want 1", code)
	}
	got := out.String()
	if strings.Contains(got, "EARLIER") || !strings.Contains(got, "Verdict: FAILED. Specs: 3 run (3 passed, 0 failed)") ||
		!strings.Contains(got, "the key was refused") {
		t.Errorf("want this run's summary, not an earlier verdict:\n%s", got)
	}
	out.Reset()
	if code := printVerdict(&out, t.TempDir(), time.Now(), ExitPassed); code != ExitPassed || !strings.Contains(out.String(), "Verdict: PASSED") {
		t.Errorf("no reports, exit 0: %d %s", code, out.String())
	}
}

// verdict.txt as written, then a failed setup's reason and fix, last.
func TestASetupFailuresReasonFollowsTheVerdictFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, VerdictFile), []byte("Specs: 0 run, 1 setup failure(s)\n"), 0o644)
	sum := `{"succeeded": false, "specs": [{"node": "SynchronizedBeforeSuite", "status": "` + results.StatusFailed +
		`", "reason": "the key was refused\nSet AUTOSHARES_APP_KEY."}]}`
	os.WriteFile(filepath.Join(dir, results.SummaryFile), []byte(sum), 0o644)
	var out bytes.Buffer
	if code := printVerdict(&out, dir, time.Now().Add(-time.Minute), ExitFailed); code != ExitFailed {
		t.Errorf("exit %d", code)
	}
	if want := "\nSpecs: 0 run, 1 setup failure(s)\n\nThe run stopped before any spec ran:\nthe key was refused\nSet AUTOSHARES_APP_KEY.\n"; out.String() != want {
		t.Errorf("got\n%q\nwant\n%q", out.String(), want)
	}
}
