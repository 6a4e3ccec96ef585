// Command checksdoc writes docs/CHECKS.md from the check catalogue
// (internal/checks/catalogue.json): `make checks-doc`.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/autoshares/conformance/internal/checks"
	"github.com/autoshares/conformance/internal/refprovider"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "checksdoc:", err)
		os.Exit(1)
	}
}

// run writes the page to the file named by the only argument, or to stdout.
func run(args []string, stdout io.Writer) error {
	cat, err := checks.Default()
	if err != nil {
		return err
	}
	page := checks.Markdown(cat, refprovider.FaultDescription)
	switch len(args) {
	case 0:
		_, err = stdout.Write(page)
		return err
	case 1:
		return os.WriteFile(args[0], page, 0o644)
	}
	return fmt.Errorf("usage: checksdoc [OUTPUT.md]")
}
