// Package deviations reads the known-deviations file (AUTOSHARES_KNOWN_DEVIATIONS): failing
// checks a team has accepted for a while, each with a reason, a ticket and an expiry date.
// A listed check that fails is a known deviation, not a failure of the run; a listed check
// that passes, an expired entry and an unknown check ID are mistakes of the file, so the
// file cannot hide a fix or outlive its ticket.
package config

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/schemas/signoff"
)

// Entry is one accepted deviation.
type Entry struct {
	Check   string `json:"check"`
	Reason  string `json:"reason"`
	Ticket  string `json:"ticket"`
	Expires string `json:"expires"` // YYYY-MM-DD, the last day it is honoured
	// Failure is the one failure the entry accepts: the status and problem kinds seen. A
	// different failure of the check still fails the run, naming the entry.
	Failure outcome.Signature `json:"failure"`
}

// Accepts reports whether the entry accepts a failure with this signature.
func (e Entry) Accepts(s outcome.Signature) bool { return e.Failure.Equal(s) }

// MismatchKind is the kind of the problem added to a failure of a listed check that the
// entry does not accept; it is not part of the failure's own signature.
const MismatchKind = "known-deviation-mismatch"

// Mismatch is the problem line of a failure of a listed check that its entry does not
// accept.
func Mismatch(e Entry, got outcome.Signature) outcome.Problem {
	return outcome.Problem{Kind: MismatchKind, Text: fmt.Sprintf(
		"known deviation %s (ticket %s) accepts a failure with %s, but this one has %s: a different failure, not the known deviation",
		e.Check, e.Ticket, describe(e.Failure), describe(got))}
}

func describe(s outcome.Signature) string {
	st := "no status"
	if s.Status != 0 {
		st = fmt.Sprintf("status %d", s.Status)
	}
	return fmt.Sprintf("%s and problems %s", st, strings.Join(s.Kinds, ", "))
}

// CheckSignature is the failure of one check in one spec: the status of its first failed
// record and the kinds of every problem of its failed records (a check may be judged on
// several replies of a spec), without the mismatch problem this package adds. It is what
// an entry names, and what the suite compares with it when the spec ends.
func CheckSignature(failed []outcome.Record) outcome.Signature {
	var own []outcome.Problem
	status := 0
	for i, r := range failed {
		if i == 0 {
			status = r.Status
		}
		for _, p := range r.Problems {
			if p.Kind != MismatchKind {
				own = append(own, p)
			}
		}
	}
	s := outcome.SignatureOf(status, own)
	if s.Kinds == nil {
		s.Kinds = []string{}
	}
	return s
}

// String is the entry in one line, for reports.
func (e Entry) String() string {
	return fmt.Sprintf("%s: %s (%s, until %s)", e.Check, e.Reason, e.Ticket, e.Expires)
}

// File is the file's shape.
type File struct {
	// Note says what a person must do before the file is used (the suggested file's).
	Note       string  `json:"note,omitempty"`
	Deviations []Entry `json:"deviations"`
}

// Load reads and validates the file at path against the catalogue, on the day today. It
// returns every problem at once.
func LoadDeviations(path string, cat *catalogue.Catalogue, today time.Time) ([]Entry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %q: %v", path, err)
	}
	return Parse(data, cat, today)
}

// Schemas compiles schemas/signoff once: the known-deviations file, the conformance report
// and the comparison are all validated against them.
var Schemas = sync.OnceValues(func() (*catalogue.Set, error) { return catalogue.Compile(signoff.FS) })

