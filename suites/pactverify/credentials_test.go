package pactverify

import (
	"strings"
	"testing"

	"github.com/pact-foundation/pact-go/v2/provider"

	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/pacts"
)

// Broker credentials go only over https (loopback excepted), and only to the broker's host:
// a PACT_URL elsewhere is fetched without them.
func TestBrokerCredentialsGoOnlyToTheBrokerOverHTTPS(t *testing.T) {
	creds := map[string]string{"PACT_BROKER_TOKEN": "cred-canary-token-77", "PACT_PROVIDER_BRANCH": "main"}
	with := func(m map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range creds {
			out[k] = v
		}
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	for _, refused := range []map[string]string{
		{"PACT_BROKER_BASE_URL": "http://broker.example.com"},
		{"PACT_BROKER_BASE_URL": "http://broker.localhost:9292"}, // *.localhost may go through a proxy
		{"PACT_BROKER_BASE_URL": "https://broker.example.com", "PACT_URL": "http://u:pact-canary-pw@pacts.example.com/p.json"},
		{"PACT_URL": "https://broker.example.com/pacts/1"}, // whose credentials?
	} {
		_, err := settingsFromEnv(env(with(refused)))
		if err == nil {
			t.Errorf("%v: accepted", refused)
			continue
		}
		if strings.Contains(err.Error(), "canary") {
			t.Errorf("%v: the refusal shows a secret: %v", refused, err)
		}
	}
	for _, accepted := range []string{"https://broker.example.com", "http://127.0.0.1:9292", "http://localhost:9292", "http://[::1]:9292"} {
		if _, err := settingsFromEnv(env(with(map[string]string{"PACT_BROKER_BASE_URL": accepted}))); err != nil {
			t.Errorf("%s: %v", accepted, err)
		}
	}

	// PACT_URL on the broker's host gets the credentials; on another host it does not.
	for pactURL, wantCreds := range map[string]bool{
		"https://broker.example.com/pacts/provider/P/consumer/C/pact-version/1":     true,
		"https://broker.example.com:443/pacts/provider/P/consumer/C/pact-version/1": true,
		"https://evil.example.net/pacts/provider/P/consumer/C/pact-version/1":       false,
		"https://broker.example.com:8443/pacts/1":                                   false,
	} {
		s, err := settingsFromEnv(env(with(map[string]string{"PACT_BROKER_BASE_URL": "https://broker.example.com", "PACT_URL": pactURL})))
		if err != nil {
			t.Fatalf("%s: %v", pactURL, err)
		}
		var req provider.VerifyRequest
		if err := s.apply(&req); err != nil {
			t.Fatal(err)
		}
		if got := req.BrokerToken != ""; got != wantCreds {
			t.Errorf("PACT_URL %s: credentials sent %v, want %v", pactURL, got, wantCreds)
		}
		if !wantCreds && !strings.Contains(s.note, "without the broker's credentials") {
			t.Errorf("PACT_URL %s: the run does not say the credentials were withheld: %q", pactURL, s.note)
		}
	}
}

// Every URL make verify-pacts names in a message is masked: credentials and secret query
// parameters.
func TestVerificationMessagesMaskURLs(t *testing.T) {
	s, err := settingsFromEnv(env(map[string]string{
		"PACT_BROKER_BASE_URL": "https://ops:broker-canary-pw@broker.example.com",
		"PACT_URL":             "https://ops:broker-canary-pw@broker.example.com/pacts/1?token=query-canary-tk",
		"PACT_BROKER_TOKEN":    "broker-canary-token",
	}))
	if err != nil {
		t.Fatal(err)
	}
	s2 := s
	s2.pactURL = ""
	cfgTarget, err := targetFrom(autosharesWith("https://ops:base-canary-pw@staging.example.com/api"))
	if err != nil {
		t.Fatal(err)
	}
	_, badErr := targetFrom(autosharesWith("ftp://ops:base-canary-pw@staging.example.com/api?apikey=query-canary-key"))
	_, settingsErr := settingsFromEnv(env(map[string]string{"PACT_BROKER_BASE_URL": "broker:x@canary-host?apikey=query-canary-key"}))
	for _, msg := range []string{s.describe(), s2.describe(), s.note, cfgTarget.name, badErr.Error(), settingsErr.Error()} {
		if strings.Contains(msg, "canary-pw") || strings.Contains(msg, "query-canary") || strings.Contains(msg, "canary-token") {
			t.Errorf("a message shows a secret: %s", msg)
		}
	}
}

// autosharesWith is a configuration naming base as the target, with a key and a state URL.
func autosharesWith(base string) config.Config {
	return config.Config{BaseURL: base, AppKey: "k", StateURL: "https://states.example.com/states"}
}

// End to end, through pact-go and the native verifier: a PACT_URL on another host than
// the broker is fetched without the broker's token (also when the token is in this
// process's environment, where a library might look for it); on the broker's host, with it.
func TestAPactURLOnAnotherHostGetsNoCredentials(t *testing.T) {
	brokerD := pacts.Start(DefaultProvider)
	defer brokerD.Close()
	other := pacts.Start(DefaultProvider)
	defer other.Close()
	for _, d := range []*pacts.Double{brokerD, other} {
		d.AddPact(pacts.BrokerPact{Consumer: "TeamWebApp", Content: teamPact(t, "TeamWebApp", false)})
	}
	t.Setenv("PACT_BROKER_TOKEN", "broker-token-for-the-test")
	pact := "/pacts/provider/AutoSharesTradingAPI/consumer/TeamWebApp/pact-version/0"
	tgt := reference(t, nil)
	for _, tc := range []struct {
		d        *pacts.Double
		wantAuth string
	}{{other, ""}, {brokerD, "bearer broker-token-for-the-test"}} {
		e := brokerEnv(brokerD)
		e["PACT_PUBLISH_VERIFICATION_RESULTS"] = "false"
		e["PACT_URL"] = tc.d.URL + pact
		src, err := settingsFromEnv(env(e))
		if err != nil {
			t.Fatal(err)
		}
		if ok, out := runIsolated(t, func(it *testing.T) { _ = verify(it, tgt, src) }); !ok {
			t.Fatalf("verification of PACT_URL %s failed:\n%s", tc.d.URL, out)
		}
		reqs := tc.d.Requests()
		if len(reqs) == 0 {
			t.Fatalf("PACT_URL %s was not fetched", tc.d.URL)
		}
		for _, r := range reqs {
			if r.Auth != tc.wantAuth {
				t.Errorf("PACT_URL on %s: %s %s authenticated as %q, want %q", tc.d.URL, r.Method, r.Path, r.Auth, tc.wantAuth)
			}
		}
	}
	if n := len(brokerD.Requests()); n == 0 {
		t.Error("the broker's own PACT_URL was not fetched")
	}
}
