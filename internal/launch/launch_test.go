package launch

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/config"
)

// noTime is the answer time of a test that must not time the target.
func noTime() (time.Duration, error) { panic("the target was timed, though the count was set") }

func TestProcsFollowTheMailSourcesTraders(t *testing.T) {
	q := config.Trader{User: "q", SecretQuestionAnswer: "answer-secret"}
	n := config.Trader{User: "n", Password: "password-secret"}
	mail := config.Config{Procs: 8, BaseURL: "https://s.example.com/api", Flow: config.Flow{MailboxURL: "http://127.0.0.1:8025",
		Traders: []config.Trader{q, n, q, n, q}}}
	if got, why := Procs(mail, 0, noTime); got != 2 || !strings.Contains(why, "8 asked for") || !strings.Contains(why, "5 test traders serve 2") {
		t.Errorf("mail source: %d %q", got, why)
	}
	if got, why := Procs(mail, 1, noTime); got != 1 || why != "" {
		t.Errorf("--procs 1: %d %q", got, why)
	}
	withStates := mail
	withStates.StateURL = "https://s.example.com/states" // the state endpoint is the source: no limit
	if got, why := Procs(withStates, 0, noTime); got != 8 || why != "" {
		t.Errorf("state endpoint: %d %q", got, why)
	}
	if got, _ := Procs(config.Config{Procs: 8}, 3, noTime); got != 3 {
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

// auto: twice the cores against a target on this machine, more the longer the target takes to
// answer, up to maxAutoProcs; DefaultProcs when it could not be timed. Each says how.
func TestAutoProcsFollowTheTargetsAnswerTime(t *testing.T) {
	for _, tc := range []struct {
		answer time.Duration
		cores  int
		want   int
	}{
		{0, 2, 4}, {time.Millisecond, 2, 4}, {5 * time.Millisecond, 2, 4}, {20 * time.Millisecond, 2, 10},
		{300 * time.Millisecond, 2, maxAutoProcs}, {time.Second, 8, maxAutoProcs}, {0, 8, 16}, {0, 16, maxAutoProcs},
	} {
		if got := AutoProcs(tc.answer, tc.cores); got != tc.want {
			t.Errorf("AutoProcs(%s, %d) = %d, want %d", tc.answer, tc.cores, got, tc.want)
		}
	}
	remote := config.Config{BaseURL: "https://s.example.com/api"}
	n, why := Procs(remote, 0, func() (time.Duration, error) { return 300 * time.Millisecond, nil })
	if n != maxAutoProcs || !strings.Contains(why, "auto: the target answered in 300ms") || !strings.Contains(why, "AUTOSHARES_PROCS") {
		t.Errorf("a 300 ms target: %d %q", n, why)
	}
	n, why = Procs(remote, 0, func() (time.Duration, error) { return 0, errors.New("refused") })
	if n != config.DefaultProcs || !strings.Contains(why, "could not be timed") {
		t.Errorf("a target that did not answer: %d %q", n, why)
	}
	n, why = Procs(config.Config{}, 0, noTime)
	if n < 1 || n > maxAutoProcs || !strings.Contains(why, "embedded provider") {
		t.Errorf("the embedded provider: %d %q", n, why)
	}
}
