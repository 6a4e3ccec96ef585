package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/launch"
)

// A Ginkgo flag given to the launcher directly gets the hint to pass it after --.
func TestAGinkgoFlagGivenDirectlyIsShownAfterDashDash(t *testing.T) {
	for arg, want := range map[string]string{
		"--fail-fast":        "pass Ginkgo flags after --: -- --fail-fast",
		"-v":                 "pass Ginkgo flags after --: -- -v",
		"--focus=login":      "pass Ginkgo flags after --: -- --focus=login",
		"--flake-attempts=2": "--flake-attempts=2 is refused: Ginkgo's retry flags",
	} {
		var out, errOut bytes.Buffer
		if code := run([]string{arg}, &out, &errOut); code != launch.ExitUsage || !strings.Contains(errOut.String(), want) {
			t.Errorf("%s: exit %d, want 2 and %q:\n%s", arg, code, want, errOut.String())
		}
	}
}

// A user with only the binary gets the check list and the documents from it.
func TestChecksAndDocsAreInsideTheBinary(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"--checks"}, &out, &errOut); code != launch.ExitPassed {
		t.Fatalf("--checks: exit %d\n%s", code, errOut.String())
	}
	cat := catalogue.MustDefault()
	for _, c := range cat.Checks {
		if !strings.Contains(out.String(), c.ID+" ") {
			t.Errorf("--checks lacks %s", c.ID)
		}
	}
	out.Reset()
	if code := run([]string{"--docs"}, &out, &errOut); code != launch.ExitPassed {
		t.Fatalf("--docs: exit %d\n%s", code, errOut.String())
	}
	for _, name := range []string{"README", "RUNNING", "CHECKS", "REPORTS"} {
		if !strings.Contains(out.String(), "  "+name+" ") {
			t.Errorf("--docs does not list %s:\n%s", name, out.String())
		}
	}
	for arg, want := range map[string]string{"--docs=RUNNING": "# Running", "--docs=readme": "# AutoShares", "--docs=CHECKS.md": "# Conformance checks"} {
		out.Reset()
		if code := run([]string{arg}, &out, &errOut); code != launch.ExitPassed || !strings.HasPrefix(out.String(), want) {
			t.Errorf("%s: exit %d, starts %.40q", arg, code, out.String())
		}
	}
	errOut.Reset()
	if code := run([]string{"--docs=runing"}, &out, &errOut); code != launch.ExitUsage || !strings.Contains(errOut.String(), "did you mean --docs=RUNNING?") {
		t.Errorf("a misspelt document: exit %d\n%s", code, errOut.String())
	}
	// The hints name the flags, not files of a source tree the user may not have.
	var help bytes.Buffer
	run([]string{"--help"}, &help, &errOut)
	for _, want := range []string{"--checks", "--docs"} {
		if !strings.Contains(help.String(), want) {
			t.Errorf("--help lacks %s", want)
		}
	}
	errOut.Reset()
	run([]string{"--labels", "stpe4", "--suite", "/nonexistent.test"}, &out, &errOut)
	if !strings.Contains(errOut.String(), "autoshares-conformance --checks lists the check IDs") {
		t.Errorf("a label mistake does not point at --checks:\n%s", errOut.String())
	}
}
