package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/launch"
)

// Flag and label mistakes exit 2 before anything starts, naming the nearest name.
func TestFlagAndLabelMistakesExitTwoWithTheNearestName(t *testing.T) {
	never := filepath.Join(t.TempDir(), "never-started.test")
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"--label":        {[]string{"--label", "step4"}, "there is no flag --label; did you mean --labels?"},
		"--proc":         {[]string{"--proc=2"}, "did you mean --procs?"},
		"--procs 0":      {[]string{"--procs", "0", "--suite", never}, "--procs 0 is not from 1 to"},
		"--procs -1":     {[]string{"--procs=-1", "--suite", never}, "--procs -1 is not from 1 to"},
		"a typo":         {[]string{"--labels", "stpe4", "--suite", never}, `no spec has the label "stpe4"; did you mean "step4"?`},
		"a broken label": {[]string{"--labels", "step4 &&", "--suite", never}, "does not parse"},
	} {
		t.Run(name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(tc.args, &out, &errOut); code != launch.ExitUsage {
				t.Errorf("exit %d, want %d\n%s", code, launch.ExitUsage, errOut.String())
			}
			if !strings.Contains(errOut.String(), tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, errOut.String())
			}
			if out.Len() != 0 {
				t.Errorf("something started:\n%s", out.String())
			}
		})
	}
}

// An AUTOSHARES_COMPARE_WITH that is no summary.json is a settings mistake: exit 2.
func TestAnUnreadableComparisonIsAUsageError(t *testing.T) {
	never := filepath.Join(t.TempDir(), "never-started.test")
	for name, path := range map[string]string{"missing": filepath.Join(t.TempDir(), "nope.json"), "not a summary": writeFile(t, `{"a": 1}`)} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("AUTOSHARES_COMPARE_WITH", path)
			var out, errOut bytes.Buffer
			if code := run([]string{"--suite", never}, &out, &errOut); code != launch.ExitUsage || !strings.Contains(errOut.String(), "AUTOSHARES_COMPARE_WITH") {
				t.Errorf("exit %d, want %d naming AUTOSHARES_COMPARE_WITH:\n%s", code, launch.ExitUsage, errOut.String())
			}
		})
	}
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "summary.json")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
