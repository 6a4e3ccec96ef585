// Command sampleconfig writes fixtures/staging.sample.json, the sample configuration with
// every setting, from the settings table (make sample-config).
package main

import (
	"fmt"
	"os"

	"github.com/autoshares/conformance/internal/config"
)

func main() {
	path := config.SampleFile
	if len(os.Args) > 1 {
		path = os.Args[1]
	}
	if err := os.WriteFile(path, config.Sample(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
