//go:build unix

package states

import (
	"context"
	"errors"
	"fmt"
	"net/smtp"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startMailpit runs a real Mailpit for one test; it skips only when none is installed.
func startMailpit(t *testing.T) *Server {
	t.Helper()
	bin, err := BinaryPath()
	if errors.Is(err, ErrNotInstalled) {
		t.Skipf("no Mailpit binary (run make mailpit): %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	s, err := StartServer(t.Context(), bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("mailpit pid %d started in %s (API %s, SMTP %s)", s.PID, time.Since(began).Round(time.Millisecond), s.APIURL, s.SMTPAddr)
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// sendCode mails a confirmation like the reference provider does: plain text over SMTP.
func sendCode(t *testing.T, s *Server, to, code string) {
	t.Helper()
	body := "Hello,\r\n\r\nEnter this code to continue:\r\n\r\nConfirmation code: " + code + "\r\n"
	sendMail(t, s, to, body)
}

func sendMail(t *testing.T, s *Server, to, body string) {
	t.Helper()
	msg := fmt.Sprintf("From: AutoShares <no-reply@autoshares.example.test>\r\nTo: %s\r\n"+
		"Subject: AutoShares password reset\r\nDate: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s",
		to, time.Now().Format(time.RFC1123Z), body)
	if err := smtp.SendMail(s.SMTPAddr, nil, "no-reply@autoshares.example.test", []string{to}, []byte(msg)); err != nil {
		t.Fatalf("sending to %s: %v", to, err)
	}
	// Mailpit's Created has millisecond resolution: keep the order of mails unambiguous.
	time.Sleep(5 * time.Millisecond)
}

func TestMailpitWaitForCodeReturnsNewest(t *testing.T) {
	s := startMailpit(t)
	c := s.Client()
	const to, other = "trader@example.test", "xtrader@example.test" // Mailpit's to: search finds both

	sendCode(t, s, to, "111111")
	since := time.Now()
	time.Sleep(5 * time.Millisecond)
	sendCode(t, s, to, "222222")
	sendCode(t, s, other, "333333")

	for _, tc := range []struct {
		name, to string
		since    time.Time
		want     string
	}{
		{"new code since the second request", to, since, "222222"},
		{"newest even when both qualify", to, since.Add(-time.Minute), "222222"},
		{"the other address gets its own", other, since, "333333"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			began := time.Now()
			code, err := c.WaitForCode(ctxFor(t, 10*time.Second), tc.to, tc.since)
			if err != nil || code != tc.want {
				t.Fatalf("WaitForCode = %q, %v; want %q", code, err, tc.want)
			}
			t.Logf("code after %s", time.Since(began).Round(time.Millisecond))
		})
	}

	for addr, want := range map[string]int{to: 2, other: 1, "nobody@example.test": 0} {
		if n, err := c.Count(t.Context(), addr); err != nil || n != want {
			t.Errorf("Count(%s) = %d, %v; want %d", addr, n, err, want)
		}
	}
}

func TestMailpitWaitForCodeTimeout(t *testing.T) {
	s := startMailpit(t)
	c := s.Client()
	const to = "late@example.test"
	sendCode(t, s, to, "444444")
	sendMail(t, s, to, "Your password was changed.\r\n")

	t.Run("only mail from before since", func(t *testing.T) {
		code, err := c.WaitForCode(ctxFor(t, 600*time.Millisecond), to, time.Now().Add(time.Minute))
		checkTimeout(t, code, err, "saw 2 messages to that address, 0 of them received since")
	})
	t.Run("a codeless mail since", func(t *testing.T) {
		since := time.Now()
		sendMail(t, s, to, "Your password was changed again.\r\n")
		code, err := c.WaitForCode(ctxFor(t, 600*time.Millisecond), to, since)
		// The code mail is within the clock tolerance of since, but newer mail followed it.
		checkTimeout(t, code, err, "saw 3 messages to that address, 3 of them received since")
		if !strings.Contains(err.Error(), "so it was not taken") {
			t.Errorf("error does not explain the passed-over code: %v", err)
		}
	})
	t.Run("no mail at all", func(t *testing.T) {
		code, err := c.WaitForCode(ctxFor(t, 300*time.Millisecond), "nobody@example.test", time.Time{})
		checkTimeout(t, code, err, "saw 0 messages to that address")
	})
}

func checkTimeout(t *testing.T, code string, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("WaitForCode = %q; want a timeout", code)
	}
	msg := err.Error()
	if code != "" || strings.Contains(msg, "444444") || strings.Contains(msg, "password was changed") {
		t.Errorf("the timeout leaks a code or a body: %q, %v", code, err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error does not wrap the deadline: %v", err)
	}
	for _, w := range []string{want, "AUTOSHARES_MAIL_TIMEOUT"} {
		if !strings.Contains(msg, w) {
			t.Errorf("error lacks %q: %v", w, err)
		}
	}
}

func TestMailpitPaging(t *testing.T) {
	s := startMailpit(t)
	c := s.Client()
	defer func(n int) { pageSize = n }(pageSize)
	pageSize = 2
	const to = "paged@example.test"
	for i := range 5 {
		sendCode(t, s, to, fmt.Sprintf("90000%d", i))
		sendCode(t, s, "x"+to, "800000") // fills the pages with near matches
	}
	if n, err := c.Count(t.Context(), to); err != nil || n != 5 {
		t.Errorf("Count = %d, %v; want 5", n, err)
	}
	if code, err := c.WaitForCode(ctxFor(t, 5*time.Second), to, time.Time{}); err != nil || code != "900004" {
		t.Errorf("WaitForCode = %q, %v; want the newest, 900004", code, err)
	}
}

func TestMailpitPing(t *testing.T) {
	s := startMailpit(t)
	for _, base := range []string{s.APIURL, s.APIURL + "/", s.APIURL + "/api/v1"} {
		if err := (&MailboxClient{BaseURL: base}).Ping(t.Context()); err != nil {
			t.Errorf("Ping(%s) = %v", base, err)
		}
	}
}

func TestMailpitStop(t *testing.T) {
	s := startMailpit(t)
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(s.PID, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("pid %d still exists after Stop (kill -0: %v)", s.PID, err)
	}
	if _, err := os.Stat(s.dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temp dir %s not removed: %v", s.dir, err)
	}
	if err := s.Client().Ping(t.Context()); err == nil {
		t.Error("the API still answers after Stop")
	}
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop = %v", err)
	}
}

func TestStartServerReportsOutput(t *testing.T) {
	fake := filepath.Join(t.TempDir(), "mailpit")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho 'fatal: cannot open database' >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := StartServer(t.Context(), fake)
	if err == nil {
		s.Stop()
		t.Fatal("StartServer succeeded with a binary that exits")
	}
	for _, w := range []string{"exited during start", "exit status 3", "fatal: cannot open database"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q: %v", w, err)
		}
	}
}

func TestBinaryPath(t *testing.T) {
	t.Setenv("MAILPIT_BIN", filepath.Join(t.TempDir(), "missing"))
	_, err := BinaryPath()
	if !errors.Is(err, ErrNotInstalled) || !strings.Contains(err.Error(), "make mailpit") {
		t.Errorf("BinaryPath with a missing MAILPIT_BIN = %v; want ErrNotInstalled naming make mailpit", err)
	}

	t.Setenv("MAILPIT_BIN", "")
	p, err := BinaryPath()
	if want := filepath.Join(".tools", "bin", "mailpit"); err == nil && !strings.HasSuffix(p, want) {
		t.Errorf("BinaryPath = %s; want <module root>/%s", p, want)
	}
	if err != nil && !errors.Is(err, ErrNotInstalled) {
		t.Errorf("BinaryPath = %v; want a path or ErrNotInstalled", err)
	}
}

// The mail checks read what arrived on top of a snapshot, by message ID: the code mail is
// recognised by its code, the notification (no 6-digit number) is not, and waiting for
// mail that must not come ends at the bound, or at once when too much came.
func TestMailpitNewMailsSinceASnapshot(t *testing.T) {
	s := startMailpit(t)
	c := s.Client()
	const to = "snap@example.test"
	ctx := t.Context()

	sendCode(t, s, to, "111111") // before the snapshot: not new
	seen, err := c.Snapshot(ctx, to)
	if err != nil || len(seen) != 1 {
		t.Fatalf("Snapshot = %v, %v; want the one earlier mail", seen, err)
	}
	sendMail(t, s, to, "Use 482913 to continue.\r\n")
	sendMail(t, s, to, "Your password was changed on 2026-12-07.\r\n")

	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	n, err := c.WaitForNew(wctx, to, seen, 2, -1)
	cancel()
	if err != nil || n != 2 {
		t.Fatalf("WaitForNew(want 2) = %d, %v", n, err)
	}
	mails, err := c.NewMails(ctx, to, seen)
	if err != nil || len(mails) != 2 {
		t.Fatalf("NewMails = %d mails, %v; want 2", len(mails), err)
	}
	if mails[0].Code != "" || mails[1].Code != "482913" || !strings.Contains(mails[0].Body, "password was changed") {
		t.Errorf("newest first: notification without code, then the code mail; got codes %q, %q", mails[0].Code, mails[1].Code)
	}

	// Mail that must not come: the wait lasts its bound when nothing more arrives, and ends
	// as soon as more than `most` did.
	began := time.Now()
	wctx, cancel = context.WithTimeout(ctx, 300*time.Millisecond)
	n, err = c.WaitForNew(wctx, to, seen, 0, 2)
	cancel()
	if err != nil || n != 2 || time.Since(began) < 300*time.Millisecond {
		t.Errorf("WaitForNew(most 2) = %d, %v after %s; want 2 after the whole bound", n, err, time.Since(began))
	}
	n, err = c.WaitForNew(ctx, to, seen, 0, 1)
	if err != nil || n != 2 {
		t.Errorf("WaitForNew(most 1) = %d, %v; want 2 at once", n, err)
	}
}
