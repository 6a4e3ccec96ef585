// Package framework is the machinery of the conformance suite of the AutoShares password
// reset flow (suites/passwordreset holds its specs): the helpers the specs call (Send,
// Given, ExpectSuccess, VerdictOn, Conclude, NotChecked, Record, Checks, ...), the
// per-spec bookkeeping (outcomes, the log, pacing, states made ahead, teardowns), and the
// suite's lifecycle. Its Ginkgo nodes (BeforeSuite, AfterSuite, ReportAfterEach,
// ReportAfterSuite and the top-level BeforeEach/AfterEach) are declared at package level,
// so importing the package registers them before the suite's RunSpecs. It keeps
// package-level state (this process's world, the spec's pending log, its outcomes): one
// suite per test binary.
//
// Lifecycle, and why it is shaped like this:
//   - The label filter leaves the slow spec out unless a filter names it (internal/config),
//     and Ginkgo's own report flags are taken over: the suite writes those files itself,
//     masked, so no flag can bypass the masking.
//   - Process 1 loads the configuration (every problem at once), starts the embedded
//     reference provider when no deployment is configured, and runs the preflight, so a
//     bad config or an unreachable target is one failure and no spec runs.
//   - Every process then builds its own clients from what process 1 shares.
//   - Each passing spec's pact interactions go to a fragment file of its own; process 1
//     merges them when every process is done (pact-go's own file merge loses
//     interactions under `ginkgo -p`).
//   - Reports are written by the suite itself, masked, passing or failing. A run proves
//     only what it ran: skipped specs fail it (unless AUTOSHARES_ALLOW_SKIPS), and so does
//     a label filter that selects nothing. Nothing that goes wrong at the end is swallowed.
package framework

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/pacts"
	"github.com/autoshares/conformance/internal/redact"
	"github.com/autoshares/conformance/internal/results"
	"github.com/autoshares/conformance/internal/suite"
)

// progressAfter: a spec still running this long gets a progress report (where it waits,
// with its masked output so far), long before its timeout ends it.
const progressAfter = 30 * time.Second

// requested are the report files asked for with Ginkgo's own flags (--json-report, ...):
// the suite writes them itself, from the masked report.
var requested struct{ JSON, JUnit, Teamcity string }

// MaskedFail is the suite's Gomega fail handler: every Gomega failure passes through the
// redactor before Ginkgo records it.
func MaskedFail(message string, callerSkip ...int) {
	skip := 1
	if len(callerSkip) > 0 {
		skip += callerSkip[0]
	}
	Fail(secrets.String(message), skip)
}

// SuiteConfiguration is Ginkgo's configuration for RunSpecs as the suite needs it: the
// label filter completed (internal/config), a listing run dry, a progress report for slow
// specs, and Ginkgo's own report files taken over (the suite writes them, masked).
func SuiteConfiguration() (types.SuiteConfig, types.ReporterConfig) {
	suiteConfig, reporterConfig := GinkgoConfiguration()
	suiteConfig.LabelFilter = config.Filter(suiteConfig.LabelFilter)
	if *listTo != "" {
		suiteConfig.DryRun = true // a listing: selected, not run
	}
	if suiteConfig.PollProgressAfter == 0 {
		suiteConfig.PollProgressAfter = progressAfter
	}
	requested.JSON, requested.JUnit, requested.Teamcity = reporterConfig.JSONReport, reporterConfig.JUnitReport, reporterConfig.TeamcityReport
	reporterConfig.JSONReport, reporterConfig.JUnitReport, reporterConfig.TeamcityReport, reporterConfig.GoJSONReport = "", "", "", ""
	return suiteConfig, reporterConfig
}

// secrets masks everything secret this process has seen. It exists before the
// configuration is read so even a config failure is masked.
var secrets = redact.New()

var (
	running         *suite.Running   // process 1 only
	runDir          string           // process 1 only: removed at the end
	preflightPassed bool             // process 1 only: the specs had a target to talk to
	previous        *results.Summary // process 1 only: the earlier run to compare with
	// process 1 only: the preflight's teardowns of the states it probed, run beside the specs
	preflightTeardowns chan error
)

