package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/launch"
	"github.com/autoshares/conformance/internal/results"
)

// flagMistake says what is wrong with the flags, naming the nearest flag for an unknown one
// (--label: did you mean --labels?), and saying where a Ginkgo flag goes (after --).
func flagMistake(err error, fs *flag.FlagSet, args []string) string {
	msg := err.Error()
	name, ok := strings.CutPrefix(msg, "flag provided but not defined: ")
	if !ok {
		return msg
	}
	name = strings.TrimLeft(name, "-")
	if launch.IsGinkgoFlag(name) {
		given := "--" + name
		for _, a := range args { // as typed, with its value (Ginkgo's flags take no secrets)
			if n, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "="); strings.HasPrefix(a, "-") && n == name {
				given = a
				break
			}
		}
		if launch.IsRetryFlag(name) {
			return strings.TrimPrefix(launch.RetryRefused(given), "autoshares-conformance: ")
		}
		return fmt.Sprintf("--%s is a flag of Ginkgo's run command: pass Ginkgo flags after --: -- %s", name, given)
	}
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	if near := config.Nearest(name, names); near != "" {
		return fmt.Sprintf("there is no flag --%s; did you mean --%s?", name, near)
	}
	return fmt.Sprintf("there is no flag --%s", name)
}

// procsMistake refuses --procs given as 0 (or out of range): it would otherwise silently
// fall back to AUTOSHARES_PROCS.
func procsMistake(fs *flag.FlagSet, procs, maxProcs int) string {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "procs" })
	if (given && procs == 0) || procs < 0 || procs > maxProcs {
		return fmt.Sprintf("--procs %d is not from 1 to %d (leave it out to use AUTOSHARES_PROCS)", procs, maxProcs)
	}
	return ""
}

// labelMistake is what is wrong with --labels, before anything starts: a filter that does
// not parse, or names a label no spec has.
func labelMistake(filter string) string {
	cat, err := catalogue.Default()
	if err != nil {
		return err.Error()
	}
	problems := config.Mistakes(filter, config.KnownLabels(cat))
	if len(problems) == 0 {
		return ""
	}
	return fmt.Sprintf("--labels %q:\n  - %s\nautoshares-conformance --checks lists the check IDs (each a label).", filter, strings.Join(problems, "\n  - "))
}

// compareMistake refuses, before anything starts, an AUTOSHARES_COMPARE_WITH that is not an
// earlier run's summary.json. (The settings' other problems are the launcher's to report.)
func compareMistake() string {
	cfg, err := config.Load(os.Getenv)
	if err != nil || cfg.CompareWith == "" {
		return ""
	}
	if _, err := results.ReadPrevious(cfg.CompareWith); err != nil {
		return err.Error()
	}
	return ""
}
