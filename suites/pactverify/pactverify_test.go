package pactverify

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/pacts"
	"github.com/autoshares/conformance/internal/redact"
	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/testkit"
	pactlog "github.com/pact-foundation/pact-go/v2/log"
	"github.com/pact-foundation/pact-go/v2/models"
	"github.com/pact-foundation/pact-go/v2/provider"
	"github.com/pact-foundation/pact-go/v2/proxy"
)

// autoshares is this process's AUTOSHARES_* configuration, loaded once (environment and
// AUTOSHARES_CONFIG, validated like the conformance suite's); autosharesErr holds its
// problems, which a test that needs the target reports.
var autoshares, autosharesErr = config.Load(os.Getenv)

func TestMain(m *testing.M) {
	// pact-go's verification proxy listens on every interface; against the in-process
	// reference provider nothing needs more than loopback, so run in a private namespace.
	// A broker or pact URL off this machine must stay reachable, so no namespace then.
	if autoshares.BaseURL == "" && loopbackOnly(os.Getenv("PACT_BROKER_BASE_URL"), os.Getenv("PACT_URL")) {
		if code, ran := testkit.Reexec(); ran {
			os.Exit(code)
		}
	}
	// scripts/pact.mk exports these; a bare `go test` gets the same quiet defaults.
	if os.Getenv("PACT_DO_NOT_TRACK") == "" {
		os.Setenv("PACT_DO_NOT_TRACK", "true")
	}
	if os.Getenv("PACT_LOG_LEVEL") == "" {
		os.Setenv("PACT_LOG_LEVEL", "ERROR")
		_ = pactlog.SetLogLevel("ERROR") // pact-go read the variable at init, before us
	}
	// pact-go adds PACT_URL to every verification it runs; this package reads it once
	// (settingsFromEnv) and passes it explicitly, so no other test verifies it by accident.
	pactURLFromEnv = os.Getenv("PACT_URL")
	os.Unsetenv("PACT_URL")
	takeBrokerEnv()
	log.SetOutput(dropLoggerNoise{log.Writer()})
	os.Exit(m.Run())
}

// loopbackOnly says whether every URL given is empty or on this machine's loopback.
func loopbackOnly(urls ...string) bool {
	for _, u := range urls {
		if u == "" {
			continue
		}
		p, err := url.Parse(u)
		if err != nil {
			return false
		}
		if ip := net.ParseIP(p.Hostname()); p.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return false
		}
	}
	return true
}

// dropLoggerNoise sits in front of pact-go's log filter and drops the one line pact-go logs
// at ERROR for every verifier or mock server after the first: it tries to install the native
// logger again, which is refused and harmless, but reads like a failure.
type dropLoggerNoise struct{ next io.Writer }

func (d dropLoggerNoise) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("can't set logger")) {
		return len(p), nil
	}
	return d.next.Write(p)
}

// TestVerifyPacts verifies, against AUTOSHARES_BASE_URL (or the reference provider when
// that is unset), the pacts the settings name: with PACT_URL that one pact; with
// PACT_BROKER_BASE_URL the pacts the broker selects for this provider; otherwise every pact
// in pacts/ (or PACT_FILES: files or directories, separated like PATH). See settings.go.
func TestVerifyPacts(t *testing.T) {
	src, err := settingsFromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	if src.note != "" {
		t.Log(src.note)
	}
	tgt := targetFromEnv(t)
	if src.remote() {
		start := time.Now()
		if err := verify(t, tgt, src); err != nil {
			t.Errorf("verifying the pacts from %s against %s failed: the verifier's output above says why (a broker error, or each failing interaction of each pact)", src.describe(), tgt.name)
		}
		t.Logf("verification of the pacts from %s against %s took %v", src.describe(), tgt.name, time.Since(start).Round(time.Millisecond))
		return
	}
	files, where, err := pactFiles(os.Getenv("PACT_FILES"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no pacts found in %s; run make pacts", where)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			start := time.Now()
			if err := verify(t, tgt, source{files: []string{f}}); err != nil {
				t.Errorf("%s does not honour %s (the verifier's output above names each failing interaction)", tgt.name, f)
			}
			t.Logf("verification of %s against %s took %v", filepath.Base(f), tgt.name, time.Since(start).Round(time.Millisecond))
		})
	}
}

// pactFiles lists the pact files named by list (PACT_FILES), or those in the repository's
// pacts/ when list is empty. where describes what was searched, for messages.
func pactFiles(list string) (files []string, where string, err error) {
	entries := filepath.SplitList(list)
	if strings.TrimSpace(list) == "" {
		root, err := testkit.Root()
		if err != nil {
			return nil, "", err
		}
		entries = []string{filepath.Join(root, "pacts")}
	}
	where = strings.Join(entries, string(filepath.ListSeparator))
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		fi, err := os.Stat(e)
		switch {
		case errors.Is(err, os.ErrNotExist) && list == "":
			continue // no pacts/ yet: reported as "no pacts found"
		case err != nil:
			return nil, where, fmt.Errorf("PACT_FILES: %w", err)
		case fi.IsDir():
			m, err := filepath.Glob(filepath.Join(e, "*.json"))
			if err != nil {
				return nil, where, err
			}
			files = append(files, m...)
		default:
			files = append(files, e)
		}
	}
	return files, where, nil
}

