// Package conformance holds the project's README, embedded so that the release binary can
// print it (autoshares-conformance --docs=README) for a user who has only the binary.
package conformance

import _ "embed"

// README is README.md.
//
//go:embed README.md
var README string
