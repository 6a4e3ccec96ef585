package pactverify

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/pact-foundation/pact-go/v2/provider"

	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/redact"
)

// pactURLFromEnv is PACT_URL as the process started (TestMain clears it: pact-go would add
// it to every verification).
var pactURLFromEnv string

// brokerEnvVars are what pact-go reads from the environment when a verification request
// leaves the field empty: the broker's credentials would then go to a PACT_URL on another
// host, and PACT_BROKER_URL would add a broker source. TestMain reads them once into
// credsFromEnv and removes them; verify removes them again (a test may set them).
var brokerEnvVars = []string{"PACT_BROKER_TOKEN", "PACT_BROKER_USERNAME", "PACT_BROKER_PASSWORD", "PACT_BROKER_URL"}

// credsFromEnv holds brokerEnvVars as the process started.
var credsFromEnv = map[string]string{}

// takeBrokerEnv moves brokerEnvVars from the environment into credsFromEnv.
func takeBrokerEnv() {
	for _, k := range brokerEnvVars {
		if v, ok := os.LookupEnv(k); ok {
			credsFromEnv[k] = v
		}
		os.Unsetenv(k)
	}
}

// envOr is getenv(k), or the value the process started with when TestMain took it away.
func envOr(getenv func(string) string, k string) string {
	if v := getenv(k); v != "" {
		return v
	}
	return credsFromEnv[k]
}

// DefaultSelectors are the consumer versions whose pacts a verification from a broker
// covers unless PACT_CONSUMER_VERSION_SELECTORS says otherwise: each consumer's main branch,
// every version deployed or released, and the consumer branch named like the provider's.
const DefaultSelectors = `[{"mainBranch":true},{"deployedOrReleased":true},{"matchingBranch":true}]`

// DefaultProvider is the provider name pacts are fetched for (AUTOSHARES_PACT_PROVIDER).
const DefaultProvider = "AutoSharesTradingAPI"

// source names the pacts to verify: local files, one pact URL (a webhook-triggered run), or
// a broker's selection.
type source struct {
	files []string

	pactURL   string
	brokerURL string
	// Credentials: a bearer token, or a user and password.
	token, user, password string

	// pactURLCreds: the credentials go with PACT_URL too (it is on the broker's host).
	pactURLCreds bool
	// note says what the settings decided that the user should know (credentials withheld).
	note string

	provider  string // the provider name in the broker
	version   string // the provider version (the deployment's commit)
	branch    string // the provider version's branch
	buildURL  string
	selectors []map[string]any
	pending   bool
	wipSince  *time.Time
	publish   bool
}

// remote says whether the pacts come from a URL or a broker rather than local files.
func (s source) remote() bool { return s.pactURL != "" || s.brokerURL != "" }

// describe names the source for messages: its URLs masked (credentials, secret query
// parameters).
func (s source) describe() string {
	if s.pactURL != "" {
		return "PACT_URL " + redact.URL(s.pactURL)
	}
	return "the broker at " + redact.URL(s.brokerURL) + " (provider " + s.provider + ")"
}

// secrets are the source's credentials, for the masker: the token, the password, and what
// the URLs carry (user:password@, secret query parameters).
func (s source) secrets() []string {
	return append([]string{s.token, s.password}, redact.URLSecrets(s.brokerURL, s.pactURL)...)
}

// cleartextTo says whether raw is http:// to a host that is not loopback, and that host.
// Loopback is what config.IsLoopbackHost says (literal loopback addresses and localhost).
func cleartextTo(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || config.IsLoopbackHost(u.Hostname()) {
		return "", false
	}
	return u.Hostname(), true
}

