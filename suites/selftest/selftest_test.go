// Package selftest proves the conformance suite detects what it claims to: it runs the
// compiled suite against the reference provider with each fault switch on and asserts
// that the specs guarding that behaviour fail (and that all pass without faults), and
// against bad targets and configurations, asserting one clear failure.
package selftest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/report"
)

var (
	buildOnce sync.Once
	suiteBin  string
	buildErr  error
)

// compiledSuite builds the password reset suite once per test binary. Without -race:
// the race detector already runs the suite itself elsewhere in `make test`, and here
// speed matters because the suite runs once per fault.
func compiledSuite(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "selftest-bin-")
		if err != nil {
			buildErr = err
			return
		}
		suiteBin = filepath.Join(dir, "passwordreset.test")
		cmd := exec.Command("go", "test", "-c", "-o", suiteBin, "./suites/passwordreset")
		cmd.Dir = moduleRoot()
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("building the suite: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return suiteBin
}

func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// outcome is what one run of the suite produced.
type outcome struct {
	exitErr error
	output  string
	failed  []string // leaf texts of failed specs, and "[BeforeSuite]" for a suite-level failure
	passed  []string
	skipped []string
	reports string
}

// runSuite runs the compiled suite with the given settings (and nothing from the caller's
// AUTOSHARES_* environment), bounded in time.
func runSuite(t *testing.T, env map[string]string, args ...string) outcome {
	t.Helper()
	bin := compiledSuite(t)
	reports := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"-ginkgo.no-color"}, args...)...)
	cmd.Dir = t.TempDir()
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AUTOSHARES_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "AUTOSHARES_REPORT_DIR="+reports)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	o := outcome{exitErr: err, output: string(out), reports: reports}
	data, rerr := os.ReadFile(filepath.Join(reports, report.JSONFile))
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
		switch {
		case s.State.Is(types.SpecStateFailureStates):
			o.failed = append(o.failed, name)
		case s.State == types.SpecStatePassed && s.LeafNodeType == types.NodeTypeIt:
			o.passed = append(o.passed, name)
		case s.State == types.SpecStateSkipped && s.LeafNodeType == types.NodeTypeIt:
			o.skipped = append(o.skipped, name)
		}
	}
	return o
}

// startProvider runs the reference provider on loopback for one test.
func startProvider(t *testing.T, faults ...string) (*refprovider.Running, string) {
	t.Helper()
	key := "selftest-app-key-" + strings.ReplaceAll(t.Name(), "/", "-")
	p, err := refprovider.Start(context.Background(), refprovider.Options{AppKey: key, TestMode: true, Faults: faults}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p, key
}

func targetEnv(p *refprovider.Running, key string) map[string]string {
	return map[string]string{"AUTOSHARES_BASE_URL": p.BaseURL, "AUTOSHARES_APP_KEY": key, "AUTOSHARES_STATE_URL": p.StateURL}
}

func containsAny(list []string, sub string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.Contains(s, sub) })
}
