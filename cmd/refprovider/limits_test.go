package main

import (
	"testing"

	"github.com/autoshares/conformance/internal/refprovider"
)

// The limits of issue 21 are on by default; 0 on the command line switches one off, which
// Options spells as a negative value (its 0 is the default).
func TestRecoveryLimitFlags(t *testing.T) {
	c, _, err := parseConfig(nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if o := c.opts; o.LoginLockout != refprovider.DefaultLoginLockout || o.CodeAttempts != refprovider.DefaultCodeAttempts || o.MailLimit != refprovider.DefaultMailLimit {
		t.Errorf("defaults: login lockout %d, code attempts %d, mail limit %d", o.LoginLockout, o.CodeAttempts, o.MailLimit)
	}
	c, _, err = parseConfig([]string{"--login-lockout", "0", "--code-attempts", "0", "--mail-limit=0"}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if o := c.opts; o.LoginLockout >= 0 || o.CodeAttempts >= 0 || o.MailLimit >= 0 {
		t.Errorf("0 must switch the limits off: %d %d %d", o.LoginLockout, o.CodeAttempts, o.MailLimit)
	}
	c, _, err = parseConfig(nil, env(map[string]string{"REFPROVIDER_CODE_ATTEMPTS": "3", "REFPROVIDER_MAIL_LIMIT": "5"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.opts.CodeAttempts != 3 || c.opts.MailLimit != 5 {
		t.Errorf("from the environment: %d %d", c.opts.CodeAttempts, c.opts.MailLimit)
	}
	if _, _, err := parseConfig([]string{"--code-attempts", "-2", "--mail-limit", "x"}, env(nil)); err == nil {
		t.Error("a negative or non-numeric limit was accepted")
	}
}
