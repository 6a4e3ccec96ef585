package framework

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
)

// listTo, set by the launcher's --list (-autoshares.list=FILE), makes the run a listing,
// not a run: Ginkgo's dry run applies the label filter, and the suite writes each selected
// spec with the check IDs it applies to FILE, and no report, pact or verdict.
var listTo = flag.String("autoshares.list", "", "write the selected specs and their check IDs to this file instead of running them")

// writeList writes the listing of the specs r selected.
func writeList(r types.Report, path string) error {
	var lines []string
	ids := map[string]bool{}
	for _, s := range r.SpecReports {
		// In a dry run the selected specs "pass" and the ones the filter left out are skipped.
		if s.LeafNodeType != types.NodeTypeIt || s.State != types.SpecStatePassed {
			continue
		}
		var checks []string
		for _, l := range s.Labels() {
			if _, ok := Catalogue.Get(l); ok {
				checks = append(checks, l)
				ids[l] = true
			}
		}
		sort.Strings(checks)
		lines = append(lines, fmt.Sprintf("%s\n    checks: %s", s.FullText(), strings.Join(checks, ", ")))
	}
	sort.Strings(lines)
	out := strings.Join(lines, "\n")
	if out != "" {
		out += "\n"
	}
	out += fmt.Sprintf("%d spec(s) selected of %d, applying %d check(s). Nothing was run.\n", len(lines), r.PreRunStats.TotalSpecs, len(ids))
	return os.WriteFile(path, []byte(out), 0o600)
}
