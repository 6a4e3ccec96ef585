//go:build unix

package client

import (
	"fmt"
	"os"
	"syscall"
)

// canLockFiles: the processes of a run can share their pacing through a locked file.
const canLockFiles = true

func lockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			if err != nil {
				return fmt.Errorf("locking the shared request pacing: %w", err)
			}
			return nil
		}
	}
}

func unlockFile(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
