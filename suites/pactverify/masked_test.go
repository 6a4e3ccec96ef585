package pactverify

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"syscall"

	"github.com/autoshares/conformance/internal/redact"
)

// maskedStdout runs fn with file descriptor 1 (where the native verifier prints its
// findings, and with them what the provider answered: tokens, codes, passwords it echoed)
// going through r.Text, line by line, to wherever fd 1 went before. fd 1 is restored even
// when fn ends the test (t.FailNow runs deferred calls).
func maskedStdout(r *redact.Redactor, fn func()) error {
	saved, err := syscall.Dup(1)
	if err != nil {
		return fmt.Errorf("masking the verifier's output: %w", err)
	}
	out := os.NewFile(uintptr(saved), "stdout")
	pr, pw, err := os.Pipe()
	if err != nil {
		out.Close()
		return fmt.Errorf("masking the verifier's output: %w", err)
	}
	if err := syscall.Dup3(int(pw.Fd()), 1, 0); err != nil {
		pr.Close()
		pw.Close()
		out.Close()
		return fmt.Errorf("masking the verifier's output: %w", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		br := bufio.NewReader(pr)
		for {
			line, err := br.ReadString('\n')
			if line != "" {
				io.WriteString(out, r.Text(line))
			}
			if err != nil {
				return
			}
		}
	}()
	defer func() {
		syscall.Dup3(saved, 1, 0) // fd 1 back; the pipe's other writer goes with pw
		pw.Close()
		<-done
		pr.Close()
		out.Close()
	}()
	fn()
	return nil
}

// fromThisProcess guards the verification proxy. pact-go's proxy listens on every
// interface and cannot be told otherwise, and it is the proxy that adds the real app key;
// the native verifier runs in this process and connects over loopback. So a request that
// does not come from loopback, or (on Linux) not from a socket of this very process, is
// refused before it gets the key or reaches the target.
func fromThisProcess(r *http.Request) bool {
	host, port, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return false
	}
	return ownsLocalPort(port)
}

// redactorWith is a masker that knows secrets as configured ones.
func redactorWith(secrets ...string) *redact.Redactor {
	r := redact.New()
	r.AddConfigured(secrets...)
	return r
}
