//go:build !dist

package main

// embeddedMailpit is empty outside `make dist`: `make conformance` installs Mailpit into
// .tools/bin (make mailpit), where the suite finds it.
var embeddedMailpit []byte
