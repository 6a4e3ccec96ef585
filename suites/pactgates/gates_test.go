// Package pactgates tests the deployment gates (scripts/pact-broker.sh: can-i-deploy,
// record-deployment, record-release) and the publication of the suite's pacts
// (scripts/publish-pacts.sh) against the loopback broker double, asserting the exact
// requests the pinned pact CLI makes and that a missing setting or a refusing broker stops
// each with a clear message.
package pactgates

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/pacts"
	"github.com/autoshares/conformance/internal/pacts/contracttest"
	"github.com/autoshares/conformance/internal/testkit"
)

func requireCLI(t *testing.T) {
	t.Helper()
	if fi, err := os.Stat(filepath.Join(testkit.RootFor(t), ".tools", "pact", "bin", "pact")); err != nil || fi.Mode()&0o111 == 0 {
		t.Skip("the pact CLI is not installed: run make pact-cli")
	}
}

// run runs a script of the repository with only the given settings (and PATH, HOME) in its
// environment, and returns its exit code and combined output.
func run(t *testing.T, env map[string]string, script string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command("bash", append([]string{filepath.Join(testkit.RootFor(t), "scripts", script)}, args...)...)
	cmd.Dir = testkit.RootFor(t)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "PACT_DO_NOT_TRACK=true", "PACT_BROKER_HTTP_RETRIES=0"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String()
}

func gateEnv(d *pacts.Double) map[string]string {
	return map[string]string{
		"PACT_BROKER_BASE_URL":       d.URL,
		"PACT_BROKER_TOKEN":          "broker-token-for-the-test",
		"PACT_PACTICIPANT_VERSION":   "0123abc",
		"PACT_ENVIRONMENT":           "production",
		"PACT_CAN_I_DEPLOY_INTERVAL": "1",
		"PACT_CAN_I_DEPLOY_TIMEOUT":  "2",
	}
}

func requests(d *pacts.Double) []string {
	var s []string
	for _, r := range d.Requests() {
		line := r.Method + " " + r.Path
		if r.Query != "" {
			line += "?" + r.Query
		}
		if r.Body != "" {
			line += " " + r.Body
		}
		s = append(s, line)
	}
	return s
}

const matrix = "GET /matrix?q[][pacticipant]=AutoSharesTradingAPI&q[][version]=0123abc&latestby=cvpv&environment=production"

func TestCanIDeploy(t *testing.T) {
	requireCLI(t)
	cases := []struct {
		name     string
		answers  []string
		code     int
		asked    int
		saysWhat string
	}{
		{"deployable", []string{"yes"}, 0, 1, "Computer says yes"},
		{"not deployable", []string{"no"}, 1, 1, "must not be deployed to production"},
		{"unknown, then deployable: it asks again", []string{"unknown", "yes"}, 0, 2, "Computer says yes"},
		{"unknown until the timeout", []string{"unknown"}, 1, 3, "must not be deployed to production"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := pacts.Start("AutoSharesTradingAPI")
			defer d.Close()
			d.AnswerCanIDeploy(c.answers...)
			code, out := run(t, gateEnv(d), "pact-broker.sh", "can-i-deploy")
			if code != c.code || !strings.Contains(out, c.saysWhat) {
				t.Errorf("exit %d, want %d, with %q in the output:\n%s", code, c.code, c.saysWhat, out)
			}
			want := slices.Repeat([]string{matrix}, c.asked)
			if got := requests(d); !slices.Equal(got, want) {
				t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			for _, r := range d.Requests() {
				if r.Auth != "bearer broker-token-for-the-test" {
					t.Errorf("%s authenticated as %q, want the configured token", r, r.Auth)
				}
			}
		})
	}
}

