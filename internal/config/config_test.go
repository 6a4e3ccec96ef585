package config

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func noFile(string) ([]byte, error) { return nil, os.ErrNotExist }

func TestDefaultsMeanEmbeddedProvider(t *testing.T) {
	c, err := load(env(nil), noFile)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Embedded() || c.RequestTimeout != 10*time.Second || c.Expect.SuccessStatus != 200 {
		t.Fatalf("unexpected defaults: %+v", c)
	}
	if got := c.Expect.AppKeyStatuses; len(got) != 2 || got[0] != 401 || got[1] != 403 {
		t.Fatalf("app key statuses = %v", got)
	}
	if c.Expect.Errors[CaseWrongAnswer].ErrorsCode != "ErrorIncorrectAnswer" || c.Expect.Errors[CaseMismatch].Status != 0 {
		t.Fatalf("error expectations = %+v", c.Expect.Errors)
	}
}

func TestEveryProblemIsReportedAtOnce(t *testing.T) {
	_, err := load(env(map[string]string{
		"AUTOSHARES_BASE_URL":              "staging.example.com",
		"AUTOSHARES_REQUEST_TIMEOUT":       "soon",
		"AUTOSHARES_EXPECT_APP_KEY_STATUS": "401,forbidden",
		"AUTOSHARES_STEP3_PATH":            "v2",
		"AUTOSHARES_TEST_TRADERS":          `[{"User":"a","Password":"hunter2-secret"}]`,
	}), noFile)
	var p Problems
	if !errors.As(err, &p) {
		t.Fatalf("want Problems, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"AUTOSHARES_BASE_URL", "AUTOSHARES_REQUEST_TIMEOUT", "AUTOSHARES_EXPECT_APP_KEY_STATUS", "AUTOSHARES_STEP3_PATH", "AUTOSHARES_TEST_TRADERS", "Email"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "hunter2-secret") {
		t.Errorf("message echoes a secret:\n%s", msg)
	}
}

func TestBaseURLNeedsAppKey(t *testing.T) {
	_, err := load(env(map[string]string{"AUTOSHARES_BASE_URL": "https://staging.example.com/api/"}), noFile)
	if err == nil || !strings.Contains(err.Error(), "AUTOSHARES_APP_KEY: required") {
		t.Fatalf("err = %v", err)
	}
}

func TestFileThenEnvironment(t *testing.T) {
	file := `{"AUTOSHARES_BASE_URL": "https://file.example.com/api", "AUTOSHARES_APP_KEY": "k-file",
	  "AUTOSHARES_REQUEST_TIMEOUT": "3s",
	  "AUTOSHARES_TEST_TRADERS": [{"User":"t1","Email":"t1@example.com","Password":"p-1-long"}]}`
	read := func(p string) ([]byte, error) { return []byte(file), nil }
	c, err := load(env(map[string]string{FileEnv: "x.json", "AUTOSHARES_REQUEST_TIMEOUT": "7s"}), read)
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL != "https://file.example.com/api" || c.AppKey != "k-file" || c.RequestTimeout != 7*time.Second || len(c.Flow.Traders) != 1 {
		t.Fatalf("got %+v", c)
	}
	secrets := strings.Join(c.Secrets(), " ")
	if !strings.Contains(secrets, "k-file") || !strings.Contains(secrets, "p-1-long") {
		t.Fatalf("secrets = %q", secrets)
	}
}

func TestFileWithUnknownKeyAndMissingFile(t *testing.T) {
	read := func(string) ([]byte, error) { return []byte(`{"AUTOSHARES_BASEURL": "x"}`), nil }
	_, err := load(env(map[string]string{FileEnv: "x.json"}), read)
	if err == nil || !strings.Contains(err.Error(), "AUTOSHARES_BASEURL") {
		t.Fatalf("err = %v", err)
	}
	_, err = load(env(map[string]string{FileEnv: "/nope.json"}), noFile)
	if err == nil || !strings.Contains(err.Error(), "cannot read") {
		t.Fatalf("err = %v", err)
	}
}

func TestEverySettingIsDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Settings() {
		if s.Doc == "" || seen[s.Env] || !strings.HasPrefix(s.Env, "AUTOSHARES_") {
			t.Errorf("setting %q: empty doc, duplicate or badly named", s.Env)
		}
		seen[s.Env] = true
	}
}

func TestREADMEDocumentsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Settings() {
		name := s.Env
		// Per-case settings are documented once, as AUTOSHARES_EXPECT_<CASE>_..., with the
		// cases listed by name.
		for _, c := range ErrorCases {
			if generic := strings.Replace(name, "_"+string(c)+"_", "_<CASE>_", 1); generic != name {
				name = generic
				if !strings.Contains(string(readme), "`"+string(c)+"`") {
					t.Errorf("README.md does not list the error case %s", c)
				}
			}
		}
		if !strings.Contains(string(readme), "`"+name+"`") {
			t.Errorf("README.md does not document %s", name)
		}
	}
}

// The sample in fixtures/ is what the README points staging users to: it must load.
func TestSampleConfigurationLoads(t *testing.T) {
	c, err := load(env(map[string]string{FileEnv: "../../fixtures/staging.sample.json"}), os.ReadFile)
	if err != nil {
		t.Fatal(err)
	}
	if c.Embedded() || len(c.Flow.Traders) != 2 || c.Flow.MailboxURL == "" || c.Flow.TokenLifetime == 0 {
		t.Fatalf("sample loaded as %+v", c)
	}
}

// The negative checks' settings: documented defaults, and bounds with a clear message.
func TestNegativeSettings(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Negative{SingleUseToken: true, TokenSurvivesMismatch: true, ConcurrentUpdates: 8, MaxBodyBytes: 1 << 20, GeneratedCases: 50, MinPasswordLength: 8}
	if c.Negative != want {
		t.Errorf("defaults = %+v, want %+v", c.Negative, want)
	}
	_, err = Load(env(map[string]string{"AUTOSHARES_CONCURRENT_UPDATES": "1", "AUTOSHARES_EXPECT_SINGLE_USE_TOKEN": "yes", "AUTOSHARES_SEED": "0"}))
	for _, want := range []string{"AUTOSHARES_CONCURRENT_UPDATES: \"1\" is not a whole number from 2 to 32", "AUTOSHARES_EXPECT_SINGLE_USE_TOKEN: \"yes\" is neither true nor false", "AUTOSHARES_SEED"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}
