package report

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// Marker is the file that says a directory is the suite's report directory, so a later
// run may empty it. Only a directory the suite created, or found empty, gets one.
const Marker = ".autoshares-reports"

// Owned lists what the suite writes into a report directory that has no marker yet (one
// an earlier version of the suite wrote): only these are removed from it. Other packages
// that write into the report directory (the HTML report) add their names at init.
var Owned = []string{JUnitFile, JSONFile, SkippedFile, SummaryFile, "pacts", "report.html"}

// PrepareDir makes dir an empty report directory for a new run, so nothing stale from an
// earlier run (a pact this run did not record, a failure since fixed) is read as this
// run's. It never deletes what the suite did not write: a directory with the marker is
// the suite's and is emptied; a missing or empty one is created and marked; any other
// loses only the Owned names, and the rest is returned for the caller to mention.
func PrepareDir(dir string) (foreign []string, err error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("creating the report directory %s: %w", dir, err)
		}
	case err != nil:
		return nil, fmt.Errorf("the report directory %s: %w", dir, err)
	}
	_, markerErr := os.Stat(filepath.Join(dir, Marker))
	ours := markerErr == nil
	owned := map[string]bool{}
	for _, n := range Owned {
		owned[n] = true
	}
	for _, e := range entries {
		switch {
		case e.Name() == Marker:
		case ours || owned[e.Name()]:
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return nil, fmt.Errorf("emptying the report directory %s: %w", dir, err)
			}
		default:
			foreign = append(foreign, e.Name())
		}
	}
	sort.Strings(foreign)
	if len(foreign) == 0 && !ours {
		note := []byte("This directory holds the reports of the AutoShares conformance suite. Each run empties it first.\n")
		if err := os.WriteFile(filepath.Join(dir, Marker), note, 0o644); err != nil {
			return nil, fmt.Errorf("marking the report directory %s: %w", dir, err)
		}
	}
	return foreign, nil
}