// target is a provider to verify against.
type target struct {
	name     string // for messages; never the key
	baseURL  string // the API base ("apiURL"), may have a path such as /api
	stateURL string // provider-state endpoint; "" = none
	appKey   string // the real Et-App-Key
}

// targetFromEnv is the deployment named by AUTOSHARES_BASE_URL, or the reference provider.
func targetFromEnv(t *testing.T) target {
	t.Helper()
	if autosharesErr != nil {
		t.Fatal(autosharesErr)
	}
	base := autoshares.BaseURL
	if base == "" {
		return reference(t, nil)
	}
	tgt, err := targetFrom(autoshares)
	if err != nil {
		t.Fatal(err)
	}
	return tgt
}

// targetFrom is the deployment a configuration names; its name, for messages, shows the
// base URL masked (credentials, secret query parameters).
func targetFrom(cfg config.Config) (target, error) {
	base := cfg.BaseURL
	tgt := target{
		name:     "AUTOSHARES_BASE_URL " + redact.URL(base),
		baseURL:  base,
		stateURL: cfg.StateURL,
		appKey:   cfg.AppKey,
	}
	var problems []string
	// pact-go needs a scheme, or a base path would be lost (url.Parse treats it as opaque).
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		problems = append(problems, fmt.Sprintf("AUTOSHARES_BASE_URL %q is not an http(s) URL such as https://host/api", redact.URL(base)))
	}
	if tgt.appKey == "" {
		problems = append(problems, "AUTOSHARES_APP_KEY is not set (the pacts carry a placeholder key; verification needs the real one)")
	}
	if tgt.stateURL == "" {
		problems = append(problems, "AUTOSHARES_STATE_URL is not set (the pacts' provider states are set up through it)")
	}
	if len(problems) > 0 {
		return target{}, errors.New(strings.Join(problems, "\n"))
	}
	return tgt, nil
}

// reference starts the in-process reference provider with a random app key.
func reference(t *testing.T, faults []string) target {
	t.Helper()
	key := make([]byte, 16)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	opts := refprovider.Options{AppKey: hex.EncodeToString(key), TestMode: true, Faults: faults}
	r, err := refprovider.Start(ctx, opts, "")
	if err != nil {
		cancel()
		t.Fatalf("starting the reference provider: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := r.Close(); err != nil {
			t.Errorf("stopping the reference provider: %v", err)
		}
	})
	name := "the reference provider"
	if len(faults) > 0 {
		name += " with faults " + strings.Join(faults, ",")
	}
	return target{name: name, baseURL: r.BaseURL, stateURL: r.StateURL, appKey: opts.AppKey}
}

// verify runs pact-go's verifier on the pacts src names against tgt. Mismatches are printed by
// the native verifier (to stdout); the returned error only says that verification failed.
func verify(t *testing.T, tgt target, src source) error {
	// The verifier's output is masked: the real key, and what the states and the target
	// answered (tokens, codes).
	secrets := redact.New()
	secrets.AddConfigured(tgt.appKey)
	secrets.AddConfigured(src.secrets()...)
	secrets.AddConfigured(redact.URLSecrets(tgt.baseURL, tgt.stateURL)...)
	req := provider.VerifyRequest{
		// pact-go proxies every request and joins the URL's path (/api) in front of the
		// pact's paths (/v1.0/..., /token), so a base URL with a path works as is.
		ProviderBaseURL: tgt.baseURL,
		// Every state any pact names, fetched ones included, goes to the target's state
		// endpoint: the states are not known before the pacts are fetched.
		ProviderStatesSetupURL: stateForwarder(t, tgt.stateURL, secrets),
		// Pact files carry placeholder keys (never a real one): the proxy swaps in the key.
		RequestFilter:        appKeyFilter(tgt.appKey),
		RequestTimeout:       10 * time.Second,
		DisableColoredOutput: true,
	}
	if err := src.apply(&req); err != nil {
		t.Error(err)
		return err
	}
	// The credentials go only where src.apply put them: pact-go would fill empty ones from
	// the environment.
	for _, k := range brokerEnvVars {
		os.Unsetenv(k)
	}
	var err error
	if merr := maskedStdout(secrets, func() { err = provider.NewVerifier().VerifyProvider(t, req) }); merr != nil {
		t.Error(merr)
	}
	return err
}

// stateForwarder serves, on 127.0.0.1 until the test ends, the endpoint the native verifier
// posts each provider state change to, and forwards every named state to the target's state
// endpoint (forwardState). It returns the endpoint's URL.
//
// A server of our own rather than pact-go's StateHandlers: those must be listed by name
// before verification, and pact-go answers a state it has no handler for with success
// without setting anything up, which for a pact fetched from a broker means every state.
//
// It is guarded like the verification proxy (fromThisProcess): it sets up states with the
// state endpoint's credentials and answers their secrets (tokens, codes, passwords), so only
// the verifier of this process may ask it.
func stateForwarder(t *testing.T, stateURL string, secrets *redact.Redactor) string {
	srv := httptest.NewServer(stateForwarderHandler(stateURL, secrets))
	t.Cleanup(srv.Close)
	return srv.URL
}

