package selftest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/results"
)

// launcher builds the launcher of `make conformance` (the release binary without the
// suite inside: it is given the compiled suite with --suite).
func launcher(t *testing.T) string {
	t.Helper()
	return launcherBuild.get(t, "the launcher", "autoshares-conformance", "build", "./cmd/autoshares-conformance")
}

// A failed preflight under the default (auto) process count ends with the suite's verdict after
// Ginkgo's own output (which the launcher leaves as Ginkgo wrote it): the reason and its fix
// last, with closing counts that are the suite's own (a filtered-out spec is not "skipped").
func TestAFailedPreflightIsOneFailureLast(t *testing.T) {
	t.Parallel()
	p, _ := startProvider(t, refprovider.Options{TestMode: true})
	env := targetEnv(p, "")
	env["AUTOSHARES_APP_KEY"] = "not-the-key-0123456789"
	reports := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, launcher(t), "--suite", compiledSuite(t))
	cmd.Dir = t.TempDir()
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AUTOSHARES_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "NO_COLOR=1", "AUTOSHARES_REPORT_DIR="+reports)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	raw, err := cmd.CombinedOutput()
	out := string(raw)
	if err == nil {
		t.Fatalf("a wrong app key passed:\n%s", out)
	}
	if !strings.Contains(out, "Processes: ") || !strings.Contains(out, "(auto: the target answered in ") {
		t.Fatalf("not the default process count, picked from the target's answer time, and how:\n%s", out)
	}
	const reason = "rejected AUTOSHARES_APP_KEY"
	if !strings.Contains(out, reason) {
		t.Errorf("the reason is not printed:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := strings.Join(lines[max(0, len(lines)-4):], "\n")
	if !strings.Contains(last, "Set AUTOSHARES_APP_KEY") {
		t.Errorf("the fix is not the last thing printed; the end is:\n%s", last)
	}
	for _, noise := range []string{"not-the-key-0123456789"} {
		if strings.Contains(out, noise) {
			t.Errorf("the output has %q:\n%s", noise, out)
		}
	}
	var sum results.Summary
	js, err := os.ReadFile(filepath.Join(reports, results.SummaryFile))
	if err != nil || json.Unmarshal(js, &sum) != nil {
		t.Fatalf("summary.json: %v", err)
	}
	if sum.Counts.SetupFailures != 1 {
		t.Errorf("summary.json counts %d setup failures, want 1", sum.Counts.SetupFailures)
	}
	c := sum.Counts
	if want := fmt.Sprintf("%d skipped, %d filtered out, %d not run, of %d", c.Skipped, c.Filtered, c.NotRun, c.Specs); !strings.Contains(last+"\n"+out, want) {
		t.Errorf("the closing counts are not the suite's (%q):\n%s", want, out)
	}
}
