// Package launch runs the compiled conformance suite the way `make conformance` and the
// release binary both do: settings checked first (one message, nothing started), the
// target and token sources printed at the start, then the suite under Ginkgo's own CLI
// run command, in parallel by default.
//
// Why Ginkgo's CLI, imported as a library: a parallel Ginkgo run needs the CLI as the
// coordinating server of its processes (that server is internal to Ginkgo). Its run
// command accepts a precompiled `.test` file and then needs no Go toolchain: it only
// starts that file, once per process.
package launch

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/onsi/ginkgo/v2/ginkgo/command"
	"github.com/onsi/ginkgo/v2/ginkgo/run"

	"github.com/autoshares/conformance/internal/config"
)

// Exit codes of a run, the same for `make conformance` and the release binary.
const (
	ExitPassed = 0 // every selected spec ran and passed
	ExitFailed = 1 // a spec, the preflight or the run's verdict failed
	ExitUsage  = 2 // a mistake in the settings or flags: nothing was started
)

// Options is one run.
type Options struct {
	Suite      string   // path of the compiled suite (go test -c), ending in .test
	Labels     string   // Ginkgo label filter; "" = every spec
	Procs      int      // parallel processes; 0 = AUTOSHARES_PROCS
	GinkgoArgs []string // further flags for Ginkgo's run command, e.g. --fail-fast
	Stdout     io.Writer
	Stderr     io.Writer
}

// Run checks the settings, says what the run will talk to, and runs the suite. It
// returns the exit code. It sets AUTOSHARES_RUN_DIR in this process's environment (the
// suite's processes inherit it) when it is not already set.
func Run(o Options) int {
	if dryRunAsked(o.GinkgoArgs) {
		fmt.Fprintln(o.Stderr, DryRunRefused)
		return ExitUsage
	}
	if f := retryAsked(o.GinkgoArgs); f != "" {
		fmt.Fprintln(o.Stderr, RetryRefused(f))
		return ExitUsage
	}
	if msg := ginkgoFlagMistake(o.GinkgoArgs); msg != "" {
		fmt.Fprintln(o.Stderr, msg)
		return ExitUsage
	}
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(o.Stderr, "cannot tell the directory this command runs in: %v\n", err)
		return ExitUsage
	}
	if os.Getenv(config.RunDirEnv) == "" {
		os.Setenv(config.RunDirEnv, wd)
	}
	// The re-run command a failure prints names the command the user ran: the Makefile
	// sets its own form; otherwise this program's file name (the release binary's
	// carries its platform).
	if os.Getenv(config.InvokedAsEnv) == "" {
		os.Setenv(config.InvokedAsEnv, filepath.Base(os.Args[0]))
	}
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		fmt.Fprintln(o.Stderr, err)
		fmt.Fprintln(o.Stderr, "No spec was run.")
		return ExitUsage
	}
	// Everything the suite's processes write to the temp directory (the secrets they share,
	// pact fragments, the embedded provider's mailbox) goes into a private directory of
	// this run, removed on every way out of the launcher: a normal end, an interrupt, and
	// suite processes killed outright, which cannot clean up after themselves.
	tmp, err := os.MkdirTemp("", "autoshares-tmp-")
	if err != nil {
		fmt.Fprintf(o.Stderr, "cannot create the run's private temp directory: %v\n", err)
		return ExitFailed
	}
	defer os.RemoveAll(tmp)
	defer restoreEnv("TMPDIR")()
	os.Setenv("TMPDIR", tmp)

	procs, why := Procs(cfg, o.Procs, func() (time.Duration, error) { return AnswerTime(cfg) })
	fmt.Fprint(o.Stdout, Describe(cfg))
	fmt.Fprint(o.Stdout, Loosened(cfg))
	fmt.Fprintf(o.Stdout, "Processes: %d%s\n", procs, why)
	fmt.Fprintf(o.Stdout, "Reports: %s\n\n", cfg.ReportDir)

	// Ginkgo's CLI and the suite's processes write to file descriptor 1 themselves: their
	// output is left as it is, and the suite's verdict follows it.
	start := time.Now()
	code := ExitFailed
	prog := command.Program{
		Name:           "autoshares-conformance",
		DefaultCommand: run.BuildRunCommand(),
		OutWriter:      o.Stdout,
		ErrWriter:      o.Stderr,
		Exiter:         func(c int) { code = c },
	}
	noColor := colorless(os.Stdout)
	if noColor {
		// --no-color covers the CLI's reporter; messages the suite's processes build with
		// Ginkgo's formatter (a setup failure echoed by every process) follow this variable.
		defer restoreEnv("GINKGO_NO_COLOR")()
		os.Setenv("GINKGO_NO_COLOR", "TRUE")
	}
	if _, set := os.LookupEnv("GOGC"); !set {
		// The suite's processes live a second or two and keep little: collecting a quarter
		// as often spends about 30 MB more each and saves about 7% of a loopback run's wall
		// time, which is CPU-bound on two cores (scripts/bench.sh). GOGC set by the user wins.
		defer restoreEnv("GOGC")()
		os.Setenv("GOGC", "400")
	}
	prog.RunAndExit(ginkgoArgs(o, procs, noColor))
	return printVerdict(o.Stdout, cfg.ReportDir, start.Add(-10*time.Millisecond), code)
}

// Describe says, before anything starts and without any secret, what the run will talk
// to, how (proxy, TLS, protocol, rate settings: transport.go) and which token sources it has.
func Describe(cfg config.Config) string { return describeTarget(cfg) + describeTransport(cfg) }

func describeTarget(cfg config.Config) string {
	if cfg.Embedded() {
		return "Target: the embedded reference provider, started by the suite on 127.0.0.1 (AUTOSHARES_BASE_URL is not set)\n" +
			"Provider states: its state endpoint\n"
	}
	none := func(v, what string) string {
		if v == "" {
			return "none (" + what + ")"
		}
		return redactURL(v)
	}
	return fmt.Sprintf("Target: %s (AUTOSHARES_BASE_URL), step 3 path %q\nProvider states: %s\nMailbox: %s\nTest traders: %d\nExpired token: %s\n",
		redactURL(cfg.BaseURL), cfg.Flow.Step3Path,
		none(cfg.StateURL, "AUTOSHARES_STATE_URL is not set"),
		none(cfg.Flow.MailboxURL, "AUTOSHARES_MAILBOX_URL is not set"),
		len(cfg.Flow.Traders),
		map[bool]string{true: "configured", false: "none"}[cfg.Flow.ExpiredToken != ""])
}

// redactURL masks a password in a URL's user info.
func redactURL(v string) string {
	if u, err := url.Parse(v); err == nil {
		return u.Redacted()
	}
	return v
}

// ExtractSuite writes a compiled suite held in memory to a fresh private directory, as
// an executable ending in .test (what Ginkgo's run command recognises), and returns its
// path and a function that removes the directory.
func ExtractSuite(suite []byte) (path string, remove func(), err error) {
	dir, err := os.MkdirTemp("", "autoshares-conformance-")
	if err != nil {
		return "", nil, err
	}
	remove = func() { os.RemoveAll(dir) }
	path = filepath.Join(dir, "passwordreset.test")
	if err := os.WriteFile(path, suite, 0o700); err != nil {
		remove()
		return "", nil, fmt.Errorf("unpacking the suite to %s: %w", dir, err)
	}
	return path, remove, nil
}

// restoreEnv returns a function that puts the variable back as it is now.
func restoreEnv(name string) func() {
	old, had := os.LookupEnv(name)
	return func() {
		if had {
			os.Setenv(name, old)
		} else {
			os.Unsetenv(name)
		}
	}
}
