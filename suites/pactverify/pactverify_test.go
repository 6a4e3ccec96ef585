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
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/contract"
	"github.com/autoshares/conformance/internal/netns"
	"github.com/autoshares/conformance/internal/refprovider"
	pactlog "github.com/pact-foundation/pact-go/v2/log"
	"github.com/pact-foundation/pact-go/v2/models"
	"github.com/pact-foundation/pact-go/v2/provider"
	"github.com/pact-foundation/pact-go/v2/proxy"
)

func TestMain(m *testing.M) {
	// pact-go's verification proxy listens on every interface; against the in-process
	// reference provider nothing needs more than loopback, so run in a private namespace.
	if os.Getenv("AUTOSHARES_BASE_URL") == "" {
		if code, ran := netns.Reexec(); ran {
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
	log.SetOutput(dropLoggerNoise{log.Writer()})
	os.Exit(m.Run())
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

// TestVerifyPacts verifies every pact in pacts/ (or PACT_FILES: files or directories,
// separated like PATH) against AUTOSHARES_BASE_URL, or against the reference provider
// when that is unset.
func TestVerifyPacts(t *testing.T) {
	files, where, err := pactFiles(os.Getenv("PACT_FILES"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no pacts found in %s; run make pacts", where)
	}
	tgt := targetFromEnv(t)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			start := time.Now()
			if err := verify(t, tgt, f); err != nil {
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
		root, err := repoRoot()
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

// repoRoot is the directory holding go.mod, found upwards from the test's directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the test directory")
		}
		dir = parent
	}
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
	base := os.Getenv("AUTOSHARES_BASE_URL")
	if base == "" {
		return reference(t, nil)
	}
	tgt := target{
		name:     "AUTOSHARES_BASE_URL " + base,
		baseURL:  base,
		stateURL: os.Getenv("AUTOSHARES_STATE_URL"),
		appKey:   os.Getenv("AUTOSHARES_APP_KEY"),
	}
	var problems []string
	// pact-go needs a scheme, or a base path would be lost (url.Parse treats it as opaque).
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		problems = append(problems, fmt.Sprintf("AUTOSHARES_BASE_URL %q is not an http(s) URL such as https://host/api", base))
	}
	if tgt.appKey == "" {
		problems = append(problems, "AUTOSHARES_APP_KEY is not set (the pacts carry a placeholder key; verification needs the real one)")
	}
	if tgt.stateURL == "" {
		problems = append(problems, "AUTOSHARES_STATE_URL is not set (the pacts' provider states are set up through it)")
	}
	if len(problems) > 0 {
		t.Fatal(strings.Join(problems, "\n"))
	}
	return tgt
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

// verify runs pact-go's verifier on one pact file against tgt. Mismatches are printed by the
// native verifier (to stdout); the returned error only says that verification failed.
func verify(t *testing.T, tgt target, file string) error {
	info, err := readPactInfo(file)
	if err != nil {
		t.Error(err)
		return err
	}
	handlers := models.StateHandlers{}
	for _, s := range info.states {
		handlers[s] = forwardState(tgt.stateURL, s)
	}
	// Verification needs the key in the request headers as sent; pact files carry only
	// the placeholder (never a real key), so the proxy swaps it in on the way out.
	v := provider.NewVerifier()
	return v.VerifyProvider(t, provider.VerifyRequest{
		// pact-go proxies every request and joins the URL's path (/api) in front of the
		// pact's paths (/v1.0/..., /token), so a base URL with a path works as is.
		ProviderBaseURL:      tgt.baseURL,
		Provider:             info.provider,
		PactFiles:            []string{file},
		StateHandlers:        handlers,
		RequestFilter:        appKeyFilter(tgt.appKey),
		RequestTimeout:       10 * time.Second,
		DisableColoredOutput: true,
	})
}

type pactInfo struct {
	provider string
	states   []string
}

// readPactInfo reads what verify needs before handing the file to pact-go: the provider
// name and the provider states, which must be known up front as handlers.
func readPactInfo(file string) (pactInfo, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return pactInfo{}, err
	}
	var p struct {
		Provider     struct{ Name string }
		Interactions []struct {
			ProviderState  string // pact V2
			ProviderStates []struct{ Name string }
		}
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return pactInfo{}, fmt.Errorf("%s is not a pact file: %w", file, err)
	}
	if len(p.Interactions) == 0 {
		return pactInfo{}, fmt.Errorf("%s has no interactions; run make pacts", file)
	}
	info := pactInfo{provider: p.Provider.Name}
	for _, in := range p.Interactions {
		if in.ProviderState != "" {
			info.states = append(info.states, in.ProviderState)
		}
		for _, s := range in.ProviderStates {
			info.states = append(info.states, s.Name)
		}
	}
	slices.Sort(info.states)
	info.states = slices.Compact(info.states)
	return info, nil
}

// forwardState sets up (and tears down) a provider state through the target's state
// endpoint, and returns the values it answers for the pact's ProviderState generators.
//
// It goes through pact-go's state handlers rather than pointing the native verifier at the
// endpoint directly because the verifier also calls the endpoint for interactions with no
// state (state ""), which an endpoint may rightly refuse; unknown names, "" included, are
// answered by pact-go itself.
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
		// pact-go passes the whole request body minus action and state: the interaction's
		// params are under "params".
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
			return nil, fmt.Errorf("provider state %q %s: %w", state, action, err)
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if err != nil {
			return nil, fmt.Errorf("provider state %q %s: reading the answer: %w", state, action, err)
		}
		if resp.StatusCode/100 != 2 {
			// Only error answers are quoted: a successful one holds credentials.
			return nil, fmt.Errorf("provider state %q %s: %s answered %s: %.512s", state, action, stateURL, resp.Status, data)
		}
		if !setup || len(bytes.TrimSpace(data)) == 0 {
			return nil, nil
		}
		var values models.ProviderStateResponse
		if err := json.Unmarshal(data, &values); err != nil {
			return nil, fmt.Errorf("provider state %q setup: %s did not answer a JSON object: %v", state, stateURL, err)
		}
		return values, nil
	}
}

// appKeyFilter replaces exactly the placeholder app key with the real one. Any other value
// (a deliberately wrong key) and a missing header pass unchanged: those interactions are
// about what the provider does with them.
func appKeyFilter(realKey string) proxy.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if v := r.Header.Values("Et-App-Key"); len(v) == 1 && v[0] == contract.AppKeyPlaceholder {
				r.Header.Set("Et-App-Key", realKey)
			}
			next.ServeHTTP(w, r)
		})
	}
}
