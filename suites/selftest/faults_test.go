package selftest

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	cataloguepkg "github.com/autoshares/conformance/internal/catalogue"
	oc "github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/results"
)

// The fault table is the catalogue's: each check names the fault switches that make it
// fail (proofs), and the catalogue lists the faults no check asserts, with the reason
// (faults_not_checked). Every fault the provider has is in exactly one of them, so a new
// fault switch cannot be added without deciding which check catches it.
func TestEveryFaultIsAccountedFor(t *testing.T) {
	proven := catalogue.ByFault()
	for _, f := range refprovider.FaultNames() {
		_, checked := proven[f]
		_, excused := catalogue.FaultsNotChecked[f]
		if checked == excused {
			t.Errorf("fault %q must be in exactly one of: some check's proofs, faults_not_checked (internal/catalogue/catalogue.json)", f)
		}
	}
	for _, f := range catalogue.Faults() {
		if refprovider.FaultDescription(f) == "" {
			t.Errorf("the catalogue names fault %q, which the reference provider does not have", f)
		}
	}
}

// Every kind of expectation a spec applies is shown failing on its own, by some fault whose
// proof names that expectation's problem line: a check could otherwise lose one of its
// expectations unnoticed while a neighbour still fails the spec.
func TestEveryExpectationIsProvenByAFault(t *testing.T) {
	expectations := map[string]string{
		"status":                 "status: expected",
		"IsSucceed":              "IsSucceed: expected",
		"Errors":                 "Errors: expected at least one message",
		"ErrorsCode":             "ErrorsCode: expected to contain",
		"message":                "Errors: expected to contain",
		"schema":                 ".schema.json",
		"Content-Type":           "Content-Type: expected application/json",
		"the app-key error body": "error: expected exactly",
		"unchanged password":     "a rejected request must change nothing",
		"token still usable":     cataloguepkg.Step4MismatchTokenSurvives,
		"login works after":      "login should succeed",
		"the old password fails": "login should fail",
	}
	for what, line := range expectations {
		proven := false
		for _, ch := range catalogue.Checks {
			for _, says := range ch.Proofs {
				// A proof of the token-survives check is by ID: its problem is a whole verdict.
				if strings.Contains(says, line) || (ch.ID == line && len(ch.Proofs) > 0) {
					proven = true
				}
			}
		}
		if !proven {
			t.Errorf("no fault's proof shows the %s expectation failing (a problem line with %q)", what, line)
		}
	}
}

// Every check of the catalogue is declared by some spec, and every spec declares only
// checks of the catalogue (the spec package refuses unknown IDs while building its tree;
// this finds the other direction), and each spec declares at least one check.
func TestCatalogueAndSpecsAgree(t *testing.T) {
	t.Parallel()
	o := runSuite(t, nil, "-ginkgo.dry-run")
	declared := map[string]bool{}
	for _, s := range o.specs {
		if len(s.Checks) == 0 {
			t.Errorf("spec %q declares no check", s.Text)
		}
		for _, c := range s.Checks {
			declared[c] = true
		}
	}
	for _, id := range catalogue.IDs() {
		if !declared[id] {
			t.Errorf("check %q is in the catalogue but no spec declares it", id)
		}
	}
}

// LABELS=<check ID> runs exactly the specs that declare the check.
func TestACheckIDSelectsItsSpecs(t *testing.T) {
	t.Parallel()
	const id = cataloguepkg.Step4ValidSucceeds
	o := runSuite(t, nil, "-ginkgo.dry-run", "-ginkgo.label-filter="+id)
	for _, s := range o.specs {
		declares := slices.Contains(s.Checks, id)
		ran := s.State == types.SpecStatePassed
		if declares != ran {
			t.Errorf("spec %q (checks %v): ran %v, declares %s %v", s.Text, s.Checks, ran, id, declares)
		}
	}
	if len(o.passed) < 2 {
		t.Errorf("want the happy path and the whole flow, ran %q", o.passed)
	}
}

// Over https, so that HSTS (shown by https responses only) is judged too.
func TestSuitePassesAgainstTheCorrectProvider(t *testing.T) {
	t.Parallel()
	o := runSuite(t, overTLS(t, refprovider.Options{TestMode: true}))
	if o.exitErr != nil || len(o.failed) > 0 || len(o.skipped) > 0 {
		t.Fatalf("want a clean pass; exit %v, failed %q, skipped %q\n%s", o.exitErr, o.failed, o.skipped, o.output)
	}
	for _, id := range catalogue.IDs() {
		if c, _ := catalogue.Get(id); slices.Contains(c.Labels, "slow") {
			continue // TestSlowSpecDetectsTokensThatNeverExpire runs it
		}
		if !slices.ContainsFunc(o.withCheck(id), func(s specRun) bool { return s.Status == results.StatusPassed }) {
			t.Errorf("no spec of check %q ran and passed", id)
		}
		if !slices.ContainsFunc(o.checkRecords(id), func(r oc.Record) bool { return r.State == oc.Passed }) {
			t.Errorf("no outcome record says check %q passed", id)
		}
	}
	for _, r := range o.records {
		if r.State != oc.Passed {
			t.Errorf("spec %q: check %q is %s: %s", r.Spec, r.Check, r.State, r.Reason)
		}
	}
	// The slow spec waits out a token lifetime: it runs only when asked for by its label,
	// even with AUTOSHARES_TOKEN_LIFETIME set.
	for _, s := range o.withCheck(cataloguepkg.Step4TokenLifetimeEnforced) {
		if s.State != types.SpecStateSkipped || s.Failure != "" {
			t.Errorf("the slow spec %q was not left out by the default filter: %s %q", s.Text, s.State, s.Failure)
		}
	}
}

