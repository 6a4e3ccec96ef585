package config_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/outcome"
)

var (
	cat   = catalogue.MustDefault()
	today = time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
)

func TestAValidFileLoads(t *testing.T) {
	id := cat.IDs()[0]
	list, err := config.Parse([]byte(`{"deviations": [{"check": "`+id+`", "reason": "staging runs an old build", "ticket": "https://tickets.example/QA-1", "failure": {"status": 500, "kinds": ["status"]}, "expires": "2026-12-06"}]}`), cat, today)
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := config.Find(list, id); !ok || e.Ticket != "https://tickets.example/QA-1" {
		t.Errorf("Find = %+v %v", e, ok)
	}
}

// Every problem of the file at once: an unknown check (with the nearest ID), an expired
// entry, a duplicate.
func TestEveryProblemAtOnce(t *testing.T) {
	id := cat.IDs()[0]
	typo := id[:len(id)-1]
	_, err := config.Parse([]byte(`{"deviations": [
		{"check": "`+typo+`", "reason": "r", "ticket": "T-1", "failure": {"status": 500, "kinds": ["status"]}, "expires": "2099-01-01"},
		{"check": "`+id+`", "reason": "r", "ticket": "T-2", "failure": {"status": 500, "kinds": ["status"]}, "expires": "2026-12-05"},
		{"check": "`+id+`", "reason": "r", "ticket": "T-3", "failure": {"status": 500, "kinds": ["status"]}, "expires": "2099-01-01"}
	]}`), cat, today)
	if err == nil {
		t.Fatal("want problems")
	}
	for _, want := range []string{"no check has this ID; did you mean " + id, "expired on 2026-12-05", "listed twice", "3 problem(s)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the problems do not say %q:\n%v", want, err)
		}
	}
}

