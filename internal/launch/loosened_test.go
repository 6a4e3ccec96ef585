package launch

import (
	"bytes"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/config"
)

// An error case expecting a success status is a mistake in the settings: exit 2 before
// any spec, naming the setting.
func TestAnErrorCaseExpectingASuccessIsRefused(t *testing.T) {
	t.Setenv("AUTOSHARES_EXPECT_MISMATCH_STATUS", "200")
	var out, errs bytes.Buffer
	code := Run(Options{Suite: "/nonexistent/passwordreset.test", Stdout: &out, Stderr: &errs})
	if code != ExitUsage || !strings.Contains(errs.String(), "AUTOSHARES_EXPECT_MISMATCH_STATUS") || !strings.Contains(errs.String(), "No spec was run") {
		t.Errorf("exit %d, stderr %q; want exit 2 naming the setting", code, errs.String())
	}
}

func TestLoosenedSettingsAreNamedBeforeTheRun(t *testing.T) {
	cfg, err := config.Load(func(k string) string { return map[string]string{"AUTOSHARES_GENERATED_CASES": "5"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	if got := Loosened(cfg); !strings.Contains(got, `AUTOSHARES_GENERATED_CASES="5" (default "50")`) {
		t.Errorf("Loosened = %q", got)
	}
	def, _ := config.Load(func(string) string { return "" })
	if got := Loosened(def); got != "" {
		t.Errorf("the defaults loosen: %q", got)
	}
}
