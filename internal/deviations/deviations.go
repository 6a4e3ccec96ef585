// Package deviations reads the known-deviations file (AUTOSHARES_KNOWN_DEVIATIONS): failing
// checks a team has accepted for a while, each with a reason, a ticket and an expiry date.
// A listed check that fails is a known deviation, not a failure of the run; a listed check
// that passes, an expired entry and an unknown check ID are mistakes of the file, so the
// file cannot hide a fix or outlive its ticket.
package deviations

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/autoshares/conformance/internal/checks"
	"github.com/autoshares/conformance/internal/schema"
	"github.com/autoshares/conformance/internal/spelling"
	"github.com/autoshares/conformance/schemas/signoff"
)

// Entry is one accepted deviation.
type Entry struct {
	Check   string `json:"check"`
	Reason  string `json:"reason"`
	Ticket  string `json:"ticket"`
	Expires string `json:"expires"` // YYYY-MM-DD, the last day it is honoured
}

// String is the entry in one line, for reports.
func (e Entry) String() string {
	return fmt.Sprintf("%s: %s (%s, until %s)", e.Check, e.Reason, e.Ticket, e.Expires)
}

// File is the file's shape.
type File struct {
	Deviations []Entry `json:"deviations"`
}

// Load reads and validates the file at path against the catalogue, on the day today. It
// returns every problem at once.
func Load(path string, cat *checks.Catalogue, today time.Time) ([]Entry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %q: %v", path, err)
	}
	return Parse(data, cat, today)
}

// Schemas compiles schemas/signoff once: the known-deviations file, the conformance report
// and the comparison are all validated against them.
var Schemas = sync.OnceValues(func() (*schema.Set, error) { return schema.Compile(signoff.FS) })

// Parse validates data against schemas/signoff/known-deviations.schema.json, then each entry
// against the catalogue and the date.
func Parse(data []byte, cat *checks.Catalogue, today time.Time) ([]Entry, error) {
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
			// A failure of a listed check skips its spec; this check is judged on every
			// exchange of every spec, so the entry would skip every spec that meets it.
			problems = append(problems, at+": an every-exchange check cannot be a known deviation: the entry would skip every spec that meets it, untested")
		}
		if _, ok := cat.Get(e.Check); !ok {
			msg := at + ": no check has this ID"
			if near := spelling.Nearest(e.Check, cat.IDs()); near != "" {
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

// Mark starts the message of a spec that met a known deviation: the spec is skipped with
// this message (so the run does not fail), and the reports classify it by this prefix.
const Mark = "[known deviation] "

// SkipMessage is the message of a spec whose failure is the known deviation e: the entry,
// then the failure as it would have been reported.
func SkipMessage(e Entry, failure string) string {
	return Mark + e.String() + "\n" + failure
}

// CheckOf returns the check a known-deviation message names, "" if msg is not one.
func CheckOf(msg string) string {
	rest, ok := strings.CutPrefix(msg, Mark)
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, ":")
	return id
}

// Fixed is the run's problem for a listed check that passed.
func Fixed(e Entry) string {
	return fmt.Sprintf("fixed: remove the entry: the known deviation %s (ticket %s) is listed in AUTOSHARES_KNOWN_DEVIATIONS, but the check passed", e.Check, e.Ticket)
}