// TestEachFaultIsDetected runs the whole suite (but the slow spec) once per fault. Exactly
// the specs that declare a check the fault breaks must fail, each with a failure that names
// one of those checks and shows the problem the catalogue says it shows; every other spec
// must pass. A spec failing for another reason, or a check deleted while its spec still
// fails for a neighbour, fails the self-test.
func TestEachFaultIsDetected(t *testing.T) {
	for fault, breaks := range catalogue.ByFault() {
		t.Run(fault, func(t *testing.T) {
			t.Parallel()
			o := runSuite(t, faultTarget(t, fault, breaks), "-ginkgo.label-filter=!slow") // headers_test.go
			expectDetected(t, fault, o, breaks)
		})
	}
}

// The slow spec is the only check of expiry on deployments without a state endpoint.
func TestSlowSpecDetectsTokensThatNeverExpire(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true, Faults: []string{refprovider.FaultAcceptExpiredToken}})
	o := runSuite(t, targetEnv(p, key), "-ginkgo.label-filter=slow")
	expectDetected(t, refprovider.FaultAcceptExpiredToken, o, map[string]string{cataloguepkg.Step4TokenLifetimeEnforced: "status"})
}

// expectDetected: the run failed; exactly the specs declaring a check in breaks failed,
// each naming one of those checks in its failure with the expected fragment.
func expectDetected(t *testing.T, fault string, o outcome, breaks map[string]string) {
	t.Helper()
	if o.exitErr == nil {
		t.Fatalf("the suite passed against fault %q (%s)", fault, refprovider.FaultDescription(fault))
	}
	for _, says := range breaks {
		if rest, ok := strings.CutPrefix(says, cataloguepkg.PreflightProof); ok {
			// A fault that breaks every endpoint: one clear failure before any spec.
			expectOneClearFailure(t, o, rest)
			return
		}
	}
	if slices.Contains(o.failed, "[SynchronizedBeforeSuite]") {
		t.Fatalf("fault %q tripped the preflight instead of the specs\n%s", fault, o.output)
	}
	expectRan(t, fault, o, breaks) // exact_test.go: a spec that skipped or never ran is no proof
	for _, s := range o.specs {
		if s.Status != results.StatusPassed && s.Status != results.StatusFailed {
			continue // left out by the label filter, or reported by expectRan
		}
		// A spec must fail when it declares a check the fault breaks, and may fail when that
		// check is judged on every exchange (only the specs meeting the fault fail on it).
		mustFail := slices.ContainsFunc(s.Checks, func(c string) bool { _, ok := breaks[c]; return ok && !everyExchange(c) })
		mayFail := slices.ContainsFunc(s.Checks, func(c string) bool { _, ok := breaks[c]; return ok })
		failed := s.State.Is(types.SpecStateFailureStates)
		switch {
		case mustFail && !failed:
			t.Errorf("fault %q: spec %q (checks %v) did not fail", fault, s.Text, s.Checks)
		case !mayFail && failed:
			t.Errorf("fault %q: spec %q failed, but the catalogue says the fault breaks none of its checks %v:\n%s", fault, s.Text, s.Checks, firstLines(s.Failure, 6))
		case failed:
			// A spec judges every check it declares, so a fault may fail several of its
			// checks (a consequence of the first, often); at least one of them must be a
			// check the fault breaks, with the expected problem.
			failures := o.inState(s, oc.Failed)
			proven := slices.ContainsFunc(failures, func(r oc.Record) bool {
				want, ok := breaks[r.Check]
				return ok && says(r, want)
			})
			switch {
			case len(failures) == 0:
				t.Errorf("fault %q: spec %q failed outside any check (records %s):\n%s", fault, s.Text, checksOf(o.recordsOf(s)), firstLines(s.Failure, 6))
			case !proven:
				t.Errorf("fault %q: spec %q failed on checks %s, none of them one the fault breaks (%s) with its expected problem:\n%s",
					fault, s.Text, checksOf(failures), strings.Join(sortedKeys(breaks), ", "), firstLines(s.Failure, 6))
			}
		}
	}
	expectEveryExchangeChecksFailed(t, fault, o, breaks)
	if t.Failed() {
		t.Logf("suite output:\n%s", o.output)
	}
}

// everyExchange: the check is judged on every exchange of every spec, so a fault breaking
// it fails the specs whose exchanges meet the fault, not every spec declaring it.
func everyExchange(id string) bool {
	c, ok := catalogue.Get(id)
	return ok && c.EveryExchange
}

// expectEveryExchangeChecksFailed: each every-exchange check the fault breaks made at least
// one spec fail, naming it with the expected problem (a spec that failed on another check
// the fault breaks is judged above).
func expectEveryExchangeChecksFailed(t *testing.T, fault string, o outcome, breaks map[string]string) {
	t.Helper()
	for id, says := range breaks {
		if !everyExchange(id) {
			continue
		}
		shown := slices.ContainsFunc(o.checkRecords(id), func(r oc.Record) bool {
			return r.State == oc.Failed && strings.Contains(problemText(r), says)
		})
		if !shown {
			t.Errorf("fault %q: no spec failed on check %q (judged on every exchange) with the expected problem %q", fault, id, says)
		}
	}
}

func sortedKeys(m map[string]string) []string {
	keys := slices.Collect(maps.Keys(m))
	sort.Strings(keys)
	return keys
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], fmt.Sprintf("... (%d more characters)", len(s)-len(strings.Join(lines[:n], "\n"))))
	}
	return strings.Join(lines, "\n")
}
