package redact

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Under `ginkgo -p` every process learns its own secrets (the tokens and passwords of its
// specs), but the reports are written once, by process 1. Hashes would not do: masking
// needs the values. So each process appends what it learns to a file of its own in a
// run-private directory (0700, files 0600, removed at the end of the run), and process 1
// reads them all (LoadShared) before it writes anything.

// shareFilePattern names one process's file in the share directory: its parallel process
// number and its PID, so that the next run can tell the file of a run killed outright
// (SIGKILL: nothing of it could clean up) from one of a run still going (RemoveStale).
const shareFilePattern = "secrets-%d-pid%d.jsonl"

// Share makes r append every secret it knows now, and every one it learns later, to its
// own file for process in dir (created 0700 if missing). Writes are unbuffered, so a
// process that dies still leaves what it learned. A write failure is kept for ShareErr:
// Add has no error to return, and a secret that was not shared would leak from a report.
//
// It first removes what killed runs left (RemoveStale).
func (r *Redactor) Share(dir string, process int) error {
	RemoveStale()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("the run's secret directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, fmt.Sprintf(shareFilePattern, process, os.Getpid())), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("the run's secret file: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.share != nil {
		r.share.Close()
	}
	r.share = f
	for s := range r.secrets {
		r.writeSharedLocked(s)
	}
	return r.shareErr
}

// writeSharedLocked appends one secret, as a JSON string on a line of its own (a secret
// may hold a newline). The caller holds r.mu.
func (r *Redactor) writeSharedLocked(secret string) {
	if r.share == nil || r.shareErr != nil {
		return
	}
	line, _ := json.Marshal(secret)
	if _, err := r.share.Write(append(line, '\n')); err != nil {
		r.shareErr = fmt.Errorf("sharing a secret with the process that writes the reports: %w", err)
	}
}

// ShareErr returns the first failure to share a secret, and closes the file: call it
// once, when the process is done.
func (r *Redactor) ShareErr() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.share != nil {
		if err := r.share.Close(); err != nil && r.shareErr == nil {
			r.shareErr = err
		}
		r.share = nil
	}
	return r.shareErr
}

// LoadShared adds every secret the processes shared in dir. A missing dir is no error
// (no other process ran); an unreadable file is, as reports written without its secrets
// could leak them.
func (r *Redactor) LoadShared(dir string) error {
	names, err := filepath.Glob(filepath.Join(dir, "secrets-*.jsonl"))
	if err != nil {
		return err
	}
	sort.Strings(names)
	var errs []error
	for _, name := range names {
		if err := r.loadFile(name); err != nil {
			errs = append(errs, fmt.Errorf("reading the secrets of another process (%s): %w", filepath.Base(name), err))
		}
	}
	return errors.Join(errs...)
}

func (r *Redactor) loadFile(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var secrets []string
	for sc.Scan() {
		var s string
		if len(sc.Bytes()) == 0 {
			continue
		}
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			// A line cut short by a process killed mid-write: the rest still counts.
			continue
		}
		secrets = append(secrets, s)
	}
	r.Add(secrets...)
	return sc.Err()
}
