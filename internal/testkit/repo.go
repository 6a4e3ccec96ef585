// Package repo finds this repository's root (the directory of its go.mod) from tests and
// from tools run inside the work tree, where the installed tools (.tools/), pacts/, docs/
// and scripts/ live.
package testkit

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// ModulePath is the module whose go.mod marks the root.
const ModulePath = "github.com/autoshares/conformance"

// Root finds the directory of this module's go.mod: upwards from the working directory
// (go test runs in the package directory), else from this source file.
func Root() (string, error) {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		starts = append(starts, filepath.Dir(file))
	}
	for _, dir := range starts {
		for {
			if isRoot(dir) {
				return dir, nil
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return "", fmt.Errorf("no go.mod of %s above the working directory", ModulePath)
}

// RootFor is Root for a test: it fails the test when there is no root.
func RootFor(t testing.TB) string {
	t.Helper()
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// isRoot reports whether dir/go.mod declares ModulePath (not just any module, so a nested
// or foreign go.mod is skipped).
func isRoot(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`) == ModulePath
		}
	}
	return false
}
