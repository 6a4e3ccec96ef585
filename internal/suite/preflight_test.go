package suite

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/states"
)

const testKey = "preflight-app-key"
const keyMessage = "Application key is not defined or does not exist"

// fakeAPI answers like the API under prefix: login 401, step 2 an error envelope, a wrong
// key 403; anything else a JSON 404, as the reference provider does.
func fakeAPI(prefix string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		switch {
		case r.URL.Path != prefix+"/token" && r.URL.Path != prefix+"/v1.0/users/password/secret-question":
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, `{"Message":"No HTTP resource was found that matches the request URI '%s'."}`, r.URL.Path)
		case r.Header.Get("Et-App-Key") != testKey:
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `{"error":%q}`, keyMessage)
		case r.URL.Path == prefix+"/token":
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"State":"Failed","Step":"BaseAuthentication","Reason":"Invalid credentials"}`)
		default:
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"Errors":["User not found."],"IsSucceed":false}`)
		}
	}
}

func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	s := httptest.NewServer(h) // 127.0.0.1
	t.Cleanup(s.Close)
	return s.URL
}

func preflight(t *testing.T, tg Target) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return Preflight(ctx, tg, &http.Client{Timeout: 5 * time.Second}, keyMessage)
}

func mustFail(t *testing.T, err error, wants ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("preflight passed; want a failure mentioning %q", wants)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("message lacks %q:\n%v", w, err)
		}
	}
	if !strings.HasSuffix(err.Error(), "No spec was run.") {
		t.Errorf("message does not say that no spec ran:\n%v", err)
	}
}

func TestPreflightSuggestsTheMissingAPISuffix(t *testing.T) {
	base := serve(t, fakeAPI("/api"))
	if err := preflight(t, Target{BaseURL: base + "/api", AppKey: testKey}); err != nil {
		t.Fatalf("the right URL: %v", err)
	}
	mustFail(t, preflight(t, Target{BaseURL: base, AppKey: testKey}),
		"does not serve the API", "POST "+base+"/token answered 404", "Did you mean AUTOSHARES_BASE_URL="+base+"/api?")
	mustFail(t, preflight(t, Target{BaseURL: base + "/api/v1.0", AppKey: testKey}),
		"Did you mean AUTOSHARES_BASE_URL="+base+"/api?")
}

func TestPreflightTellsAWebPageFromTheAPI(t *testing.T) {
	base := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<!doctype html><title>AutoShares</title>")
	}))
	err := preflight(t, Target{BaseURL: base, AppKey: testKey})
	mustFail(t, err, "does not serve the API", `Content-Type "text/html"`, "a web page, not the API", "Set AUTOSHARES_BASE_URL to the environment's apiURL")
	if strings.Contains(err.Error(), "Did you mean") {
		t.Errorf("suggested a URL that does not answer like the API:\n%v", err)
	}
}

func TestPreflightChecksStep2Too(t *testing.T) {
	for name, step2 := range map[string]func(w http.ResponseWriter){
		"plain text": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, "no such user")
		},
		"JSON without the envelope": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"question":null}`)
		},
	} {
		t.Run(name, func(t *testing.T) {
			api := fakeAPI("/api")
			base := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "secret-question") {
					step2(w)
					return
				}
				api(w, r)
			}))
			mustFail(t, preflight(t, Target{BaseURL: base + "/api", AppKey: testKey}),
				"does not serve the API: GET "+base+"/api/v1.0/users/password/secret-question")
		})
	}
}

// Misbehaviour the specs report (a JSON body labelled text/plain, an error envelope with
// a 5xx at step 2) must not stop the run at the preflight: it is still the API.
func TestPreflightLeavesTheAPIsOwnFaultsToTheSpecs(t *testing.T) {
	api := fakeAPI("/api")
	base := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "secret-question") {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `{"Errors":["User not found."],"IsSucceed":"false"}`)
			return
		}
		api(w, r)
	}))
	if err := preflight(t, Target{BaseURL: base + "/api", AppKey: testKey}); err != nil {
		t.Fatal(err)
	}
}

func TestPreflightNamesARejectedKeyAFailingAndAHangingTarget(t *testing.T) {
	base := serve(t, fakeAPI("/api"))
	mustFail(t, preflight(t, Target{BaseURL: base + "/api", AppKey: "wrong"}),
		"the target rejected AUTOSHARES_APP_KEY", "Set AUTOSHARES_APP_KEY")

	failing := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) }))
	mustFail(t, preflight(t, Target{BaseURL: failing, AppKey: testKey}), "answers but is failing", "502")

	release := make(chan struct{})
	defer close(release)
	hanging := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	err := Preflight(context.Background(), Target{BaseURL: hanging, AppKey: testKey}, &http.Client{Timeout: 50 * time.Millisecond}, keyMessage)
	mustFail(t, err, "is unreachable", "AUTOSHARES_PREFLIGHT_TIMEOUT")
}

func TestPreflightNeverPrintsURLCredentials(t *testing.T) {
	base := serve(t, fakeAPI("/api"))
	withCreds := strings.Replace(base, "http://", "http://ops:pw-s3cret@", 1)
	err := preflight(t, Target{BaseURL: withCreds, AppKey: testKey})
	mustFail(t, err, "Did you mean")
	if strings.Contains(err.Error(), "pw-s3cret") || strings.Contains(err.Error(), "ops:") {
		t.Fatalf("credentials printed:\n%v", err)
	}
}

// fakeStates serves the states in served (each with the contract's keys, except those in
// lacking) and answers any other state as the reference provider does: 400 and an error.
type fakeStates struct {
	served        map[string]bool
	lacking       map[string]string // state -> key left out
	mu            sync.Mutex
	torn          map[string]string // state -> User of its teardown
	failTeardowns bool              // every teardown answers 500
}

// servingEvery is a state endpoint that serves every state of the contract.
func servingEvery(t *testing.T) (*fakeStates, states.Contract) {
	t.Helper()
	contract, err := states.LoadContract()
	if err != nil {
		t.Fatal(err)
	}
	all := &fakeStates{served: map[string]bool{}, torn: map[string]string{}}
	for _, n := range contract.Names() {
		all.served[n] = true
	}
	return all, contract
}

func (f *fakeStates) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Action string         `json:"action"`
		State  string         `json:"state"`
		Params map[string]any `json:"params"`
	}
	json.NewDecoder(r.Body).Decode(&req)
	w.Header().Set("Content-Type", "application/json")
	contract, _ := states.LoadContract()
	if !f.served[req.State] {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error":"unknown provider state %q"}`, req.State)
		return
	}
	if req.Action == "teardown" {
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.failTeardowns {
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `{"error":"teardown broken"}`)
			return
		}
		f.torn[req.State], _ = req.Params["User"].(string)
		fmt.Fprint(w, `{}`)
		return
	}
	vals := map[string]string{}
	for _, k := range contract[req.State] {
		if f.lacking[req.State] != k {
			vals[k] = "value-of-" + k
		}
	}
	if len(contract[req.State]) > 0 {
		vals["User"] = "user-of-" + req.State
	}
	json.NewEncoder(w).Encode(vals)
}

