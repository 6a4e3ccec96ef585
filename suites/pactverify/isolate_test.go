package pactverify

import (
	"fmt"
	"os"
	"syscall"
	"testing"
)

// runIsolated runs fn as a test of its own, on a fresh testing.T, and returns whether it
// passed and everything written to stdout meanwhile. pact-go's VerifyProvider fails the T it
// is given, and the native verifier prints its findings straight to file descriptor 1, so
// this is how a test can expect a verification to fail and still read why.
//
// Caveats: it swaps the process's stdout, so no other test may run in parallel with it; the
// inner test matches any -run pattern; under -failfast an inner failure counts as a failure.
func runIsolated(t *testing.T, fn func(t *testing.T)) (ok bool, output string) {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "stdout-*")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	saved, err := syscall.Dup(1)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Dup3(int(f.Fd()), 1, 0); err != nil {
		syscall.Close(saved)
		t.Fatal(err)
	}
	func() {
		defer func() {
			// Restore stdout even if fn panics, then let the panic go on.
			if err := syscall.Dup3(saved, 1, 0); err != nil {
				panic(fmt.Sprintf("restoring stdout: %v", err))
			}
			syscall.Close(saved)
		}()
		matchAll := func(string, string) (bool, error) { return true, nil }
		ok = testing.RunTests(matchAll, []testing.InternalTest{{Name: "isolated", F: fn}})
	}()
	out, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	return ok, string(out)
}
