package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// useEmbeddedMailpit unpacks the Mailpit the release binary carries into a private
// directory and points MAILPIT_BIN at it, so the embedded provider's mail goes through a
// real mailbox with no install step. A MAILPIT_BIN the user set wins; a build without
// Mailpit inside (make conformance's launcher) changes nothing.
func useEmbeddedMailpit() (remove func(), err error) {
	if len(embeddedMailpit) == 0 || os.Getenv("MAILPIT_BIN") != "" {
		return func() {}, nil
	}
	dir, err := os.MkdirTemp("", "autoshares-mailpit-")
	if err != nil {
		return nil, err
	}
	remove = func() { os.RemoveAll(dir) }
	path := filepath.Join(dir, "mailpit")
	if err := os.WriteFile(path, embeddedMailpit, 0o700); err != nil {
		remove()
		return nil, fmt.Errorf("unpacking Mailpit to %s: %w", dir, err)
	}
	os.Setenv("MAILPIT_BIN", path)
	return remove, nil
}
