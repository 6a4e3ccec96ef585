//go:build !dist

package main

// embeddedSuite is empty outside `make dist`: such a build runs a suite given by --suite
// (what `make conformance` does).
var embeddedSuite []byte