var _ = SynchronizedBeforeSuite(func(ctx SpecContext) []byte {
	cfg, err := runConfig, runConfigErr
	// The earlier run's summary may be in the report directory: read it before emptying it.
	var compareErr error
	if err == nil && cfg.CompareWith != "" {
		previous, compareErr = results.ReadPrevious(cfg.CompareWith)
	}
	// A run starts from an empty report directory, even one that fails on its configuration.
	if foreign, perr := results.PrepareDir(reportDir(cfg, err)); perr != nil {
		Fail(secrets.String(perr.Error()))
	} else if len(foreign) > 0 {
		fmt.Fprintln(os.Stderr, results.ForeignNote(reportDir(cfg, err), foreign))
	}
	if err != nil {
		Fail(secrets.String(err.Error()))
	}
	if compareErr != nil {
		Fail(secrets.String(compareErr.Error()))
	}
	secrets.AddConfigured(cfg.Secrets()...)
	secrets.Add(redact.URLSecrets(cfg.BaseURL, cfg.StateURL, cfg.Flow.MailboxURL)...)
	running, err = suite.Start(context.Background(), cfg)
	if err != nil {
		Fail(secrets.String(err.Error()))
	}
	secrets.AddConfigured(running.AppKey)
	secrets.Add(running.Secrets()...)
	// AUTOSHARES_PREFLIGHT_TIMEOUT bounds each of the preflight's exchanges, not all of them:
	// probing every contracted state of a distant deployment takes a few dozen round trips.
	hc, err := suite.NewClient(cfg, suite.Process{Me: 1, Total: ParallelTotal()}, cfg.PreflightTimeout)
	if err != nil {
		Fail(secrets.String(err.Error()))
	}
	teardowns, err := suite.PreflightLater(ctx, running.Target, hc, cfg.Expect.AppKeyMessage)
	if err != nil {
		Fail(secrets.String(errors.Join(err, teardowns(context.Background())).Error()))
	}
	// The states the preflight probed are torn down while the specs start (one round trip
	// off every run's critical path); process 1 waits for it at its end.
	preflightTeardowns = make(chan error, 1)
	go func() { preflightTeardowns <- teardowns(context.Background()) }()
	runDir, err = os.MkdirTemp("", "autoshares-run-")
	Expect(err).NotTo(HaveOccurred())
	preflightPassed = true
	b, _ := json.Marshal(suite.Shared{Target: running.Target, Fragments: runDir})
	return b
}, func(ctx SpecContext, b []byte) {
	var sh suite.Shared
	Expect(json.Unmarshal(b, &sh)).To(Succeed())
	cfg := runConfig // process 1 refused a broken one before any process got here
	secrets.AddConfigured(cfg.Secrets()...)
	secrets.AddConfigured(sh.Target.AppKey)
	secrets.Add(sh.Target.Secrets()...)
	// Reports are written by process 1: every process shares what it learns with it.
	idleDir = filepath.Join(sh.Fragments, "idle")
	if err := secrets.Share(sharedSecretsDir(sh.Fragments), GinkgoParallelProcess()); err != nil {
		Fail(secrets.String(err.Error()))
	}
	c, _ := GinkgoConfiguration()
	var err error
	World, err = suite.New(cfg, sh, suite.Process{Me: c.ParallelProcess, Total: ParallelTotal()}, secrets,
		func(ex *client.Exchange) { observed(ex) })
	if err != nil {
		Fail(secrets.String(err.Error()))
	}
})

