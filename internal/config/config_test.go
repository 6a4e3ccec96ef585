package config

import (
	"errors"
	"os"
	"regexp"
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
	if err == nil || !strings.Contains(err.Error(), "AUTOSHARES_BASEURL (did you mean AUTOSHARES_BASE_URL?)") {
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

func TestMisspeltVariableNamesTheNearestSetting(t *testing.T) {
	p := UnknownNames([]string{"AUTOSHARES_BASEURL=https://staging.example.com/api", "AUTOSHARES_BASE_URL=x",
		"AUTOSHARES_PRIVATE_NETNS=1", InvokedAsEnv + "=make conformance", "HOME=/root", "AUTOSHARES_ZZZZZZZZZZZZZZZZZZZZZZZ=secret-value"})
	if len(p) != 2 {
		t.Fatalf("want 2 problems, got %q", p)
	}
	msg := p.Error()
	for _, want := range []string{"AUTOSHARES_BASEURL is set in the environment but is not a setting", "did you mean AUTOSHARES_BASE_URL?",
		"AUTOSHARES_ZZZZZZZZZZZZZZZZZZZZZZZ", "--help"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "secret-value") || strings.Contains(msg, "staging.example.com") {
		t.Errorf("message echoes a value:\n%s", msg)
	}
}

func TestLoadRefusesAMisspeltVariable(t *testing.T) {
	t.Setenv("AUTOSHARES_APP_KEYS", "k-123456")
	_, err := Load(func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "did you mean AUTOSHARES_APP_KEY?") {
		t.Fatalf("err = %v", err)
	}
}

func TestTargetSettingsWithoutBaseURL(t *testing.T) {
	_, err := load(env(map[string]string{"AUTOSHARES_APP_KEY": "k-123456", "AUTOSHARES_TEST_TRADERS": `[{"User":"a","Email":"a@example.com","Password":"p-secret-1"}]`}), noFile)
	if err == nil {
		t.Fatal("an app key without a base URL was accepted")
	}
	msg := err.Error()
	if !strings.Contains(msg, "AUTOSHARES_APP_KEY, AUTOSHARES_TEST_TRADERS set, but AUTOSHARES_BASE_URL is not") || strings.Contains(msg, "k-123456") {
		t.Fatalf("message:\n%s", msg)
	}
	// A malformed base URL is reported as malformed, not as missing.
	_, err = load(env(map[string]string{"AUTOSHARES_BASE_URL": "staging.example.com", "AUTOSHARES_APP_KEY": "k"}), noFile)
	if err == nil || strings.Contains(err.Error(), "is not:") || !strings.Contains(err.Error(), "not an absolute http(s) URL") {
		t.Fatalf("err = %v", err)
	}
}

func TestRelativePathsStartFromTheRunDirectory(t *testing.T) {
	runDir := t.TempDir()
	var read string
	readFile := func(p string) ([]byte, error) { read = p; return []byte(`{"AUTOSHARES_PACT_DIR": "out/pacts"}`), nil }
	c, err := load(env(map[string]string{RunDirEnv: runDir, FileEnv: "staging.local.json", "AUTOSHARES_REPORT_DIR": "r"}), readFile)
	if err != nil {
		t.Fatal(err)
	}
	if read != runDir+"/staging.local.json" || c.ReportDir != runDir+"/r" || c.Pact.OutDir != runDir+"/out/pacts" || c.RunDir != runDir {
		t.Fatalf("read %q, report dir %q, pact dir %q", read, c.ReportDir, c.Pact.OutDir)
	}
	// Without a run directory: this process's working directory; absolute paths stay.
	wd, _ := os.Getwd()
	c, err = load(env(map[string]string{"AUTOSHARES_PACT_DIR": "/abs/pacts"}), noFile)
	if err != nil || c.ReportDir != wd+"/reports" || c.Pact.OutDir != "/abs/pacts" {
		t.Fatalf("err %v, report dir %q, pact dir %q", err, c.ReportDir, c.Pact.OutDir)
	}
	if _, err := load(env(map[string]string{RunDirEnv: "relative"}), noFile); err == nil || !strings.Contains(err.Error(), "not an absolute path") {
		t.Fatalf("err = %v", err)
	}
}

func TestProcs(t *testing.T) {
	c, err := load(env(nil), noFile)
	if err != nil || c.Procs != 0 {
		t.Fatalf("default procs %d (want 0, auto), err %v", c.Procs, err)
	}
	for _, v := range []string{"auto", "AUTO"} {
		if c, err := load(env(map[string]string{"AUTOSHARES_PROCS": v}), noFile); err != nil || c.Procs != 0 {
			t.Errorf("AUTOSHARES_PROCS=%s: %d, %v", v, c.Procs, err)
		}
	}
	for _, bad := range []string{"0", "many", "65"} {
		if _, err := load(env(map[string]string{"AUTOSHARES_PROCS": bad}), noFile); err == nil || !strings.Contains(err.Error(), "AUTOSHARES_PROCS") {
			t.Errorf("AUTOSHARES_PROCS=%s: err = %v", bad, err)
		}
	}
}

func TestTradersAreDealtOutPerKind(t *testing.T) {
	q := func(u string) Trader { return Trader{User: u, SecretQuestionAnswer: "a"} }
	n := func(u string) Trader { return Trader{User: u} }
	f := Flow{Traders: []Trader{q("q1"), q("q2"), n("n1"), q("q3"), n("n2")}}
	if got := f.TraderProcs(); got != 2 {
		t.Fatalf("TraderProcs = %d, want 2 (two without a question)", got)
	}
	users := func(ts []Trader) (s []string) {
		for _, t := range ts {
			s = append(s, t.User)
		}
		return s
	}
	if got := strings.Join(users(f.TradersFor(1, 2)), ","); got != "q1,n1,q3" {
		t.Errorf("process 1 of 2 gets %s", got)
	}
	if got := strings.Join(users(f.TradersFor(2, 2)), ","); got != "q2,n2" {
		t.Errorf("process 2 of 2 gets %s", got)
	}
	if (Flow{}).TraderProcs() != 0 || (Flow{Traders: []Trader{q("a"), q("b"), q("c")}}).TraderProcs() != 3 {
		t.Error("TraderProcs without traders, or with one kind only")
	}
}

// The staging workflow passes settings under their own names, secrets from the
// repository's secrets (masked in CI logs) and nothing secret from its variables.
func TestConformanceWorkflowSettings(t *testing.T) {
	data, err := os.ReadFile("../../.github/workflows/conformance.yml")
	if err != nil {
		t.Fatal(err)
	}
	secret := map[string]bool{}
	for _, s := range Settings() {
		secret[s.Env] = s.Secret
	}
	re := regexp.MustCompile(`(AUTOSHARES_[A-Z0-9_]+): \$\{\{ (vars|secrets)\.([A-Z0-9_]+) \}\}`)
	matches := re.FindAllStringSubmatch(string(data), -1)
	if len(matches) < 5 {
		t.Fatalf("found only %d settings in the workflow", len(matches))
	}
	for _, m := range matches {
		name, from, key := m[1], m[2], m[3]
		if _, ok := secret[name]; !ok {
			t.Errorf("the workflow sets %s, which is not a setting", name)
		}
		if key != name {
			t.Errorf("the workflow sets %s from %s.%s: use the same name", name, from, key)
		}
		if secret[name] != (from == "secrets") {
			t.Errorf("the workflow takes %s from %s; secret settings come from secrets, others from vars", name, from)
		}
	}
}

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