func TestTheSchemaIsEnforced(t *testing.T) {
	for name, doc := range map[string]string{
		"no ticket":      `{"deviations": [{"check": "a.b", "reason": "r", "failure": {"status": 500, "kinds": ["status"]}, "expires": "2099-01-01"}]}`,
		"not a date":     `{"deviations": [{"check": "a.b", "reason": "r", "ticket": "t", "failure": {"status": 500, "kinds": ["status"]}, "expires": "soon"}]}`,
		"unknown key":    `{"deviations": [], "extra": 1}`,
		"not an object":  `[]`,
		"empty reason":   `{"deviations": [{"check": "a.b", "reason": "", "ticket": "t", "failure": {"status": 500, "kinds": ["status"]}, "expires": "2099-01-01"}]}`,
		"not even JSON":  `{`,
		"no deviations":  `{}`,
		"check not a ID": `{"deviations": [{"check": "Not An ID", "reason": "r", "ticket": "t", "failure": {"status": 500, "kinds": ["status"]}, "expires": "2099-01-01"}]}`,
	} {
		if _, err := config.Parse([]byte(doc), cat, today); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// An every-exchange check cannot be listed: its failure would skip every spec meeting it.
func TestEveryExchangeChecksAreRefused(t *testing.T) {
	for _, c := range cat.Checks {
		if !c.EveryExchange {
			continue
		}
		_, err := config.Parse([]byte(`{"deviations": [{"check": "`+c.ID+`", "reason": "r", "ticket": "T-1", "failure": {"status": 500, "kinds": ["status"]}, "expires": "2099-01-01"}]}`), cat, today)
		if err == nil || !strings.Contains(err.Error(), c.ID) || !strings.Contains(err.Error(), "every-exchange") {
			t.Errorf("%s: %v", c.ID, err)
		}
	}
}

// failedRecord is a failed record of check id in spec, with a reply status and problems of
// the given kinds.
func failedRecord(spec, id string, status int, kinds ...string) outcome.Record {
	r := outcome.Record{Spec: spec, Check: id, State: outcome.Failed, Status: status}
	for _, k := range kinds {
		r.Problems = append(r.Problems, outcome.Problem{Kind: k, Text: k + ": wrong"})
	}
	return r
}

// A check's failure in a spec is the status of its first failed reply and the kinds of all
// its problems there; the mismatch line this package adds is not part of it.
func TestCheckSignature(t *testing.T) {
	first := failedRecord("s", catalogue.Step4MismatchRejected, 200, "status", "is-succeed")
	second := failedRecord("s", catalogue.Step4MismatchRejected, 401, "not-logged-in", "status")
	second.Problems = append(second.Problems, outcome.Problem{Kind: config.MismatchKind, Text: "known deviation ..."})
	got := config.CheckSignature([]outcome.Record{first, second})
	want := outcome.Signature{Status: 200, Kinds: []string{"is-succeed", "not-logged-in", "status"}}
	if !got.Equal(want) {
		t.Errorf("CheckSignature = %+v, want %+v", got, want)
	}
}

// The suggested file: one entry per failed check (not the every-exchange ones, nor errored
// or passed records), each accepting its failure in the first spec that failed it, with
// placeholders, an expiry 30 days ahead and a note for people. Written and passed back, it
// loads, and its entries accept exactly those failures and no other.
func TestSuggestedDeviationsLoadAndAcceptExactlyTheirFailures(t *testing.T) {
	var every string
	for _, c := range cat.Checks {
		if c.EveryExchange {
			every = c.ID
			break
		}
	}
	records := []outcome.Record{
		failedRecord("mismatch", catalogue.Step4MismatchRejected, 500, "status"),
		{Spec: "mismatch", Check: catalogue.Step4MismatchUnchanged, State: outcome.Passed},
		failedRecord("other", catalogue.Step4MismatchRejected, 200, "status", "is-succeed"), // a second spec: the first is taken
		failedRecord("expired", catalogue.Step4ExpiredTokenRejected, 200, "status"),
		failedRecord("expired", catalogue.Step4ExpiredTokenRejected, 200, "errors"),
		failedRecord("expired", every, 302, "redirect"),
		{Spec: "broken", State: outcome.Errored, Reason: "connection refused"},
	}
	dir := t.TempDir()
	if err := config.WriteSuggested(dir, records, today); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, config.SuggestedFile))
	if err != nil {
		t.Fatal(err)
	}
	list, err := config.Parse(data, cat, today)
	if err != nil {
		t.Fatalf("the suggested file does not load: %v\n%s", err, data)
	}
	var f config.File
	if err := json.Unmarshal(data, &f); err != nil || !strings.Contains(f.Note, "must fill in") {
		t.Errorf("the note does not tell a person to fill it in: %q (%v)", f.Note, err)
	}
	if len(list) != 2 || list[0].Check != catalogue.Step4MismatchRejected || list[1].Check != catalogue.Step4ExpiredTokenRejected {
		t.Fatalf("entries %+v", list)
	}
	for _, e := range list {
		if e.Expires != "2027-01-05" || !strings.Contains(e.Reason, "FILL IN") || !strings.Contains(e.Ticket, "FILL IN") {
			t.Errorf("entry %+v: want placeholders and an expiry 30 days after %s", e, today.Format(time.DateOnly))
		}
	}
	if !list[0].Accepts(config.CheckSignature(records[:1])) || list[0].Accepts(config.CheckSignature(records[2:3])) {
		t.Errorf("the mismatch entry %+v accepts the wrong failure", list[0].Failure)
	}
	if !list[1].Accepts(config.CheckSignature(records[3:5])) || list[1].Accepts(config.CheckSignature(records[3:4])) {
		t.Errorf("the expired-token entry %+v must accept exactly both problems of its spec", list[1].Failure)
	}

	// No failed check, no file.
	empty := t.TempDir()
	if err := config.WriteSuggested(empty, records[1:2], today); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(empty, config.SuggestedFile)); err == nil {
		t.Error("a run without a failed check wrote a suggested file")
	}
}

// A listed check whose records show it passed is stale: the entry would hide its next
// regression. One that failed, deviated, or was not judged at all is not.
func TestStale(t *testing.T) {
	list := []config.Entry{{Check: "a.fixed", Ticket: "T-1"}, {Check: "a.deviated", Ticket: "T-2"}, {Check: "a.absent", Ticket: "T-3"}}
	records := []outcome.Record{
		{Check: "a.fixed", State: outcome.Passed}, {Check: "a.fixed", State: outcome.Passed},
		{Check: "a.deviated", State: outcome.Passed}, {Check: "a.deviated", State: outcome.KnownDeviation},
	}
	got := config.Stale(list, records)
	if len(got) != 1 || !strings.Contains(got[0], "fixed: remove the entry: the known deviation a.fixed (ticket T-1)") {
		t.Errorf("Stale = %q", got)
	}
}

// The mismatch line names the entry and both failures.
func TestMismatchNamesTheEntry(t *testing.T) {
	e := config.Entry{Check: catalogue.Step4MismatchRejected, Ticket: "QA-7", Failure: outcome.Signature{Status: 500, Kinds: []string{"status"}}}
	p := config.Mismatch(e, outcome.Signature{Status: 200, Kinds: []string{"is-succeed", "status"}})
	for _, want := range []string{"known deviation step4.mismatch.rejected", "QA-7", "status 500 and problems status", "status 200 and problems is-succeed, status"} {
		if p.Kind != config.MismatchKind || !strings.Contains(p.Text, want) {
			t.Errorf("%+v does not say %q", p, want)
		}
	}
}
