// Package outcome is the typed record of what a spec found: one Record per judgement, made by
// the code that judged, written by each process to the report directory once, and read back
// by the process that writes the reports. Every report is rendered from these records joined
// with Ginkgo's spec states; nothing reads a failure message back to learn a check, a state
// or a reason.
package outcome

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
)

// State is what became of one check (or one spec) in a run: the same words in every report.
type State string

const (
	Passed State = "passed"
	Failed State = "failed"
	// Errored: the spec failed outside any check (a transport error, a timeout, a panic, a
	// provider state that could not be set up). It counts like Failed for a profile's level
	// and in the comparison.
	Errored State = "errored"
	// Inconclusive: the target's rate limits kept the check from being settled.
	Inconclusive State = "inconclusive"
	// KnownDeviation: it failed exactly as an entry of AUTOSHARES_KNOWN_DEVIATIONS records.
	KnownDeviation State = "known deviation"
	// Skipped: the configuration cannot serve the spec (a missing setting).
	Skipped State = "skipped"
	// NotChecked: the spec ran but could not make the check (a step it needs could not be
	// done, a setting turned it off, the target refused an optional input); Reason says why.
	NotChecked State = "not checked"
	// Filtered: the label filter or a focus left the spec out.
	Filtered State = "filtered"
)

// States lists every state, worst first: a check judged by several specs takes the worst.
var States = []State{Failed, Errored, KnownDeviation, Inconclusive, Skipped, NotChecked, Filtered, Passed}

// Worse reports whether a is worse than b (States order).
func Worse(a, b State) bool { return slices.Index(States, a) < slices.Index(States, b) }

// Failing reports whether s fails a run (and a profile): failed or errored.
func (s State) Failing() bool { return s == Failed || s == Errored }

// Problem is one thing wrong with a reply. Kind is a stable, short name of what was wrong
// (status, content-type, schema, is-succeed, errors, errors-code, unchanged, echo, ...), so a
// known deviation can name the failure it accepts; Text is the line a person reads (masked).
type Problem struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
}

// Signature is what identifies one failure of a check across runs: the status the target
// answered (0 when the check was not about one reply) and the kinds of its problems, sorted
// and each once. A known deviation accepts exactly one signature; the comparison calls a
// check whose signature changed "failing differently".
type Signature struct {
	Status int      `json:"status,omitempty"`
	Kinds  []string `json:"kinds"`
}

// SignatureOf returns the signature of a failure with the given status and problems.
func SignatureOf(status int, problems []Problem) Signature {
	var kinds []string
	for _, p := range problems {
		if !slices.Contains(kinds, p.Kind) {
			kinds = append(kinds, p.Kind)
		}
	}
	sort.Strings(kinds)
	return Signature{Status: status, Kinds: kinds}
}

// Equal reports whether two signatures name the same failure.
func (s Signature) Equal(o Signature) bool {
	return s.Status == o.Status && slices.Equal(s.Kinds, o.Kinds)
}

// Record is one judgement of one check by one spec (or, with Check empty, what ended a spec
// outside any check: State Errored, Reason saying what). Every text in it is already masked.
type Record struct {
	Spec    string `json:"spec"`    // the spec's full text
	Process int    `json:"process"` // the Ginkgo process that ran it
	Check   string `json:"check,omitempty"`
	State   State  `json:"state"`
	// Status is the HTTP status of the judged reply, 0 when the check is not about one.
	Status   int       `json:"status,omitempty"`
	Problems []Problem `json:"problems,omitempty"`
	// Reason: why not checked, skipped, errored or inconclusive, in a sentence. For a spec
	// that skipped itself (Check empty, State Skipped): what it needs, "" when a setting
	// turned it off.
	Reason string `json:"reason,omitempty"`
	// Enable, for a spec that skipped itself: what would enable it (the settings to set),
	// by which the reports group skipped specs.
	Enable       string `json:"enable,omitempty"`
	Transcript   string `json:"transcript,omitempty"`
	Reproduction string `json:"reproduction,omitempty"`
	// Deviation is the known-deviations entry (its check and ticket) that accepted this
	// failure, or that this failure did not match (State Failed, DeviationMismatch true).
	Deviation         *DeviationRef `json:"deviation,omitempty"`
	DeviationMismatch bool          `json:"deviation_mismatch,omitempty"`
	// RateLimitWaits counts the waits the target's rate limits cost this judgement.
	RateLimitWaits int `json:"rate_limit_waits,omitempty"`
	// Finding, when set, makes the record an informational finding the spec observed (an ID
	// of the catalogue's findings), not a judgement: Check is empty and State is Passed,
	// since a finding never fails a run.
	Finding string `json:"finding,omitempty"`
}

// Signature is the record's failure signature.
func (r Record) Signature() Signature { return SignatureOf(r.Status, r.Problems) }

// DeviationRef names the known-deviations entry a record met.
type DeviationRef struct {
	Check  string `json:"check"`
	Ticket string `json:"ticket"`
}

// Dir is where each process writes its records, under the report directory.
const Dir = ".outcomes"

// Write writes one process's records to reportDir/.outcomes/<process>.jsonl, once, at the
// end of the process (the previous file of that process, if any, is replaced).
func Write(reportDir string, process int, records []Record) error {
	dir := filepath.Join(reportDir, Dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%d.jsonl", process)))
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	for _, r := range records {
		if err := enc.Encode(r); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// ReadAll reads every process's records from reportDir, in process order.
func ReadAll(reportDir string) ([]Record, error) {
	files, err := filepath.Glob(filepath.Join(reportDir, Dir, "*.jsonl"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var all []Record
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			var r Record
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				f.Close()
				return nil, fmt.Errorf("%s: %v", name, err)
			}
			all = append(all, r)
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
	}
	return all, nil
}
