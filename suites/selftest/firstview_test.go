package selftest

import (
	"path/filepath"
	"regexp"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/testkit"
)

// A failing run's report.html, in headless Chromium at a laptop's 1280x800, shows the first
// failure without scrolling, with nothing pinned over the page.
func TestAFailingRunsReportShowsTheFirstFailureWithoutScrolling(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true, Faults: []string{refprovider.FaultAcceptMismatchedPasswords}})
	o := runSuite(t, targetEnv(p, key), "-ginkgo.label-filter=!slow")
	if o.exitErr == nil {
		t.Fatalf("want a failing run\n%s", o.output)
	}
	b := testkit.New(t)
	if err := chromedp.Do(b.Ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}
	b.Open(t, filepath.Join(o.reports, "report.html"))
	if got := testkit.Eval[string](t, b, testkit.FirstFailureInView); got != "ok" {
		t.Error(got)
	}
	first := testkit.Eval[string](t, b, `document.querySelector(".failure-list .failure-item").innerText`)
	// Any failed check may come first (the fault breaks several): its ID, then its problem lines.
	if !regexp.MustCompile(`\[[a-z0-9.-]+\] failed\n- `).MatchString(first) {
		t.Errorf("the first failure reads %q", first)
	}
	testkit.Screenshot(t, b, chromedp.CaptureScreenshot(), filepath.Join(testkit.OutDir(t, "selftest-html-report"), "first-view-1280x800.png"))
}
