package pactgates

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/broker"
	"github.com/autoshares/conformance/internal/repo"
)

// runReports writes the reports of a run as the suite does (summary.json with its indent,
// junit.xml) into a new directory.
func runReports(t *testing.T, succeeded, embedded bool, filter string, change ...func(summary map[string]any)) string {
	t.Helper()
	dir := t.TempDir()
	summary := map[string]any{
		"suite":        map[string]any{"module": "github.com/autoshares/conformance", "version": "devel", "commit": "0123456789abcdef", "modified": false, "from": "git"},
		"target":       "https://staging.example.com/api",
		"embedded":     embedded,
		"label_filter": filter,
		"succeeded":    succeeded,
		"counts":       map[string]any{"specs": 2, "passed": 2, "skipped": 0, "known_deviations": 0},
		"loosened":     []string{},
		"specs":        []any{},
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

func contractEnv(d *broker.Double, reports string) map[string]string {
	return map[string]string{
		"PACT_BROKER_BASE_URL":  d.URL,
		"PACT_BROKER_TOKEN":     "broker-token-for-the-test",
		"PACT_PROVIDER_VERSION": "2026.12.06-41",
		"PACT_PROVIDER_BRANCH":  "release/2026.12",
		"PACT_BUILD_URL":        "https://ci.example.com/builds/41",
		"AUTOSHARES_REPORT_DIR": reports,
	}
}

// The publication is one request, with the document, the version, branch and build URL, and
// the run's JUnit as the self-verification, passed or failed as the run was.
func TestPublishProviderContract(t *testing.T) {
	requireCLI(t)
	doc, err := os.ReadFile(filepath.Join(repo.RootFor(t), "openapi", "autoshares-password-reset.openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, passed := range []bool{true, false} {
		d := broker.Start("AutoSharesTradingAPI")
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
			v.Verifier != "autoshares-conformance" || v.VerifierVersion != "0123456789abcdef" {
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
			d := broker.Start("AutoSharesTradingAPI")
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
		"a partial run":         {func(t *testing.T) string { return runReports(t, true, false, "(step4) && !slow") }, "", "only some specs"},
		"no reports":            {func(t *testing.T) string { return t.TempDir() }, "", "run make conformance"},
		"no version":            {func(t *testing.T) string { return runReports(t, true, false, "") }, "PACT_PROVIDER_VERSION", "set PACT_PROVIDER_VERSION"},
		"no branch":             {func(t *testing.T) string { return runReports(t, true, false, "") }, "PACT_PROVIDER_BRANCH", "set PACT_PROVIDER_BRANCH"},
		"no credentials":        {func(t *testing.T) string { return runReports(t, true, false, "") }, "PACT_BROKER_TOKEN", "set PACT_BROKER_TOKEN"},
	} {
		t.Run(name, func(t *testing.T) {
			d := broker.Start("AutoSharesTradingAPI")
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
	// A broker that refuses: the script fails.
	d := broker.Start("AutoSharesTradingAPI")
	defer d.Close()
	d.Refuse(401)
	if code, out := run(t, contractEnv(d, runReports(t, true, false, "")), "publish-provider-contract.sh"); code == 0 {
		t.Errorf("a refusing broker must fail the publication:\n%s", out)
	}
}
