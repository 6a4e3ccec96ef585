package selftest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	cataloguepkg "github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/launch"
	"github.com/autoshares/conformance/internal/results"
)

// A dry run passes every spec without sending a request: the suite fails it, says nothing
// was proven in the console and every report, and writes no pact.
func TestADryRunIsNeverGreen(t *testing.T) {
	t.Parallel()
	o := runSuite(t, nil, "-ginkgo.dry-run")
	if o.exitErr == nil {
		t.Fatalf("a dry run exited 0:\n%s", o.output)
	}
	if !strings.Contains(o.output, "Nothing was proven: this was a dry run") {
		t.Errorf("the output does not say nothing was proven:\n%s", o.output)
	}
	var sum results.Summary
	raw, err := os.ReadFile(filepath.Join(o.reports, results.SummaryFile))
	if err != nil || json.Unmarshal(raw, &sum) != nil {
		t.Fatalf("summary.json: %v", err)
	}
	if sum.Succeeded || sum.Exchanges != 0 || !strings.Contains(sum.NothingProven, "dry run") {
		t.Errorf("summary.json: succeeded %v, exchanges %d, nothing_proven %q", sum.Succeeded, sum.Exchanges, sum.NothingProven)
	}
	if html, _ := os.ReadFile(filepath.Join(o.reports, results.HTMLFile)); !strings.Contains(string(html), "Nothing proven") {
		t.Error("report.html does not say nothing was proven")
	}
	if _, err := os.Stat(filepath.Join(o.reports, "pacts")); err == nil {
		t.Error("a dry run left a pacts directory")
	}
}

// A run that exchanged with the target counts its requests.
func TestARunCountsItsRequests(t *testing.T) {
	t.Parallel()
	o := runSuite(t, nil, "-ginkgo.label-filter=step4.mismatch.rejected")
	var sum results.Summary
	raw, err := os.ReadFile(filepath.Join(o.reports, results.SummaryFile))
	if err != nil || json.Unmarshal(raw, &sum) != nil {
		t.Fatalf("summary.json: %v", err)
	}
	if o.exitErr != nil || !sum.Succeeded || sum.Exchanges == 0 || sum.NothingProven != "" || len(o.passed) == 0 {
		t.Errorf("exit %v, succeeded %v, exchanges %d, nothing_proven %q, passed %q\n%s", o.exitErr, sum.Succeeded, sum.Exchanges, sum.NothingProven, o.passed, o.output)
	}
}

// The listing prints the selected specs with their check IDs, runs none and writes nothing.
func TestTheListingRunsNothing(t *testing.T) {
	reports := t.TempDir()
	t.Setenv("AUTOSHARES_REPORT_DIR", reports) // where a run would write
	var out, errs bytes.Buffer
	code := launch.List(launch.Options{Suite: compiledSuite(t), Labels: cataloguepkg.Step4MismatchRejected, Stdout: &out, Stderr: &errs})
	if code != launch.ExitPassed {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errs.String())
	}
	for _, want := range []string{"checks: ", cataloguepkg.Step4MismatchRejected, "Nothing was run."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the listing lacks %q:\n%s", want, out.String())
		}
	}
	if entries, _ := os.ReadDir(reports); len(entries) > 0 {
		t.Errorf("the listing wrote reports: %v", entries)
	}
}

// Every "not checked" note of the suite names a catalogued check first ("<id>: <reason>"),
// which is how the reports count it apart from the passes.
func TestNotCheckedNotesNameTheirCheck(t *testing.T) {
	// The specs, and the framework whose helpers they call.
	specs, err := filepath.Glob(filepath.Join(moduleRoot(), "suites", "passwordreset", "*_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	machinery, err := filepath.Glob(filepath.Join(moduleRoot(), "internal", "framework", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	files := append(specs, machinery...)
	// Every note is a typed outcome record made by NotChecked(id, why); its check is a
	// catalogue ID, never text for a report to split.
	call := regexp.MustCompile(`NotChecked\(\s*("[^"]*"|[A-Za-z_][A-Za-z0-9_.]*)\s*,`)
	loose := regexp.MustCompile(`AddReportEntry\(\s*"not checked"`)
	n := 0
	for _, f := range files {
		src, _ := os.ReadFile(f)
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			if m[1] == "id" {
				continue // NotChecked's own definition
			}
			n++
			if lit, err := strconv.Unquote(m[1]); err == nil {
				if _, ok := catalogue.Get(lit); !ok {
					t.Errorf("%s: a not-checked note names %q, which the catalogue lacks", filepath.Base(f), lit)
				}
			}
		}
		if filepath.Base(f) != "outcomes.go" && loose.MatchString(string(src)) {
			t.Errorf("%s: a not-checked report entry made outside NotChecked (no outcome record)", filepath.Base(f))
		}
	}
	if n == 0 {
		t.Error("found no not-checked note: has NotChecked been renamed?")
	}
}

// `LABELS=<the slow check's ID>` selects the slow spec (the README says a check's ID
// selects its specs); a broad area does not.
func TestTheSlowChecksIDSelectsItsSpec(t *testing.T) {
	list := func(labels string) string {
		var out, errs bytes.Buffer
		if code := launch.List(launch.Options{Suite: compiledSuite(t), Labels: labels, Stdout: &out, Stderr: &errs}); code != launch.ExitPassed {
			t.Fatalf("--list --labels %q: exit %d\n%s", labels, code, errs.String())
		}
		return out.String()
	}
	const slow = "refuses a token once its lifetime has passed"
	for _, labels := range []string{cataloguepkg.Step4TokenLifetimeEnforced, "expired-token"} {
		if got := list(labels); !strings.Contains(got, slow) {
			t.Errorf("LABELS=%s does not select the slow spec:\n%s", labels, got)
		}
	}
	if got := list("step4"); strings.Contains(got, slow) {
		t.Errorf("LABELS=step4 selects the slow spec:\n%s", got)
	}
}

// One configuration per process: the conformance suite loads it once and passes it along,
// and no suite reads an AUTOSHARES_* variable around internal/config (which also reads
// AUTOSHARES_CONFIG and validates every value).
func TestOneConfigurationPerProcess(t *testing.T) {
	direct := regexp.MustCompile(`(?i)(getenv|lookupenv)\(\s*"AUTOSHARES_`)
	// The conformance suite's machinery, which loads its configuration, is internal/framework.
	for _, dir := range []string{"suites/passwordreset", "internal/framework", "suites/pactverify", "suites/pactstub", "suites/pactgates"} {
		files, _ := filepath.Glob(filepath.Join(moduleRoot(), dir, "*.go"))
		loads := 0
		for _, f := range files {
			src, _ := os.ReadFile(f)
			loads += strings.Count(string(src), "config.Load(")
			for _, m := range direct.FindAllString(string(src), -1) {
				t.Errorf("%s/%s reads %s...) directly: take it from the loaded configuration", dir, filepath.Base(f), m)
			}
		}
		if loads > 1 {
			t.Errorf("%s loads the configuration %d times; load it once per process and pass it along", dir, loads)
		}
	}
}
