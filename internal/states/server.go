package states

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/autoshares/conformance/internal/testkit"
)

// startTimeout bounds how long StartServer waits for Mailpit to answer (it takes well
// under a second; a slow CI machine gets headroom).
const startTimeout = 10 * time.Second

// ErrNotInstalled is returned (wrapped) by BinaryPath when there is no Mailpit binary.
var ErrNotInstalled = errors.New("mailpit is not installed: run make mailpit")

// BinaryPath returns the Mailpit binary to run: $MAILPIT_BIN when set (the Makefile
// exports it), else <module root>/.tools/bin/mailpit, where `make mailpit` installs it.
func BinaryPath() (string, error) {
	if p := os.Getenv("MAILPIT_BIN"); p != "" {
		if err := checkExecutable(p); err != nil {
			return "", fmt.Errorf("MAILPIT_BIN=%s: %v: %w (or unset MAILPIT_BIN)", p, err, ErrNotInstalled)
		}
		return p, nil
	}
	root, err := testkit.Root()
	if err != nil {
		return "", fmt.Errorf("locating .tools/bin/mailpit: %v; set MAILPIT_BIN or %w", err, ErrNotInstalled)
	}
	name := "mailpit"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	p := filepath.Join(root, ".tools", "bin", name)
	if err := checkExecutable(p); err != nil {
		return "", fmt.Errorf("%s: %v: %w", p, err, ErrNotInstalled)
	}
	return p, nil
}

func checkExecutable(p string) error {
	fi, err := os.Stat(p)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return errors.New("no such file")
	case err != nil:
		return err
	case fi.IsDir():
		return errors.New("is a directory")
	case runtime.GOOS != "windows" && fi.Mode().Perm()&0o111 == 0:
		return errors.New("not executable")
	}
	return nil
}

// Server is a Mailpit process started for a test or a run, on free loopback ports, with
// its own temp database.
type Server struct {
	SMTPAddr string // host:port of the SMTP server, e.g. for net/smtp
	APIURL   string // Mailpit's web UI / API root, the BaseURL of a Client
	PID      int

	cmd  *exec.Cmd
	dir  string
	out  *tail
	done chan struct{} // closed when the process has exited
	werr error         // cmd.Wait's result, set before done is closed

	stopOnce sync.Once
	stopErr  error
}

// Client returns a Client for this server's API.
func (s *Server) Client() *MailboxClient { return &MailboxClient{BaseURL: s.APIURL} }

// StartServer starts Mailpit from bin and waits (bounded by ctx and 10s) until both its
// API and its SMTP server answer. ctx bounds the start only, not the server's life:
// Stop ends it. An error includes the tail of Mailpit's output when it exited.
func StartServer(ctx context.Context, bin string) (*Server, error) {
	if bin == "" {
		return nil, fmt.Errorf("mailbox: no Mailpit binary given: %w", ErrNotInstalled)
	}
	dir, err := os.MkdirTemp("", "mailpit-")
	if err != nil {
		return nil, err
	}
	// A free port can be taken by someone else between picking and binding it: retry then.
	for attempt := 1; ; attempt++ {
		s, err := startOnce(ctx, bin, dir)
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, errPortTaken) || attempt == 3 || ctx.Err() != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
}

var errPortTaken = errors.New("port taken")

// StartServerAt is StartServer on given loopback addresses (host:port) instead of free
// ports, for a sandbox whose URLs stay the same from one start to the next.
func StartServerAt(ctx context.Context, bin, apiAddr, smtpAddr string) (*Server, error) {
	if bin == "" {
		return nil, fmt.Errorf("mailbox: no Mailpit binary given: %w", ErrNotInstalled)
	}
	dir, err := os.MkdirTemp("", "mailpit-")
	if err != nil {
		return nil, err
	}
	s, err := startAt(ctx, bin, dir, apiAddr, smtpAddr)
	if err != nil {
		os.RemoveAll(dir)
		if errors.Is(err, errPortTaken) {
			err = fmt.Errorf("mailbox: %s or %s is already in use; stop what listens there or choose other ports", apiAddr, smtpAddr)
		}
		return nil, err
	}
	return s, nil
}

