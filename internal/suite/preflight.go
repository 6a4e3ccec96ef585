package suite

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/redact"
	"github.com/autoshares/conformance/internal/states"
)

// noSpec ends every preflight message: the run stopped before any spec, on purpose.
const noSpec = " No spec was run."

// Preflight checks, once and before any spec, that the target is what the configuration
// says: that AUTOSHARES_BASE_URL serves the API (login and step 2 answer like it, not a
// 404 or a web page), that the API accepts the app key, that the mailbox is a Mailpit
// API, and that the state endpoint serves every state of fixtures/provider-states.json.
// A wrong target is then one clear failure, saying what to fix, instead of one per spec.
// ctx bounds the whole check (AUTOSHARES_PREFLIGHT_TIMEOUT); no message holds a secret.
func Preflight(ctx context.Context, t Target, hc *http.Client, appKeyMessage string) error {
	teardowns, err := PreflightLater(ctx, t, hc, appKeyMessage)
	return errors.Join(err, teardowns(ctx))
}

// PreflightLater is Preflight with the teardowns of the states it probed left for later:
// it returns once the setups are judged (one round trip against a distant target, not
// two), and the caller runs teardowns while the specs start. teardowns (never nil) tears
// down every state the probe made and says how the endpoint failed to, with the message
// Preflight would give; call it once.
func PreflightLater(ctx context.Context, t Target, hc *http.Client, appKeyMessage string) (teardowns func(context.Context) error, err error) {
	// Never follow a redirect, whatever client the caller passed: it would carry the app key.
	noRedirect := *hc
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	hc = &noRedirect
	api := &client.Client{BaseURL: t.BaseURL, AppKey: t.AppKey, HTTP: hc, TimeoutSetting: "AUTOSHARES_PREFLIGHT_TIMEOUT"}
	base := redact.URL(t.BaseURL)
	// The mailbox and the state endpoint are probed while the API is: against a distant
	// target each round trip counts. Problems are told in order: the API's, the mailbox's,
	// the state endpoint's; every probe is over before Preflight returns.
	// A failure of the API ends the probes still in flight: its message is the one told.
	probeCtx, cancelProbes := context.WithCancel(ctx)
	var mailboxErr error
	var wg sync.WaitGroup
	// The states the probe made are torn down by the caller, whatever else failed.
	var probeTeardowns func(context.Context) error
	defer func() {
		cancelProbes()
		wg.Wait()
		teardowns = func(context.Context) error { return nil }
		if probeTeardowns != nil {
			teardowns = probeTeardowns
		}
	}()
	if t.MailboxURL != "" {
		wg.Go(func() { mailboxErr = (&states.MailboxClient{BaseURL: t.MailboxURL, HTTP: hc}).Ping(probeCtx) })
	}
	var statesErr error
	if t.StateURL != "" && !t.Embedded {
		// The embedded provider's states are the contract by construction (its own tests
		// prove it); probing them would only slow every run.
		contract, err := states.LoadContract()
		if err != nil {
			return nil, fmt.Errorf("the suite's state contract: %w", err)
		}
		wg.Go(func() { probeTeardowns, statesErr = probeStates(probeCtx, t.StateURL, hc, contract) })
	}
	// Login without credentials, then step 2 for a login nobody has: endpoints every
	// deployment has, cheap, and they change nothing.
	probes := []client.Request{
		{Method: http.MethodPost, Path: client.PathLogin},
		client.SecretQuestion(RandomSecret("preflight-")),
	}
	// Both at once, judged in order: against a distant target each round trip counts.
	for i, ex := range api.DoAll(ctx, probes, len(probes)) {
		req := probes[i]
		what := req.Method + " " + base + req.Path
		if ex.Err != nil {
			return nil, fmt.Errorf("AUTOSHARES_BASE_URL %s is unreachable: %s: %s\n"+
				"Check the URL (it is the apiURL, ending in /api on ETNA deployments), that the deployment is up, and that this machine can reach it."+noSpec,
				base, what, redact.URL(ex.Err.Error()))
		}
		var body struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(ex.ResponseBody, &body) == nil && body.Error != "" && strings.EqualFold(body.Error, appKeyMessage) {
			return nil, fmt.Errorf("the target rejected AUTOSHARES_APP_KEY: %s answered %d %q.\n"+
				"Set AUTOSHARES_APP_KEY to the Et-App-Key issued for this environment."+noSpec, what, ex.Status, body.Error)
		}
		if ex.Status >= 300 && ex.Status < 400 {
			// The suite never follows a redirect: the app key and passwords would go wherever
			// it points. An API that answers at its documented paths does not redirect.
			return nil, fmt.Errorf("AUTOSHARES_BASE_URL %s answered %s with %d %s to %s: the API did not answer at its documented path, and the suite does not follow redirects "+
				"(they would carry the app key and passwords elsewhere). Set AUTOSHARES_BASE_URL to the URL the API answers at."+noSpec,
				base, what, ex.Status, http.StatusText(ex.Status), redact.URL(ex.ResponseHeader.Get("Location")))
		}
		if i == 0 && ex.Status >= 500 && ex.Status != http.StatusNotImplemented {
			return nil, fmt.Errorf("AUTOSHARES_BASE_URL %s answers but is failing: %s gave %d %s. Check that the deployment is healthy."+noSpec,
				base, what, ex.Status, http.StatusText(ex.Status))
		}
		if problem := notTheAPI(ex, i == 1); problem != "" {
			return nil, fmt.Errorf("AUTOSHARES_BASE_URL %s does not serve the API: %s %s.\n%s"+noSpec,
				base, what, problem, suggestBase(ctx, t, hc))
		}
	}
	wg.Wait()
	if mailboxErr != nil {
		return nil, fmt.Errorf("AUTOSHARES_MAILBOX_URL: %s\nIt must be the Mailpit HTTP API that receives the target's mail, or unset."+noSpec, redact.URL(mailboxErr.Error()))
	}
	return nil, statesErr
}

