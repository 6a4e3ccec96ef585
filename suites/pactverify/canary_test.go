package pactverify

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/pacts"
	"github.com/autoshares/conformance/internal/testkit"
)

// make verify-pacts, run as a user runs it (TestVerifyPacts in a process of its own, its
// whole output read), with canary secrets in every setting that may carry one: the base
// URL's and the state URL's credentials, the app key, the broker's token and credentials,
// a secret in PACT_URL's query. None may appear in the output, whether verification
// passes or fails.
func TestVerifyPactsShowsNoSecret(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the verification in processes of their own")
	}
	ref := reference(t, nil)
	withCreds := func(raw, creds string) string { return strings.Replace(raw, "http://", "http://"+creds+"@", 1) }
	pactFile := filepath.Join(testkit.RootFor(t), "pacts", "AutoSharesConformanceSuite-AutoSharesTradingAPI.json")
	d := pacts.Start(DefaultProvider)
	defer d.Close()
	canaries := []string{ref.appKey, "base-canary-pw-31", "state-canary-pw-32", "broker-canary-token-33", "broker-canary-pw-34", "query-canary-35"}
	for name, e := range map[string][]string{
		"local pacts": {
			"AUTOSHARES_BASE_URL=" + withCreds(ref.baseURL, "ops:base-canary-pw-31"),
			"AUTOSHARES_STATE_URL=" + withCreds(ref.stateURL, "st:state-canary-pw-32"),
			"PACT_FILES=" + pactFile,
		},
		"a PACT_URL the broker does not serve": {
			"AUTOSHARES_BASE_URL=" + ref.baseURL,
			"AUTOSHARES_STATE_URL=" + ref.stateURL,
			"PACT_BROKER_BASE_URL=" + withCreds(d.URL, "ops:broker-canary-pw-34"),
			"PACT_BROKER_TOKEN=broker-canary-token-33",
			"PACT_URL=" + withCreds(d.URL, "ops:broker-canary-pw-34") + "/pacts/provider/" + DefaultProvider + "/consumer/Nobody/pact-version/9?token=query-canary-35",
		},
		"a state endpoint that refuses": {
			"AUTOSHARES_BASE_URL=" + withCreds(ref.baseURL, "ops:base-canary-pw-31"),
			"AUTOSHARES_STATE_URL=" + withCreds(ref.baseURL, "st:state-canary-pw-32") + "/no-such-state-endpoint",
			"PACT_FILES=" + pactFile,
		},
	} {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestVerifyPacts$", "-test.v", "-test.count=1")
			cmd.Env = append(cleanEnv(), append(e, "AUTOSHARES_APP_KEY="+ref.appKey)...)
			out, err := cmd.CombinedOutput()
			t.Logf("exit: %v", err)
			for _, c := range canaries {
				if strings.Contains(string(out), c) {
					t.Errorf("the output shows %q:\n%s", c, out)
				}
			}
			if !strings.Contains(string(out), "TestVerifyPacts") {
				t.Errorf("the verification did not run:\n%s", out)
			}
		})
	}
}

// cleanEnv is this process's environment without the settings a verification reads.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AUTOSHARES_") || strings.HasPrefix(kv, "PACT_URL=") || strings.HasPrefix(kv, "PACT_BROKER_") || strings.HasPrefix(kv, "PACT_FILES=") {
			continue
		}
		out = append(out, kv)
	}
	return out
}
