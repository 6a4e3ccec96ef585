package pactverify

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/testkit"
)

// A pact claims what the suite enforced, no more: a provider whose error lists carry an
// extra, general message before the specific one passes the suite (which checks that Errors
// and ErrorsCode contain the documented entries), and then passes the verification of the
// pact that very run recorded. A pact recording "Errors is exactly [the message]" would fail
// here while the suite passed.
func TestThePactARunRecordsHoldsForTheProviderThatPassedIt(t *testing.T) {
	bin, err := states.BinaryPath()
	if err != nil {
		t.Fatalf("this test needs Mailpit (make mailpit): %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mp, err := states.StartServer(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	defer mp.Stop()
	opts := refprovider.Options{AppKey: "drift-test-app-key", TestMode: true, SMTPAddr: mp.SMTPAddr,
		Quirks: []string{refprovider.QuirkExtraErrorEntries}}
	p, err := refprovider.Start(ctx, opts, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	root, err := testkit.Root()
	if err != nil {
		t.Fatal(err)
	}
	suite := filepath.Join(t.TempDir(), "passwordreset.test")
	build := exec.Command("go", "test", "-c", "-o", suite, "./suites/passwordreset")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the suite: %v\n%s", err, out)
	}
	pacts, reports := t.TempDir(), t.TempDir()
	runCtx, stop := context.WithTimeout(ctx, 3*time.Minute)
	defer stop()
	run := exec.CommandContext(runCtx, suite, "-ginkgo.no-color")
	run.Dir = t.TempDir()
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AUTOSHARES_") {
			run.Env = append(run.Env, kv)
		}
	}
	run.Env = append(run.Env, "AUTOSHARES_BASE_URL="+p.BaseURL, "AUTOSHARES_APP_KEY="+opts.AppKey, "AUTOSHARES_STATE_URL="+p.StateURL,
		"AUTOSHARES_MAILBOX_URL="+mp.APIURL, "AUTOSHARES_PACT_DIR="+pacts, "AUTOSHARES_REPORT_DIR="+reports, "MAILPIT_BIN="+bin)
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("the suite failed against a provider with extra error entries: %v\n%s", err, out)
	}
	files, err := filepath.Glob(filepath.Join(pacts, "*.json"))
	if err != nil || len(files) != 1 {
		t.Fatalf("the run recorded %d pact file(s) in %s (%v)", len(files), pacts, err)
	}
	data, _ := os.ReadFile(files[0])
	if !strings.Contains(string(data), `"arrayContains"`) {
		t.Fatal("the recorded pact has no arrayContains rule: is the configured message still matched exactly?")
	}
	tgt := target{name: fmt.Sprintf("the reference provider with quirk %s", refprovider.QuirkExtraErrorEntries),
		baseURL: p.BaseURL, stateURL: p.StateURL, appKey: opts.AppKey}
	if ok, out := runIsolated(t, func(it *testing.T) { _ = verify(it, tgt, source{files: files}) }); !ok {
		t.Errorf("the provider the suite passed fails the verification of the pact that run recorded:\n%s", out)
	}
}
