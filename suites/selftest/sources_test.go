package selftest

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/report"
)

// A deployment without a state endpoint: the suite drives configured test traders through
// the mail flow, reading codes from a real Mailpit that receives the provider's real SMTP
// mail, and skips, by name and with the settings to enable them, what mail cannot produce.
func TestMailTokenSourceWithoutStateEndpoint(t *testing.T) {
	t.Parallel()
	suffix := strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
	traders := []refprovider.Trader{
		{User: "ann-" + suffix, Email: "ann-" + suffix + "@traders.example.test", Password: "Ann-Passw0rd-1"},
		{User: "bob-" + suffix, Email: "bob-" + suffix + "@traders.example.test", Password: "Bob-Passw0rd-1",
			SecretQuestion: "What street did you live on in third grade?", SecretQuestionAnswer: "Peterson"},
	}
	p, key := startProvider(t, refprovider.Options{Traders: traders}) // no TestMode: no state endpoint
	env := targetEnv(p, key)
	if _, ok := env["AUTOSHARES_STATE_URL"]; ok {
		t.Fatal("the provider serves a state endpoint")
	}
	env["AUTOSHARES_TEST_TRADERS"] = testTraders(traders)

	o := runSuite(t, env)
	if o.exitErr != nil || len(o.failed) > 0 {
		t.Fatalf("want a pass; exit %v, failed %q\n%s", o.exitErr, o.failed, o.output)
	}
	for _, spec := range []string{specHappyPath, specMismatch, specTokenExpires, specWholeFlow, specMailNoQuestion, specMailAnswer,
		specCodeForToken, specUsedCode, specQuestionByEmail, specLogin, specNoAppKey} {
		if !containsAny(o.passed, spec) {
			t.Errorf("spec %q did not pass through the mail flow; passed %q", spec, o.passed)
		}
	}
	expectSkipped(t, o, map[string]string{
		specExpiredToken: "AUTOSHARES_EXPIRED_TOKEN",
		specExpiredCode:  "AUTOSHARES_STATE_URL (the mail flow cannot make an expired code)",
	})
	if strings.Contains(o.output, "Peterson") || strings.Contains(o.output, "Bob-Passw0rd-1") {
		t.Error("a test trader's secret appears in the output")
	}
	// Every spec gave its trader back as configured.
	for _, tr := range traders {
		req, _ := http.NewRequest(http.MethodPost, p.BaseURL+"/token", nil)
		req.Header.Set("Et-App-Key", key)
		req.Header.Set("Username", tr.User)
		req.Header.Set("Password", tr.Password)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("test trader %s no longer logs in with the configured password (%d)", tr.User, resp.StatusCode)
		}
	}
}

// With neither a state endpoint nor a mailbox, the run says exactly which specs were
// skipped and which settings would enable them; nothing passes silently.
func TestNothingConfiguredSkipsWithReasons(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{})
	o := runSuite(t, map[string]string{"AUTOSHARES_BASE_URL": p.BaseURL, "AUTOSHARES_APP_KEY": key})
	if o.exitErr != nil || len(o.failed) > 0 {
		t.Fatalf("want a pass of what can run; exit %v, failed %q\n%s", o.exitErr, o.failed, o.output)
	}
	for _, spec := range []string{specUnknownUser, specUnknownCode, specResetNoKey, specQuestionNoKey} {
		if !containsAny(o.passed, spec) {
			t.Errorf("spec %q needs no state and should have run; passed %q", spec, o.passed)
		}
	}
	mailOrState := "set AUTOSHARES_STATE_URL, or AUTOSHARES_MAILBOX_URL with AUTOSHARES_TEST_TRADERS"
	expectSkipped(t, o, map[string]string{
		specHappyPath:      mailOrState,
		specMismatch:       mailOrState,
		specLogin:          mailOrState,
		specCodeForToken:   mailOrState,
		specExpiredToken:   "AUTOSHARES_EXPIRED_TOKEN",
		specExpiredCode:    "AUTOSHARES_STATE_URL",
		specMailNoQuestion: "AUTOSHARES_MAILBOX_URL",
		specWholeFlow:      "AUTOSHARES_MAILBOX_URL",
		specTokenExpires:   "AUTOSHARES_TOKEN_LIFETIME",
	})
	if len(o.passed)+len(o.skipped) != len(allSpecs) {
		t.Errorf("%d passed + %d skipped, want all %d specs accounted for", len(o.passed), len(o.skipped), len(allSpecs))
	}
}

// expectSkipped: each spec was skipped, and both the console and skipped.txt name the
// setting that would enable it.
func expectSkipped(t *testing.T, o outcome, specs map[string]string) {
	t.Helper()
	summary, err := os.ReadFile(filepath.Join(o.reports, report.SkippedFile))
	if err != nil {
		t.Fatal(err)
	}
	for spec, setting := range specs {
		if !containsAny(o.skipped, spec) {
			t.Errorf("spec %q was not skipped; skipped %q", spec, o.skipped)
		}
		for where, text := range map[string]string{"the console": o.output, report.SkippedFile: string(summary)} {
			if !strings.Contains(text, spec) || !strings.Contains(text, setting) {
				t.Errorf("%s does not list %q with %q", where, spec, setting)
			}
		}
	}
}
