// Package world is one Ginkgo process's view of a run: the validated configuration, the
// target process 1 prepared, and every client, rule set and token source the specs use,
// built once per process.
package suite

import (
	"fmt"
	"net/http"
	"time"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/pacts"
	"github.com/autoshares/conformance/internal/redact"
	"github.com/autoshares/conformance/internal/states"
)

// Shared is what process 1 hands to every process.
type Shared struct {
	Target    Target `json:"target"`
	Fragments string `json:"fragments"` // directory of per-spec pact fragments
}

// World is one process's clients and rules.
type World struct {
	Cfg      config.Config
	Target   Target
	API      *client.Client
	Mailbox  *states.MailboxClient // nil: no mailbox configured
	Flow     *states.Driver        // drives steps 1 to 4; nil without a mailbox
	Schemas  *catalogue.Set
	Checks   *catalogue.Catalogue
	Rules    Rules
	Shapes   pacts.Shapes
	Sources  *Sources
	Recorder *pacts.Recorder
	Secrets  *redact.Redactor
}

// Process says which parallel process this is (1-based) of how many.
type Process struct{ Me, Total int }

// New builds process p's world. observe, if not nil, sees every exchange the mail flow
// makes (the suite logs their masked transcripts).
func New(cfg config.Config, sh Shared, p Process, secrets *redact.Redactor, observe func(*client.Exchange)) (*World, error) {
	set, err := catalogue.DefaultSchemas()
	if err != nil {
		return nil, err
	}
	cat, err := catalogue.Default()
	if err != nil {
		return nil, err
	}
	hc, err := NewClient(cfg, p, cfg.RequestTimeout)
	if err != nil {
		return nil, err
	}
	w := &World{
		Cfg:      cfg,
		Target:   sh.Target,
		API:      &client.Client{BaseURL: sh.Target.BaseURL, AppKey: sh.Target.AppKey, HTTP: hc, TimeoutSetting: "AUTOSHARES_REQUEST_TIMEOUT"},
		Schemas:  set,
		Checks:   cat,
		Rules:    Rules{Expect: cfg.Expect, Schemas: set},
		Shapes:   pacts.Shapes{Expect: cfg.Expect, Step1IsSucceedRequired: cfg.Negative.Step1IsSucceedRequired, Step3Path: cfg.Flow.Step3Path},
		Recorder: &pacts.Recorder{Dir: sh.Fragments},
		Secrets:  secrets,
	}
	src := &Sources{Procs: p.Total, ExpiredToken: cfg.Flow.ExpiredToken, Secrets: secrets}
	if sh.Target.MailboxURL != "" {
		w.Mailbox = &states.MailboxClient{BaseURL: sh.Target.MailboxURL, HTTP: hc, CodePattern: cfg.Security.CodePattern}
		w.Flow = &states.Driver{API: w.API, Mailbox: w.Mailbox, Step3: cfg.Flow.Step3Path, MailTimeout: cfg.Flow.MailTimeout, Observe: observe,
			Step1IsSucceed: cfg.Negative.Step1IsSucceedRequired}
		if len(cfg.Flow.Traders) > 0 {
			src.Flow = w.Flow
			src.Traders = cfg.Flow.TradersFor(p.Me, max(p.Total, 1))
		}
	}
	if sh.Target.StateURL != "" {
		contract, err := states.LoadContract()
		if err != nil {
			return nil, fmt.Errorf("the provider-state contract: %w", err)
		}
		src.States = &states.Client{URL: sh.Target.StateURL, HTTP: hc, Schemas: set, Contract: contract, Redactor: secrets}
	}
	w.Sources = src
	return w, nil
}

// NewClient is an HTTP client of this process's transport pool (internal/client): the
// rate-limit waits and budget, the rate ceiling (this process's share of AUTOSHARES_MAX_RPS),
// TLS from the settings, shared connections; timeout bounds each attempt; no redirects.
func NewClient(cfg config.Config, p Process, timeout time.Duration) (*http.Client, error) {
	t := cfg.Transport
	budget := t.RateLimitBudget
	if budget == 0 {
		budget = -1 // the setting's 0 is "never wait"; the pool's 0 is its default
	}
	pool, err := client.ForProcess(client.Options{CABundle: t.CABundle, ClientCert: t.ClientCert, ClientKey: t.ClientKey,
		MaxRPS: t.MaxRPS / float64(max(p.Total, 1)), MaxWait: t.RateLimitMaxWait, Budget: budget})
	if err != nil {
		return nil, err
	}
	return pool.Client(timeout), nil
}

// NewHTTPClient bounds every exchange, so a hanging target fails a spec instead of hanging
// the run, and never follows a redirect: a 3xx is the target's answer, judged as such, and
// the app key and passwords go nowhere but the configured target.
func NewHTTPClient(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