func startOnce(ctx context.Context, bin, dir string) (*Server, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	return startAt(ctx, bin, dir, fmt.Sprintf("127.0.0.1:%d", ports[0]), fmt.Sprintf("127.0.0.1:%d", ports[1]))
}

func startAt(ctx context.Context, bin, dir, apiAddr, smtpAddr string) (*Server, error) {
	s := &Server{
		APIURL:   "http://" + apiAddr,
		SMTPAddr: smtpAddr,
		dir:      dir,
		out:      &tail{max: 4 << 10},
		done:     make(chan struct{}),
	}
	db := filepath.Join(dir, "mailpit.db")
	os.Remove(db) // a previous attempt's file; the database belongs to this server alone
	s.cmd = exec.Command(bin,
		"--listen", apiAddr,
		"--smtp", smtpAddr,
		"--database", db,
		// No outbound connection at all: no release check, no reverse DNS of SMTP clients.
		"--disable-version-check",
		"--smtp-disable-rdns",
		// Errors only: the output is kept for failure messages, not printed.
		"--quiet",
	)
	s.cmd.Dir = dir
	s.cmd.Env = mailpitEnv()
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	s.cmd.SysProcAttr = sysProcAttr()
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("mailbox: starting %s: %w", bin, err)
	}
	s.PID = s.cmd.Process.Pid
	go func() {
		s.werr = s.cmd.Wait()
		close(s.done)
	}()

	if err := s.waitReady(ctx); err != nil {
		s.kill()
		select {
		case <-s.done:
			if strings.Contains(s.out.String(), "address already in use") {
				err = fmt.Errorf("%w: %v", errPortTaken, err)
			}
		default:
		}
		return nil, err
	}
	return s, nil
}

// mailpitEnv is this process's environment without Mailpit's MP_* settings, which would
// override the flags (and could turn on a relay, a webhook or a POP3 server).
func mailpitEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MP_") {
			env = append(env, kv)
		}
	}
	return env
}

// waitReady polls the API and the SMTP greeting until both answer.
func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	c := s.Client()
	var apiOK bool
	var last error
	for {
		probe, cancelProbe := context.WithTimeout(ctx, time.Second)
		if !apiOK {
			if last = c.Ping(probe); last == nil {
				apiOK = true
			}
		}
		if apiOK {
			last = smtpGreeting(probe, s.SMTPAddr)
		}
		cancelProbe()
		if apiOK && last == nil {
			return nil
		}
		select {
		case <-s.done:
			return fmt.Errorf("mailbox: mailpit (pid %d) exited during start: %v; its output ends:\n%s", s.PID, s.werr, s.out.String())
		case <-ctx.Done():
			return fmt.Errorf("mailbox: mailpit (pid %d) did not answer on %s and %s in time: %v (%w); its output ends:\n%s",
				s.PID, s.APIURL, s.SMTPAddr, last, ctx.Err(), s.out.String())
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// smtpGreeting connects, expects the 220 greeting and says QUIT.
func smtpGreeting(ctx context.Context, addr string) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, "127.0.0.1")
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp greeting: %w", err)
	}
	return c.Quit()
}

// Stop kills exactly this server's process, waits for it and removes its temp directory.
// It reports an earlier crash of the process. Safe to call more than once.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		var errs []error
		select {
		case <-s.done:
			errs = append(errs, fmt.Errorf("mailbox: mailpit (pid %d) had exited before Stop: %v; its output ends:\n%s",
				s.PID, s.werr, s.out.String()))
		default:
			s.kill()
		}
		if err := os.RemoveAll(s.dir); err != nil {
			errs = append(errs, err)
		}
		s.stopErr = errors.Join(errs...)
	})
	return s.stopErr
}

// kill sends SIGKILL to this PID only (the database is thrown away, so there is nothing
// to shut down gracefully) and waits for the exit.
func (s *Server) kill() {
	_ = s.cmd.Process.Kill()
	<-s.done
}

// freePorts returns n distinct free loopback ports: all are held open together so they
// differ, then released for Mailpit to bind.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("mailbox: picking a free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// tail keeps the last max bytes written to it; safe for concurrent use.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(bytes.TrimSpace(t.buf)) == 0 {
		return "(no output)"
	}
	return string(t.buf)
}
