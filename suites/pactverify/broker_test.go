package pactverify

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/autoshares/conformance/internal/pacts"
	"github.com/autoshares/conformance/internal/pacts/contracttest"
)

// teamPact is a consumer team's pact: the self-test interactions under another consumer
// name, sending a placeholder key of the team's own where the suite's pacts send theirs, plus
// one in a state the self-test pact does not name; broken adds one no provider honours.
func teamPact(t *testing.T, consumer string, broken bool) []byte {
	t.Helper()
	p := contracttest.Pact()
	p.Consumer = consumer
	for i, in := range p.Interactions {
		if f, ok := in.Request.Headers["Et-App-Key"]; ok && f.Example == pacts.AppKeyPlaceholder {
			h := map[string]pacts.Field{}
			for k, v := range in.Request.Headers {
				h[k] = v
			}
			h["Et-App-Key"] = pacts.Field{Example: "team-own-test-key"}
			p.Interactions[i].Request.Headers = h
		}
	}
	// A state the suite's self-test pact does not name: only this fetched pact names it.
	p.Interactions = append(p.Interactions, pacts.Interaction{
		Description: "an unknown confirmation code",
		States:      []pacts.State{{Name: "no confirmation code 000000 is pending"}},
		Request: pacts.Request{Method: "POST", Path: "/v1.0/users/password/reset/code",
			Headers: map[string]pacts.Field{"Et-App-Key": {Example: "team-own-test-key"}},
			Body:    map[string]pacts.Field{"Code": {Example: "000000"}}},
		Response: pacts.Response{Status: 400, StatusClass: "clientError", Body: map[string]pacts.Field{"IsSucceed": {Example: false}}},
	})
	if broken {
		// What the provider does not do: a pending pact may ask for it without failing the build.
		p.Interactions = append(p.Interactions, pacts.Interaction{
			Description: "a teapot the provider never was",
			Request:     pacts.Request{Method: "GET", Path: "/v1.0/teapot", Headers: map[string]pacts.Field{"Et-App-Key": {Example: "team-own-test-key"}}},
			Response:    pacts.Response{Status: 418},
		})
	}
	data, err := p.MarshalV4()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// stateRecorder forwards to the state endpoint at next and records each state set up.
type stateRecorder struct {
	mu     sync.Mutex
	setups []string
}

func (s *stateRecorder) wrap(t *testing.T, next string) string {
	target, err := url.Parse(next)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var change struct{ Action, State string }
		_ = json.Unmarshal(body, &change)
		if change.Action == "setup" {
			s.mu.Lock()
			s.setups = append(s.setups, change.State)
			s.mu.Unlock()
		}
		resp, err := http.Post(target.String(), "application/json", strings.NewReader(string(body)))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// brokerEnv is a complete broker configuration against d.
func brokerEnv(d *pacts.Double) map[string]string {
	return map[string]string{
		"PACT_BROKER_BASE_URL":              d.URL,
		"PACT_BROKER_TOKEN":                 "broker-token-for-the-test",
		"PACT_PROVIDER_VERSION":             "0123abc",
		"PACT_PROVIDER_BRANCH":              "main",
		"PACT_INCLUDE_WIP_PACTS_SINCE":      "2026-01-31",
		"PACT_PUBLISH_VERIFICATION_RESULTS": "true",
		"PACT_BUILD_URL":                    "https://ci.example.com/builds/7",
	}
}

// TestVerificationFromABroker runs make verify-pacts' broker mode against the broker double
// and the reference provider: it must ask for the pacts by the configured selectors with
// pending and WIP pacts, verify them all (a failing pending pact does not fail the run), set
// up the states the fetched pacts name, and publish a result per pact with the provider
// version, branch and build URL.
func TestVerificationFromABroker(t *testing.T) {
	d := pacts.Start(DefaultProvider)
	defer d.Close()
	d.AddPact(pacts.BrokerPact{Consumer: "TeamWebApp", Content: teamPact(t, "TeamWebApp", false)})
	d.AddPact(pacts.BrokerPact{Consumer: "TeamMobileApp", Content: teamPact(t, "TeamMobileApp", true), Pending: true, WIP: true})

	src, err := settingsFromEnv(env(brokerEnv(d)))
	if err != nil {
		t.Fatal(err)
	}
	tgt := reference(t, nil)
	var states stateRecorder
	tgt.stateURL = states.wrap(t, tgt.stateURL)
	ok, out := runIsolated(t, func(it *testing.T) { _ = verify(it, tgt, src) })
	if !ok {
		t.Fatalf("verification from the broker double failed (only a pending pact fails):\n%s", out)
	}
	if !strings.Contains(out, "a teapot the provider never was") {
		t.Errorf("the pending WIP pact was not verified:\n%s", out)
	}

	pact := "/pacts/provider/AutoSharesTradingAPI/consumer/"
	want := []string{
		"GET /pacts/provider/AutoSharesTradingAPI/for-verification",
		"POST /pacts/provider/AutoSharesTradingAPI/for-verification",
		"GET " + pact + "TeamWebApp/pact-version/0",
		"GET " + pact + "TeamMobileApp/pact-version/1",
		"GET /pacticipants/AutoSharesTradingAPI",
		"PUT /pacticipants/AutoSharesTradingAPI/branches/main/versions/0123abc",
		"POST " + pact + "TeamWebApp/pact-version/0/verification-results",
		"GET /pacticipants/AutoSharesTradingAPI",
		"PUT /pacticipants/AutoSharesTradingAPI/branches/main/versions/0123abc",
		"POST " + pact + "TeamMobileApp/pact-version/1/verification-results",
	}
	reqs := d.Requests()
	var got []string
	for _, r := range reqs {
		got = append(got, r.Method+" "+r.Path)
		if r.Auth != "bearer broker-token-for-the-test" {
			t.Errorf("%s authenticated as %q, want the configured token", r, r.Auth)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("requests to the broker:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	assertJSON(t, "the pacts-for-verification query", reqs[1].Body, map[string]any{
		"consumerVersionSelectors": []any{map[string]any{"mainBranch": true}, map[string]any{"deployedOrReleased": true}, map[string]any{"matchingBranch": true}},
		"includePendingStatus":     true,
		"includeWipPactsSince":     "2026-01-31T00:00:00Z",
		"providerVersionBranch":    "main",
	})
	for n, success := range map[int]bool{6: true, 9: false} {
		var res map[string]any
		if err := json.Unmarshal([]byte(reqs[n].Body), &res); err != nil {
			t.Fatalf("%s: %v", reqs[n], err)
		}
		if res["success"] != success || res["providerApplicationVersion"] != "0123abc" || res["buildUrl"] != "https://ci.example.com/builds/7" {
			t.Errorf("published result %s: want success %v, providerApplicationVersion 0123abc and the build URL", reqs[n], success)
		}
	}

	// Every state of the fetched pacts was set up, the one the self-test pact lacks included.
	states.mu.Lock()
	defer states.mu.Unlock()
	for _, s := range []string{"a trader has a valid password reset token", "no confirmation code 000000 is pending"} {
		if !slices.Contains(states.setups, s) {
			t.Errorf("state %q was not set up through the state endpoint; set up: %q", s, states.setups)
		}
	}
}

func assertJSON(t *testing.T, what, body string, want map[string]any) {
	t.Helper()
	var got map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("%s is not JSON: %v: %s", what, err, body)
	}
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("%s = %s, want %s", what, g, w)
	}
}

// TestVerificationSettings checks the settings' defaults and that bad ones are refused with
// what to set.
func TestVerificationSettings(t *testing.T) {
	s, err := settingsFromEnv(env(map[string]string{"PACT_BROKER_BASE_URL": "https://broker.example.com/", "PACT_PROVIDER_BRANCH": "main"}))
	if err != nil {
		t.Fatal(err)
	}
	if s.brokerURL != "https://broker.example.com" || s.provider != DefaultProvider || !s.pending || s.publish || s.wipSince != nil || len(s.selectors) != 3 {
		t.Errorf("defaults = %+v", s)
	}
	s, err = settingsFromEnv(env(map[string]string{"PACT_BROKER_BASE_URL": "https://b.example.com", "PACT_ENABLE_PENDING": "false",
		"PACT_CONSUMER_VERSION_SELECTORS": `[{"branch":"release-7","consumer":"TeamWebApp"}]`}))
	if err != nil || s.pending || len(s.selectors) != 1 || s.selectors[0]["branch"] != "release-7" {
		t.Errorf("PACT_ENABLE_PENDING=false and one selector: %+v, %v", s, err)
	}
	if s, err := settingsFromEnv(env(map[string]string{})); err != nil || s.remote() {
		t.Errorf("without a broker: %+v, %v; want local files", s, err)
	}
	_, err = settingsFromEnv(env(map[string]string{
		"PACT_BROKER_BASE_URL": "broker.example.com", "PACT_BROKER_USERNAME": "u",
		"PACT_PUBLISH_VERIFICATION_RESULTS": "yes", "PACT_INCLUDE_WIP_PACTS_SINCE": "last week",
	}))
	for _, want := range []string{"PACT_BROKER_BASE_URL", "PACT_BROKER_PASSWORD", "PACT_PUBLISH_VERIFICATION_RESULTS", "PACT_INCLUDE_WIP_PACTS_SINCE", "PACT_PROVIDER_BRANCH"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v, want one naming %s", err, want)
		}
	}
	_, err = settingsFromEnv(env(map[string]string{"PACT_BROKER_BASE_URL": "https://b.example.com", "PACT_PROVIDER_BRANCH": "main", "PACT_PUBLISH_VERIFICATION_RESULTS": "true"}))
	if err == nil || !strings.Contains(err.Error(), "PACT_PROVIDER_VERSION") {
		t.Errorf("publishing without a version: error = %v, want one naming PACT_PROVIDER_VERSION", err)
	}
}

