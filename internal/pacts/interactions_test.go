package pacts_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/autoshares/conformance/internal/pacts"
	"github.com/autoshares/conformance/internal/testkit"
)

// The committed pact (make pacts: the whole suite, passing, with the default settings) is
// exactly the declared interactions: every spec records one of them, and nothing else.
func TestTheCommittedPactIsTheDeclaredInteractions(t *testing.T) {
	_, cfg := rulesFor(t, nil)
	s := pacts.Shapes{Expect: cfg.Expect, Step1IsSucceedRequired: cfg.Negative.Step1IsSucceedRequired, Step3Path: cfg.Flow.Step3Path}
	dir := t.TempDir()
	for _, i := range pacts.Interactions {
		// Through a fragment, as a run records them.
		if err := pacts.WriteFragment(dir, i.Description, []pacts.Interaction{s.Interaction(i)}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := pacts.ReadFragments(dir)
	if err != nil {
		t.Fatal(err)
	}
	name := cfg.Pact.Consumer + "-" + cfg.Pact.Provider + ".json"
	out := filepath.Join(t.TempDir(), name)
	if err := pacts.WritePact(out, pacts.Pact{Consumer: cfg.Pact.Consumer, Provider: cfg.Pact.Provider, Interactions: all}); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(testkit.RootFor(t), "pacts", name))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	if !bytes.Equal(got, want) {
		t.Errorf("pacts/%s is not what the declared interactions make (%d bytes, want %d): a spec records an interaction not in recording.Interactions, or the table changed", name, len(got), len(want))
	}
}
