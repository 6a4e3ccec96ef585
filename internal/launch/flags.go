package launch

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/onsi/ginkgo/v2/ginkgo/run"
)

// retryFlags are Ginkgo's flags that run a spec more than once: a check that fails one time
// in three would end as a plain pass, and no report says a spec was retried.
var retryFlags = []string{"flake-attempts", "flakeAttempts", "repeat", "until-it-fails", "untilItFails", "must-pass-repeatedly", "mustPassRepeatedly"}

// retryAsked is the first of Ginkgo's retry flags among the flags for Ginkgo, or "". A
// retry flag set to its off value (0, false) is no retry.
func retryAsked(ginkgoArgs []string) string {
	for _, a := range ginkgoArgs {
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		for _, r := range retryFlags {
			if name == r && !(hasVal && (val == "0" || val == "false")) {
				return a
			}
		}
	}
	return ""
}

// IsRetryFlag reports whether name (without dashes or value) is one of Ginkgo's retry flags.
func IsRetryFlag(name string) bool { return retryAsked([]string{"--" + name}) != "" }

// RetryRefused is what the launcher says to a retry flag.
func RetryRefused(flag string) string {
	return fmt.Sprintf("autoshares-conformance: %s is refused: Ginkgo's retry flags (--flake-attempts, --repeat, --until-it-fails, "+
		"--must-pass-repeatedly) run a spec until it passes or again and again, so a check that fails one time in three "+
		"would read as a plain pass and no report would say a spec was retried. Run the suite again instead: each run's "+
		"verdict stands on its own.\nNo spec was run.", flag)
}

// IsGinkgoFlag reports whether name (without dashes or value) is a flag of Ginkgo's run
// command, for the hint to pass it after --.
func IsGinkgoFlag(name string) bool {
	return name != "" && run.BuildRunCommand().Flags.Lookup(name) != nil
}

// colorless says whether Ginkgo should print without ANSI colours: when NO_COLOR is set
// (the no-color.org convention) or the output is not a terminal (a pipe, a file, a CI log).
func colorless(stdout *os.File) bool {
	return os.Getenv("NO_COLOR") != "" || !isTerminal(stdout)
}

// isTerminal reports whether f is a character device, as a terminal is.
func isTerminal(f *os.File) bool {
	if f == nil {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// ginkgoArgs is the command line of Ginkgo's run command for the run. Ginkgo's default
// verbosity prints a dot for a passing spec and the whole report of a failed one; the
// suite's own verdict comes after (printVerdict).
func ginkgoArgs(o Options, procs int, noColor bool) []string {
	args := []string{"autoshares-conformance", "run", "--randomize-all", "--procs=" + strconv.Itoa(procs)}
	if noColor {
		args = append(args, "--no-color")
	}
	if o.Labels != "" {
		args = append(args, "--label-filter="+o.Labels)
	}
	args = append(args, o.GinkgoArgs...)
	return append(args, o.Suite)
}

// ginkgoFlagMistake is what is wrong with the flags for Ginkgo's run command (an unknown
// flag, a malformed value), checked before anything starts so that it is a mistake in the
// flags (exit 2), not a failed run; or "".
func ginkgoFlagMistake(ginkgoArgs []string) string {
	if _, err := run.BuildRunCommand().Flags.Parse(ginkgoArgs); err != nil {
		return fmt.Sprintf("autoshares-conformance: the flags after -- are for Ginkgo's run command: %v\nNo spec was run.", err)
	}
	return ""
}
