package launch

import (
	"bytes"
	"strings"
	"testing"
)

// A dry run passes every spec without sending a request: the launcher refuses it, exit 2,
// naming the listing instead, and starts nothing.
func TestADryRunIsRefusedWithTheListingOffered(t *testing.T) {
	for _, flags := range [][]string{{"--dry-run"}, {"-dry-run"}, {"--dryRun=true"}, {"-v", "--dry-run"}} {
		var out, errs bytes.Buffer
		code := Run(Options{Suite: "/nonexistent/passwordreset.test", GinkgoArgs: flags, Stdout: &out, Stderr: &errs})
		if code != ExitUsage || !strings.Contains(errs.String(), "--list") || out.Len() > 0 {
			t.Errorf("%v: exit %d, stderr %q, stdout %q; want exit 2 offering --list and nothing started", flags, code, errs.String(), out.String())
		}
	}
	if dryRunAsked([]string{"--dry-run=false", "--fail-fast"}) {
		t.Error("--dry-run=false taken for a dry run")
	}
}
