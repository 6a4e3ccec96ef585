package states

import "syscall"

// sysProcAttr has the kernel kill Mailpit when the process that started it dies (e.g. a
// `go test` timeout), so no orphan keeps its ports and temp directory. Strictly, the
// signal follows the OS thread that forked it, and Go ends a thread only when a goroutine
// exits while locked to it: rare, and then Stop reports that Mailpit died early.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