// Parse validates data against schemas/signoff/known-deviations.schema.json, then each entry
// against the catalogue and the date.
func Parse(data []byte, cat *catalogue.Catalogue, today time.Time) ([]Entry, error) {
	set, err := Schemas()
	if err != nil {
		return nil, fmt.Errorf("the known-deviations schema: %v", err)
	}
	if err := set.Validate(signoff.KnownDeviations, data); err != nil {
		return nil, fmt.Errorf("not valid: %v", err)
	}
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	var problems []string
	day := today.Format(time.DateOnly)
	seen := map[string]bool{}
	for i, e := range f.Deviations {
		at := fmt.Sprintf("entry %d (%s)", i+1, e.Check)
		if c, ok := cat.Get(e.Check); ok && c.EveryExchange {
			// This check is judged on every exchange of every spec: one entry would accept
			// its failure in every spec that meets it.
			problems = append(problems, at+": an every-exchange check cannot be a known deviation: the entry would skip every spec that meets it, untested")
		}
		if _, ok := cat.Get(e.Check); !ok {
			msg := at + ": no check has this ID"
			if near := Nearest(e.Check, cat.IDs()); near != "" {
				msg += fmt.Sprintf("; did you mean %s?", near)
			}
			problems = append(problems, msg)
		}
		if seen[e.Check] {
			problems = append(problems, at+": the check is listed twice")
		}
		seen[e.Check] = true
		if e.Expires < day { // both YYYY-MM-DD: they sort as dates
			problems = append(problems, fmt.Sprintf("%s: expired on %s (ticket %s): fix the deviation, or renew the entry with a new date", at, e.Expires, e.Ticket))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%d problem(s):\n    %s", len(problems), strings.Join(problems, "\n    "))
	}
	return f.Deviations, nil
}

// Find returns the entry for the check, if the list has one.
func Find(list []Entry, check string) (Entry, bool) {
	for _, e := range list {
		if e.Check == check {
			return e, true
		}
	}
	return Entry{}, false
}

// Stale is the run's problem for each listed check whose records show it passed
// (Fixed): the entry would hide its next regression. A check with no record is not
// stale: the run did not judge it.
func Stale(list []Entry, records []outcome.Record) []string {
	var out []string
	for _, e := range list {
		worst, seen := outcome.Passed, false
		for _, r := range records {
			if r.Check == e.Check {
				seen = true
				if outcome.Worse(r.State, worst) {
					worst = r.State
				}
			}
		}
		if seen && worst == outcome.Passed {
			out = append(out, Fixed(e))
		}
	}
	return out
}

// SuggestedFile is the name of the suggested known-deviations file in the report directory.
const SuggestedFile = "known-deviations.suggested.json"

// SuggestedNote is the suggested file's note: it is a draft for a person.
const SuggestedNote = "Suggested by a failing run: each entry accepts exactly the failure this run saw. " +
	"A person must fill in each reason, ticket and expiry (at most what the team accepts) before passing it as AUTOSHARES_KNOWN_DEVIATIONS."

// Suggested is one entry per check that failed in records (its failure in the first spec
// that failed it, CheckSignature), with placeholders for the reason and ticket and an
// expiry 30 days after today. Every-exchange checks cannot be known deviations and are
// left out.
func Suggested(records []outcome.Record, cat *catalogue.Catalogue, today time.Time) File {
	f := File{Note: SuggestedNote, Deviations: []Entry{}}
	var seen []string
	for _, r := range records {
		if r.State != outcome.Failed || r.Check == "" || slices.Contains(seen, r.Check) {
			continue
		}
		if c, ok := cat.Get(r.Check); !ok || c.EveryExchange {
			continue
		}
		seen = append(seen, r.Check)
		var failed []outcome.Record
		for _, o := range records {
			if o.Spec == r.Spec && o.Check == r.Check && o.State == outcome.Failed {
				failed = append(failed, o)
			}
		}
		f.Deviations = append(f.Deviations, Entry{Check: r.Check, Failure: CheckSignature(failed),
			Reason: "FILL IN: why this failure is accepted for now", Ticket: "FILL IN: the ticket that tracks the fix",
			Expires: today.AddDate(0, 0, 30).Format(time.DateOnly)})
	}
	return f
}

// WriteSuggested writes reportDir/known-deviations.suggested.json (Suggested, with the
// default catalogue) when any check failed; it writes nothing otherwise.
func WriteSuggested(reportDir string, records []outcome.Record, today time.Time) error {
	cat, err := catalogue.Default()
	if err != nil {
		return err
	}
	f := Suggested(records, cat, today)
	if len(f.Deviations) == 0 {
		return nil
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(reportDir, SuggestedFile), append(b, '\n'), 0o644)
}

// Fixed is the run's problem for a listed check that passed.
func Fixed(e Entry) string {
	return fmt.Sprintf("fixed: remove the entry: the known deviation %s (ticket %s) is listed in AUTOSHARES_KNOWN_DEVIATIONS, but the check passed", e.Check, e.Ticket)
}
