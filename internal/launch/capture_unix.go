//go:build linux || darwin

package launch

import (
	"io"
	"os"
	"syscall"
)

// captureStdout sends everything written to file descriptor 1 from now on (Ginkgo's CLI
// and the suite processes it starts write there directly, not to Options.Stdout) through
// w, and returns where the original stdout now is, and a function that puts fd 1 back
// once everything written has gone through w.
func captureStdout(w func(original io.Writer) io.Writer) (original *os.File, restore func(), err error) {
	saved, err := syscall.Dup(1)
	if err != nil {
		return nil, nil, err
	}
	original = os.NewFile(uintptr(saved), "stdout")
	r, pw, err := os.Pipe()
	if err != nil {
		original.Close()
		return nil, nil, err
	}
	if err := dup2(int(pw.Fd()), 1); err != nil {
		r.Close()
		pw.Close()
		original.Close()
		return nil, nil, err
	}
	dst := w(original)
	done := make(chan struct{})
	go func() {
		io.Copy(dst, r)
		close(done)
	}()
	return original, func() {
		dup2(saved, 1) // the pipe's last writer on fd 1 goes away
		pw.Close()
		<-done
		r.Close()
	}, nil
}
