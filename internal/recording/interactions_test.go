package recording_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/autoshares/conformance/internal/contract"
	"github.com/autoshares/conformance/internal/recording"
	"github.com/autoshares/conformance/internal/repo"
)

// The committed pact (make pacts: the whole suite, passing, with the default settings) is
// exactly the declared interactions: every spec records one of them, and nothing else.
func TestTheCommittedPactIsTheDeclaredInteractions(t *testing.T) {
	_, cfg := rulesFor(t, nil)
	s := recording.Shapes{Expect: cfg.Expect, Step1IsSucceedRequired: cfg.Negative.Step1IsSucceedRequired, Step3Path: cfg.Flow.Step3Path}
	dir := t.TempDir()
	for _, i := range recording.Interactions {
		// Through a fragment, as a run records them.
		if err := contract.WriteFragment(dir, i.Description, []contract.Interaction{s.Interaction(i)}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := contract.ReadFragments(dir)
	if err != nil {
		t.Fatal(err)
	}
	name := cfg.Pact.Consumer + "-" + cfg.Pact.Provider + ".json"
	out := filepath.Join(t.TempDir(), name)
	if err := contract.WritePact(out, contract.Pact{Consumer: cfg.Pact.Consumer, Provider: cfg.Pact.Provider, Interactions: all}); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(repo.RootFor(t), "pacts", name))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	if !bytes.Equal(got, want) {
		t.Errorf("pacts/%s is not what the declared interactions make (%d bytes, want %d): a spec records an interaction not in recording.Interactions, or the table changed", name, len(got), len(want))
	}
}
