//go:build linux

package launch

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

var fakeSuite struct {
	once sync.Once
	path string
	err  error
}

// fake compiles testdata/fakesuite once: a Ginkgo suite with passing specs (one with a
// report entry) and one that fails when FAKESUITE_FAIL is set.
func fake(t *testing.T) string {
	t.Helper()
	fakeSuite.once.Do(func() {
		dir, err := os.MkdirTemp("", "launch-fake-")
		if err != nil {
			fakeSuite.err = err
			return
		}
		fakeSuite.path = filepath.Join(dir, "fake.test")
		out, err := exec.Command("go", "test", "-c", "-o", fakeSuite.path, "./testdata/fakesuite").CombinedOutput()
		if err != nil {
			fakeSuite.err = &buildError{err, out}
		}
	})
	if fakeSuite.err != nil {
		t.Fatal(fakeSuite.err)
	}
	return fakeSuite.path
}

type buildError struct {
	err error
	out []byte
}

func (b *buildError) Error() string { return b.err.Error() + "\n" + string(b.out) }

// runFake runs the launcher on the fake suite with fd 1 (where Ginkgo writes) sent to a
// file, as a pipe or a CI log would be, and returns the exit code and everything printed.
func runFake(t *testing.T, env map[string]string, ginkgo ...string) (int, string, string) {
	t.Helper()
	suite := fake(t)
	t.Setenv("AUTOSHARES_REPORT_DIR", t.TempDir())
	t.Setenv("NO_COLOR", "")
	for k, v := range env {
		t.Setenv(k, v)
	}
	out, err := os.Create(filepath.Join(t.TempDir(), "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	// Ginkgo's CLI and the suite's processes write to fd 1 itself.
	saved, err := syscall.Dup(1)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Dup3(int(out.Fd()), 1, 0); err != nil {
		t.Fatal(err)
	}
	savedStdout := os.Stdout
	os.Stdout = out
	var stderr bytes.Buffer
	code := Run(Options{Suite: suite, Procs: 2, GinkgoArgs: ginkgo, Stdout: out, Stderr: &stderr})
	os.Stdout = savedStdout
	syscall.Dup3(saved, 1, 0)
	syscall.Close(saved)
	b, _ := os.ReadFile(out.Name())
	return code, string(b), stderr.String()
}

// Ginkgo's output is left as Ginkgo wrote it, without colour when it goes to a file, with
// no report entry of a passing spec; the suite's verdict (verdict.txt) comes after it.
func TestTheVerdictFollowsGinkgosOwnOutput(t *testing.T) {
	code, out, errOut := runFake(t, map[string]string{"FAKESUITE_VERDICT": "VERDICT-FROM-THE-REPORT-WRITER\n"})
	if code != ExitPassed {
		t.Fatalf("exit %d, want 0\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("colours in output that is not a terminal:\n%q", out)
	}
	if strings.Contains(out, "entry-of-a-passing-spec") {
		t.Errorf("a passing spec's report entry is shown:\n%s", out)
	}
	ran, verdict := strings.Index(out, "Ran 3 of 3 Specs"), strings.Index(out, "VERDICT-FROM-THE-REPORT-WRITER")
	if ran < 0 || verdict < ran || !strings.Contains(out, "SUCCESS!") {
		t.Errorf("want Ginkgo's own ending, then the verdict:\n%s", out)
	}
}

func TestAFailedSpecExitsOneAndSaysSoWithoutAVerdictFile(t *testing.T) {
	code, out, errOut := runFake(t, map[string]string{"FAKESUITE_FAIL": "1"})
	if code != ExitFailed {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "asked to fail") || !strings.Contains(out, "FAIL!") {
		t.Errorf("want Ginkgo's failure report:\n%s", out)
	}
	if !strings.HasSuffix(out, "Verdict: FAILED (Ginkgo's exit status 1; the suite wrote no summary: see Ginkgo's output above).\n") {
		t.Errorf("want the verdict from the exit status last:\n%s", out)
	}
}

// A failed setup: Ginkgo's own report of it (every process's echo included, no colour),
// then the verdict, then the reason with its fix, last.
func TestAFailedSetupEndsWithItsReasonAfterTheVerdict(t *testing.T) {
	code, out, errOut := runFake(t, map[string]string{"FAKESUITE_SETUP_FAIL": "1", "FAKESUITE_VERDICT": "VERDICT\n"})
	if code != ExitFailed {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("colours in output that is not a terminal:\n%q", out)
	}
	if !strings.Contains(out, "failed on Ginkgo parallel process #1") {
		t.Errorf("Ginkgo's own output was changed:\n%s", out)
	}
}
