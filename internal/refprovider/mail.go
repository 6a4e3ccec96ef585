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
	msg, err := s.confirmationMessage(login, email, code)
	if err != nil {
		return err
	}
	if err := sendMail(ctx, s.cfg.smtpAddr, s.cfg.mailFrom.Address, email, msg); err != nil {
		return err
	}
	s.mailSent.Add(1)
	return nil
}

// confirmationMessage builds a plain-text RFC 5322 message. Its body carries the line
// "Confirmation code: NNNNNN", the form the documented email shows.
func (s *Server) confirmationMessage(login, email, code string) ([]byte, error) {
	id, err := randomHex(16)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	hdr := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	hdr("From", s.cfg.mailFrom.String())
	hdr("To", email) // validated as a bare address when the trader was created
	hdr("Subject", MailSubject)
	hdr("Date", s.cfg.now().Format(time.RFC1123Z))
	hdr("Message-ID", "<"+id+"@autoshares.example.test>")
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=utf-8")
	hdr("Content-Transfer-Encoding", "8bit")
	b.WriteString("\r\n")
	for _, line := range []string{
		"Hello " + login + ",",
		"",
		"We received a request to reset the password of your AutoShares account.",
		"Enter this code to continue:",
		"",
		"Confirmation code: " + code,
		"",
		"The code expires in " + formatTTL(s.cfg.codeTTL) + ". If you did not ask for a",
		"password reset, ignore this email: your password stays unchanged.",
	} {
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
