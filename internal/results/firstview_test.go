package results

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/autoshares/conformance/internal/testkit"
)

// At a laptop's 1280x800, the first failure is in view without scrolling, nothing pinned
// covers the page, and the label chips wait behind a search box that narrows them.
func TestFirstFailureWithoutScrolling(t *testing.T) {
	b := newBrowser(t)
	dir := outDir(t)
	path := filepath.Join(dir, "first-view.html")
	if err := WriteHTML(path, failingRun()); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.Ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}
	b.Open(t, path)
	if got := eval[string](t, b, testkit.FirstFailureInView); got != "ok" {
		t.Error(got)
	}
	first := eval[string](t, b, `document.querySelector(".failure-list .failure-item").innerText`)
	if !strings.Contains(first, "- status: expected 400, got 200") {
		t.Errorf("the first failure reads %q", first)
	}
	screenshot(t, b, chromedp.CaptureScreenshot(), filepath.Join(dir, "first-view-1280x800.png"))

	click(t, b, ".label-filter summary")
	visibleChips := `Array.from(document.querySelectorAll("[data-filter-label]")).filter(c => c.checkVisibility()).map(c => c.getAttribute("data-filter-label"))`
	all := eval[[]string](t, b, visibleChips)
	testkit.Eval[bool](t, b, `(() => { const s = document.getElementById("label-search"); s.value = "step4"; s.dispatchEvent(new Event("input")); return true; })()`)
	got := eval[[]string](t, b, visibleChips)
	if len(got) == 0 || len(got) >= len(all) {
		t.Errorf("searching step4 shows %q of %q", got, all)
	}
	for _, l := range got {
		if !strings.Contains(l, "step4") {
			t.Errorf("searching step4 shows %q", l)
		}
	}
}
