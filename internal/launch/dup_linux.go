package launch

import "syscall"

// dup2 via dup3, which every Linux architecture has (arm64 has no dup2).
func dup2(old, new int) error { return syscall.Dup3(old, new, 0) }
