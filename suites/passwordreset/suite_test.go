// The conformance suite of the AutoShares password reset flow.
//
// Lifecycle, and why it is shaped like this:
//   - Process 1 loads the configuration (every problem at once), starts the embedded
//     reference provider when no deployment is configured, and runs the preflight, so a
//     bad config or an unreachable target is one failure and no spec runs.
//   - Every process then builds its own clients from what process 1 shares.
//   - Each passing spec's pact interactions go to a fragment file of its own; process 1
//     merges them when every process is done (pact-go's own file merge loses
//     interactions under `ginkgo -p`).
//   - Reports are written by the suite itself, masked, passing or failing.
package passwordreset

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"

	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/harness"
	"github.com/autoshares/conformance/internal/redact"
	"github.com/autoshares/conformance/internal/report"
)

func TestPasswordReset(t *testing.T) {
	// Every Gomega failure passes through the redactor before Ginkgo records it.
	RegisterFailHandler(func(message string, callerSkip ...int) {
		skip := 1
		if len(callerSkip) > 0 {
			skip += callerSkip[0]
		}
		Fail(secrets.String(message), skip)
	})
	RunSpecs(t, "AutoShares password reset conformance")
}

// secrets masks everything secret this process has seen. It exists before the
// configuration is read so even a config failure is masked.
var secrets = redact.New()

// shared is what process 1 hands to every process.
type shared struct {
	Target    harness.Target `json:"target"`
	Fragments string         `json:"fragments"` // directory of per-spec pact fragments
}

var (
	running *harness.Running // process 1 only
	runDir  string           // process 1 only: removed at the end
)

var _ = SynchronizedBeforeSuite(func(ctx SpecContext) []byte {
	cfg, err := config.Load(os.Getenv)
	// A run starts from an empty report directory, even one that fails on its configuration.
	if foreign, perr := report.PrepareDir(reportDir(cfg, err)); perr != nil {
		Fail(secrets.String(perr.Error()))
	} else if len(foreign) > 0 {
		fmt.Fprintln(os.Stderr, report.ForeignNote(reportDir(cfg, err), foreign))
	}
	if err != nil {
		Fail(secrets.String(err.Error()))
	}
	secrets.Add(cfg.Secrets()...)
	secrets.Add(redact.URLSecrets(cfg.BaseURL, cfg.StateURL, cfg.Flow.MailboxURL)...)
	running, err = harness.Start(context.Background(), cfg)
	if err != nil {
		Fail(secrets.String(err.Error()))
	}
	secrets.Add(running.AppKey)
	secrets.Add(running.Secrets()...)
	pctx, cancel := context.WithTimeout(ctx, cfg.PreflightTimeout)
	defer cancel()
	if err := harness.Preflight(pctx, running.Target, newHTTPClient(cfg.PreflightTimeout), cfg.Expect.AppKeyMessage); err != nil {
		Fail(secrets.String(err.Error()))
	}
	runDir, err = os.MkdirTemp("", "autoshares-run-")
	Expect(err).NotTo(HaveOccurred())
	b, _ := json.Marshal(shared{Target: running.Target, Fragments: runDir})
	return b
}, func(ctx SpecContext, b []byte) {
	var sh shared
	Expect(json.Unmarshal(b, &sh)).To(Succeed())
	cfg, err := config.Load(os.Getenv)
	Expect(err).NotTo(HaveOccurred())
	secrets.Add(cfg.Secrets()...)
	secrets.Add(sh.Target.AppKey)
	secrets.Add(sh.Target.Secrets()...)
	// Reports are written by process 1: every process shares what it learns with it.
	if err := secrets.Share(sharedSecretsDir(sh.Fragments), GinkgoParallelProcess()); err != nil {
		Fail(secrets.String(err.Error()))
	}
	suite = newWorld(cfg, sh)
})

var _ = SynchronizedAfterSuite(func() {
	if err := secrets.ShareErr(); err != nil {
		Fail(secrets.String(err.Error()))
	}
}, func() {
	if err := running.Stop(); err != nil {
		GinkgoWriter.Printf("stopping the embedded provider: %v\n", err)
	}
})

// Each passing spec's interactions become one fragment. Failed or skipped specs record
// nothing: the pact carries only behaviour the target was seen to have.
var _ = ReportAfterEach(func(r SpecReport) {
	defer func() { recorded = nil }()
	if suite == nil || r.State != types.SpecStatePassed || len(recorded) == 0 {
		return
	}
	id := fmt.Sprintf("%s:%d %s", r.LeafNodeLocation.FileName, r.LeafNodeLocation.LineNumber, r.FullText())
	if err := writeFragment(id); err != nil {
		GinkgoWriter.Printf("recording the pact interactions of %q: %v\n", r.FullText(), err)
	}
})

var _ = ReportAfterSuite("reports and pact", func(r Report) {
	cfg, err := config.Load(os.Getenv)
	// The suite already failed with the configuration's problems; still leave a report.
	cfg.ReportDir = reportDir(cfg, err)
	if runDir != "" {
		if lerr := secrets.LoadShared(sharedSecretsDir(runDir)); lerr != nil {
			Fail(secrets.String(lerr.Error()))
		}
	}
	var run report.Run
	if running != nil && err == nil {
		var rerr error
		if run, rerr = running.RunInfo(cfg); rerr != nil {
			fmt.Fprintln(os.Stderr, rerr)
		}
	}
	sum, werr := report.Write(r, cfg.ReportDir, secrets, run)
	if werr != nil {
		fmt.Fprintf(os.Stderr, "writing reports to %s: %v\n", cfg.ReportDir, secrets.String(werr.Error()))
	}
	fmt.Print("\n" + secrets.String(sum.Text()))
	if runDir != "" {
		if err == nil {
			fmt.Println(mergePact(cfg, r, runDir))
		}
		os.RemoveAll(runDir)
	}
	abs, _ := filepath.Abs(cfg.ReportDir)
	fmt.Printf("Reports: %s\n", abs)
})

// reportDir is where the reports go, even when the configuration did not load.
func reportDir(cfg config.Config, loadErr error) string {
	if loadErr == nil {
		return cfg.ReportDir
	}
	if d := os.Getenv("AUTOSHARES_REPORT_DIR"); d != "" {
		return d
	}
	return "reports"
}

// sharedSecretsDir is where the processes share their secrets with process 1 (0700, in
// the run's private temp dir, removed with it at the end of the run).
func sharedSecretsDir(runDir string) string { return filepath.Join(runDir, "secrets") }
