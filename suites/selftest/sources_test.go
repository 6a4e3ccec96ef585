package selftest

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	cataloguepkg "github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/results"
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
	env["AUTOSHARES_ALLOW_SKIPS"] = "true" // the mail flow cannot make expired tokens and codes

	o := runSuite(t, env, everySpec)
	if o.exitErr != nil || len(o.failed) > 0 {
		t.Fatalf("want a pass; exit %v, failed %q\n%s", o.exitErr, o.failed, o.output)
	}
	expectPassed(t, o, cataloguepkg.Step4ValidSucceeds, cataloguepkg.Step4MismatchRejected, cataloguepkg.Step4TokenLifetimeEnforced, cataloguepkg.Step1NoQuestionAccepted,
		cataloguepkg.Step1RightAnswerAccepted, cataloguepkg.Step3ValidCodeToken, cataloguepkg.Step3UsedCodeRefused, cataloguepkg.Step2ByEmailQuestion, cataloguepkg.LoginValidSucceeds,
		cataloguepkg.Step4AppKeyMissingRefused, cataloguepkg.SecurityResetRefusedRequestMailsNothing, cataloguepkg.SecurityResetNotificationMailed, cataloguepkg.SecurityMailNoSecrets)
	expectSkipped(t, o, map[string]string{
		cataloguepkg.Step4ExpiredTokenRejected:     "AUTOSHARES_EXPIRED_TOKEN",
		cataloguepkg.Step3ExpiredCodeRefused:       "AUTOSHARES_STATE_URL (the mail flow cannot make an expired code)",
		cataloguepkg.SecurityResetMailFloodLimited: "AUTOSHARES_STATE_URL",
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
	o := runSuite(t, map[string]string{"AUTOSHARES_BASE_URL": p.BaseURL, "AUTOSHARES_APP_KEY": key, "AUTOSHARES_ALLOW_SKIPS": "true"}, everySpec)
	if o.exitErr != nil || len(o.failed) > 0 {
		t.Fatalf("want a pass of what can run; exit %v, failed %q\n%s", o.exitErr, o.failed, o.output)
	}
	// These need no state: they send random unknown names or no key.
	expectPassed(t, o, cataloguepkg.Step1UnknownUserRefused, cataloguepkg.Step3UnknownCodeRefused, cataloguepkg.Step1AppKeyMissingRefused, cataloguepkg.Step2AppKeyMissingRefused)
	mailOrState := "set AUTOSHARES_STATE_URL, or AUTOSHARES_MAILBOX_URL with AUTOSHARES_TEST_TRADERS"
	expectSkipped(t, o, map[string]string{
		cataloguepkg.Step4MismatchRejected:      mailOrState,
		cataloguepkg.LoginValidSucceeds:         mailOrState,
		cataloguepkg.Step3TokenSetsPassword:     mailOrState,
		cataloguepkg.Step4ExpiredTokenRejected:  "AUTOSHARES_EXPIRED_TOKEN",
		cataloguepkg.Step3ExpiredCodeRefused:    "AUTOSHARES_STATE_URL",
		cataloguepkg.Step1NoQuestionAccepted:    "AUTOSHARES_MAILBOX_URL",
		cataloguepkg.Step1RightAnswerAccepted:   "AUTOSHARES_MAILBOX_URL",
		cataloguepkg.Step4TokenLifetimeEnforced: "AUTOSHARES_TOKEN_LIFETIME",
	})
	for _, s := range o.specs {
		if s.State != types.SpecStatePassed && s.State != types.SpecStateSkipped {
			t.Errorf("spec %q ended %s, want passed or skipped", s.Text, s.State)
		}
	}
}

// everySpec selects the slow spec too, which a run leaves out unless asked.
const everySpec = "-ginkgo.label-filter=slow || !slow"

// No green run without proof: by default, a run in which selected specs skipped fails,
// after they ran, with one failure that lists every skip and the setting that enables it.
func TestSkipsFailTheRunUnlessAllowed(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{})
	o := runSuite(t, map[string]string{"AUTOSHARES_BASE_URL": p.BaseURL, "AUTOSHARES_APP_KEY": key})
	if o.exitErr == nil {
		t.Fatalf("a run with skips passed:\n%s", o.output)
	}
	if len(o.failed) > 0 {
		t.Errorf("want no spec failure, only the verdict at the end of the run; failed %q", o.failed)
	}
	for _, want := range []string{"selected spec(s) were skipped", "AUTOSHARES_ALLOW_SKIPS=true", "AUTOSHARES_STATE_URL", "refuses an expired code"} {
		if !strings.Contains(o.output, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if len(o.passed) == 0 {
		t.Error("the specs that need no state should still have run")
	}
}

// expectPassed: every spec that declares one of the checks ran and passed.
func expectPassed(t *testing.T, o outcome, checks ...string) {
	t.Helper()
	for _, id := range checks {
		specs := o.withCheck(id)
		if len(specs) == 0 {
			t.Errorf("no spec of check %q ran", id)
		}
		for _, s := range specs {
			// The response-time finding's spec judges the unknown user's refusal too, beside a
			// known trader's, so it needs a state like any other.
			if slices.Contains(s.Labels, "timing") {
				continue
			}
			if s.State != types.SpecStatePassed {
				t.Errorf("spec %q (check %s) ended %s, want passed", s.Text, id, s.State)
			}
		}
	}
}

// expectSkipped: every spec of each check was skipped, and both the console and
// skipped.txt name it with the setting that would enable it.
func expectSkipped(t *testing.T, o outcome, checks map[string]string) {
	t.Helper()
	summary, err := os.ReadFile(filepath.Join(o.reports, results.SkippedFile))
	if err != nil {
		t.Fatal(err)
	}
	for id, setting := range checks {
		specs := o.withCheck(id)
		if len(specs) == 0 {
			t.Errorf("no spec of check %q was reported", id)
		}
		for _, s := range specs {
			if s.State != types.SpecStateSkipped {
				t.Errorf("spec %q (check %s) ended %s, want skipped", s.Text, id, s.State)
			}
			for where, text := range map[string]string{"the console": o.output, results.SkippedFile: string(summary)} {
				if !strings.Contains(text, s.Text) || !strings.Contains(text, setting) {
					t.Errorf("%s does not list %q with %q", where, s.Text, setting)
				}
			}
		}
	}
}
