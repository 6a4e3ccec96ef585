package launch

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// `make conformance` exits 2 for any failure (GNU make's own code for a failed recipe,
// whatever the recipe's); its recipe says the launcher's code and leaves it in
// .build/conformance.exit, as README.md and docs/RUNNING.md say. The recipe runs here with
// the toolchain steps made no-ops (GO=true) and a stand-in launcher that exits as told.
func TestMakeConformanceKeepsTheLaunchersCode(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"0", "1", "2"} {
		build := t.TempDir()
		launcher := "#!/bin/sh\necho launcher ran \"$@\"\nexit " + code + "\n"
		if err := os.WriteFile(filepath.Join(build, "autoshares-conformance"), []byte(launcher), 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("make", "-s", "-C", root, "conformance", "GO=true", "BUILD="+build, "AUTOSHARES_BASE_URL=http://127.0.0.1:9/api", "LABELS=step4")
		out, err := cmd.CombinedOutput()
		makeCode := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			makeCode = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"0": 0, "1": 2, "2": 2}[code]
		if makeCode != want {
			t.Errorf("launcher exit %s: make exits %d, want %d\n%s", code, makeCode, want, out)
		}
		if !strings.Contains(string(out), "launcher ran --suite "+build+"/passwordreset.test --labels step4") {
			t.Errorf("the launcher was not run as expected:\n%s", out)
		}
		saved, err := os.ReadFile(filepath.Join(build, "conformance.exit"))
		if err != nil || strings.TrimSpace(string(saved)) != code {
			t.Errorf("conformance.exit holds %q (%v), want %s", saved, err, code)
		}
		if code != "0" && !strings.Contains(string(out), "the launcher exited "+code) {
			t.Errorf("make does not say the launcher's code:\n%s", out)
		}
	}
}
