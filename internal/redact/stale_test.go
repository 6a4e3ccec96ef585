package redact

import (
	"bufio"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const staleCanary = "stale-canary-secret-5b1e"

// A run killed with SIGKILL leaves its share file (the secrets it learned) in the temp
// directory; the next run's first Share removes it, and leaves alone the files of a run
// whose processes are still alive.
func TestTheSecretsOfAKilledRunAreRemovedAtTheNextStart(t *testing.T) {
	root := t.TempDir()
	t.Setenv("TMPDIR", root)
	// A run inside the launcher's private temp directory, killed.
	launcherTmp := filepath.Join(root, "autoshares-tmp-1")
	if err := os.Mkdir(launcherTmp, 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperShareAndWait$")
	cmd.Env = append(os.Environ(), "TMPDIR="+launcherTmp, "REDACT_HELPER_SHARE=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		ready <- line
	}()
	select {
	case line := <-ready:
		if !strings.HasPrefix(line, "shared") {
			t.Fatalf("the helper said %q", line)
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the helper did not share its secret")
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: nothing of it runs after this
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if !holdsCanary(t, root) {
		t.Fatal("the killed run left no secret file: the test proves nothing")
	}

	// A run still going (this process) keeps its file.
	live := New()
	if err := live.Share(filepath.Join(root, "autoshares-run-live", "secrets"), 1); err != nil {
		t.Fatal(err)
	}
	live.Add("live-run-secret-0001")
	if err := live.ShareErr(); err != nil {
		t.Fatal(err)
	}

	// The next run starts.
	next := New()
	if err := next.Share(filepath.Join(root, "autoshares-run-next", "secrets"), 1); err != nil {
		t.Fatal(err)
	}
	_ = next.ShareErr()
	if holdsCanary(t, root) {
		t.Error("the killed run's secrets survive the next start")
	}
	got := New()
	if err := got.LoadShared(filepath.Join(root, "autoshares-run-live", "secrets")); err != nil {
		t.Fatal(err)
	}
	if got.String("live-run-secret-0001") != Mask {
		t.Error("the file of a run still going was removed")
	}
}

// holdsCanary says whether any file under root holds the canary.
func holdsCanary(t *testing.T, root string) bool {
	found := false
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if b, _ := os.ReadFile(p); strings.Contains(string(b), staleCanary) {
				found = true
			}
		}
		return nil
	})
	return found
}

// TestHelperShareAndWait is the killed run of the test above: it shares a secret as a
// suite process does, says so, and waits to be killed.
func TestHelperShareAndWait(t *testing.T) {
	if os.Getenv("REDACT_HELPER_SHARE") == "" {
		t.Skip("a helper of TestTheSecretsOfAKilledRunAreRemovedAtTheNextStart")
	}
	dir, err := os.MkdirTemp("", "autoshares-run-")
	if err != nil {
		t.Fatal(err)
	}
	r := New()
	if err := r.Share(filepath.Join(dir, "secrets"), 1); err != nil {
		t.Fatal(err)
	}
	r.Add(staleCanary)
	os.Stdout.WriteString("shared\n")
	time.Sleep(time.Minute)
}