func TestPreflightListsEveryMissingStateInOneMessage(t *testing.T) {
	api := serve(t, fakeAPI("/api")) + "/api"
	all, contract := servingEvery(t)
	if err := preflight(t, Target{BaseURL: api, AppKey: testKey, StateURL: serve(t, all)}); err != nil {
		t.Fatalf("every state served: %v", err)
	}
	if len(all.torn) != len(contract) || all.torn[states.ValidToken] != "user-of-"+states.ValidToken {
		t.Fatalf("teardowns: %v", all.torn)
	}

	some := &fakeStates{served: map[string]bool{}, torn: map[string]string{},
		lacking: map[string]string{states.PendingCode: "Code"}}
	for _, n := range contract.Names() {
		some.served[n] = n != states.ExpiredCode && n != states.NoSuchCode
	}
	err := preflight(t, Target{BaseURL: api, AppKey: testKey, StateURL: serve(t, some)})
	mustFail(t, err, "lacks 3 of the 8 provider states", `"`+states.ExpiredCode+`": setup answered 400`,
		`"`+states.NoSuchCode+`"`, `"`+states.PendingCode+`": setup answered 200 without Code`, "fixtures/provider-states.json")
	if strings.Contains(err.Error(), `"`+states.ValidToken+`"`) {
		t.Errorf("a served state is listed:\n%v", err)
	}
	if some.torn[states.ValidToken] == "" {
		t.Errorf("a set-up state was not torn down: %v", some.torn)
	}
}

func TestPreflightNamesAStateURLThatIsNoStateEndpoint(t *testing.T) {
	api := serve(t, fakeAPI("/api")) + "/api"
	notFound := serve(t, http.NotFoundHandler())
	mustFail(t, preflight(t, Target{BaseURL: api, AppKey: testKey, StateURL: notFound + "/states"}),
		"is not a provider-state endpoint: every setup answered 404")
}

// The reference provider, taken as a configured deployment, passes the state probe: the
// probe and the reference agree on the protocol, teardown included.
func TestPreflightProbesTheReferenceProvidersStates(t *testing.T) {
	cfg, _ := config.Load(func(string) string { return "" })
	r, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	configured := r.Target
	configured.Embedded = false
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := Preflight(ctx, configured, &http.Client{Timeout: 30 * time.Second}, cfg.Expect.AppKeyMessage); err != nil {
		t.Fatal(err)
	}
}

// A redirect is one clear failure naming where it points, and is not followed: nothing
// reaches the other origin.
func TestPreflightNamesARedirectAndDoesNotFollowIt(t *testing.T) {
	reached := false
	elsewhere := serve(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true }))
	base := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	mustFail(t, preflight(t, Target{BaseURL: base + "/api", AppKey: testKey}), "307 Temporary Redirect to "+elsewhere+"/api/token", "does not follow redirects")
	if reached {
		t.Error("the preflight followed the redirect")
	}
}

// PreflightLater returns once the setups are judged; the states it made are torn down when
// the caller runs teardowns, whose error names a teardown that failed.
func TestPreflightLaterLeavesTheTeardownsToTheCaller(t *testing.T) {
	api := serve(t, fakeAPI("/api")) + "/api"
	all, contract := servingEvery(t)
	target := Target{BaseURL: api, AppKey: testKey, StateURL: serve(t, all)}
	ctx := context.Background()
	client := &http.Client{Timeout: 5 * time.Second}
	teardowns, err := PreflightLater(ctx, target, client, keyMessage)
	if err != nil {
		t.Fatal(err)
	}
	all.mu.Lock()
	early := len(all.torn)
	all.mu.Unlock()
	if early != 0 {
		t.Fatalf("%d states torn down before the caller asked", early)
	}
	if err := teardowns(ctx); err != nil || len(all.torn) != len(contract) {
		t.Fatalf("teardowns: %v, torn %v", err, all.torn)
	}
	all.mu.Lock()
	all.failTeardowns = true
	all.mu.Unlock()
	teardowns, err = PreflightLater(ctx, target, client, keyMessage)
	if err != nil {
		t.Fatal(err)
	}
	if err := teardowns(ctx); err == nil || !strings.Contains(err.Error(), "failed to tear them down") || !strings.Contains(err.Error(), "teardown answered 500") {
		t.Errorf("a failed teardown: %v", err)
	}
}
