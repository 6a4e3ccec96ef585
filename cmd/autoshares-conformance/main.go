// Command autoshares-conformance runs the AutoShares password reset conformance suite
// with no Go toolchain and no source tree: `make dist` builds it with the compiled suite
// (schemas, fixtures and the state contract inside) embedded. It takes the same settings
// as `make conformance`, writes the same reports and exits with the same codes; `make
// conformance` itself runs this command with --suite pointing at a freshly compiled suite.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"

	ginkgotypes "github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/launch"
)

// Set by `make dist` (-ldflags -X); otherwise read from the build information.
var (
	version = ""
	commit  = ""
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("autoshares-conformance", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	labels := fs.String("labels", "", "Ginkgo label filter, e.g. step4 or 'step4 && !slow'")
	procs := fs.Int("procs", 0, "parallel processes (default: AUTOSHARES_PROCS, which defaults to auto: picked from the target's answer time and the cores)")
	suite := fs.String("suite", "", "a compiled suite (go test -c) to run instead of the embedded one")
	showVersion := fs.Bool("version", false, "print the suite's version and commit")
	list := fs.Bool("list", false, "print the specs the run would select (see --labels) and the check IDs each applies, without running them")
	checkList := fs.Bool("checks", false, "print the checks of the catalogue inside this binary: ID, kind, profile, statement")
	var docsWanted docsFlag
	fs.Var(&docsWanted, "docs", "list the documents inside this binary (README, RUNNING, CHECKS, ...); --docs=NAME prints one")
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage(stdout, fs)
		return launch.ExitPassed
	case err != nil:
		// The flag package names the flag; it echoes a value only for a malformed
		// number, and these flags take no secrets.
		fmt.Fprintf(stderr, "autoshares-conformance: %v\nRun 'autoshares-conformance --help' for the flags and settings.\n", flagMistake(err, fs, args))
		return launch.ExitUsage
	}
	if *showVersion {
		fmt.Fprintln(stdout, versionLine())
		return launch.ExitPassed
	}
	if *checkList {
		return printChecks(stdout, stderr)
	}
	if docsWanted.set != "" {
		return printDocs(docsWanted.name, stdout, stderr)
	}
	// Anything after "--" goes to Ginkgo's run command; a stray word before it is a
	// mistake (a setting is a variable, not an argument).
	rest := fs.Args()
	if len(rest) > 0 && !(len(args) > 0 && dashDashBefore(args, len(args)-len(rest))) {
		fmt.Fprintf(stderr, "autoshares-conformance: unexpected argument(s): %d word(s) after the flags.\n"+
			"Settings are environment variables (AUTOSHARES_*); Ginkgo flags go after --. Run 'autoshares-conformance --help'.\n", len(rest))
		return launch.ExitUsage
	}
	if msg := procsMistake(fs, *procs, config.MaxProcs); msg != "" {
		fmt.Fprintf(stderr, "autoshares-conformance: %s\n", msg)
		return launch.ExitUsage
	}
	if msg := compareMistake(); msg != "" {
		fmt.Fprintf(stderr, "autoshares-conformance: %s\nNo spec was run.\n", msg)
		return launch.ExitUsage
	}
	if msg := labelMistake(*labels); msg != "" {
		fmt.Fprintf(stderr, "autoshares-conformance: %s\nNo spec was run.\n", msg)
		return launch.ExitUsage
	}

	path := *suite
	if path == "" {
		if len(embeddedSuite) == 0 {
			fmt.Fprintln(stderr, "autoshares-conformance: this build has no suite inside; build the release binary with `make dist`, or pass --suite PATH.test")
			return launch.ExitUsage
		}
		p, remove, err := launch.ExtractSuite(embeddedSuite)
		if err != nil {
			fmt.Fprintf(stderr, "autoshares-conformance: %v\n", err)
			return launch.ExitFailed
		}
		defer remove()
		path = p
	}
	removeMailpit, err := useEmbeddedMailpit()
	if err != nil {
		fmt.Fprintf(stderr, "autoshares-conformance: %v\n", err)
		return launch.ExitFailed
	}
	defer removeMailpit()
	o := launch.Options{Suite: path, Labels: *labels, Procs: *procs, GinkgoArgs: rest, Stdout: stdout, Stderr: stderr}
	if *list {
		return launch.List(o)
	}
	return launch.Run(o)
}

// dashDashBefore reports whether args[i-1] is the "--" the flag package stopped at.
func dashDashBefore(args []string, i int) bool { return i > 0 && args[i-1] == "--" }

// versionLine is the suite's version and commit, and what it was built with.
func versionLine() string {
	v, c, dirty := version, commit, false
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && c == "":
				c = s.Value
			case s.Key == "vcs.modified" && s.Value == "true":
				dirty = true
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	if c == "" {
		c = "unknown"
	} else if dirty {
		c += " (modified)"
	}
	return fmt.Sprintf("autoshares-conformance %s, commit %s, Ginkgo %s, %s %s/%s",
		v, c, ginkgotypes.VERSION, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `Usage: autoshares-conformance [flags] [-- ginkgo run flags]

Runs the AutoShares password reset conformance suite against AUTOSHARES_BASE_URL, or
against the reference provider embedded in the suite when it is not set. Reports
(JUnit XML, Ginkgo JSON, the recorded pact) go to AUTOSHARES_REPORT_DIR.

Flags:
`)
	fs.VisitAll(func(f *flag.Flag) {
		def := ""
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" {
			def = " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(w, "  --%s\n      %s%s\n", f.Name, f.Usage, def)
	})
	fmt.Fprint(w, `  -- FLAGS
      further flags for Ginkgo's run command, e.g. -- --fail-fast or -- -v

Settings (environment variables; AUTOSHARES_CONFIG names a JSON file with the same keys,
the environment wins; relative paths start from the directory you run this in):
  AUTOSHARES_CONFIG
      JSON file with any of the settings below. Keep it out of git: name it *.local.json.
`)
	for _, s := range config.Settings() {
		def := ""
		if s.Default != "" {
			def = " (default " + s.Default + ")"
		}
		if s.Secret {
			def += " (secret)"
		}
		fmt.Fprintf(w, "  %s%s\n      %s\n", s.Env, def, strings.ReplaceAll(s.Doc, "`", ""))
	}
	fmt.Fprint(w, `
Exit status: 0 every spec that ran passed; 1 a spec, the preflight or the run's verdict
failed; 2 a mistake in the settings or flags (nothing was run).

The check IDs and labels: autoshares-conformance --checks. The documents (README, RUNNING,
CHECKS, REPORTS, ...): autoshares-conformance --docs.
`)
}