// notTheAPI says how an answer shows that the URL is not the API, or "" if it looks like
// it: the API answers every request, success or error, with a JSON object, and step 2
// with its envelope. Only the shape is judged here, not the details the specs check (a
// JSON body labelled text/plain, or an error envelope with a 5xx, is the API misbehaving,
// which is for the specs to report).
func notTheAPI(ex *client.Exchange, envelope bool) string {
	switch ex.Status {
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented:
		return fmt.Sprintf("answered %d %s: the documented endpoint is not there", ex.Status, http.StatusText(ex.Status))
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(ex.ResponseBody, &obj); err != nil || obj == nil {
		ct := ex.ResponseHeader.Get("Content-Type")
		mt, _, _ := mime.ParseMediaType(ct)
		kind := "not a JSON object"
		if mt == "text/html" || bytes.HasPrefix(bytes.TrimSpace(ex.ResponseBody), []byte("<")) {
			kind = "a web page, not the API"
		}
		return fmt.Sprintf("answered %d with Content-Type %q and a body that is %s", ex.Status, ct, kind)
	}
	if envelope && obj["IsSucceed"] == nil && obj["Errors"] == nil {
		return fmt.Sprintf("answered %d with JSON that is not the API's envelope (no IsSucceed, no Errors)", ex.Status)
	}
	return ""
}

// suggestBase tries the URLs the user most likely meant (the same with /api appended, or
// cut after its /api) and names the first that answers login like the API.
func suggestBase(ctx context.Context, t Target, hc *http.Client) string {
	const how = "Set AUTOSHARES_BASE_URL to the environment's apiURL: the URL under which POST /token and GET /v1.0/users/password/secret-question live (on ETNA deployments it ends in /api)."
	u, err := url.Parse(t.BaseURL)
	if err != nil {
		return how
	}
	var candidates []string
	path := strings.TrimRight(u.Path, "/")
	if i := strings.Index(path+"/", "/api/"); i >= 0 && path != path[:i+4] {
		c := *u
		c.Path = path[:i+4]
		candidates = append(candidates, c.String())
	}
	if !strings.HasSuffix(path, "/api") {
		c := *u
		c.Path = path + "/api"
		candidates = append(candidates, c.String())
	}
	for _, c := range candidates {
		api := &client.Client{BaseURL: c, AppKey: t.AppKey, HTTP: hc}
		ex := api.Do(ctx, client.Request{Method: http.MethodPost, Path: client.PathLogin})
		if ex.Err == nil && ex.Status < 500 && notTheAPI(ex, false) == "" {
			return fmt.Sprintf("Did you mean AUTOSHARES_BASE_URL=%s? It answers POST /token like the API.", redact.URL(c))
		}
	}
	return how
}

// stateProbe is what one contracted state's setup came to.
type stateProbe struct {
	name      string
	status    int    // of the setup; 0 = no answer
	transport string // the transport error, if no answer
	problem   string // why the state counts as missing; "" = served
	made      bool   // the setup answered 200: something may need tearing down
	params    map[string]any
}

// statesInFlight bounds the state probes in flight at once (the default
// AUTOSHARES_MAX_IN_FLIGHT): against a distant target the contract's states then cost one
// round trip to set up and one to tear down, not two each, and a setup (which hashes a
// password) is not sent to the target more than that many at a time.
const statesInFlight = 8

// probeStates sets up every state of the contract, a few at a time, so a state endpoint
// that lacks any contracted state is one failure listing all of them (in the contract's
// order). teardowns tears each state it made down with the User its setup returned, and
// says which teardowns failed.
func probeStates(ctx context.Context, stateURL string, hc *http.Client, contract states.Contract) (teardowns func(context.Context) error, err error) {
	names := contract.Names()
	results := make([]stateProbe, len(names))
	client.Bounded(len(names), statesInFlight, func(i int) { results[i] = probeState(ctx, stateURL, hc, names[i], contract[names[i]]) })
	teardowns = func(ctx context.Context) error { return tearDownProbed(ctx, stateURL, hc, results) }
	where := redact.URL(stateURL)
	for _, r := range results {
		if r.transport == "" {
			continue
		}
		return teardowns, fmt.Errorf("AUTOSHARES_STATE_URL %s is unreachable: %s\nCheck the URL, or unset it to run only what needs no state endpoint."+noSpec, where, r.transport)
	}
	var missing []string
	statuses := map[int]bool{}
	for _, r := range results {
		if r.problem != "" {
			missing = append(missing, fmt.Sprintf("  - %q: %s", r.name, r.problem))
			statuses[r.status] = true
		}
	}
	if len(missing) == len(names) && len(statuses) == 1 && (statuses[http.StatusNotFound] || statuses[http.StatusMethodNotAllowed]) {
		return teardowns, fmt.Errorf("AUTOSHARES_STATE_URL %s is not a provider-state endpoint: every setup answered %d.\n"+
			"Set it to the endpoint that speaks the Pact provider-state protocol (POST {\"action\", \"state\", \"params\"}; see docs), or unset it."+noSpec,
			where, results[0].status)
	}
	if len(missing) > 0 {
		return teardowns, fmt.Errorf("AUTOSHARES_STATE_URL %s lacks %d of the %d provider states the suite needs (fixtures/provider-states.json):\n%s\n"+
			"Add them to the deployment's state endpoint, with the keys the contract names, or unset AUTOSHARES_STATE_URL to run only what other sources can serve."+noSpec,
			where, len(missing), len(names), strings.Join(missing, "\n"))
	}
	return teardowns, nil
}

// tearDownProbed tears down every probed state whose setup answered 200 (a setup that
// answered without a User is torn down without one), a few at a time.
func tearDownProbed(ctx context.Context, stateURL string, hc *http.Client, probed []stateProbe) error {
	failures := make([]string, len(probed))
	client.Bounded(len(probed), statesInFlight, func(i int) {
		r := probed[i]
		if !r.made {
			return
		}
		if status, body, err := postState(ctx, stateURL, hc, "teardown", r.name, r.params); err != nil {
			failures[i] = fmt.Sprintf("  - %q: %s", r.name, err)
		} else if status != http.StatusOK {
			failures[i] = fmt.Sprintf("  - %q: teardown answered %d %s", r.name, status, quote(body))
		}
	})
	failures = slices.DeleteFunc(failures, func(f string) bool { return f == "" })
	if len(failures) == 0 {
		return nil
	}
	return fmt.Errorf("AUTOSHARES_STATE_URL %s set these states up in the preflight but failed to tear them down (params {\"User\": <the User setup returned>}):\n%s\n"+
		"A teardown must answer 200; fix the endpoint's teardown.", redact.URL(stateURL), strings.Join(failures, "\n"))
}

func probeState(ctx context.Context, stateURL string, hc *http.Client, name string, keys []string) stateProbe {
	r := stateProbe{name: name}
	status, body, err := postState(ctx, stateURL, hc, "setup", name, map[string]any{})
	r.status = status
	switch {
	case err != nil:
		r.transport, r.problem = err.Error(), "no answer: "+err.Error()
		return r
	case status != http.StatusOK:
		r.problem = fmt.Sprintf("setup answered %d %s", status, quote(body))
		return r
	}
	r.made, r.params = true, map[string]any{}
	var vals map[string]any
	if err := json.Unmarshal(body, &vals); err != nil {
		r.problem = "setup answered 200 with a body that is not a JSON object"
		return r
	}
	var lacking []string
	for _, k := range keys {
		if s, _ := vals[k].(string); s == "" {
			lacking = append(lacking, k)
		}
	}
	if len(lacking) > 0 {
		r.problem = fmt.Sprintf("setup answered 200 without %s (it must return %s)", strings.Join(lacking, ", "), strings.Join(keys, ", "))
	}
	if u, ok := vals["User"].(string); ok && u != "" {
		r.params["User"] = u
	}
	return r
}

func postState(ctx context.Context, stateURL string, hc *http.Client, action, state string, params map[string]any) (int, []byte, error) {
	reqBody, _ := json.Marshal(map[string]any{"action": action, "state": state, "params": params})
	ctx, outcome := client.WithOutcome(ctx)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, stateURL, bytes.NewReader(reqBody))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		if ue, ok := err.(*url.Error); ok {
			err = ue.Err // the URL is named by the message around it
		}
		return 0, nil, fmt.Errorf("%s", redact.URL(err.Error()))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if err := outcome.Err(); err != nil {
		return 0, nil, err // not the endpoint's answer: it never got to answer
	}
	return resp.StatusCode, body, nil
}

// quote shows an error body briefly, with secret fields masked by name (a state endpoint
// should never echo one, but the message is printed).
func quote(body []byte) string {
	s := strings.TrimSpace(redact.New().JSON(body))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}
