// Package harness prepares the deployment a run talks to: the configured one, or the
// embedded reference provider on loopback; checks, once and before any spec, that it is
// what the configuration says (Preflight), so a wrong target is one clear failure; and
// says what a run tested (RunInfo) for its reports.
package suite

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/redact"
	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/results"
	"github.com/autoshares/conformance/internal/states"
)

// Target is the deployment under test, as every parallel process needs to know it.
type Target struct {
	BaseURL    string `json:"base_url"`
	AppKey     string `json:"app_key"` // secret
	StateURL   string `json:"state_url"`
	MailboxURL string `json:"mailbox_url"` // Mailpit API; "" = no mailbox
	Embedded   bool   `json:"embedded"`
	// NoMailboxWhy says why an embedded run has no mailbox (Mailpit not installed).
	NoMailboxWhy string `json:"no_mailbox_why,omitempty"`
}

// Running is a started target; Stop ends the embedded provider and mailbox, if any.
type Running struct {
	Target
	provider *refprovider.Running
	mailpit  *states.Server
}

// Start returns the configured deployment, or starts the reference provider on
// 127.0.0.1 (test mode on, a fresh random app key) when no base URL is configured. The
// embedded provider mails its confirmation codes over SMTP to a Mailpit started beside it
// when Mailpit is installed (make mailpit), as a real deployment mails a real mailbox.
func Start(ctx context.Context, cfg config.Config) (*Running, error) {
	if !cfg.Embedded() {
		return &Running{Target: Target{BaseURL: cfg.BaseURL, AppKey: cfg.AppKey, StateURL: cfg.StateURL, MailboxURL: cfg.Flow.MailboxURL}}, nil
	}
	r := &Running{Target: Target{AppKey: RandomSecret("app-key-"), Embedded: true}}
	opts := refprovider.Options{AppKey: r.AppKey, TestMode: true}
	if bin, err := states.BinaryPath(); err != nil {
		r.NoMailboxWhy = err.Error()
	} else if r.mailpit, err = states.StartServer(ctx, bin); err != nil {
		return nil, fmt.Errorf("starting Mailpit for the embedded reference provider: %w", err)
	} else {
		opts.SMTPAddr, r.MailboxURL = r.mailpit.SMTPAddr, r.mailpit.APIURL
	}
	p, err := refprovider.Start(ctx, opts, "127.0.0.1:0")
	if err != nil {
		r.Stop()
		return nil, fmt.Errorf("starting the embedded reference provider: %w", err)
	}
	r.provider, r.BaseURL, r.StateURL = p, p.BaseURL, p.StateURL
	return r, nil
}

// Stop ends what Start started.
func (r *Running) Stop() error {
	if r == nil {
		return nil
	}
	var errs []error
	if r.provider != nil {
		errs = append(errs, r.provider.Close())
	}
	if r.mailpit != nil {
		errs = append(errs, r.mailpit.Stop())
	}
	return errors.Join(errs...)
}

// Secrets returns the credentials the target's URLs carry (user:password@), for the
// redactor: they are sent as basic auth and must be masked wherever they turn up.
func (t Target) Secrets() []string {
	return redact.URLSecrets(t.BaseURL, t.StateURL, t.MailboxURL)
}

// TokenSources names the sources of traders, tokens and codes this run had, in the order
// the suite prefers them, each with the settings behind it.
func (t Target) TokenSources(cfg config.Config) []string {
	var out []string
	if t.StateURL != "" {
		src := "provider states (AUTOSHARES_STATE_URL)"
		if t.Embedded {
			src = "provider states of the embedded reference provider"
		}
		out = append(out, src)
	}
	if t.MailboxURL != "" && t.Embedded {
		out = append(out, "the embedded provider's mail, read from the Mailpit started beside it")
	} else if t.MailboxURL != "" {
		withQ := 0
		for _, tr := range cfg.Flow.Traders {
			if tr.SecretQuestionAnswer != "" {
				withQ++
			}
		}
		out = append(out, fmt.Sprintf("the mail flow (AUTOSHARES_MAILBOX_URL; %d test trader(s) in AUTOSHARES_TEST_TRADERS, %d with a secret question)",
			len(cfg.Flow.Traders), withQ))
	} else if t.NoMailboxWhy != "" {
		out = append(out, "no mail flow: "+t.NoMailboxWhy)
	}
	if cfg.Flow.ExpiredToken != "" {
		out = append(out, "a known expired token (AUTOSHARES_EXPIRED_TOKEN)")
	}
	if cfg.Flow.TokenLifetime > 0 {
		out = append(out, fmt.Sprintf("waiting out the token lifetime (AUTOSHARES_TOKEN_LIFETIME=%s)", cfg.Flow.TokenLifetime))
	}
	return out
}

// RunInfo says what this run tests, for every report: the target (credentials masked),
// the step 3 variant, every expectation setting in force and the token sources.
func (t Target) RunInfo(cfg config.Config) (results.Run, error) {
	settings, err := results.ExpectationSettings(cfg)
	return results.Run{Target: redact.URL(t.BaseURL), Embedded: t.Embedded, StateURL: redact.URL(t.StateURL),
		MailboxURL: redact.URL(t.MailboxURL), Step3: cfg.Flow.Step3Path, Settings: settings,
		TokenSources: t.TokenSources(cfg)}, err
}

// RandomSecret returns prefix plus 32 random hex digits.
func RandomSecret(prefix string) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return prefix + hex.EncodeToString(b)
}
