package launch

import (
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/config"
)

func TestProcsFollowTheMailSourcesTraders(t *testing.T) {
	q := config.Trader{User: "q", SecretQuestionAnswer: "answer-secret"}
	n := config.Trader{User: "n", Password: "password-secret"}
	mail := config.Config{Procs: 8, BaseURL: "https://s.example.com/api", Flow: config.Flow{MailboxURL: "http://127.0.0.1:8025",
		Traders: []config.Trader{q, n, q, n, q}}}
	if got, why := Procs(mail, 0); got != 2 || !strings.Contains(why, "8 asked for") || !strings.Contains(why, "5 test traders serve 2") {
		t.Errorf("mail source: %d %q", got, why)
	}
	if got, why := Procs(mail, 1); got != 1 || why != "" {
		t.Errorf("--procs 1: %d %q", got, why)
	}
	withStates := mail
	withStates.StateURL = "https://s.example.com/states" // the state endpoint is the source: no limit
	if got, why := Procs(withStates, 0); got != 8 || why != "" {
		t.Errorf("state endpoint: %d %q", got, why)
	}
	if got, _ := Procs(config.Config{Procs: 8}, 3); got != 3 {
		t.Errorf("--procs 3 gave %d", got)
	}
}

func TestDescribeNamesTheTargetWithoutSecrets(t *testing.T) {
	c := config.Config{BaseURL: "https://user:url-password@s.example.com/api", AppKey: "app-key-secret",
		Flow: config.Flow{Step3Path: "etna", ExpiredToken: "token-secret", Traders: []config.Trader{{User: "a", Password: "pw-secret"}}}}
	d := Describe(c)
	for _, want := range []string{"Target: https://user:xxxxx@s.example.com/api (AUTOSHARES_BASE_URL)", `step 3 path "etna"`,
		"Provider states: none (AUTOSHARES_STATE_URL is not set)", "Test traders: 1", "Expired token: configured"} {
		if !strings.Contains(d, want) {
			t.Errorf("lacks %q:\n%s", want, d)
		}
	}
	for _, secret := range []string{"url-password", "app-key-secret", "token-secret", "pw-secret"} {
		if strings.Contains(d, secret) {
			t.Errorf("shows %q:\n%s", secret, d)
		}
	}
	if d := Describe(config.Config{}); !strings.Contains(d, "the embedded reference provider") {
		t.Errorf("embedded: %s", d)
	}
}
