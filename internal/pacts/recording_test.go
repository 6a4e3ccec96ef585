package pacts_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/pacts"
	"github.com/autoshares/conformance/internal/states"
)

func shapes(t *testing.T) pacts.Shapes {
	t.Helper()
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return pacts.Shapes{Expect: cfg.Expect}
}

func interaction(t *testing.T, description string) pacts.Interaction {
	return pacts.Interaction{Description: description, States: pacts.InState(states.ValidToken),
		Request: pacts.UpdatePassword(pacts.ValidAppKey(), pacts.ExampleNewPassword), Response: shapes(t).Succeeded(nil)}
}

func TestOnlyPassingSpecsLeaveAFragment(t *testing.T) {
	dir := t.TempDir()
	r := &pacts.Recorder{Dir: dir}
	if err := r.Add(interaction(t, "from a failing spec")); err != nil {
		t.Fatal(err)
	}
	if err := r.Flush("spec one", false); err != nil {
		t.Fatal(err)
	}
	if err := r.Add(interaction(t, "from a passing spec")); err != nil {
		t.Fatal(err)
	}
	if err := r.Flush("spec two", true); err != nil {
		t.Fatal(err)
	}
	if err := r.Flush("spec three, which declared nothing", true); err != nil {
		t.Fatal(err)
	}
	got, err := pacts.ReadFragments(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Description != "from a passing spec" {
		t.Errorf("fragments hold %+v", got)
	}
}

func TestAddRefusesAnInvalidInteraction(t *testing.T) {
	r := &pacts.Recorder{Dir: t.TempDir()}
	if err := r.Add(pacts.Interaction{}); err == nil || !strings.Contains(err.Error(), "a bug in the suite") {
		t.Fatalf("want a refusal, got %v", err)
	}
}

// Several processes, each with its own recorder, write into one fragment directory at once;
// the merge keeps every interaction.
func TestMergeKeepsEveryProcessesInteractions(t *testing.T) {
	frag, reports := t.TempDir(), t.TempDir()
	var wg sync.WaitGroup
	for p := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &pacts.Recorder{Dir: frag}
			for s := range 5 {
				name := fmt.Sprintf("process %d spec %d", p, s)
				if err := r.Add(interaction(t, name)); err != nil {
					t.Error(err)
				}
				if err := r.Flush(name, true); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	msg, err := pacts.Merge(pacts.Destination{}, reports, "C", "P", "", frag)
	if err != nil || !strings.Contains(msg, "20 interaction(s)") {
		t.Fatalf("Merge = %q, %v", msg, err)
	}
	if _, err := os.Stat(filepath.Join(reports, "pacts", "C-P.json")); err != nil {
		t.Fatal(err)
	}
}

// The committed pacts live in the explicit directory: a partial run must never touch it.
func TestAPartialRunNeverWritesTheExplicitPactDirectory(t *testing.T) {
	frag, reports, committed := t.TempDir(), t.TempDir(), t.TempDir()
	r := &pacts.Recorder{Dir: frag}
	_ = r.Add(interaction(t, "one"))
	_ = r.Flush("one", true)
	pact := filepath.Join(committed, "C-P.json")
	if err := os.WriteFile(pact, []byte("committed"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, why := range []string{"the run failed", "a label filter or focus left specs out", "2 spec(s) were skipped"} {
		msg, err := pacts.Merge(pacts.Destination{Dir: committed, Explicit: true}, reports, "C", "P", why, frag)
		if err != nil || !strings.Contains(msg, "not written") || !strings.Contains(msg, why) {
			t.Errorf("%s: Merge = %q, %v", why, msg, err)
		}
		if b, _ := os.ReadFile(pact); string(b) != "committed" {
			t.Fatalf("%s: the committed pact was changed", why)
		}
	}
	// Without an explicit directory a partial run's pact goes aside, marked partial.
	msg, err := pacts.Merge(pacts.Destination{}, reports, "C", "P", "the run failed", frag)
	if err != nil || !strings.Contains(msg, filepath.Join("pacts", "partial")) {
		t.Errorf("Merge = %q, %v", msg, err)
	}
}

func TestAWholeRunWritesTheExplicitDirectory(t *testing.T) {
	frag, committed := t.TempDir(), t.TempDir()
	r := &pacts.Recorder{Dir: frag}
	_ = r.Add(interaction(t, "one"))
	_ = r.Flush("one", true)
	if _, err := pacts.Merge(pacts.Destination{Dir: committed, Explicit: true}, t.TempDir(), "C", "P", "", frag); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(committed, "C-P.json")); err != nil {
		t.Fatal(err)
	}
}

// A run that recorded nothing leaves no earlier run's pact behind to claim its proof.
func TestARunWithNothingRecordedRemovesAStalePact(t *testing.T) {
	reports := t.TempDir()
	stale := filepath.Join(reports, "pacts", "C-P.json")
	if err := os.MkdirAll(filepath.Dir(stale), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	msg, err := pacts.Merge(pacts.Destination{}, reports, "C", "P", "", t.TempDir())
	if err != nil || !strings.Contains(msg, "no interaction") {
		t.Fatalf("Merge = %q, %v", msg, err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("the stale pact is still there")
	}
}

func TestPartialReason(t *testing.T) {
	it := func(state types.SpecState, labels ...string) types.SpecReport {
		return types.SpecReport{LeafNodeType: types.NodeTypeIt, State: state, LeafNodeLabels: labels}
	}
	whole := types.Report{SuiteSucceeded: true, SpecReports: []types.SpecReport{it(types.SpecStatePassed), it(types.SpecStateSkipped, "slow")}}
	whole.SuiteConfig.LabelFilter = config.DefaultExclusion
	if why := pacts.PartialReason(whole); why != "" {
		t.Errorf("a passing run whose only skip is the slow spec is whole; got %q", why)
	}
	failed := whole
	failed.SuiteSucceeded = false
	filtered := whole
	filtered.SuiteConfig.LabelFilter = "step4"
	focused := whole
	focused.SuiteConfig.FocusStrings = []string{"mismatch"}
	skipped := whole
	skipped.SpecReports = append([]types.SpecReport{it(types.SpecStateSkipped)}, whole.SpecReports...)
	for want, r := range map[string]types.Report{"the run failed": failed, "a label filter": filtered, "or focus": focused, "1 spec(s) were skipped": skipped} {
		if why := pacts.PartialReason(r); !strings.Contains(why, want) {
			t.Errorf("want %q, got %q", want, why)
		}
	}
}

func TestFlushReportsAFragmentThatCannotBeWritten(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r := &pacts.Recorder{Dir: filepath.Join(blocker, "fragments")}
	_ = r.Add(interaction(t, "one"))
	if err := r.Flush("one", true); err == nil || !strings.Contains(err.Error(), `recording the pact interactions of "one"`) {
		t.Fatalf("want an error naming the spec, got %v", err)
	}
}
