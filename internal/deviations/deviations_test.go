package deviations_test

import (
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/checks"
	"github.com/autoshares/conformance/internal/deviations"
)

var (
	cat   = checks.MustDefault()
	today = time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
)

func TestAValidFileLoads(t *testing.T) {
	id := cat.IDs()[0]
	list, err := deviations.Parse([]byte(`{"deviations": [{"check": "`+id+`", "reason": "staging runs an old build", "ticket": "https://tickets.example/QA-1", "failure": {"status": 500, "kinds": ["status"]}, "expires": "2026-12-06"}]}`), cat, today)
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := deviations.Find(list, id); !ok || e.Ticket != "https://tickets.example/QA-1" {
		t.Errorf("Find = %+v %v", e, ok)
	}
}

// Every problem of the file at once: an unknown check (with the nearest ID), an expired
// entry, a duplicate.
func TestEveryProblemAtOnce(t *testing.T) {
	id := cat.IDs()[0]
	typo := id[:len(id)-1]
	_, err := deviations.Parse([]byte(`{"deviations": [
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
		if _, err := deviations.Parse([]byte(doc), cat, today); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSkipMessageRoundTrip(t *testing.T) {
	e := deviations.Entry{Check: "step4.x", Reason: "r", Ticket: "T-1", Expires: "2099-01-01"}
	msg := deviations.SkipMessage(e, "[step4.x] statement\n1 problem(s):\n- status")
	if got := deviations.CheckOf(msg); got != "step4.x" {
		t.Errorf("CheckOf = %q", got)
	}
	if deviations.CheckOf("[step4.x] statement") != "" {
		t.Error("a plain failure is not a known deviation")
	}
}

// An every-exchange check cannot be listed: its failure would skip every spec meeting it.
func TestEveryExchangeChecksAreRefused(t *testing.T) {
	for _, c := range cat.Checks {
		if !c.EveryExchange {
			continue
		}
		_, err := deviations.Parse([]byte(`{"deviations": [{"check": "`+c.ID+`", "reason": "r", "ticket": "T-1", "failure": {"status": 500, "kinds": ["status"]}, "expires": "2099-01-01"}]}`), cat, today)
		if err == nil || !strings.Contains(err.Error(), c.ID) || !strings.Contains(err.Error(), "every-exchange") {
			t.Errorf("%s: %v", c.ID, err)
		}
	}
}
