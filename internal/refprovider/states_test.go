package refprovider

import (
	"encoding/json"
	"github.com/autoshares/conformance/fixtures"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var stateLogin = regexp.MustCompile(`^trader-[0-9a-f]{12}$`)

func TestProviderStates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		state string
		keys  []string
		// use proves the values work as the state promises.
		use func(t *testing.T, e *env, v map[string]string)
	}{
		{StateValidToken, []string{"Email", "Password", "Token", "User"}, func(t *testing.T, e *env, v map[string]string) {
			mustCheck(t, e.step4(v["Token"], "state-new-password-that-is-long-enough", "state-new-password-that-is-long-enough"), 200, true, nil, nil)
			if e.login(v["User"], "state-new-password-that-is-long-enough").status != 200 {
				t.Error("new password does not work")
			}
		}},
		{StateExpiredToken, []string{"Email", "Password", "Token", "User"}, func(t *testing.T, e *env, v map[string]string) {
			mustCheck(t, e.step4(v["Token"], "state-new-pass", "state-new-pass"), 400, false,
				[]string{"Password reset token has expired."}, []string{"ErrorTokenExpired"})
		}},
		{StateNoSecretQuestion, []string{"Email", "Password", "User"}, func(t *testing.T, e *env, v map[string]string) {
			if m := e.step2(v["Email"]).body["Model"]; m != "" {
				t.Errorf("Model %#v, want \"\"", m)
			}
			mustCheck(t, e.step1(v["User"], ""), 200, true, nil, nil)
			if len(e.mail.to(v["Email"])) != 1 {
				t.Error("no confirmation mail to the state's Email")
			}
		}},
		{StateSecretQuestion, []string{"Email", "Password", "SecretQuestion", "SecretQuestionAnswer", "User"}, func(t *testing.T, e *env, v map[string]string) {
			if m := e.step2(v["User"]).body["Model"]; m != v["SecretQuestion"] || m == "" {
				t.Errorf("Model %#v, want %q", m, v["SecretQuestion"])
			}
			mustCheck(t, e.step1(v["User"], ""), 400, false, nil, []string{"ErrorIncorrectAnswer"})
			mustCheck(t, e.step1(v["User"], v["SecretQuestionAnswer"]), 200, true, nil, nil)
		}},
		{StatePendingCode, []string{"Code", "Email", "Password", "User"}, func(t *testing.T, e *env, v map[string]string) {
			if !regexp.MustCompile(`^\d{6}$`).MatchString(v["Code"]) {
				t.Errorf("Code %q is not 6 digits", v["Code"])
			}
			r := e.step3(v["Code"])
			mustCheck(t, r, 200, true, nil, nil)
			if len(e.mail.messages()) != 0 {
				t.Error("setting up a pending code sent mail")
			}
		}},
		{StateExpiredCode, []string{"Code", "Email", "Password", "User"}, func(t *testing.T, e *env, v map[string]string) {
			mustCheck(t, e.step3(v["Code"]), 400, false,
				[]string{"Confirmation code has expired."}, []string{"ErrorCodeExpired"})
		}},
	}
	traderStates := slices.DeleteFunc(States(), func(s string) bool { return s == StateNoSuchUser || s == StateNoSuchCode })
	if len(tests) != len(traderStates) {
		t.Fatalf("%d states tested, %d exist (absence states are tested in TestAbsenceStates)", len(tests), len(traderStates))
	}
	for _, tc := range tests {
		t.Run(tc.state, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, Options{MinPasswordLength: 30})
			v := e.state(tc.state)
			if got := slices.Sorted(maps.Keys(v)); !slices.Equal(got, tc.keys) {
				t.Fatalf("keys %v, want %v", got, tc.keys)
			}
			if !stateLogin.MatchString(v["User"]) || v["Email"] != v["User"]+"@traders.example.test" {
				t.Errorf("User %q, Email %q", v["User"], v["Email"])
			}
			if len(v["Password"]) < 30 {
				t.Errorf("Password of %d characters breaks MinPasswordLength 30", len(v["Password"]))
			}
			if e.login(v["User"], v["Password"]).status != 200 {
				t.Error("the state's Password does not log in")
			}
			tc.use(t, e, v)
			// Each setup is a fresh trader.
			if w := e.state(tc.state); w["User"] == v["User"] {
				t.Errorf("two setups share trader %s", v["User"])
			}
		})
	}
}

