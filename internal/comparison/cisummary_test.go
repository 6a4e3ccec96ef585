package comparison_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/checks"
	"github.com/autoshares/conformance/internal/comparison"
	"github.com/autoshares/conformance/internal/conformance"
	"github.com/autoshares/conformance/internal/repo"
)

// The CI job summary (scripts/ci-summary.sh) reads the profiles and the comparison from the
// files as the suite writes them.
func TestCISummaryShowsProfilesAndComparison(t *testing.T) {
	dir := t.TempDir()
	cat := checks.MustDefault()
	judged := conformance.Judge(cat, nil, nil, nil)
	if err := conformance.Write(dir, conformance.Build(conformance.Meta{Start: time.Now(), End: time.Now()}, judged, nil)); err != nil {
		t.Fatal(err)
	}
	c := comparison.Compare(comparison.Run{}, comparison.Run{},
		results(map[string]conformance.State{"a.one": conformance.Passed, "a.two": conformance.Failed}),
		results(map[string]conformance.State{"a.one": conformance.Failed, "a.two": conformance.Failed}))
	if err := comparison.Write(dir, c); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "junit.xml"), []byte(`<testsuites><testsuite name="s" tests="1" failures="1" errors="0" skipped="0" time="1"></testsuite></testsuites>`), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("bash", filepath.Join(repo.RootFor(t), "scripts", "ci-summary.sh"), dir, "1").CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"| core | not tested |", "| security-l2 | not tested |", "- newly failing: `a.one`", "- still failing: `a.two`", "- fixed: none"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the summary lacks %q:\n%s", want, out)
		}
	}
}
