package main

import (
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"

	conformance "github.com/autoshares/conformance"
	"github.com/autoshares/conformance/docs"
	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/launch"
)

// docsFlag is --docs (list the documents inside the binary) or --docs=NAME (print one).
type docsFlag struct{ set, name string }

func (d *docsFlag) String() string   { return d.name }
func (d *docsFlag) IsBoolFlag() bool { return true }
func (d *docsFlag) Set(v string) error {
	d.set = "yes"
	if v != "true" {
		d.name = v
	}
	return nil
}

// documents are the documents inside the binary, by name (README, RUNNING, CHECKS, ...).
func documents() map[string]string {
	out := map[string]string{"README": conformance.README}
	entries, _ := fs.ReadDir(docs.Files, ".")
	for _, e := range entries {
		b, err := fs.ReadFile(docs.Files, e.Name())
		if err == nil {
			out[strings.TrimSuffix(e.Name(), ".md")] = string(b)
		}
	}
	return out
}

// printDocs lists the documents with their titles, or prints the one named.
func printDocs(name string, stdout, stderr io.Writer) int {
	all := documents()
	var names []string
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	if name == "" {
		fmt.Fprintln(stdout, "The documents inside this binary; print one with --docs=NAME (e.g. --docs=RUNNING):")
		for _, n := range names {
			fmt.Fprintf(stdout, "  %-14s %s\n", n, title(all[n]))
		}
		return launch.ExitPassed
	}
	key := strings.ToUpper(strings.TrimSuffix(strings.TrimSuffix(name, ".md"), ".MD"))
	if doc, ok := all[key]; ok {
		io.WriteString(stdout, doc)
		return launch.ExitPassed
	}
	msg := fmt.Sprintf("autoshares-conformance: there is no document %q", name)
	if near := config.Nearest(key, names); near != "" {
		msg += fmt.Sprintf("; did you mean --docs=%s?", near)
	}
	fmt.Fprintf(stderr, "%s\nRun 'autoshares-conformance --docs' for the list.\n", msg)
	return launch.ExitUsage
}

func title(doc string) string {
	for _, l := range strings.Split(doc, "\n") {
		if t, ok := strings.CutPrefix(l, "# "); ok {
			return t
		}
	}
	return ""
}

// printChecks prints the check list of the catalogue inside the binary (docs/CHECKS.md is
// generated from the same catalogue).
func printChecks(stdout, stderr io.Writer) int {
	cat, err := catalogue.Default()
	if err != nil {
		fmt.Fprintf(stderr, "autoshares-conformance: %v\n", err)
		return launch.ExitFailed
	}
	fmt.Fprintf(stdout, "%d checks (ID, kind, profile, statement). Each ID is also a label: --labels ID runs the specs of that check.\n"+
		"--docs=CHECKS prints the full page, with each check's source and the faults that prove it.\n\n", len(cat.Checks))
	width := 0
	for _, c := range cat.Checks {
		width = max(width, len(c.ID))
	}
	for _, c := range cat.Checks {
		fmt.Fprintf(stdout, "%-*s  %-12s %-12s %s\n", width, c.ID, c.Kind, catalogue.ProfileOf(c), c.Statement)
	}
	return launch.ExitPassed
}
