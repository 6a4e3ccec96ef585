package selftest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	oc "github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/suite"
)

// rerunLine is the re-run command of a failure's reproduction block.
var rerunLine = regexp.MustCompile(`(?m)^  (AUTOSHARES_SEED=\d+ autoshares-conformance --labels '[^'\n]+')$`)

// Every failure carries a re-run command and a curl command with no secret in them, in the
// console, report.html and JUnit; the re-run command, run as printed, fails the same check.
func TestEveryFailureCarriesItsReproduction(t *testing.T) {
	t.Parallel()
	fault, broken := faultInOneProfile()
	p, key := startProvider(t, refprovider.Options{TestMode: true, Faults: []string{fault}})
	env := targetEnv(p, key)
	delete(env, "AUTOSHARES_SEED") // a drawn seed: the printed one must replay it
	o := runSuite(t, env, "-ginkgo.label-filter=!slow")
	var first *oc.Record
	for _, s := range o.specs {
		if !s.State.Is(types.SpecStateFailureStates) {
			continue
		}
		failures := o.inState(s, oc.Failed)
		if len(failures) == 0 {
			t.Errorf("the spec %q failed outside any check: %s", s.Text, firstLines(s.Failure, 6))
		}
		for i, r := range failures {
			if first == nil {
				first = &failures[i]
			}
			repro := r.Reproduction
			if !rerunLine.MatchString(repro) || !strings.Contains(repro, "curl -sS") || !strings.Contains(s.Failure, suite.ReproduceMark+repro) {
				t.Errorf("the failure of %s in %q has no reproduction, or the failure message does not show it:\n%s", r.Check, s.Text, repro)
			}
			if !strings.Contains(repro, `-H 'Et-App-Key: '"$AUTOSHARES_APP_KEY"`) || strings.Contains(repro, key) {
				t.Errorf("the curl command of %s in %q must send the app key as $AUTOSHARES_APP_KEY:\n%s", r.Check, s.Text, repro)
			}
		}
	}
	if first == nil {
		t.Fatalf("fault %s failed no check", fault)
	}
	html, _ := os.ReadFile(filepath.Join(o.reports, "report.html"))
	junit, _ := os.ReadFile(filepath.Join(o.reports, "junit.xml"))
	for name, text := range map[string]string{"console": o.output, "report.html": string(html), "junit.xml": string(junit)} {
		if !strings.Contains(text, "autoshares-conformance --labels") || !strings.Contains(text, "curl -sS") {
			t.Errorf("the %s does not carry the reproduction", name)
		}
		if strings.Contains(text, key) {
			t.Errorf("the %s holds the app key", name)
		}
	}

	// Run the printed command as printed, the launcher standing in for the release binary.
	t.Logf("the first failure's reproduction:\n%s", first.Reproduction)
	cmdLine := rerunLine.FindStringSubmatch(first.Reproduction)[1]
	failedCheck := first.Check
	out := runPrinted(t, cmdLine, env)
	if !strings.Contains(out, "["+failedCheck+"]") || !strings.Contains(out, "FAIL") {
		t.Errorf("%s (against fault %s, which breaks %v) did not fail %s again:\n%s", cmdLine, fault, broken, failedCheck, out)
	}
}

// runPrinted runs a printed command line with sh, where autoshares-conformance is the
// launcher given the compiled suite.
func runPrinted(t *testing.T, line string, env map[string]string) string {
	t.Helper()
	bin := t.TempDir()
	launcher := filepath.Join(bin, "launcher")
	build := exec.Command("go", "build", "-o", launcher, "./cmd/autoshares-conformance")
	build.Dir = moduleRoot()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the launcher: %v\n%s", err, out)
	}
	wrapper := fmt.Sprintf("#!/bin/sh\nexec %q --suite %q --procs 2 \"$@\"\n", launcher, compiledSuite(t))
	if err := os.WriteFile(filepath.Join(bin, "autoshares-conformance"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", line)
	cmd.Dir = t.TempDir()
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AUTOSHARES_") && !strings.HasPrefix(kv, "PATH=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "AUTOSHARES_REPORT_DIR="+t.TempDir(), "NO_COLOR=1")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Errorf("%s passed", line)
	}
	return string(out)
}
