package selftest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	cataloguepkg "github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/config"
	oc "github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/results"
)

// deviationFault is the first fault (by name) that breaks checks of one profile only, past
// the preflight, with the checks it breaks.
func deviationFault(t *testing.T) (string, []string) {
	t.Helper()
	f, ids := faultInOneProfile()
	if f == "" {
		t.Skip("no fault breaks the checks of one profile only")
	}
	return f, ids
}

// deviationsFile writes a known-deviations file listing ids, each accepting a 500 with a
// wrong status (a failure the tests below never meet), expiring on expires.
func deviationsFile(t *testing.T, ids []string, expires string) string {
	t.Helper()
	var entries []map[string]any
	for i, id := range ids {
		entries = append(entries, map[string]any{"check": id, "reason": "staging runs last month's build",
			"ticket": fmt.Sprintf("https://tickets.example/QA-%d", i+1), "expires": expires,
			"failure": map[string]any{"status": 500, "kinds": []string{"status"}}})
	}
	b, _ := json.Marshal(map[string]any{"deviations": entries})
	path := filepath.Join(t.TempDir(), "known-deviations.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func readSummary(t *testing.T, o outcome) results.Summary {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(o.reports, results.SummaryFile))
	if err != nil {
		t.Fatalf("no summary.json: %v\n%s", err, o.output)
	}
	var s results.Summary
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// suggested reads the run's known-deviations.suggested.json, copied out of the report
// directory (the next run empties it), and its entries.
func suggested(t *testing.T, o outcome) (string, config.File) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(o.reports, config.SuggestedFile))
	if err != nil {
		t.Fatalf("the failing run wrote no %s: %v\n%s", config.SuggestedFile, err, o.output)
	}
	var f config.File
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.Note, "must fill in") {
		t.Errorf("the suggested file does not say a person must fill it in: %q", f.Note)
	}
	path := filepath.Join(t.TempDir(), config.SuggestedFile)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, f
}

// failedIDs are the checks of the run's failed records, each once, sorted.
func failedIDs(o outcome) []string {
	var ids []string
	for _, r := range o.records {
		if r.State == oc.Failed && !slices.Contains(ids, r.Check) {
			ids = append(ids, r.Check)
		}
	}
	slices.Sort(ids)
	return ids
}

// A failing run suggests the known deviations that accept its failures: passed back, the
// same target passes, each of those failures now a known deviation and nothing failed.
func TestKnownDeviationsDoNotFailTheRun(t *testing.T) {
	t.Parallel()
	fault, broken := deviationFault(t)
	p, key := startProvider(t, refprovider.Options{TestMode: true, Faults: []string{fault}})
	env := targetEnv(p, key)
	first := runSuite(t, env, "-ginkgo.label-filter=!slow")
	if first.exitErr == nil {
		t.Fatalf("fault %s: the run passed", fault)
	}
	path, file := suggested(t, first)
	failed := failedIDs(first)
	var listed []string
	for _, e := range file.Deviations {
		listed = append(listed, e.Check)
		if !slices.Contains(broken, e.Check) {
			t.Errorf("the suggested file lists %s, which fault %s does not break (%v)", e.Check, fault, broken)
		}
	}
	slices.Sort(listed)
	if !slices.Equal(listed, failed) {
		t.Errorf("the suggested file lists %v; the run failed %v", listed, failed)
	}
	env["AUTOSHARES_KNOWN_DEVIATIONS"] = path
	o := runSuite(t, env, "-ginkgo.label-filter=!slow")
	if o.exitErr != nil {
		t.Fatalf("fault %s with its suggested known deviations: the run failed: %v\n%s", fault, o.exitErr, o.output)
	}
	var deviated []string
	for _, r := range o.records {
		switch r.State {
		case oc.Failed, oc.Errored:
			t.Errorf("%s in %q: %s", r.Check, r.Spec, r.State)
		case oc.KnownDeviation:
			if r.Deviation == nil || r.Deviation.Check != r.Check || !strings.HasPrefix(r.Deviation.Ticket, "FILL IN") {
				t.Errorf("the known deviation of %s names entry %+v", r.Check, r.Deviation)
			}
			if !slices.Contains(deviated, r.Check) {
				deviated = append(deviated, r.Check)
			}
		}
	}
	slices.Sort(deviated)
	if !slices.Equal(deviated, failed) {
		t.Errorf("known deviations %v, want the first run's failures %v", deviated, failed)
	}
}

