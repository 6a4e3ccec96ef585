package passwordreset

// Every judgement is recorded where it is made, as a typed outcome record (internal/outcome):
// this process keeps its records and writes them once, at its end (SynchronizedAfterSuite),
// for the process that writes the reports. Failure messages are for people only.

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/outcome"
)

// outcomes are this process's records; spec holds the running spec's failure messages and
// whether it has ended (endSpec). Specs of one process run one after another; the mutex is
// for the background work that may outlive a spec.
var outcomes struct {
	mu       sync.Mutex
	all      []outcome.Record
	failures []string // the running spec's failed checks, as people read them
	ended    bool     // endSpec ran: a later failure (in a cleanup) fails the spec at once
}

// recordOutcome adds a record of the running spec. A check passing again in the same spec
// is recorded once (the every-exchange checks pass on each exchange).
func recordOutcome(r outcome.Record) {
	spec := CurrentSpecReport()
	r.Spec, r.Process = spec.FullText(), GinkgoParallelProcess()
	outcomes.mu.Lock()
	defer outcomes.mu.Unlock()
	if r.State == outcome.Passed && slices.ContainsFunc(outcomes.all, func(o outcome.Record) bool {
		return o.Spec == r.Spec && o.Check == r.Check && o.State == outcome.Passed
	}) {
		return
	}
	outcomes.all = append(outcomes.all, r)
}

// specRecords are the records of the spec with the given full text, so far.
func specRecords(spec string) []outcome.Record {
	outcomes.mu.Lock()
	defer outcomes.mu.Unlock()
	var out []outcome.Record
	for _, r := range outcomes.all {
		if r.Spec == spec {
			out = append(out, r)
		}
	}
	return out
}

// failedCheck keeps a failed check's message for the spec's end; after it (a check judged
// in a cleanup), the spec fails at once.
func failedCheck(msg string) {
	GinkgoHelper()
	if outcomes.ended {
		Fail(msg)
	}
	outcomes.failures = append(outcomes.failures, msg)
}

// unjudged are the checks the running spec declares and has no record of yet.
func unjudged() []string {
	recs := specRecords(CurrentSpecReport().FullText())
	var out []string
	for _, id := range declaredChecks() {
		if !slices.ContainsFunc(recs, func(r outcome.Record) bool { return r.Check == id }) {
			out = append(out, id)
		}
	}
	return out
}

// notChecked records that the running spec could not make the check, and why (a setting,
// a refused optional input). The report entry stays for the reports that read it.
func notChecked(id, why string) {
	recordOutcome(outcome.Record{Check: id, State: outcome.NotChecked, Reason: suite.Secrets.String(why)})
	AddReportEntry("not checked", id+": "+why)
}

// errored records what ended the spec outside any check (a transport error, a provider
// state that could not be set up), with the exchange's transcript when there is one.
func errored(why string, ex *apiclient.Exchange) {
	r := outcome.Record{State: outcome.Errored, Reason: suite.Secrets.String(why)}
	if ex != nil {
		r.Status, r.Transcript, r.RateLimitWaits = ex.Status, ex.Transcript(suite.Secrets), ex.RateLimitWaits
	}
	recordOutcome(r)
}

// inconclusive records that the target's rate limits kept the spec's checks not judged yet
// from being settled (or, every check judged, the spec itself).
func inconclusive(why string, ex *apiclient.Exchange) {
	base := outcome.Record{State: outcome.Inconclusive, Reason: suite.Secrets.String(why)}
	if ex != nil {
		base.Status, base.Transcript, base.RateLimitWaits = ex.Status, ex.Transcript(suite.Secrets), ex.RateLimitWaits
	}
	ids := unjudged()
	if len(ids) == 0 {
		recordOutcome(base)
	}
	for _, id := range ids {
		r := base
		r.Check = id
		recordOutcome(r)
	}
}

// need ends the spec when a step the rest of it needs could not be done: every check it
// declares and has not judged is recorded not checked, naming the step. The spec fails
// with its failed checks; when none failed (the step met a known deviation) it is skipped.
func need(ok bool, step string) {
	GinkgoHelper()
	if ok {
		return
	}
	why := "the spec could not go on: " + step
	for _, id := range unjudged() {
		recordOutcome(outcome.Record{Check: id, State: outcome.NotChecked, Reason: suite.Secrets.String(why)})
	}
	if !endSpec() {
		Skip(why + " (a known deviation); the checks after it are not checked")
	}
}

// endSpec fails the spec when any of its checks failed, with every failed check's message
// (check, statement, problems, reproduction, transcript), and reports whether it did.
func endSpec() bool {
	GinkgoHelper()
	outcomes.ended = true
	if len(outcomes.failures) == 0 {
		return false
	}
	msg := strings.Join(outcomes.failures, "\n\n")
	if n := len(outcomes.failures); n > 1 {
		msg += fmt.Sprintf("\n\n%d checks of this spec failed (each above).", n)
	}
	outcomes.failures = nil
	Fail(msg)
	return true
}

var _ = BeforeEach(func() {
	outcomes.failures, outcomes.ended = nil, false
})

// A spec judges every check it declares and fails at its end if any failed.
var _ = AfterEach(func() {
	if !outcomes.ended {
		endSpec()
	}
})

// After each spec, what its records do not say: a spec that failed with no record of why
// (a timeout, a panic, a failure outside any check) is errored, and so is each check it
// declares but did not judge; a spec that ran to its end without judging a declared check
// leaves it not checked.
var _ = ReportAfterEach(func(r SpecReport) {
	if suite == nil || r.LeafNodeType != types.NodeTypeIt || r.State == types.SpecStateSkipped || r.State == types.SpecStatePending {
		return
	}
	spec := r.FullText()
	recs := specRecords(spec)
	var cause *outcome.Record
	for i, rec := range recs {
		if rec.Check == "" && (rec.State == outcome.Errored || rec.State == outcome.Inconclusive) {
			cause = &recs[i]
		}
	}
	explained := slices.ContainsFunc(recs, func(rec outcome.Record) bool {
		return rec.State == outcome.Failed || rec.State == outcome.Errored || rec.State == outcome.Inconclusive
	})
	add := func(rec outcome.Record) {
		rec.Spec, rec.Process = spec, GinkgoParallelProcess()
		outcomes.mu.Lock()
		outcomes.all = append(outcomes.all, rec)
		outcomes.mu.Unlock()
	}
	if r.State.Is(types.SpecStateFailureStates) && !explained {
		why := fmt.Sprintf("the spec %s: %s", r.State, secrets.String(r.Failure.Message))
		cause = &outcome.Record{State: outcome.Errored, Reason: why}
		add(*cause)
	}
	for _, l := range r.LeafNodeLabels {
		if _, ok := catalogue.Get(l); !ok || slices.ContainsFunc(recs, func(rec outcome.Record) bool { return rec.Check == l }) {
			continue
		}
		switch {
		case cause != nil:
			add(outcome.Record{Check: l, State: cause.State, Reason: cause.Reason})
		default:
			add(outcome.Record{Check: l, State: outcome.NotChecked, Reason: "the spec ended without judging it"})
		}
	}
})

// processOutcomes is a copy of this process's records.
func processOutcomes() []outcome.Record {
	outcomes.mu.Lock()
	defer outcomes.mu.Unlock()
	return slices.Clone(outcomes.all)
}
