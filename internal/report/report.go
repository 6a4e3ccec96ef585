// Package report writes a run's JUnit XML and Ginkgo JSON reports with every known secret
// masked, and summarises what was skipped and why. It runs once, on Ginkgo's first
// process, after every process has finished, so it sees the whole run.
package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/redact"
)

// File names inside the report directory.
const (
	JUnitFile   = "junit.xml"
	JSONFile    = "ginkgo-report.json"
	SkippedFile = "skipped.txt"
)

// Write masks the report and writes JUnit, JSON and the skip summary into dir.
func Write(rep types.Report, dir string, r *redact.Redactor) error {
	masked, err := Redact(rep, r)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := reporters.GenerateJUnitReport(masked, filepath.Join(dir, JUnitFile)); err != nil {
		return err
	}
	if err := reporters.GenerateJSONReport(masked, filepath.Join(dir, JSONFile)); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, SkippedFile), []byte(SkipSummary(masked)), 0o644)
}

// Redact returns a copy of rep in which every string has its secrets masked. Going through
// JSON reaches every field (failure messages, captured output, report entries) without
// listing them, so a field Ginkgo adds later is covered too; masking string values, not
// the JSON text, keeps the structure intact whatever a secret looks like.
func Redact(rep types.Report, r *redact.Redactor) (types.Report, error) {
	raw, err := json.Marshal(rep)
	if err != nil {
		return rep, err
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return rep, err
	}
	masked, err := json.Marshal(maskStrings(tree, r))
	if err != nil {
		return rep, err
	}
	var out types.Report
	if err := json.Unmarshal(masked, &out); err != nil {
		return rep, fmt.Errorf("masking the report: %w", err)
	}
	return out, nil
}

func maskStrings(v any, r *redact.Redactor) any {
	switch t := v.(type) {
	case string:
		return r.String(t)
	case map[string]any:
		for k, val := range t {
			t[k] = maskStrings(val, r)
		}
	case []any:
		for i := range t {
			t[i] = maskStrings(t[i], r)
		}
	}
	return v
}

// SkipSummary lists every skipped spec with the reason it gave, so nothing passes
// silently. Specs left out by a label filter or focus are counted, not listed.
func SkipSummary(rep types.Report) string {
	var lines []string
	filtered := 0
	for _, s := range rep.SpecReports {
		if s.LeafNodeType != types.NodeTypeIt {
			continue
		}
		switch {
		case s.State == types.SpecStateSkipped && s.Failure.Message != "":
			lines = append(lines, fmt.Sprintf("- %s\n    %s", s.FullText(), strings.ReplaceAll(s.Failure.Message, "\n", "\n    ")))
		case s.State == types.SpecStateSkipped || s.State == types.SpecStatePending:
			filtered++
		}
	}
	sort.Strings(lines)
	var b strings.Builder
	if len(lines) == 0 {
		b.WriteString("No spec skipped itself.\n")
	} else {
		fmt.Fprintf(&b, "%d spec(s) skipped because the configuration cannot produce what they need:\n%s\n", len(lines), strings.Join(lines, "\n"))
	}
	if filtered > 0 {
		fmt.Fprintf(&b, "%d spec(s) not run: left out by a label filter, focus or an earlier failure.\n", filtered)
	}
	return b.String()
}