// Issue 20's acceptance: a known deviation accepts exactly the failure it records. Against
// a step 4 that answers 500 to a mismatch, the suggested file, passed back, makes the run
// pass with one known deviation; against a step 4 that answers 200 to a mismatch and stores
// the password, the same file fails the run: the refusal failed differently (naming the
// entry), and the spec went on to find the password changed.
func TestAKnownDeviationHidesOnlyItsFailure(t *testing.T) {
	t.Parallel()
	const rejected, unchanged = cataloguepkg.Step4MismatchRejected, cataloguepkg.Step4MismatchUnchanged
	filter := "-ginkgo.label-filter=" + rejected
	p, key := startProvider(t, refprovider.Options{TestMode: true, Faults: []string{refprovider.FaultMismatchStatus500}})
	env := targetEnv(p, key)
	first := runSuite(t, env, filter)
	if first.exitErr == nil {
		t.Fatalf("passed against %s:\n%s", refprovider.FaultMismatchStatus500, first.output)
	}
	path, file := suggested(t, first)
	want := oc.Signature{Status: 500, Kinds: []string{"status"}}
	if len(file.Deviations) != 1 || file.Deviations[0].Check != rejected || !file.Deviations[0].Failure.Equal(want) {
		t.Fatalf("suggested %+v, want one entry for %s accepting %+v", file.Deviations, rejected, want)
	}

	env["AUTOSHARES_KNOWN_DEVIATIONS"] = path
	o := runSuite(t, env, filter)
	if o.exitErr != nil {
		t.Fatalf("the suggested file passed back: the run failed: %v\n%s", o.exitErr, o.output)
	}
	var deviated []oc.Record
	for _, r := range o.records {
		if r.State == oc.KnownDeviation {
			deviated = append(deviated, r)
		}
		if r.State.Failing() {
			t.Errorf("%s: %s", r.Check, r.State)
		}
	}
	if len(deviated) != 1 || deviated[0].Check != rejected || deviated[0].Deviation == nil {
		t.Errorf("known deviations %s, want exactly %s", checksOf(deviated), rejected)
	}
	// The spec went on past the known deviation and judged its other checks.
	if !slices.ContainsFunc(o.checkRecords(unchanged), func(r oc.Record) bool { return r.State == oc.Passed }) {
		t.Errorf("%s was not judged past the known deviation: %s", unchanged, checksOf(o.checkRecords(unchanged)))
	}

	p2, key2 := startProvider(t, refprovider.Options{TestMode: true, Faults: []string{refprovider.FaultAcceptMismatchedPasswords}})
	env2 := targetEnv(p2, key2)
	env2["AUTOSHARES_KNOWN_DEVIATIONS"] = path
	o = runSuite(t, env2, filter)
	if o.exitErr == nil {
		t.Fatalf("the known deviation of a 500 hid a 200 that stores the password:\n%s", o.output)
	}
	rej := slices.IndexFunc(o.records, func(r oc.Record) bool { return r.Check == rejected && r.State == oc.Failed })
	switch {
	case rej < 0:
		t.Errorf("%s did not fail: %s", rejected, checksOf(o.checkRecords(rejected)))
	case !o.records[rej].DeviationMismatch || o.records[rej].Deviation == nil || !says(o.records[rej], "known deviation "+rejected):
		t.Errorf("the failure of %s does not name the entry it differs from: %+v", rejected, o.records[rej])
	}
	if !slices.ContainsFunc(o.checkRecords(unchanged), func(r oc.Record) bool {
		return r.State == oc.Failed && says(r, "a rejected request must change nothing")
	}) {
		t.Errorf("%s did not fail: %s", unchanged, checksOf(o.checkRecords(unchanged)))
	}
	for _, r := range o.records {
		if r.State == oc.KnownDeviation {
			t.Errorf("%s is a known deviation against another failure", r.Check)
		}
	}
}

// The same file against the correct provider fails the run: the deviation is fixed.
func TestAFixedDeviationFailsTheRun(t *testing.T) {
	t.Parallel()
	_, broken := deviationFault(t)
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	env := targetEnv(p, key)
	env["AUTOSHARES_KNOWN_DEVIATIONS"] = deviationsFile(t, broken, "2099-12-31")
	o := runSuite(t, env, "-ginkgo.label-filter=!slow")
	if o.exitErr == nil {
		t.Fatalf("a known deviation whose check passes must fail the run\n%s", o.output)
	}
	for _, id := range broken {
		if !strings.Contains(o.output, "fixed: remove the entry: the known deviation "+id) {
			t.Errorf("the output does not say the deviation %s is fixed:\n%s", id, o.output)
		}
	}
	if len(o.failed) != 0 {
		t.Errorf("want the run's verdict to be its only failure, got failed specs %v", o.failed)
	}
}

// An expired entry is a settings mistake: nothing runs.
func TestAnExpiredDeviationFailsTheRun(t *testing.T) {
	t.Parallel()
	_, broken := deviationFault(t)
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	env := targetEnv(p, key)
	env["AUTOSHARES_KNOWN_DEVIATIONS"] = deviationsFile(t, broken, "2020-01-31")
	o := runSuite(t, env, "-ginkgo.label-filter=!slow")
	if o.exitErr == nil || !strings.Contains(o.output, "expired on 2020-01-31") {
		t.Fatalf("an expired entry must fail the run, naming its date: %v\n%s", o.exitErr, o.output)
	}
	if len(o.passed) != 0 {
		t.Errorf("specs ran despite the settings mistake: %v", o.passed)
	}
}
