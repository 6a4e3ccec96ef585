package selftest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The project carries what it needs of outside material in its own docs/: no tracked file
// may point at a path outside the repository.
func TestNoFileRefersOutsideTheRepository(t *testing.T) {
	out, err := exec.Command("git", "-C", moduleRoot(), "ls-files").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	outside := []string{"../shared", "shared/api/", "shared/seed/", "shared/design/", "/work/"}
	for _, f := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if strings.HasSuffix(f, ".png") || strings.HasPrefix(f, "suites/selftest/repository_test.go") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(moduleRoot(), f))
		if err != nil {
			continue // deleted in the work tree
		}
		for _, p := range outside {
			if strings.Contains(string(data), p) {
				t.Errorf("%s refers to %q, outside the repository", f, p)
			}
		}
	}
}
