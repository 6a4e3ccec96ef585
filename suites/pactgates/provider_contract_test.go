package pactgates

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/pacts"
	"github.com/autoshares/conformance/internal/testkit"
)

// headCommit is the commit of this checkout: a run to publish must be of it.
func headCommit(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "-C", testkit.RootFor(t), "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// runReports writes the reports of a run as the suite does (summary.json with its indent,
// junit.xml) into a new directory: a run of this commit against staging, a minute ago,
// every spec but the slow one, as a default run.
func runReports(t *testing.T, succeeded, embedded bool, filter string, change ...func(summary map[string]any)) string {
	t.Helper()
	dir := t.TempDir()
	end := time.Now().Add(-time.Minute)
	summary := map[string]any{
		"suite":        map[string]any{"module": "github.com/autoshares/conformance", "version": "devel", "commit": headCommit(t), "modified": false, "from": "git"},
		"target":       "https://staging.example.com/api",
		"embedded":     embedded,
		"label_filter": filter,
		"succeeded":    succeeded,
		"counts":       map[string]any{"specs": 3, "passed": 2, "skipped": 0, "filtered": 1, "known_deviations": 0},
		"loosened":     []string{},
		"start":        end.Add(-10 * time.Second),
		"end":          end,
		"specs": []any{
			map[string]any{"name": "step 1 mails a code", "node": "It", "labels": []string{"step1"}, "status": "passed"},
			map[string]any{"name": "step 4 sets the password", "node": "It", "labels": []string{"step4"}, "status": "passed"},
			map[string]any{"name": "a token expires", "node": "It", "labels": []string{"step4", "slow"}, "status": "filtered"},
		},
	}
	for _, c := range change {
		c(summary)
	}
	b, _ := json.MarshalIndent(summary, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "summary.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "junit.xml"), []byte(`<?xml version="1.0"?><testsuites tests="1"></testsuites>`), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func contractEnv(d *pacts.Double, reports string) map[string]string {
	return map[string]string{
		"PACT_BROKER_BASE_URL":  d.URL,
		"PACT_BROKER_TOKEN":     "broker-token-for-the-test",
		"PACT_PROVIDER_VERSION": "2026.12.06-41",
		"PACT_PROVIDER_BRANCH":  "release/2026.12",
		"PACT_BUILD_URL":        "https://ci.example.com/builds/41",
		"AUTOSHARES_REPORT_DIR": reports,
		"AUTOSHARES_BASE_URL":   "https://staging.example.com/api",
	}
}

// The publication is one request, with the document, the version, branch and build URL, and
// the run's JUnit as the self-verification, passed or failed as the run was.
func TestPublishProviderContract(t *testing.T) {
	requireCLI(t)
	doc, err := os.ReadFile(filepath.Join(testkit.RootFor(t), "openapi", "autoshares-password-reset.openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, passed := range []bool{true, false} {
		d := pacts.Start("AutoSharesTradingAPI")
		reports := runReports(t, passed, false, "!slow")
		code, out := run(t, contractEnv(d, reports), "publish-provider-contract.sh")
		d.Close()
		if code != 0 {
			t.Fatalf("exit %d:\n%s", code, out)
		}
		reqs := d.Requests()
		if len(reqs) != 1 || reqs[0].Method != "POST" || reqs[0].Path != "/provider-contracts/provider/AutoSharesTradingAPI/publish" ||
			reqs[0].Auth != "bearer broker-token-for-the-test" {
			t.Fatalf("requests = %v, want one POST /provider-contracts/provider/AutoSharesTradingAPI/publish with the token", reqs)
		}
		var pub struct {
			PacticipantVersionNumber, Branch, BuildURL string
			Contract                                   struct {
				Content                    []byte // base64
				ContentType, Specification string
				SelfVerificationResults    struct {
					Success                                        bool
					Content                                        []byte
					ContentType, Format, Verifier, VerifierVersion string
				}
			}
		}
		if err := json.Unmarshal([]byte(reqs[0].Body), &pub); err != nil {
			t.Fatal(err)
		}
		junit, _ := os.ReadFile(filepath.Join(reports, "junit.xml"))
		c, v := pub.Contract, pub.Contract.SelfVerificationResults
		if pub.PacticipantVersionNumber != "2026.12.06-41" || pub.Branch != "release/2026.12" || pub.BuildURL != "https://ci.example.com/builds/41" {
			t.Errorf("published as version %q on %q, build %q", pub.PacticipantVersionNumber, pub.Branch, pub.BuildURL)
		}
		if string(c.Content) != string(doc) || c.ContentType != "application/json" || c.Specification != "oas" {
			t.Errorf("the contract is not openapi/ as JSON OAS (%s, %s, %d bytes)", c.ContentType, c.Specification, len(c.Content))
		}
		if v.Success != passed || string(v.Content) != string(junit) || v.Format != "junit" || v.ContentType != "application/xml" ||
			v.Verifier != "autoshares-conformance" || v.VerifierVersion != headCommit(t) {
			t.Errorf("self-verification: success %v (want %v), %s %s by %s %s, %d bytes", v.Success, passed, v.Format, v.ContentType, v.Verifier, v.VerifierVersion, len(v.Content))
		}
		if !passed && !strings.Contains(out, "the run FAILED") {
			t.Errorf("a failed run's publication must say so:\n%s", out)
		}
		if strings.Contains(out, "broker-token-for-the-test") {
			t.Errorf("the output holds the broker token")
		}
	}
}

// A run that succeeded short of a full verification (skips allowed, known deviations,
// loosened settings) is published as a failed self-verification, saying why.
func TestProviderContractShortOfAFullVerification(t *testing.T) {
	requireCLI(t)
	for name, tc := range map[string]struct {
		change func(map[string]any)
		says   string
	}{
		"skips allowed":    {func(s map[string]any) { s["counts"].(map[string]any)["skipped"] = 3 }, "3 spec(s) skipped"},
		"known deviations": {func(s map[string]any) { s["counts"].(map[string]any)["known_deviations"] = 1 }, "1 known deviation(s)"},
		"loosened settings": {func(s map[string]any) {
			s["loosened"] = []string{"AUTOSHARES_EXPECT_SUCCESS_STATUS", "AUTOSHARES_EXPECT_MIN_ENTROPY"}
		}, "loosened settings (AUTOSHARES_EXPECT_SUCCESS_STATUS,AUTOSHARES_EXPECT_MIN_ENTROPY)"},
	} {
		t.Run(name, func(t *testing.T) {
			d := pacts.Start("AutoSharesTradingAPI")
			defer d.Close()
			code, out := run(t, contractEnv(d, runReports(t, true, false, "!slow", tc.change)), "publish-provider-contract.sh")
			if code != 0 || !strings.Contains(out, tc.says) || !strings.Contains(out, "publishing it as a failed self-verification") {
				t.Fatalf("exit %d, want a publication saying %q:\n%s", code, tc.says, out)
			}
			reqs := d.Requests()
			if len(reqs) != 1 {
				t.Fatalf("requests = %v", reqs)
			}
			var pub struct {
				Contract struct{ SelfVerificationResults struct{ Success bool } }
			}
			if err := json.Unmarshal([]byte(reqs[0].Body), &pub); err != nil {
				t.Fatal(err)
			}
			if pub.Contract.SelfVerificationResults.Success {
				t.Errorf("published as a successful self-verification")
			}
		})
	}
}

// What must not be published, and missing settings, stop the script before the broker.
func TestProviderContractRefusals(t *testing.T) {
	requireCLI(t)
	for name, tc := range map[string]struct {
		reports func(t *testing.T) string
		unset   string
		says    string
	}{
		"the embedded provider": {func(t *testing.T) string { return runReports(t, true, true, "!slow") }, "", "embedded reference provider"},
		"a partial run": {func(t *testing.T) string {
			return runReports(t, true, false, "(step4) && !slow", func(s map[string]any) {
				s["specs"].([]any)[0].(map[string]any)["status"] = "filtered"
			})
		}, "", "only some specs"},
		"a focused run": {func(t *testing.T) string {
			return runReports(t, true, false, "!slow", func(s map[string]any) {
				s["specs"].([]any)[1].(map[string]any)["status"] = "filtered"
			})
		}, "", "a focus or skip"},
		"a run of another commit": {func(t *testing.T) string {
			return runReports(t, true, false, "!slow", func(s map[string]any) { s["suite"].(map[string]any)["commit"] = "fedcba9876543210" })
		}, "", "not " + headCommit(t)},
		"a run against another target": {func(t *testing.T) string {
			return runReports(t, true, false, "!slow", func(s map[string]any) { s["target"] = "https://prod.example.com/api" })
		}, "", "the run tested https://prod.example.com/api"},
		"no target to compare with": {func(t *testing.T) string { return runReports(t, true, false, "!slow") }, "AUTOSHARES_BASE_URL", "set AUTOSHARES_BASE_URL"},
		"an old run": {func(t *testing.T) string {
			return runReports(t, true, false, "!slow", func(s map[string]any) { s["end"] = time.Now().Add(-25 * time.Hour) })
		}, "", "more than PUBLISH_MAX_AGE (24h0m0s)"},
		"no reports":     {func(t *testing.T) string { return t.TempDir() }, "", "run make conformance"},
		"no version":     {func(t *testing.T) string { return runReports(t, true, false, "") }, "PACT_PROVIDER_VERSION", "set PACT_PROVIDER_VERSION"},
		"no branch":      {func(t *testing.T) string { return runReports(t, true, false, "") }, "PACT_PROVIDER_BRANCH", "set PACT_PROVIDER_BRANCH"},
		"no credentials": {func(t *testing.T) string { return runReports(t, true, false, "") }, "PACT_BROKER_TOKEN", "set PACT_BROKER_TOKEN"},
	} {
		t.Run(name, func(t *testing.T) {
			d := pacts.Start("AutoSharesTradingAPI")
			defer d.Close()
			env := contractEnv(d, tc.reports(t))
			delete(env, tc.unset)
			code, out := run(t, env, "publish-provider-contract.sh")
			if code == 0 || !strings.Contains(out, tc.says) {
				t.Errorf("exit %d, want a failure saying %q:\n%s", code, tc.says, out)
			}
			if reqs := d.Requests(); len(reqs) != 0 {
				t.Errorf("the broker was asked %v", reqs)
			}
		})
	}
	// A shorter PUBLISH_MAX_AGE: a run of a minute ago is too old for 30 seconds.
	t.Run("PUBLISH_MAX_AGE", func(t *testing.T) {
		d := pacts.Start("AutoSharesTradingAPI")
		defer d.Close()
		env := contractEnv(d, runReports(t, true, false, "!slow"))
		env["PUBLISH_MAX_AGE"] = "30s"
		if code, out := run(t, env, "publish-provider-contract.sh"); code == 0 || !strings.Contains(out, "more than PUBLISH_MAX_AGE (30s)") || len(d.Requests()) != 0 {
			t.Errorf("exit %d, want a refusal naming PUBLISH_MAX_AGE:\n%s", code, out)
		}
	})
	// A broker that refuses: the script fails.
	d := pacts.Start("AutoSharesTradingAPI")
	defer d.Close()
	d.Refuse(401)
	if code, out := run(t, contractEnv(d, runReports(t, true, false, "")), "publish-provider-contract.sh"); code == 0 {
		t.Errorf("a refusing broker must fail the publication:\n%s", out)
	}
}

// Broker credentials go only over https (or to loopback), and no secret of the broker's
// settings appears in the output, even when the broker refuses and the CLI says why.
func TestPublishingShowsNoBrokerSecret(t *testing.T) {
	requireCLI(t)
	d := pacts.Start("AutoSharesTradingAPI")
	defer d.Close()
	env := contractEnv(d, runReports(t, true, false, "!slow"))
	env["PACT_BROKER_BASE_URL"] = "http://broker.example.com"
	if code, out := run(t, env, "publish-provider-contract.sh"); code == 0 || !strings.Contains(out, "cleartext") {
		t.Errorf("credentials over cleartext http:// to a remote broker: exit %d\n%s", code, out)
	}
	const tokenCanary, pwCanary = "broker-token-canary-61", "broker-pw-canary-62"
	d.Refuse(401)
	for _, script := range []string{"publish-provider-contract.sh", "publish-pacts.sh"} {
		env := contractEnv(d, runReports(t, true, false, "!slow"))
		env["PACT_BROKER_BASE_URL"] = strings.Replace(d.URL, "http://", "http://ops:"+pwCanary+"@", 1)
		env["PACT_BROKER_TOKEN"] = tokenCanary
		env["PUBLISH_PACTS_SKIP_CHECK"] = "1"
		code, out := run(t, env, script)
		if code == 0 {
			t.Errorf("%s: a refusing broker must fail it:\n%s", script, out)
		}
		if strings.Contains(out, tokenCanary) || strings.Contains(out, pwCanary) {
			t.Errorf("%s shows a broker secret:\n%s", script, out)
		}
	}
}
