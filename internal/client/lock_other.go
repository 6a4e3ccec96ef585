//go:build !unix

package client

import (
	"errors"
	"os"
)

// canLockFiles: without flock each process paces itself (its share is then a guess).
const canLockFiles = false

func lockFile(*os.File) error { return errors.New("no file locks on this platform") }

func unlockFile(*os.File) {}