// TestVerificationOfOnePactURL is a webhook-triggered run: PACT_URL names one pact, which is
// verified (its states set up) and its result published; the broker's selection is not asked.
func TestVerificationOfOnePactURL(t *testing.T) {
	d := pacts.Start(DefaultProvider)
	defer d.Close()
	d.AddPact(pacts.BrokerPact{Consumer: "TeamWebApp", Content: teamPact(t, "TeamWebApp", false)})
	e := brokerEnv(d)
	e["PACT_URL"] = d.URL + "/pacts/provider/AutoSharesTradingAPI/consumer/TeamWebApp/pact-version/0"
	src, err := settingsFromEnv(env(e))
	if err != nil {
		t.Fatal(err)
	}
	tgt := reference(t, nil)
	ok, out := runIsolated(t, func(it *testing.T) { _ = verify(it, tgt, src) })
	if !ok {
		t.Fatalf("verification of PACT_URL failed:\n%s", out)
	}
	pact := "/pacts/provider/AutoSharesTradingAPI/consumer/TeamWebApp/pact-version/0"
	want := []string{
		"GET " + pact,
		"GET /pacticipants/AutoSharesTradingAPI",
		"PUT /pacticipants/AutoSharesTradingAPI/branches/main/versions/0123abc",
		"POST " + pact + "/verification-results",
	}
	var got []string
	for _, r := range d.Requests() {
		got = append(got, r.Method+" "+r.Path)
	}
	if !slices.Equal(got, want) {
		t.Errorf("requests to the broker:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestVerificationStopsWhenTheBrokerRefuses: a broker error fails the run and says so.
func TestVerificationStopsWhenTheBrokerRefuses(t *testing.T) {
	d := pacts.Start(DefaultProvider)
	defer d.Close()
	d.AddPact(pacts.BrokerPact{Consumer: "TeamWebApp", Content: teamPact(t, "TeamWebApp", false)})
	d.Refuse(http.StatusUnauthorized)
	src, err := settingsFromEnv(env(brokerEnv(d)))
	if err != nil {
		t.Fatal(err)
	}
	tgt := reference(t, nil)
	ok, out := runIsolated(t, func(it *testing.T) { _ = verify(it, tgt, src) })
	if ok {
		t.Fatalf("verification passed although the broker refused every request:\n%s", out)
	}
	if !strings.Contains(out, "for-verification' failed: 401 Unauthorized") {
		t.Errorf("the output does not say that the broker refused the request:\n%s", out)
	}
}