// stateForwarderHandler is the forwarder's handler, guard included.
func stateForwarderHandler(stateURL string, secrets *redact.Redactor) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !fromThisProcess(r) {
			http.Error(w, "the state forwarder serves only the verifier of this process", http.StatusForbidden)
			return
		}
		var change struct {
			Action string
			State  string
			Params map[string]any
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&change); err != nil {
			http.Error(w, "the state change is not JSON: "+err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		// The verifier also posts for interactions with no state (""), which an endpoint
		// may rightly refuse: nothing to set up.
		if change.State == "" {
			_, _ = w.Write([]byte("{}"))
			return
		}
		values, err := forwardState(stateURL, change.State)(change.Action != "teardown", models.ProviderState{
			Name: change.State, Parameters: map[string]any{"params": change.Params}})
		if err != nil {
			// The verifier reports only that the state change failed; say why here, masked:
			// the endpoint may have echoed a secret.
			msg := secrets.String(err.Error())
			fmt.Fprintf(os.Stderr, "pactverify: %s\n", msg)
			http.Error(w, msg, http.StatusInternalServerError)
			return
		}
		if values == nil {
			values = models.ProviderStateResponse{}
		}
		for _, v := range values {
			if s, ok := v.(string); ok {
				secrets.Add(s) // tokens, codes, passwords of the state
			}
		}
		_ = json.NewEncoder(w).Encode(values)
	})
}

// pactInfo is what the local mode reads from a pact file before verifying it.
type pactInfo struct {
	provider string
}

// readPactInfo reads the provider name of a local pact file and checks it has interactions.
func readPactInfo(file string) (pactInfo, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return pactInfo{}, err
	}
	var p struct {
		Provider     struct{ Name string }
		Interactions []json.RawMessage
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return pactInfo{}, fmt.Errorf("%s is not a pact file: %w", file, err)
	}
	if len(p.Interactions) == 0 {
		return pactInfo{}, fmt.Errorf("%s has no interactions; run make pacts", file)
	}
	return pactInfo{provider: p.Provider.Name}, nil
}

// forwardState sets up (and tears down) a provider state through the target's state
// endpoint, and returns the values it answers for the pact's ProviderState generators.
func forwardState(stateURL, state string) models.StateHandler {
	client := &http.Client{Timeout: 10 * time.Second}
	return func(setup bool, s models.ProviderState) (models.ProviderStateResponse, error) {
		if stateURL == "" {
			return nil, fmt.Errorf("provider state %q needs a state endpoint: set AUTOSHARES_STATE_URL", state)
		}
		action := "setup"
		if !setup {
			action = "teardown"
		}
		// The interaction's params are under "params".
		params, _ := s.Parameters["params"].(map[string]any)
		if params == nil {
			params = map[string]any{}
		}
		body, err := json.Marshal(map[string]any{"action": action, "state": state, "params": params})
		if err != nil {
			return nil, err
		}
		resp, err := client.Post(stateURL, "application/json", bytes.NewReader(body))
		if err != nil {
			// The error quotes the URL, credentials and all.
			return nil, fmt.Errorf("provider state %q %s: %s", state, action, redact.URL(err.Error()))
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if err != nil {
			return nil, fmt.Errorf("provider state %q %s: reading the answer: %w", state, action, err)
		}
		if resp.StatusCode/100 != 2 {
			// Only error answers are quoted: a successful one holds credentials.
			return nil, fmt.Errorf("provider state %q %s: %s answered %s: %.512s", state, action, redact.URL(stateURL), resp.Status, data)
		}
		if !setup || len(bytes.TrimSpace(data)) == 0 {
			return nil, nil
		}
		var values models.ProviderStateResponse
		if err := json.Unmarshal(data, &values); err != nil {
			return nil, fmt.Errorf("provider state %q setup: %s did not answer a JSON object: %v", state, redact.URL(stateURL), err)
		}
		return values, nil
	}
}

// appKeyFilter sends the configured key wherever a pact's request has an Et-App-Key,
// whatever placeholder it carries (the suite's example-app-key, a consumer team's own), and
// none where it has none. The one value kept is contract.WrongAppKey: the interactions about
// a wrong key send it, and the provider must refuse it.
func appKeyFilter(realKey string) proxy.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !fromThisProcess(r) {
				http.Error(w, "the verification proxy serves only the verifier of this process", http.StatusForbidden)
				return
			}
			if v := r.Header.Values("Et-App-Key"); len(v) > 0 && !(len(v) == 1 && v[0] == pacts.WrongAppKey) {
				r.Header.Set("Et-App-Key", realKey)
			}
			next.ServeHTTP(w, r)
		})
	}
}
