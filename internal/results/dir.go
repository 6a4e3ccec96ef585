package results

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/autoshares/conformance/internal/outcome"
)

// Marker is the file that says a directory is the suite's report directory, so a later
// run may empty it. Only a directory the suite created, or found empty, gets one.
const Marker = ".autoshares-reports"

// Owned lists the files the suite writes into a report directory. From a directory
// without the marker (one an earlier version of the suite wrote, or one a user pointed
// AUTOSHARES_REPORT_DIR at) only these are removed, and never a directory: a report dir
// set to the repository's root must not cost it its committed pacts/. Other packages that
// write files into the report directory (the HTML report) add their names at init.
var Owned = []string{JUnitFile, JSONFile, SkippedFile, SummaryFile, "report.html"}

// PrepareDir makes dir an empty report directory for a new run, so nothing stale from an
// earlier run (a pact this run did not record, a failure since fixed) is read as this
// run's. It never deletes what the suite did not write: a directory with the marker is
// the suite's and is emptied; a missing or empty one is created and marked; any other
// loses only the Owned files, and the rest is returned for the caller to mention (see
// ForeignNote).
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
		case e.Name() == Marker, e.Name() == outcome.Dir:
		case ours || (owned[e.Name()] && !e.IsDir()):
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return nil, fmt.Errorf("emptying the report directory %s: %w", dir, err)
			}
		default:
			foreign = append(foreign, e.Name())
		}
	}
	// The outcome records are the suite's wherever they are: an earlier run's must never be
	// read as this run's.
	if err := os.RemoveAll(filepath.Join(dir, outcome.Dir)); err != nil {
		return nil, fmt.Errorf("emptying the report directory %s: %w", dir, err)
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

// ForeignNote is what to tell the user about a report directory that holds more than the
// suite's files.
func ForeignNote(dir string, foreign []string) string {
	return fmt.Sprintf("The report directory %s holds what this run did not write, left alone: %s.\n"+
		"If it is all from earlier runs, remove the directory once: the suite then creates and manages it (and empties it before every run).",
		dir, strings.Join(foreign, ", "))
}
