package config

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/autoshares/conformance/internal/redact"
)

// Transport holds the settings of how the suite reaches the target: rate limits, its own
// request rate, TLS, cleartext.
type Transport struct {
	RateLimitMaxWait time.Duration // longest single wait a 429 or 503 asks for
	RateLimitBudget  time.Duration // all waits of one process; 0 = never wait
	MaxRPS           float64       // the run's request rate ceiling, all processes together; 0 = off
	CABundle         string        // absolute path of extra CAs (PEM); "" = the system's only
	ClientCert       string        // absolute path (PEM); with ClientKey, or neither
	ClientKey        string
	AllowCleartext   bool // http:// to a host that is not loopback
}

// The bounds of AUTOSHARES_MAX_RPS: below 0.1 a run would take hours; above 10000 it is no
// ceiling a shared staging would need.
const (
	minMaxRPS = 0.1
	maxMaxRPS = 10000
)

func transportSettings() []Setting {
	return []Setting{
		{Env: "AUTOSHARES_RATE_LIMIT_MAX_WAIT", Default: "10s", Doc: "Longest single wait when the target answers `429 Too Many Requests`, or `503` with `Retry-After`: the suite waits what `Retry-After` says (1 s on a 429 without it), at most this, and sends the same request again. A 429 is not the target's answer to a check.",
			apply: func(c *Config, v string) (err error) {
				c.Transport.RateLimitMaxWait, err = parsePositiveDuration(v)
				return
			}},
		{Env: "AUTOSHARES_RATE_LIMIT_BUDGET", Default: "60s", Doc: "Total time each process may spend waiting out rate limits. When it runs out, a spec the target still rate-limits fails as \"rate-limited, not proven\" and the run is inconclusive, not non-conformant. `0s` never waits.",
			apply: func(c *Config, v string) error {
				d, err := time.ParseDuration(v)
				if err != nil || d < 0 {
					return fmt.Errorf("%q is not a duration of 0s or more; write it like 60s or 2m", v)
				}
				c.Transport.RateLimitBudget = d
				return nil
			}},
		{Env: "AUTOSHARES_MAX_RPS", Default: "0", Doc: fmt.Sprintf("Ceiling on the suite's own request rate, in requests a second, shared by all parallel processes (each gets its share), so a run stays under a shared staging's limit from the start. `0`: no ceiling. Otherwise %g to %d.", minMaxRPS, maxMaxRPS),
			apply: func(c *Config, v string) error {
				f, err := strconv.ParseFloat(v, 64)
				if err != nil || (f != 0 && (f < minMaxRPS || f > maxMaxRPS)) {
					return fmt.Errorf("%q is not 0 (no ceiling) or a number of requests a second from %g to %d", v, minMaxRPS, maxMaxRPS)
				}
				c.Transport.MaxRPS = f
				return nil
			}},
		{Env: "AUTOSHARES_CA_BUNDLE", Doc: "PEM file of certificate authorities trusted besides the system's, for a target (API, state endpoint, mailbox) behind an internal CA. A relative path starts from the directory the command ran in.",
			apply: func(c *Config, v string) error {
				c.Transport.CABundle = resolve(c.RunDir, v)
				return checkCABundle(c.Transport.CABundle)
			}},
		{Env: "AUTOSHARES_CLIENT_CERT", Doc: "PEM client certificate for a target that requires mutual TLS; with AUTOSHARES_CLIENT_KEY. A relative path starts from the directory the command ran in.",
			apply: func(c *Config, v string) error {
				c.Transport.ClientCert = resolve(c.RunDir, v)
				return readable(c.Transport.ClientCert)
			}},
		{Env: "AUTOSHARES_CLIENT_KEY", Doc: "PEM private key of AUTOSHARES_CLIENT_CERT (mutual TLS); both or neither. The file is read, never printed.",
			apply: func(c *Config, v string) error {
				c.Transport.ClientKey = resolve(c.RunDir, v)
				return readable(c.Transport.ClientKey)
			}},
		{Env: "AUTOSHARES_ALLOW_CLEARTEXT", Default: "false", Doc: "`true` allows an `http://` AUTOSHARES_BASE_URL, AUTOSHARES_STATE_URL or AUTOSHARES_MAILBOX_URL to a host that is not loopback. Refused by default: the app key and the test traders' passwords would cross the network in cleartext.",
			apply: func(c *Config, v string) (err error) { c.Transport.AllowCleartext, err = parseBool(v); return }},
	}
}

func checkCABundle(path string) error {
	if path == "" {
		return nil
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("cannot read %q: %v", path, unwrapPathError(err))
	}
	if !x509.NewCertPool().AppendCertsFromPEM(pem) {
		return fmt.Errorf("%q holds no PEM certificate (-----BEGIN CERTIFICATE-----)", path)
	}
	return nil
}

func readable(path string) error {
	if path == "" {
		return nil
	}
	if _, err := os.ReadFile(path); err != nil {
		return fmt.Errorf("cannot read %q: %v", path, unwrapPathError(err))
	}
	return nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// transportCheck finds the problems of the transport settings that involve more than one:
// the client certificate and key go together and must match, and cleartext to a host that
// is not loopback needs AUTOSHARES_ALLOW_CLEARTEXT.
func (c Config) transportCheck() Problems {
	var p Problems
	t := c.Transport
	switch {
	case (t.ClientCert == "") != (t.ClientKey == ""):
		p = append(p, "AUTOSHARES_CLIENT_CERT and AUTOSHARES_CLIENT_KEY go together (mutual TLS): set both, or neither")
	case t.ClientCert != "" && readable(t.ClientCert) == nil && readable(t.ClientKey) == nil:
		if _, err := tls.LoadX509KeyPair(t.ClientCert, t.ClientKey); err != nil {
			p = append(p, fmt.Sprintf("AUTOSHARES_CLIENT_CERT/AUTOSHARES_CLIENT_KEY: %q and its key are not a usable PEM certificate and matching private key: %v", t.ClientCert, err))
		}
	}
	if !t.AllowCleartext {
		for _, u := range []struct{ env, url string }{{"AUTOSHARES_BASE_URL", c.BaseURL}, {"AUTOSHARES_STATE_URL", c.StateURL}, {"AUTOSHARES_MAILBOX_URL", c.Flow.MailboxURL}} {
			if host, ok := cleartextRemote(u.url); ok {
				p = append(p, fmt.Sprintf("%s: %s is http:// to %s, which is not loopback: the app key, the test traders' passwords and their reset codes and tokens would cross the network in cleartext. "+
					"Use https://, or set AUTOSHARES_ALLOW_CLEARTEXT=true if this network is trusted", u.env, redactedURL(u.url), host))
			}
		}
	}
	return p
}

// cleartextRemote reports an http:// URL whose host is not loopback, and that host.
func cleartextRemote(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" {
		return "", false
	}
	if IsLoopbackHost(u.Hostname()) {
		return "", false
	}
	return u.Hostname(), true
}

// IsLoopbackHost says whether cleartext to host stays on this machine: a literal loopback
// address (127.0.0.0/8, ::1) or "localhost" itself. Not "*.localhost": Go's HTTP client
// sends such a host through HTTP_PROXY (only "localhost" and loopback addresses are exempt),
// and the release binary's resolver asks DNS for it, so it may well leave the machine.
// A name is not resolved here: what it resolves to now may not be what the run connects to.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redactedURL: a configured URL as a message may show it (no credentials, secret query
// parameters masked).
func redactedURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		u.User = nil
		raw = u.String()
	}
	return redact.URL(raw)
}
