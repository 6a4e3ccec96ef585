//go:build !linux

package states

import "syscall"

// sysProcAttr: outside Linux there is no parent-death signal; Stop ends the process.
func sysProcAttr() *syscall.SysProcAttr { return nil }
