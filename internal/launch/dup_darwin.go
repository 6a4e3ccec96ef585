package launch

import "syscall"

func dup2(old, new int) error { return syscall.Dup2(old, new) }
