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

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/harness"
	"github.com/autoshares/conformance/internal/recording"
	"github.com/autoshares/conformance/internal/redact"
	"github.com/autoshares/conformance/internal/report"
	"github.com/autoshares/conformance/internal/world"
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

var (
	running *harness.Running // process 1 only
	runDir  string           // process 1 only: removed at the end
)

var _ = SynchronizedBeforeSuite(func(ctx SpecContext) []byte {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		Fail(err.Error())
	}
	secrets.Add(cfg.Secrets()...)
	running, err = harness.Start(context.Background(), cfg)
	if err != nil {
		Fail(err.Error())
	}
	secrets.Add(running.AppKey)
	pctx, cancel := context.WithTimeout(ctx, cfg.PreflightTimeout)
	defer cancel()
	if err := harness.Preflight(pctx, running.Target, world.NewHTTPClient(cfg.PreflightTimeout), cfg.Expect.AppKeyMessage); err != nil {
		Fail(err.Error())
	}
	runDir, err = os.MkdirTemp("", "autoshares-run-")
	Expect(err).NotTo(HaveOccurred())
	b, _ := json.Marshal(world.Shared{Target: running.Target, Fragments: runDir})
	return b
}, func(ctx SpecContext, b []byte) {
	var sh world.Shared
	Expect(json.Unmarshal(b, &sh)).To(Succeed())
	cfg, err := config.Load(os.Getenv)
	Expect(err).NotTo(HaveOccurred())
	secrets.Add(cfg.Secrets()...)
	secrets.Add(sh.Target.AppKey)
	c, _ := GinkgoConfiguration()
	suite, err = world.New(cfg, sh, world.Process{Me: c.ParallelProcess, Total: parallelTotal()}, secrets,
		func(ex *apiclient.Exchange) { GinkgoWriter.Print(ex.Transcript(secrets) + "\n") })
	if err != nil {
		Fail(err.Error())
	}
})

var _ = SynchronizedAfterSuite(func() {}, func() {
	if err := running.Stop(); err != nil {
		GinkgoWriter.Printf("stopping the embedded provider: %v\n", err)
	}
})

// Each passing spec's interactions become one fragment. Failed or skipped specs record
// nothing: the pact carries only behaviour the target was seen to have.
var _ = ReportAfterEach(func(r SpecReport) {
	if suite == nil {
		return
	}
	id := fmt.Sprintf("%s:%d %s", r.LeafNodeLocation.FileName, r.LeafNodeLocation.LineNumber, r.FullText())
	if err := suite.Recorder.Flush(id, r.State == types.SpecStatePassed); err != nil {
		GinkgoWriter.Printf("%v\n", err)
	}
})

var _ = ReportAfterSuite("reports and pact", func(r Report) {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		// The suite already failed with the configuration's problems; still leave a report.
		cfg.ReportDir = os.Getenv("AUTOSHARES_REPORT_DIR")
		if cfg.ReportDir == "" {
			cfg.ReportDir = "reports"
		}
	}
	if err := report.Write(r, cfg.ReportDir, secrets); err != nil {
		fmt.Fprintf(os.Stderr, "writing reports to %s: %v\n", cfg.ReportDir, err)
	}
	fmt.Print("\n" + report.SkipSummary(r))
	if running != nil {
		fmt.Print(running.Describe(cfg))
	}
	if runDir != "" {
		if err == nil {
			msg, merr := recording.Merge(recording.Destination{Dir: cfg.Pact.OutDir, Explicit: cfg.Pact.OutDir != ""},
				cfg.ReportDir, cfg.Pact.Consumer, cfg.Pact.Provider, recording.PartialReason(r), runDir)
			if merr != nil {
				msg = "Pact: " + merr.Error()
			}
			fmt.Println(msg)
		}
		os.RemoveAll(runDir)
	}
	abs, _ := filepath.Abs(cfg.ReportDir)
	fmt.Printf("Reports: %s\n", abs)
})
