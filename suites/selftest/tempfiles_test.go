package selftest

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The run's secret files (the secrets processes share, pact fragments, the embedded
// provider's mailbox) are private while the run lives, and gone after it, even when its
// suite processes are killed outright and cannot clean up after themselves.
func TestSecretTempFilesArePrivateAndGoWhenARunIsKilled(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("finds the suite's processes in /proc")
	}
	t.Parallel()
	tmp := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// The slow spec waits out a long token lifetime: the run is alive until it is killed.
	cmd := exec.CommandContext(ctx, launcher(t), "--suite", compiledSuite(t), "--labels", "slow", "--procs", "2")
	cmd.Dir = t.TempDir()
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AUTOSHARES_") && !strings.HasPrefix(kv, "TMPDIR=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "TMPDIR="+tmp, "AUTOSHARES_TOKEN_LIFETIME=10m", "AUTOSHARES_REPORT_DIR="+t.TempDir(), "NO_COLOR=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // whatever happens, nothing of this run survives the test

	var secretFiles []string
	for deadline := time.Now().Add(60 * time.Second); len(secretFiles) == 0 && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		secretFiles = nil
		filepath.WalkDir(tmp, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.Contains(path, "secrets-") {
				secretFiles = append(secretFiles, path)
			}
			return nil
		})
	}
	if len(secretFiles) == 0 {
		t.Fatalf("the run shared no secret under its temp directory within a minute:\n%s", out.String())
	}
	filepath.WalkDir(tmp, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == tmp {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		// The suite's own files are 0600 and every directory 0700; Mailpit writes its
		// database with its own mode, inside a 0700 directory no one else can enter.
		mailpitFile := !d.IsDir() && strings.Contains(filepath.Base(filepath.Dir(path)), "mailpit-")
		if info.Mode().Perm()&0o077 != 0 && !mailpitFile {
			t.Errorf("%s is %v: others can read it", strings.TrimPrefix(path, tmp), info.Mode().Perm())
		}
		return nil
	})

	// Kill the suite's processes outright (the launcher, their parent, lives on).
	killed := 0
	for _, pid := range processGroup(cmd.Process.Pid) {
		if pid != cmd.Process.Pid {
			if syscall.Kill(pid, syscall.SIGKILL) == nil {
				killed++
			}
		}
	}
	if killed == 0 {
		t.Fatal("found no suite process to kill")
	}
	cmd.Wait()
	var left []string
	filepath.WalkDir(tmp, func(path string, d fs.DirEntry, err error) error {
		if path != tmp {
			left = append(left, strings.TrimPrefix(path, tmp))
		}
		return nil
	})
	if len(left) > 0 {
		t.Errorf("after the run was killed, its temp directory still holds %q", left)
	}
}

// processGroup lists the processes of the process group pgid.
func processGroup(pgid int) []int {
	var out []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if g, err := syscall.Getpgid(pid); err == nil && g == pgid {
			out = append(out, pid)
		}
	}
	return out
}