func TestRecordDeploymentAndRelease(t *testing.T) {
	requireCLI(t)
	for cmd, kind := range map[string]string{"record-deployment": "deployed-versions", "record-release": "released-versions"} {
		t.Run(cmd, func(t *testing.T) {
			d := pacts.Start("AutoSharesTradingAPI")
			defer d.Close()
			e := gateEnv(d)
			delete(e, "PACT_BROKER_TOKEN")
			e["PACT_BROKER_USERNAME"], e["PACT_BROKER_PASSWORD"] = "ci-user", "ci-password"
			code, out := run(t, e, "pact-broker.sh", cmd)
			if code != 0 {
				t.Fatalf("exit %d:\n%s", code, out)
			}
			want := []string{
				"GET /pacticipants/AutoSharesTradingAPI/versions/0123abc",
				// The production environment's uuid in the double.
				"POST /pacticipants/AutoSharesTradingAPI/versions/0123abc/" + kind + "/environment/00000000-0000-4000-8000-000000000002 {}",
			}
			if got := requests(d); !slices.Equal(got, want) {
				t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			for _, r := range d.Requests() {
				if r.Auth != "basic ci-user" {
					t.Errorf("%s authenticated as %q, want basic ci-user", r, r.Auth)
				}
			}
			if strings.Contains(out, "ci-password") {
				t.Errorf("the output shows the broker password:\n%s", out)
			}
		})
	}
}

// A refusing broker stops each gate with a failure that says so.
func TestGatesStopWhenTheBrokerRefuses(t *testing.T) {
	requireCLI(t)
	for _, cmd := range []string{"can-i-deploy", "record-deployment", "record-release"} {
		t.Run(cmd, func(t *testing.T) {
			d := pacts.Start("AutoSharesTradingAPI")
			defer d.Close()
			d.Refuse(401)
			env := gateEnv(d)
			// Canary credentials in the URL too: neither they nor the token may be shown.
			env["PACT_BROKER_BASE_URL"] = strings.Replace(d.URL, "http://", "http://ops:gate-canary-pw-71@", 1)
			code, out := run(t, env, "pact-broker.sh", cmd)
			if code == 0 || !strings.Contains(out, "401") {
				t.Errorf("exit %d, want a failure naming the broker's 401:\n%s", code, out)
			}
			if strings.Contains(out, "broker-token-for-the-test") || strings.Contains(out, "gate-canary-pw-71") {
				t.Errorf("the output shows a broker secret:\n%s", out)
			}
		})
	}
}

// Broker credentials go only over https (or to loopback): a cleartext broker elsewhere is a
// settings mistake, refused before any request.
func TestGatesRefuseCleartextCredentials(t *testing.T) {
	requireCLI(t)
	d := pacts.Start("AutoSharesTradingAPI")
	defer d.Close()
	env := gateEnv(d)
	env["PACT_BROKER_BASE_URL"] = "http://broker.example.com"
	if code, out := run(t, env, "pact-broker.sh", "record-release"); code != 2 || !strings.Contains(out, "cleartext") {
		t.Errorf("exit %d, want 2 naming the cleartext:\n%s", code, out)
	}
}

// Missing settings: every one is named at once, and nothing is asked of any broker.
func TestGatesNameMissingSettings(t *testing.T) {
	requireCLI(t)
	for _, cmd := range []string{"can-i-deploy", "record-deployment", "record-release"} {
		code, out := run(t, map[string]string{"PACT_CAN_I_DEPLOY_TIMEOUT": "soon"}, "pact-broker.sh", cmd)
		for _, want := range []string{"PACT_BROKER_BASE_URL", "PACT_BROKER_TOKEN", "PACT_PACTICIPANT_VERSION", "PACT_ENVIRONMENT", "PACT_CAN_I_DEPLOY_TIMEOUT"} {
			if code != 2 || !strings.Contains(out, want) {
				t.Errorf("%s: exit %d, want 2 naming %s:\n%s", cmd, code, want, out)
			}
		}
	}
}

func TestCheckConsumerPact(t *testing.T) {
	requireCLI(t)
	if _, err := os.Stat(filepath.Join(testkit.RootFor(t), ".tools", "pact", "opc", "cli.cjs")); err != nil {
		t.Skip("openapi-pact-comparator is not installed: run make pact-opc")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed (Debian: apt-get install nodejs)")
	}
	dir := t.TempDir()
	good := contracttest.Pact()
	good.Consumer = "TeamWebApp"
	goodFile := filepath.Join(dir, "good.json")
	if err := pacts.WritePact(goodFile, good); err != nil {
		t.Fatal(err)
	}
	// The same pact, but one interaction sends a field the API does not take.
	bad := contracttest.Pact()
	bad.Consumer = "TeamWebApp"
	for i, in := range bad.Interactions {
		if in.Description == contracttest.DescReset {
			body := map[string]pacts.Field{"NewPassword": {Example: "New-Passw0rd!"}}
			for k, v := range in.Request.Body {
				body[k] = v
			}
			bad.Interactions[i].Request.Body = body
		}
	}
	badFile := filepath.Join(dir, "bad.json")
	if err := pacts.WritePact(badFile, bad); err != nil {
		t.Fatal(err)
	}

	code, out := run(t, nil, "check-consumer-pact.sh", goodFile)
	if code != 0 || !strings.Contains(out, "compatible with the provider contract") || !strings.Contains(out, "the reference provider honours it") {
		t.Errorf("a compatible pact: exit %d, want 0 and both checks passed:\n%s", code, out)
	}
	code, out = run(t, nil, "check-consumer-pact.sh", badFile)
	want := `INCOMPATIBLE: interaction "` + contracttest.DescReset + `": request.body.incompatible`
	if code == 0 || !strings.Contains(out, want) {
		t.Errorf("an incompatible pact: exit %d, want a failure with %q:\n%s", code, want, out)
	}
	for _, in := range bad.Interactions {
		if in.Description != contracttest.DescReset && strings.Contains(out, `INCOMPATIBLE: interaction "`+in.Description+`"`) {
			t.Errorf("interaction %q is named incompatible, but only %q is:\n%s", in.Description, contracttest.DescReset, out)
		}
	}
	if code, out := run(t, nil, "check-consumer-pact.sh"); code != 2 || !strings.Contains(out, "PACT=") {
		t.Errorf("no pact named: exit %d, want 2 saying how to name one:\n%s", code, out)
	}
}

// TestPublishPacts publishes the committed pacts from a clean clone of this commit: as the
// suite (the pacts' consumer), with the commit, the branch and the build URL.
func TestPublishPacts(t *testing.T) {
	requireCLI(t)
	root := testkit.RootFor(t)
	clone := filepath.Join(t.TempDir(), "clone")
	if out, err := exec.Command("git", "clone", "--quiet", "--no-checkout", root, clone).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	head, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	commit := strings.TrimSpace(string(head))
	for _, args := range [][]string{{"checkout", "--quiet", "-B", "feature-x", commit}} {
		if out, err := exec.Command("git", append([]string{"-C", clone}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	// The installed tools, by a link that git is told to ignore (/.tools/ matches only a directory).
	if err := os.Symlink(filepath.Join(root, ".tools"), filepath.Join(clone, ".tools")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(clone, ".git", "info", "exclude"), []byte("/.tools\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := pacts.Start("AutoSharesTradingAPI")
	defer d.Close()
	cmd := exec.Command("bash", "scripts/publish-pacts.sh")
	cmd.Dir = clone
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "PACT_DO_NOT_TRACK=true", "PACT_BROKER_HTTP_RETRIES=0",
		"PACT_BROKER_BASE_URL=" + d.URL, "PACT_BROKER_TOKEN=broker-token-for-the-test",
		"PACT_BUILD_URL=https://ci.example.com/builds/7", "PUBLISH_PACTS_SKIP_CHECK=1"}
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("publish-pacts took %v", time.Since(start))
	if err != nil {
		t.Fatalf("publish-pacts: %v\n%s", err, out)
	}
	reqs := d.Requests()
	if len(reqs) != 1 || reqs[0].Method != "POST" || reqs[0].Path != "/contracts/publish" || reqs[0].Auth != "bearer broker-token-for-the-test" {
		t.Fatalf("requests = %v, want one POST /contracts/publish with the token", reqs)
	}
	var pub struct {
		PacticipantName, PacticipantVersionNumber, Branch, BuildURL string
		Contracts                                                   []struct {
			ConsumerName, ProviderName, Specification, ContentType string
			Content                                                []byte // base64
		}
	}
	if err := json.Unmarshal([]byte(reqs[0].Body), &pub); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(clone, "pacts", "*.json"))
	if pub.PacticipantName != "AutoSharesConformanceSuite" || !strings.HasPrefix(commit, pub.PacticipantVersionNumber) ||
		len(pub.PacticipantVersionNumber) < 7 || pub.Branch != "feature-x" || pub.BuildURL != "https://ci.example.com/builds/7" || len(pub.Contracts) != len(files) {
		t.Errorf("published as %s %s on %s, build %s, %d contract(s); want AutoSharesConformanceSuite, the commit %s, feature-x, the build URL, %d",
			pub.PacticipantName, pub.PacticipantVersionNumber, pub.Branch, pub.BuildURL, len(pub.Contracts), commit, len(files))
	}
	for _, c := range pub.Contracts {
		committed, err := os.ReadFile(filepath.Join(clone, "pacts", c.ConsumerName+"-"+c.ProviderName+".json"))
		if err != nil {
			t.Errorf("published a pact for %s and %s, which pacts/ does not hold: %v", c.ConsumerName, c.ProviderName, err)
			continue
		}
		// The CLI rewrites the pact (interactions sorted by description, its own metadata):
		// the same pact is the same interactions.
		if a, b := interactions(t, committed), interactions(t, c.Content); !reflect.DeepEqual(a, b) {
			t.Errorf("the published %s pact does not hold the committed interactions", c.ConsumerName)
		}
	}
}

func interactions(t *testing.T, pact []byte) map[string]any {
	t.Helper()
	var p struct{ Interactions []map[string]any }
	if err := json.Unmarshal(pact, &p); err != nil {
		t.Fatalf("not a pact: %v", err)
	}
	m := map[string]any{}
	for _, in := range p.Interactions {
		m[fmt.Sprint(in["description"], in["providerStates"])] = in
	}
	return m
}