var _ = SynchronizedAfterSuite(func() {
	// First: a spec that runs alone may start now (alone.go).
	if err := sayIdle(); err != nil {
		Fail(secrets.String("telling the other processes this one is done: " + err.Error()))
	}
	// This process's outcome records, once, for process 1's report writer (ReportAfterSuite
	// runs after every process is done here). The teardowns record nothing.
	if runConfigErr == nil && World != nil {
		if err := outcome.Write(runConfig.ReportDir, GinkgoParallelProcess(), processOutcomes()); err != nil {
			Fail(secrets.String("writing this process's outcome records: " + err.Error()))
		}
	}
	waitTeardowns()
	if preflightTeardowns != nil {
		if err := <-preflightTeardowns; err != nil {
			Fail(secrets.String(err.Error()))
		}
	}
	if err := secrets.ShareErr(); err != nil {
		Fail(secrets.String(err.Error()))
	}
	if err := shareRateLimits(); err != nil {
		Fail(err.Error())
	}
}, func() {
	if err := running.Stop(); err != nil {
		GinkgoWriter.Printf("stopping the embedded provider: %v\n", err)
	}
})

// Each passing spec's interactions become one fragment. Failed or skipped specs record
// nothing: the pact carries only behaviour the target was seen to have. A fragment that
// cannot be written fails the spec: its proof would be missing from the pact.
var _ = ReportAfterEach(func(r SpecReport) {
	if World == nil {
		return
	}
	id := fmt.Sprintf("%s:%d %s", r.LeafNodeLocation.FileName, r.LeafNodeLocation.LineNumber, r.FullText())
	if err := World.Recorder.Flush(id, r.State == types.SpecStatePassed); err != nil {
		Fail(secrets.String(err.Error()))
	}
})