func TestProviderStateProtocol(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	noKey := map[string]string{"Et-App-Key": ""}

	t.Run("action defaults to setup, no app key needed", func(t *testing.T) {
		r := e.do(http.MethodPost, StatePath, obj{"state": StateValidToken}, noKey)
		if r.status != 200 || r.body["Token"] == nil {
			t.Fatalf("got %d %s", r.status, r.raw)
		}
	})
	t.Run("older states list", func(t *testing.T) {
		r := e.do(http.MethodPost, StatePath, obj{"states": []string{StatePendingCode}}, noKey)
		if r.status != 200 || r.body["Code"] == nil {
			t.Fatalf("got %d %s", r.status, r.raw)
		}
	})
	t.Run("teardown deletes the trader", func(t *testing.T) {
		v := e.state(StateValidToken)
		r := e.do(http.MethodPost, StatePath, obj{"action": "teardown", "state": StateValidToken,
			"params": obj{"User": v["User"]}}, noKey)
		if r.status != 200 || r.raw != "{}" {
			t.Fatalf("got %d %s", r.status, r.raw)
		}
		mustCheck(t, e.step2(v["User"]), 400, false, nil, []string{"ErrorUserNotFound"})
		mustCheck(t, e.step4(v["Token"], "new-password", "new-password"), 400, false, nil, []string{"ErrorInvalidToken"})
		if e.login(v["User"], v["Password"]).status != 401 {
			t.Error("deleted trader can log in")
		}
	})
	t.Run("teardown without User", func(t *testing.T) {
		r := e.do(http.MethodPost, StatePath, obj{"action": "teardown", "state": "anything"}, noKey)
		if r.status != 200 || r.raw != "{}" {
			t.Fatalf("got %d %s", r.status, r.raw)
		}
	})
	errorCases := []struct {
		name, body string
		status     int
		contains   string
	}{
		{"unknown state", `{"action":"setup","state":"x"}`, 400, `unknown provider state \"x\"; known states: \"` + StateValidToken},
		{"unknown action", `{"action":"reset","state":"x"}`, 400, "unknown action"},
		{"bad JSON", `{"action":`, 400, "not a provider-state request"},
		{"params not an object", `{"state":"x","params":[1]}`, 400, "not a provider-state request"},
	}
	for _, c := range errorCases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do(http.MethodPost, StatePath, c.body, noKey)
			msg, _ := r.body["error"].(string)
			if r.status != c.status || msg == "" || !strings.Contains(r.raw, c.contains) {
				t.Errorf("got %d %s, want %d with %q", r.status, r.raw, c.status, c.contains)
			}
		})
	}
	t.Run("no state is nothing to set up", func(t *testing.T) {
		if r := e.do(http.MethodPost, StatePath, `{"action":"setup","state":"","params":{}}`, noKey); r.status != 200 || r.raw != "{}" {
			t.Errorf("got %d %s, want 200 {}", r.status, r.raw)
		}
	})
	t.Run("GET", func(t *testing.T) {
		if r := e.do(http.MethodGet, StatePath, nil, noKey); r.status != 405 || r.body["error"] == nil {
			t.Errorf("got %d %s", r.status, r.raw)
		}
	})
	t.Run("state names are the contract's", func(t *testing.T) {
		data, err := fixtures.FS.ReadFile("provider-states.json")
		if err != nil {
			t.Fatal(err)
		}
		var doc struct{ States []struct{ Name string } }
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range doc.States {
			names = append(names, s.Name)
		}
		if !slices.Equal(names, States()) {
			t.Errorf("fixtures/provider-states.json has %q, the provider %q", names, States())
		}
	})

}

// The absence states make sure what a pact's exact example names does not exist.
func TestAbsenceStates(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{Traders: []Trader{{User: UnknownUser, Email: "u@traders.example.test", Password: "unknown-Passw0rd"}}})
	noKey := map[string]string{"Et-App-Key": ""}
	mustCheck(t, e.step1(UnknownUser, ""), 200, true, nil, nil) // exists before
	for _, st := range []string{StateNoSuchUser, StateNoSuchCode} {
		if r := e.do(http.MethodPost, StatePath, obj{"action": "setup", "state": st}, noKey); r.status != 200 || len(r.body) != 0 {
			t.Errorf("setup of %q: got %d %s, want 200 {}", st, r.status, r.raw)
		}
	}
	mustCheck(t, e.step1(UnknownUser, ""), 400, false, []string{"User not found."}, []string{"ErrorUserNotFound"})
	mustCheck(t, e.step3(UnknownCode), 400, false, []string{"Confirmation code is invalid."}, []string{"ErrorInvalidCode"})
}
