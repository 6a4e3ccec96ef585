//go:build dist

package main

import _ "embed"

// embeddedSuite is the conformance suite compiled by `make dist` for the same platform.
//
//go:embed suite/passwordreset.test
var embeddedSuite []byte
