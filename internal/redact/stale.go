package redact

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
)

// A run killed outright (SIGKILL, the OOM killer, a CI job cancelled hard) leaves its
// share files behind: the secrets it learned, in cleartext, in the temp directory. The
// next run removes them. Safely: only files named as Share names them, in a directory of
// this suite's (autoshares-*, straight in the temp directory or one level down, where the
// launcher's private temp directory puts the run's), readable by this user (the
// directories are 0700), and only when every process of that run is gone: a file whose
// process is dead but whose run goes on still holds secrets that run's reports need.

// staleShareFile matches a share file, capturing its process's PID.
var staleShareFile = regexp.MustCompile(`^secrets-\d+-pid(\d+)\.jsonl$`)

// RemoveStale removes the share files of runs whose processes are all gone, from the temp
// directory (and from the one above it when this process runs inside the launcher's
// private temp directory), and returns what it removed. Best effort: what it cannot
// remove, it leaves.
func RemoveStale() []string {
	var removed []string
	for _, root := range staleRoots() {
		var dirs []string
		for _, pattern := range []string{"autoshares-*/secrets", "autoshares-*/autoshares-*/secrets"} {
			m, _ := filepath.Glob(filepath.Join(root, pattern))
			dirs = append(dirs, m...)
		}
		for _, dir := range dirs {
			removed = append(removed, removeDeadRun(dir)...)
		}
	}
	return removed
}

// staleRoots: the temp directory, and its parent when it is the launcher's private one
// (autoshares-tmp-*, which a killed launcher could not remove either).
func staleRoots() []string {
	tmp := filepath.Clean(os.TempDir())
	roots := []string{tmp}
	if strings.HasPrefix(filepath.Base(tmp), "autoshares-") {
		roots = append(roots, filepath.Dir(tmp))
	}
	return roots
}

// removeDeadRun removes the share files in dir if every one of them belongs to a process
// that no longer exists, and then dir itself if that left it empty.
func removeDeadRun(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		return nil
	}
	var files []string
	for _, e := range entries {
		m := staleShareFile.FindStringSubmatch(e.Name())
		if m == nil || !e.Type().IsRegular() {
			return nil // not only share files: not ours to judge
		}
		pid, err := strconv.Atoi(m[1])
		if err != nil || processAlive(pid) {
			return nil
		}
		files = append(files, filepath.Join(dir, e.Name()))
	}
	var removed []string
	for _, f := range files {
		if os.Remove(f) == nil {
			removed = append(removed, f)
		}
	}
	_ = os.Remove(dir) // only if empty
	return removed
}

// processAlive says whether a process with this PID exists (a reused PID counts as alive:
// the file is then left, never wrongly removed).
func processAlive(pid int) bool {
	if pid <= 0 {
		return true
	}
	if pid == os.Getpid() {
		return true
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return !(errors.Is(err, os.ErrProcessDone) || errors.Is(err, syscall.ESRCH))
}
