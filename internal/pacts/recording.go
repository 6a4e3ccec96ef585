// Package recording turns what passing specs proved into the run's Pact file.
//
// Each spec declares the interactions it has just shown the target to honour (Recorder.Add);
// when the spec has passed, they go to a fragment file of their own (Recorder.Flush), so
// parallel Ginkgo processes never share a file. When every process is done, one process
// merges the fragments (Merge). A run that does not cover the whole suite (a failure, a
// skip, a filter) never writes to an explicitly configured pact directory: that is where
// the committed pacts live, and a partial pact there would drop interactions silently.
package pacts

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/config"
)

// Recorder holds the interactions of the spec that is running in this process.
type Recorder struct {
	Dir string // the run's fragment directory, shared by every process

	mu      sync.Mutex
	current []Interaction
}

// Add declares an interaction the current spec has shown the target to honour. A declaration
// that is not a valid interaction is a bug in the suite, reported at once.
func (r *Recorder) Add(i Interaction) error {
	if err := i.Validate(); err != nil {
		return fmt.Errorf("the suite declared an invalid pact interaction (a bug in the suite): %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.current = append(r.current, i)
	return nil
}

// Flush ends the current spec: when it passed, its interactions become one fragment named
// after specID; otherwise they are dropped (the pact carries only behaviour the target was
// seen to have).
func (r *Recorder) Flush(specID string, passed bool) error {
	r.mu.Lock()
	interactions := r.current
	r.current = nil
	r.mu.Unlock()
	if !passed || len(interactions) == 0 {
		return nil
	}
	if err := WriteFragment(r.Dir, specID, interactions); err != nil {
		return fmt.Errorf("recording the pact interactions of %q: %w", specID, err)
	}
	return nil
}

// Destination is where a run's pact goes.
type Destination struct {
	Dir      string // AUTOSHARES_PACT_DIR; "" = <report dir>/pacts
	Explicit bool   // Dir was configured (make pacts: the committed pacts/)
}

// Merge writes the run's pact from every fragment in fragments and returns what it did, for
// the end of the run's output. why is PartialReason's answer for the run.
func Merge(dest Destination, reportDir, consumer, provider, why, fragments string) (string, error) {
	out := dest.Dir
	if !dest.Explicit {
		out = filepath.Join(reportDir, "pacts")
	}
	if why != "" {
		if dest.Explicit {
			return fmt.Sprintf("Pact: not written to %s because %s; run the whole suite, passing, to record it.", out, why), nil
		}
		out = filepath.Join(out, "partial")
	}
	interactions, err := ReadFragments(fragments)
	if err != nil {
		return "", fmt.Errorf("reading the pact fragments: %w", err)
	}
	path := filepath.Join(out, consumer+"-"+provider+".json")
	if len(interactions) == 0 {
		// Leave nothing stale behind: an earlier run's pact there would claim this run's proof.
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		return "Pact: no interaction recorded (no spec that records one passed).", nil
	}
	if err := WritePact(path, Pact{Consumer: consumer, Provider: provider, Interactions: interactions}); err != nil {
		return "", err
	}
	return fmt.Sprintf("Pact: %d interaction(s) written to %s", len(interactions), path), nil
}

// PartialReason says why a run does not cover the whole suite, or "" if it does.
func PartialReason(r types.Report) string {
	var why []string
	if !r.SuiteSucceeded {
		why = append(why, "the run failed")
	}
	c := r.SuiteConfig
	// The default filter only leaves the slow spec out, which records nothing.
	filtered := c.LabelFilter != "" && !config.IsDefault(c.LabelFilter)
	if filtered || len(c.FocusStrings) > 0 || len(c.SkipStrings) > 0 || len(c.FocusFiles) > 0 || len(c.SkipFiles) > 0 || r.SuiteHasProgrammaticFocus {
		why = append(why, "a label filter or focus left specs out")
	}
	skipped := 0
	for _, s := range r.SpecReports {
		// Slow specs record no interaction (they re-prove what a provider state proves by
		// waiting), so skipping them leaves the pact whole.
		if s.LeafNodeType == types.NodeTypeIt && s.State == types.SpecStateSkipped && !slices.Contains(s.Labels(), "slow") {
			skipped++
		}
	}
	if skipped > 0 {
		why = append(why, fmt.Sprintf("%d spec(s) were skipped", skipped))
	}
	return strings.Join(why, ", ")
}
