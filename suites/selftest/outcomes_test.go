package selftest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	oc "github.com/autoshares/conformance/internal/outcome"
)

// The self-test learns what a run found from its outcome records (internal/outcome), never
// from the text of a failure.

// recordsOf are the run's records of the spec.
func (o outcome) recordsOf(s specRun) []oc.Record {
	var out []oc.Record
	for _, r := range o.records {
		if r.Spec == s.Full {
			out = append(out, r)
		}
	}
	return out
}

// inState are the records of the spec in the given state.
func (o outcome) inState(s specRun, st oc.State) []oc.Record {
	var out []oc.Record
	for _, r := range o.recordsOf(s) {
		if r.State == st {
			out = append(out, r)
		}
	}
	return out
}

// checkRecords are the run's records of the check, every spec's.
func (o outcome) checkRecords(id string) []oc.Record {
	var out []oc.Record
	for _, r := range o.records {
		if r.Check == id {
			out = append(out, r)
		}
	}
	return out
}

// says reports whether a record's problems (or its reason) hold the text.
func says(r oc.Record, text string) bool {
	return strings.Contains(problemText(r), text)
}

// problemText is a record's problems and reason, one a line.
func problemText(r oc.Record) string {
	var b strings.Builder
	for _, p := range r.Problems {
		b.WriteString(p.Text + "\n")
	}
	b.WriteString(r.Reason)
	return b.String()
}

// checksOf names the checks of records, each once, for a message.
func checksOf(rs []oc.Record) string {
	var ids []string
	for _, r := range rs {
		id := r.Check
		if id == "" {
			id = "(no check: " + firstLines(r.Reason, 1) + ")"
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return fmt.Sprintf("%v", ids)
}

// failedOn reports whether the spec failed the check with a problem that holds text (it
// may have failed others on the way: a spec judges every check it declares).
func failedOn(o outcome, s specRun, id, text string) bool {
	return slices.ContainsFunc(o.inState(s, oc.Failed), func(r oc.Record) bool { return r.Check == id && says(r, text) })
}

// expectInconclusive: the failed spec's records are inconclusive, none failed, each
// reason saying every one of the texts.
func expectInconclusive(t *testing.T, o outcome, s specRun, texts ...string) {
	t.Helper()
	inc := o.inState(s, oc.Inconclusive)
	if len(inc) == 0 || len(o.inState(s, oc.Failed)) > 0 {
		t.Errorf("%s: want inconclusive records and no failed one, got %s", s.Text, checksOf(o.recordsOf(s)))
	}
	for _, r := range inc {
		for _, text := range texts {
			if !says(r, text) {
				t.Errorf("%s: the inconclusive record of %q does not say %q: %s", s.Text, r.Check, text, r.Reason)
			}
		}
	}
}
