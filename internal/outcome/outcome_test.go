package outcome_test

import (
	"testing"

	"github.com/autoshares/conformance/internal/outcome"
)

// A signature names a failure whatever the order or repetition of its problems; another
// status or another kind of problem is another failure.
func TestSignature(t *testing.T) {
	a := outcome.SignatureOf(500, []outcome.Problem{{Kind: "status"}, {Kind: "is-succeed"}, {Kind: "status"}})
	b := outcome.SignatureOf(500, []outcome.Problem{{Kind: "is-succeed"}, {Kind: "status"}})
	if !a.Equal(b) {
		t.Errorf("%+v != %+v", a, b)
	}
	if a.Equal(outcome.SignatureOf(200, []outcome.Problem{{Kind: "is-succeed"}, {Kind: "status"}})) || a.Equal(outcome.SignatureOf(500, []outcome.Problem{{Kind: "status"}})) {
		t.Error("another status or other kinds must be another failure")
	}
}

func TestWriteAndReadAll(t *testing.T) {
	dir := t.TempDir()
	one := []outcome.Record{{Spec: "a", Process: 1, Check: "c", State: outcome.Passed}}
	two := []outcome.Record{{Spec: "b", Process: 2, Check: "d", State: outcome.Failed, Status: 200, Problems: []outcome.Problem{{Kind: "status", Text: "x"}}}}
	if err := outcome.Write(dir, 2, two); err != nil {
		t.Fatal(err)
	}
	if err := outcome.Write(dir, 1, one); err != nil {
		t.Fatal(err)
	}
	got, err := outcome.ReadAll(dir)
	if err != nil || len(got) != 2 || got[0].Spec != "a" || got[1].Signature().Status != 200 {
		t.Fatalf("ReadAll = %+v, %v", got, err)
	}
	if empty, err := outcome.ReadAll(t.TempDir()); err != nil || len(empty) != 0 {
		t.Errorf("no records: %v, %v", empty, err)
	}
}

func TestStates(t *testing.T) {
	if !outcome.Worse(outcome.Failed, outcome.Passed) || outcome.Worse(outcome.Passed, outcome.NotChecked) {
		t.Error("States order")
	}
	if !outcome.Errored.Failing() || outcome.KnownDeviation.Failing() {
		t.Error("Failing")
	}
}
