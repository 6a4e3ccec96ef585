package launch

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// List prints the specs a run with o's label filter would select, each with the check IDs
// it applies, without running any of them: the compiled suite runs once, as Ginkgo's dry
// run, and writes the listing instead of reports (its -autoshares.list flag). A listing is
// not a run: no request is sent, no report or pact is written. It returns the exit code.
func List(o Options) int {
	dir, err := os.MkdirTemp("", "autoshares-list-")
	if err != nil {
		fmt.Fprintf(o.Stderr, "autoshares-conformance: %v\n", err)
		return ExitFailed
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "list.txt")
	args := []string{"-autoshares.list=" + out, "-ginkgo.no-color", "-ginkgo.silence-skips"}
	if o.Labels != "" {
		args = append(args, "-ginkgo.label-filter="+o.Labels)
	}
	cmd := exec.Command(o.Suite, args...)
	var talk bytes.Buffer
	cmd.Stdout, cmd.Stderr = &talk, &talk
	if err := cmd.Run(); err != nil {
		// The suite says what went wrong (a label filter it cannot parse, ...).
		o.Stderr.Write(talk.Bytes())
		fmt.Fprintf(o.Stderr, "autoshares-conformance: listing the specs failed: %v\n", err)
		return ExitFailed
	}
	b, err := os.ReadFile(out)
	if err != nil {
		fmt.Fprintf(o.Stderr, "autoshares-conformance: the suite wrote no listing: %v\n", err)
		return ExitFailed
	}
	o.Stdout.Write(b)
	return ExitPassed
}

// dryRunAsked reports whether Ginkgo's flags ask for a dry run, which runs no spec, sends
// nothing and so proves nothing: the launcher offers the listing instead.
func dryRunAsked(ginkgoArgs []string) bool {
	for _, a := range ginkgoArgs {
		name, val, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if (name == "dry-run" || name == "dryRun") && val != "false" {
			return true
		}
	}
	return false
}

// DryRunRefused is what the launcher says to a dry run.
const DryRunRefused = "A dry run (--dry-run) sends no request, so it would prove nothing: it is not a run. " +
	"To see which specs and checks a run would apply, list them: autoshares-conformance --list (make conformance LIST=1)."
