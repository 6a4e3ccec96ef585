package launch

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/config"
)

// A known-deviations file with an expired entry and an unknown check is a settings mistake:
// exit 2 before anything starts, every problem named.
func TestABadKnownDeviationsFileIsAUsageError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "deviations.json")
	os.WriteFile(path, []byte(`{"deviations": [
		{"check": "step4.no-such-check", "reason": "r", "ticket": "T-1", "failure": {"status": 500, "kinds": ["status"]}, "expires": "2099-01-01"},
		{"check": "api.no-redirect", "reason": "r", "ticket": "T-2", "failure": {"status": 500, "kinds": ["status"]}, "expires": "2020-01-01"}
	]}`), 0o644)
	t.Setenv("AUTOSHARES_KNOWN_DEVIATIONS", path)
	var out, errOut bytes.Buffer
	code := Run(Options{Suite: filepath.Join(t.TempDir(), "never-started.test"), Stdout: &out, Stderr: &errOut})
	if code != ExitUsage {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, ExitUsage, errOut.String())
	}
	for _, want := range []string{"step4.no-such-check", "no check has this ID", "expired on 2020-01-01", "an every-exchange check cannot be a known deviation", "No spec was run"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr does not say %q:\n%s", want, errOut.String())
		}
	}
}

// The launcher tells the suite's processes its name, for the re-run command of a failure;
// a name the Makefile set stays.
func TestTheLauncherPassesItsName(t *testing.T) {
	t.Setenv("AUTOSHARES_KNOWN_DEVIATIONS", filepath.Join(t.TempDir(), "missing.json")) // stop before anything starts
	for set, want := range map[string]string{"": filepath.Base(os.Args[0]), "make conformance": "make conformance"} {
		t.Setenv(config.InvokedAsEnv, set)
		var out, errOut bytes.Buffer
		Run(Options{Suite: filepath.Join(t.TempDir(), "never-started.test"), Stdout: &out, Stderr: &errOut})
		if got := os.Getenv(config.InvokedAsEnv); got != want {
			t.Errorf("set %q: %s = %q, want %q", set, config.InvokedAsEnv, got, want)
		}
	}
}
