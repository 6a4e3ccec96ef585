package refprovider

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/smtp"
	"strings"
	"time"
)

// MailSubject is the subject of the confirmation email.
const MailSubject = "AutoShares password reset"

// NoticeSubject is the subject of the notification that a password was changed.
const NoticeSubject = "Your AutoShares password was changed"

// mailTimeout bounds one SMTP conversation. Step 1 sends synchronously, so this is also
// the longest step 1 can take.
const mailTimeout = 10 * time.Second

// sendCode mails the confirmation code, or counts it as dropped when no SMTP server is
// configured. The code is never logged either way.
func (s *Server) sendCode(ctx context.Context, login, email, code string) error {
	if s.cfg.smtpAddr == "" {
		s.mailDropped.Add(1)
		return nil
	}
	if s.cfg.htmlMail {
		return s.sendHTMLCode(ctx, login, email, code)
	}
	msg, err := s.message(email, MailSubject, []string{
		"Hello " + login + ",",
		"",
		"We received a request to reset the password of your AutoShares account.",
		"Enter this code to continue:",
		"",
		"Confirmation code: " + code,
		"",
		"The code expires in " + formatTTL(s.codeLifetime()) + ". If you did not ask for a",
		"password reset, ignore this email: your password stays unchanged.",
	})
	if err != nil {
		return err
	}
	if err := sendMail(ctx, s.cfg.smtpAddr, s.cfg.mailFrom.Address, email, msg); err != nil {
		return err
	}
	s.mailSent.Add(1)
	return nil
}

// sendHTMLCode is sendCode with Options.HTMLMail: an HTML-only mail whose one 6-digit
// number is the code, with no "confirmation code" phrase (and no login, which may hold
// digits of its own).
func (s *Server) sendHTMLCode(ctx context.Context, _, email, code string) error {
	msg, err := s.message(email, MailSubject, []string{
		"<html><head><style>.c{color:#112233;font-size:24px}</style></head><body>",
		"<p>Hello,</p>",
		"<p>Use this code in the AutoShares app to choose a new password:</p>",
		`<p class="c"><b>` + code + "</b></p>",
		"<p>It expires in " + formatTTL(s.codeLifetime()) + ". Not you? Ignore this email.</p>",
		"</body></html>",
	})
	if err != nil {
		return err
	}
	msg = bytes.Replace(msg, []byte("Content-Type: text/plain"), []byte("Content-Type: text/html"), 1)
	if err := sendMail(ctx, s.cfg.smtpAddr, s.cfg.mailFrom.Address, email, msg); err != nil {
		return err
	}
	s.mailSent.Add(1)
	return nil
}

// sendResetNotice tells the trader their password was changed (NIST SP 800-63B-4 4.2.3,
// ASVS 6.3.7), over the same SMTP path as the codes. It carries no password, token or
// code, and no number a reader could take for a code; leak is a secret only the
// notification-carries-password fault passes. Counted like sendCode, apart from it.
func (s *Server) sendResetNotice(ctx context.Context, _, email, leak string) error {
	if s.cfg.smtpAddr == "" {
		s.noticesDropped.Add(1)
		return nil
	}
	lines := []string{
		"Hello,",
		"",
		"The password of your AutoShares account has just been changed.",
		"",
		"If you changed it, there is nothing more to do. If you did not, contact",
		"AutoShares support at once: someone else may be able to read your email.",
	}
	if leak != "" {
		lines = append(lines, "", "Your new password is: "+leak)
	}
	msg, err := s.message(email, NoticeSubject, lines)
	if err != nil {
		return err
	}
	if err := sendMail(ctx, s.cfg.smtpAddr, s.cfg.mailFrom.Address, email, msg); err != nil {
		return err
	}
	s.noticesSent.Add(1)
	return nil
}

// message builds a plain-text RFC 5322 message to one trader. The confirmation mail's
// body carries the line "Confirmation code: NNNNNN", the form the documented email shows.
func (s *Server) message(email, subject string, lines []string) ([]byte, error) {
	id, err := randomHex(16)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	hdr := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	hdr("From", s.cfg.mailFrom.String())
	hdr("To", email) // validated as a bare address when the trader was created
	hdr("Subject", subject)
	hdr("Date", s.cfg.now().Format(time.RFC1123Z))
	hdr("Message-ID", "<"+id+"@autoshares.example.test>")
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=utf-8")
	hdr("Content-Transfer-Encoding", "8bit")
	b.WriteString("\r\n")
	for _, line := range lines {
		b.WriteString(line + "\r\n")
	}
	return b.Bytes(), nil
}

// sendMail is smtp.SendMail with a deadline and cancellation, which SendMail lacks: a
// stuck mail server must not hang step 1 forever. STARTTLS is used when offered, except
// on loopback where the mail never leaves the host and catchers use self-signed certs.
func sendMail(ctx context.Context, addr, from, to string, msg []byte) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, mailTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("smtp dial: %w", err)
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()

	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp greeting: %w", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok && !isLoopbackHost(host) {
		if err := c.StartTLS(&tls.Config{ServerName: host}); err != nil {
			return fmt.Errorf("smtp starttls: %w", err)
		}
	}
	if err := c.Mail(from); err != nil {
		return fmt.Errorf("smtp MAIL: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("smtp RCPT: %w", err)
	}
	wc, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if _, err := wc.Write(msg); err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if err := wc.Close(); err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	// The message was accepted with the DATA reply; a failing QUIT does not undo that.
	_ = c.Quit()
	return nil
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