// sameOrigin says whether a and b are on the same scheme, host and port.
func sameOrigin(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil {
		return false
	}
	port := func(u *url.URL) string {
		if p := u.Port(); p != "" {
			return p
		}
		return map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return ua.Scheme == ub.Scheme && strings.EqualFold(ua.Hostname(), ub.Hostname()) && port(ua) == port(ub)
}

// settingsFromEnv reads where the pacts come from. Every problem is reported at once, each
// saying what to set.
func settingsFromEnv(getenv func(string) string) (source, error) {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	s := source{
		pactURL:   pactURLFromEnv,
		brokerURL: strings.TrimRight(getenv("PACT_BROKER_BASE_URL"), "/"),
		token:     envOr(getenv, "PACT_BROKER_TOKEN"),
		user:      envOr(getenv, "PACT_BROKER_USERNAME"),
		password:  envOr(getenv, "PACT_BROKER_PASSWORD"),
		provider:  autoshares.Pact.Provider,
		version:   getenv("PACT_PROVIDER_VERSION"),
		branch:    getenv("PACT_PROVIDER_BRANCH"),
		buildURL:  getenv("PACT_BUILD_URL"),
		pending:   true,
	}
	if getenv("PACT_URL") != "" { // a test sets it through getenv
		s.pactURL = getenv("PACT_URL")
	}
	if s.provider == "" {
		s.provider = DefaultProvider
	}
	if !s.remote() {
		return source{}, nil
	}
	for name, u := range map[string]string{"PACT_BROKER_BASE_URL": s.brokerURL, "PACT_URL": s.pactURL} {
		if u == "" {
			continue
		}
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			bad("%s %q is not an http(s) URL", name, redact.URL(u))
		} else if host, clear := cleartextTo(u); clear && p.User != nil {
			bad("%s %s carries credentials over http:// to %s, which is not loopback: they would cross the network in cleartext. Use https://", name, redact.URL(u), host)
		}
	}
	// Broker credentials go only to the broker, and only over https (or loopback).
	if s.token != "" || s.user != "" || s.password != "" {
		if host, clear := cleartextTo(s.brokerURL); clear {
			bad("PACT_BROKER_BASE_URL %s is http:// to %s, which is not loopback: the broker credentials (PACT_BROKER_TOKEN, or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD) would cross the network in cleartext. Use https://", redact.URL(s.brokerURL), host)
		}
		switch {
		case s.pactURL == "":
		case s.brokerURL == "":
			bad("PACT_URL with broker credentials needs PACT_BROKER_BASE_URL: the credentials go only to the broker's host (set it, or unset PACT_BROKER_TOKEN, PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD)")
		case sameOrigin(s.pactURL, s.brokerURL):
			s.pactURLCreds = true
		default:
			s.note = fmt.Sprintf("PACT_URL %s is not on the broker's host (%s): it is fetched without the broker's credentials", redact.URL(s.pactURL), redact.URL(s.brokerURL))
		}
	}
	if (s.user == "") != (s.password == "") {
		bad("PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD go together: set both, or neither (and PACT_BROKER_TOKEN)")
	}
	switch v := strings.ToLower(getenv("PACT_PUBLISH_VERIFICATION_RESULTS")); v {
	case "", "false":
	case "true":
		s.publish = true
	default:
		bad("PACT_PUBLISH_VERIFICATION_RESULTS is %q: set true or false", v)
	}
	switch v := strings.ToLower(getenv("PACT_ENABLE_PENDING")); v {
	case "", "true":
	case "false":
		s.pending = false
	default:
		bad("PACT_ENABLE_PENDING is %q: set true (the default) or false", v)
	}
	if v := getenv("PACT_INCLUDE_WIP_PACTS_SINCE"); v != "" {
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			t, err = time.Parse(time.RFC3339, v)
		}
		if err != nil {
			bad("PACT_INCLUDE_WIP_PACTS_SINCE is %q: set a date such as 2026-01-31 (or an RFC 3339 time)", v)
		} else {
			s.wipSince = &t
		}
	}
	if s.publish && s.version == "" {
		bad("PACT_PUBLISH_VERIFICATION_RESULTS=true needs PACT_PROVIDER_VERSION: the version (commit) of the deployment under test")
	}
	if s.pactURL == "" { // from the broker
		raw := getenv("PACT_CONSUMER_VERSION_SELECTORS")
		if raw == "" {
			raw = DefaultSelectors
		}
		if err := json.Unmarshal([]byte(raw), &s.selectors); err != nil || len(s.selectors) == 0 {
			bad("PACT_CONSUMER_VERSION_SELECTORS is not a JSON array of selectors such as %s", DefaultSelectors)
		}
		for _, sel := range s.selectors {
			if sel["matchingBranch"] == true && s.branch == "" {
				bad("the selector {\"matchingBranch\":true} needs PACT_PROVIDER_BRANCH: the branch of the deployment under test (or set PACT_CONSUMER_VERSION_SELECTORS without it)")
				break
			}
		}
		if s.version == "" {
			// pact-go needs a provider version to fetch from a broker even when it publishes
			// nothing; this one is never published (publishing requires the real one).
			s.version = "unpublished-local-run"
		}
	}
	if len(problems) > 0 {
		return source{}, errors.New("verification settings:\n- " + strings.Join(problems, "\n- "))
	}
	return s, nil
}

// apply puts the source into a verification request.
func (s source) apply(req *provider.VerifyRequest) error {
	if !s.remote() {
		if len(s.files) == 0 {
			return errors.New("no pact files to verify")
		}
		info, err := readPactInfo(s.files[0])
		if err != nil {
			return err
		}
		req.Provider = info.provider
		req.PactFiles = s.files
		return nil
	}
	req.Provider = s.provider
	if s.pactURL == "" || s.pactURLCreds {
		req.BrokerToken, req.BrokerUsername, req.BrokerPassword = s.token, s.user, s.password
	}
	req.FailIfNoPactsFound = true
	if s.publish {
		req.PublishVerificationResults = true
		req.ProviderVersion = s.version
		req.ProviderBranch = s.branch
		req.BuildURL = s.buildURL
	}
	if s.pactURL != "" {
		// Not BrokerURL: pact-go would then fetch the broker's whole selection as well. The
		// native verifier publishes through the links in the fetched pact.
		req.PactURLs = []string{s.pactURL}
		return nil
	}
	req.BrokerURL = s.brokerURL
	req.ProviderVersion = s.version
	req.ProviderBranch = s.branch
	req.EnablePending = s.pending
	req.IncludeWIPPactsSince = s.wipSince
	for _, sel := range s.selectors {
		u := provider.UntypedConsumerVersionSelector(sel)
		req.ConsumerVersionSelectors = append(req.ConsumerVersionSelectors, &u)
	}
	return nil
}
