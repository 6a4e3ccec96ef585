// Command openapi writes the provider contract as OpenAPI 3.1 (internal/pacts) to the
// file given, or to stdout. `make openapi` runs it.
package main

import (
	"fmt"
	"os"

	"github.com/autoshares/conformance/internal/pacts"
	"github.com/autoshares/conformance/schemas"
)

func main() {
	doc, err := pacts.Build(schemas.FS)
	if err != nil {
		fmt.Fprintln(os.Stderr, "openapi:", err)
		os.Exit(1)
	}
	if len(os.Args) < 2 || os.Args[1] == "-" {
		os.Stdout.Write(doc)
		return
	}
	if err := os.WriteFile(os.Args[1], doc, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "openapi:", err)
		os.Exit(1)
	}
	fmt.Printf("openapi: wrote %s\n", os.Args[1])
}
