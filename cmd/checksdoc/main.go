// Command checksdoc writes docs/CHECKS.md and internal/catalogue/ids_gen.go (the check IDs as Go
// constants) from the check catalogue (internal/catalogue/catalogue.json): `make checks-doc`.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/refprovider"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "checksdoc:", err)
		os.Exit(1)
	}
}

// run writes the page to the file named by the only argument, or to stdout; with -ids FILE
// it writes the Go constants there (and the page only when a file is named).
func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("checksdoc", flag.ContinueOnError)
	ids := fs.String("ids", "", "also write the check IDs as Go constants to this file (internal/catalogue/"+catalogue.IDsFile+")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cat, err := catalogue.Default()
	if err != nil {
		return err
	}
	if *ids != "" {
		src, err := catalogue.GoIDs(cat)
		if err != nil {
			return err
		}
		if err := os.WriteFile(*ids, src, 0o644); err != nil {
			return err
		}
	}
	page := catalogue.Markdown(cat, refprovider.FaultDescription)
	switch fs.NArg() {
	case 0:
		if *ids != "" {
			return nil
		}
		_, err = stdout.Write(page)
		return err
	case 1:
		return os.WriteFile(fs.Arg(0), page, 0o644)
	}
	return fmt.Errorf("usage: checksdoc [-ids FILE.go] [OUTPUT.md]")
}
