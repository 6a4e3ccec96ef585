package framework

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

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/suite"
)

// outcomes are this process's records, and the running spec's failed checks, decided when
// it ends (endSpec). Specs of one process run one after another; the mutex is for the
// background work that may outlive a spec.
var outcomes struct {
	mu       sync.Mutex
	all      []outcome.Record
	failures []failure // the running spec's failed verdicts, not decided yet
	ended    bool      // endSpec ran: a later failure (in a cleanup) is decided at once
}

// failure is a failed verdict and the index of its record in outcomes.all.
type failure struct {
	v  *suite.Verdict
	at int
}

// RecordOutcome adds a record of the running spec and returns its index (-1 when left
// out). A check passing again in the same spec is recorded once (the every-exchange checks
// pass on each exchange).
func RecordOutcome(r outcome.Record) int {
	r.Spec, _, _ = runningSpec()
	r.Process = GinkgoParallelProcess()
	outcomes.mu.Lock()
	defer outcomes.mu.Unlock()
	if r.State == outcome.Passed && slices.ContainsFunc(outcomes.all, func(o outcome.Record) bool {
		return o.Spec == r.Spec && o.Check == r.Check && o.Finding == r.Finding && o.State == outcome.Passed
	}) {
		return -1
	}
	outcomes.all = append(outcomes.all, r)
	return len(outcomes.all) - 1
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

// failedCheck records a failed verdict, to be decided when the spec ends; after it (a
// check judged in a cleanup), at once.
func failedCheck(v *suite.Verdict) {
	GinkgoHelper()
	outcomes.failures = append(outcomes.failures, failure{v, RecordOutcome(v.Record(World.Secrets))})
	if outcomes.ended {
		endSpec()
	}
}

// failedRecords are the records of the running spec's undecided failures of the check.
func failedRecords(id string) []outcome.Record {
	outcomes.mu.Lock()
	defer outcomes.mu.Unlock()
	var out []outcome.Record
	for _, f := range outcomes.failures {
		if f.v.Check.ID == id {
			out = append(out, outcomes.all[f.at])
		}
	}
	return out
}

// acceptedSoFar reports whether the check's failures in the running spec are, so far,
// exactly what its known-deviations entry accepts.
func acceptedSoFar(id string) bool {
	d, listed := World.Cfg.KnownDeviation(id)
	return listed && d.Accepts(config.CheckSignature(failedRecords(id)))
}

// decide settles the running spec's failed checks: a listed check whose failures in the
// spec are exactly its entry's (deviations.CheckSignature) becomes a known deviation, shown
// in the spec's log; a listed check that failed otherwise stays failed, with a problem
// naming the entry. It returns the failed checks' messages, in the order they failed.
func decide() []string {
	fs := outcomes.failures
	outcomes.failures = nil
	known := map[string]bool{}
	for _, f := range fs {
		id := f.v.Check.ID
		if _, done := known[id]; done {
			continue
		}
		d, listed := World.Cfg.KnownDeviation(id)
		if !listed {
			known[id] = false
			continue
		}
		var mine []failure
		var recs []outcome.Record
		outcomes.mu.Lock()
		for _, g := range fs {
			if g.v.Check.ID == id {
				mine, recs = append(mine, g), append(recs, outcomes.all[g.at])
			}
		}
		outcomes.mu.Unlock()
		sig := config.CheckSignature(recs)
		known[id] = d.Accepts(sig)
		if !known[id] {
			mine[0].v.Problems = append(mine[0].v.Problems, config.Mismatch(d, sig))
		}
		ref := &outcome.DeviationRef{Check: d.Check, Ticket: d.Ticket}
		outcomes.mu.Lock()
		for _, g := range mine {
			r := g.v.Record(World.Secrets)
			r.Spec, r.Process, r.Deviation = outcomes.all[g.at].Spec, outcomes.all[g.at].Process, ref
			if known[id] {
				r.State = outcome.KnownDeviation
			} else {
				r.DeviationMismatch = true
			}
			outcomes.all[g.at] = r
		}
		outcomes.mu.Unlock()
		if known[id] {
			for _, g := range mine {
				GinkgoWriter.Print("Known deviation " + d.String() + ":\n" + g.v.Message(World.Secrets) + "\n")
			}
		}
	}
	var msgs []string
	for _, f := range fs {
		if !known[f.v.Check.ID] {
			msgs = append(msgs, f.v.Message(World.Secrets))
		}
	}
	return msgs
}

// unjudged are the checks the running spec declares and has no record of yet. The checks
// every exchange gets are not among them: they are judged on each exchange a spec sends,
// so a spec that sent none (or none after some point) says nothing of them.
func unjudged() []string {
	spec, _, _ := runningSpec()
	recs := specRecords(spec)
	var out []string
	for _, id := range declaredChecks() {
		if !slices.Contains(everyExchange, id) && !slices.ContainsFunc(recs, func(r outcome.Record) bool { return r.Check == id }) {
			out = append(out, id)
		}
	}
	return out
}

// NotChecked records that the running spec could not make the check, and why (a setting,
// a refused optional input).
func NotChecked(id, why string) {
	RecordOutcome(outcome.Record{Check: id, State: outcome.NotChecked, Reason: World.Secrets.String(why)})
}

// Errored records what ended the spec outside any check (a transport error, a provider
// state that could not be set up), with the exchange's transcript when there is one.
func Errored(why string, ex *client.Exchange) {
	r := outcome.Record{State: outcome.Errored, Reason: World.Secrets.String(why)}
	if ex != nil {
		r.Status, r.Transcript, r.RateLimitWaits = ex.Status, ex.Transcript(World.Secrets), ex.RateLimitWaits
	}
	RecordOutcome(r)
}

// inconclusive records that the target's rate limits kept the spec's checks not judged yet
// from being settled (or, every check judged, the spec itself).
func inconclusive(why string, ex *client.Exchange) {
	base := outcome.Record{State: outcome.Inconclusive, Reason: World.Secrets.String(why)}
	if ex != nil {
		base.Status, base.Transcript, base.RateLimitWaits = ex.Status, ex.Transcript(World.Secrets), ex.RateLimitWaits
	}
	ids := unjudged()
	if len(ids) == 0 {
		RecordOutcome(base)
	}
	for _, id := range ids {
		r := base
		r.Check = id
		RecordOutcome(r)
	}
}

// Need ends the spec when a step the rest of it needs could not be done: every check it
// declares and has not judged is recorded not checked, naming the step. The spec fails
// with its failed checks; when none failed (the step met a known deviation) it is skipped.
func Need(ok bool, step string) {
	GinkgoHelper()
	if ok {
		return
	}
	why := "the spec could not go on: " + step
	for _, id := range unjudged() {
		RecordOutcome(outcome.Record{Check: id, State: outcome.NotChecked, Reason: World.Secrets.String(why)})
	}
	if !endSpec() {
		Skip(why + " (a known deviation); the checks after it are not checked")
	}
}

// endSpec decides the spec's failed checks and fails the spec when any is a failure, with
// every failed check's message (check, statement, problems, reproduction, transcript); it
// reports whether it did.
func endSpec() bool {
	GinkgoHelper()
	outcomes.ended = true
	msgs := decide()
	if len(msgs) == 0 {
		return false
	}
	msg := strings.Join(msgs, "\n\n")
	if n := len(msgs); n > 1 {
		msg += fmt.Sprintf("\n\n%d failures of this spec's checks (each above).", n)
	}
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
// leaves it not checked. (The every-exchange checks are left alone: see unjudged.)
var _ = ReportAfterEach(func(r SpecReport) {
	if World == nil || r.LeafNodeType != types.NodeTypeIt || r.State == types.SpecStateSkipped || r.State == types.SpecStatePending {
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
		if _, ok := Catalogue.Get(l); !ok || slices.Contains(everyExchange, l) || slices.ContainsFunc(recs, func(rec outcome.Record) bool { return rec.Check == l }) {
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