var _ = ReportAfterSuite("reports, pact and verdict", func(r Report) {
	if *listTo != "" {
		if err := writeList(r, *listTo); err != nil {
			Fail(err.Error())
		}
		return
	}
	if runDir != "" {
		// The run's secrets and fragments go whatever happens below, a failure included.
		defer os.RemoveAll(runDir)
	}
	cfg, cfgErr := runConfig, runConfigErr
	// The suite may have failed on the configuration's problems; still leave a report.
	cfg.ReportDir = reportDir(cfg, cfgErr)
	var problems []string
	if r.SuiteConfig.DryRun {
		// The BeforeSuite that empties the report directory did not run: an earlier run's
		// pact or reports must not stand beside this one's "nothing proven".
		if _, err := results.PrepareDir(cfg.ReportDir); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if runDir != "" {
		if err := secrets.LoadShared(sharedSecretsDir(runDir)); err != nil {
			problems = append(problems, err.Error())
		}
	}
	records, err := outcome.ReadAll(cfg.ReportDir)
	if err != nil {
		problems = append(problems, "reading the outcome records: "+err.Error())
	}
	// The run's own verdict comes first, so the reports carry it.
	var verdict []string
	if user := config.User(r.SuiteConfig.LabelFilter); user != "" && r.PreRunStats.SpecsThatWillRun == 0 {
		verdict = append(verdict, config.NothingSelected(user, knownLabels(r), func(l string) bool { _, ok := Catalogue.Get(l); return ok }))
	}
	if preflightPassed && cfgErr == nil && !cfg.AllowSkips {
		if skipped := skippedForSettings(r, records); len(skipped) > 0 {
			verdict = append(verdict, fmt.Sprintf("%d selected spec(s) were skipped, so this run did not prove what they check "+
				"(set AUTOSHARES_ALLOW_SKIPS=true to accept a partial run); by the setting that would enable them:\n%s",
				len(skipped), strings.Join(results.GroupSkips(skipped), "\n")))
		}
	}
	// A run that sent nothing proved nothing, whatever Ginkgo counts as passed. After a
	// failed preflight or an empty selection the verdict already says why.
	nothing := ""
	if len(verdict) == 0 && (r.SuiteConfig.DryRun || preflightPassed) {
		if nothing = results.NothingProven(r); nothing != "" {
			verdict = append(verdict, nothing)
		}
	}
	var run results.Run
	if running != nil && cfgErr == nil {
		var err error
		if run, err = running.RunInfo(cfg); err != nil {
			problems = append(problems, err.Error())
		}
		if run.RateLimit, err = runRateLimits(r, runDir); err != nil {
			problems = append(problems, err.Error())
		}
		run.Connection = connection(run.Target)
	}
	run.Problems = verdict
	run.Exchanges, run.NothingProven = results.Exchanges(r), nothing
	if cfgErr == nil {
		run.InForce = cfg.Values // masked by report.Write
		run.KnownDeviations = cfg.KnownDeviations
		run.Previous = previous
	}
	// The model adds the problems its checks show (a known deviation that failed
	// differently, or whose check passed).
	model, err := results.Write(r, cfg.ReportDir, secrets, run)
	if err != nil {
		problems = append(problems, fmt.Sprintf("writing the reports to %s: %v", cfg.ReportDir, err))
	}
	verdict = model.Summary.Problems
	if err := writeRequestedReports(r, records); err != nil {
		problems = append(problems, err.Error())
	}
	fmt.Print("\n" + secrets.String(model.Console()))
	if runDir != "" {
		if cfgErr == nil {
			why := pacts.PartialReason(r)
			if len(verdict) > 0 {
				why = strings.Join(append([]string{why}, "the run's verdict failed"), ", ")
			}
			msg, err := pacts.Merge(pacts.Destination{Dir: cfg.Pact.OutDir, Explicit: cfg.Pact.OutDir != ""},
				cfg.ReportDir, cfg.Pact.Consumer, cfg.Pact.Provider, strings.TrimPrefix(why, ", "), runDir)
			if err != nil {
				problems = append(problems, "writing the pact: "+err.Error())
			} else {
				fmt.Println(msg)
			}
		}
		os.RemoveAll(runDir)
	}
	abs, _ := filepath.Abs(cfg.ReportDir)
	fmt.Printf("Reports: %s\n", abs)
	if all := append(verdict, problems...); len(all) > 0 {
		Fail(secrets.String(strings.Join(all, "\n\n")))
	}
})

// skippedForSettings lists the specs that skipped themselves for want of a setting
// (results.SkipOf), with what each needs and what would enable it.
func skippedForSettings(r Report, records []outcome.Record) []results.Skip {
	bySpec := map[string][]outcome.Record{}
	for _, rec := range records {
		bySpec[rec.Spec] = append(bySpec[rec.Spec], rec)
	}
	var out []results.Skip
	for _, s := range r.SpecReports {
		if sk, ok := results.SkipOf(s, bySpec[s.FullText()]); ok {
			out = append(out, sk)
		}
	}
	return out
}

// knownLabels is every label of every spec, container labels included.
func knownLabels(r Report) []string {
	set := map[string]bool{}
	for _, s := range r.SpecReports {
		for _, l := range s.Labels() {
			set[l] = true
		}
	}
	out := make([]string, 0, len(set))
	for l := range set {
		out = append(out, l)
	}
	return out
}

// writeRequestedReports writes the files Ginkgo's report flags asked for, masked, a
// failure's transcripts shown once (records: the run's outcome records).
func writeRequestedReports(r Report, records []outcome.Record) error {
	if requested.JSON == "" && requested.JUnit == "" && requested.Teamcity == "" {
		return nil
	}
	masked, err := results.Redact(r, secrets, records)
	if err != nil {
		return fmt.Errorf("masking the report: %w", err)
	}
	for path, gen := range map[string]func(types.Report, string) error{
		requested.JSON: reporters.GenerateJSONReport, requested.JUnit: reporters.GenerateJUnitReport, requested.Teamcity: reporters.GenerateTeamcityReport,
	} {
		if path == "" {
			continue
		}
		if err := gen(masked, path); err != nil {
			return fmt.Errorf("writing the report %s: %w", path, err)
		}
	}
	return nil
}

// reportDir is where the reports go, even when the configuration did not load.
func reportDir(cfg config.Config, loadErr error) string {
	if loadErr == nil {
		return cfg.ReportDir
	}
	return config.ReportDirOf(os.Getenv)
}

// sharedSecretsDir is where the processes share their secrets with process 1 (0700, in
// the run's private temp dir, removed with it at the end of the run).
func sharedSecretsDir(runDir string) string { return filepath.Join(runDir, "secrets") }
