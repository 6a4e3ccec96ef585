//go:build dist

package main

import _ "embed"

// embeddedMailpit is Mailpit built by `make dist` for the same platform: the embedded
// reference provider mails it, so the binary alone runs the mail specs.
//
//go:embed suite/mailpit
var embeddedMailpit []byte
