package results

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/autoshares/conformance/internal/testkit"
)

// The browser test opens the report of a failing run in headless Chromium from file://, as a
// person would, and checks what it shows (internal/testkit drives the browser).

type browser = testkit.Browser

func newBrowser(t *testing.T) *browser { return testkit.New(t) }

func outDir(t *testing.T) string { return testkit.OutDir(t, "htmlreport-browser-test") }

func eval[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	return testkit.Eval[T](t, b, js)
}

func media(t *testing.T, b *browser, m string) { t.Helper(); testkit.Media(t, b, m) }

func click(t *testing.T, b *browser, css string) { t.Helper(); testkit.Click(t, b, css) }

func screenshot(t *testing.T, b *browser, action chromedp.Action[[]byte], path string) {
	t.Helper()
	testkit.Screenshot(t, b, action, path)
}

// visibleSpecs is the text of every spec a reader can see, in page order.
const visibleSpecs = `Array.from(document.querySelectorAll(".spec"))
	.filter(s => s.checkVisibility())
	.map(s => s.querySelector(".spec-text").textContent)`

// One browser for every check: starting Chromium is the slow part.
func TestReportInHeadlessChromium(t *testing.T) {
	b := newBrowser(t)
	t.Run("the report of a failing run", func(t *testing.T) { failingReport(t, b) })
	t.Run("hostile text stays inert", func(t *testing.T) { hostileReport(t, b) })
	t.Run("the network watch sees an external resource", func(t *testing.T) { leakyPage(t, b) })
}

func failingReport(t *testing.T, b *browser) {
	dir := outDir(t)
	path := filepath.Join(dir, "report.html")
	run := failingRun()
	if err := WriteHTML(path, run); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.Ctx, chromedp.EmulateViewport(1280, 1560)); err != nil {
		t.Fatal(err)
	}
	pageURL := b.Open(t, path)

	// The summary: the verdict and the counts a reader sees.
	if v := eval[string](t, b, `document.getElementById("verdict").innerText`); !strings.HasPrefix(strings.ToUpper(v), "FAILED") {
		t.Errorf("verdict reads %q, want FAILED ...", v)
	}
	counts := eval[map[string]string](t, b, `Object.fromEntries(Array.from(document.querySelectorAll(".tally .n"))
		.filter(n => n.checkVisibility()).map(n => [n.id, n.innerText]))`)
	wantCounts := map[string]string{
		"specs-run": "3", "specs-passed": "2", "specs-failed": "1", "specs-skipped": "1", "specs-filtered": "1",
		"judgements-run": "5", "judgements-passed": "3", "judgements-failed": "2", "judgements-skipped": "1", "judgements-not-checked": "1", "judgements-filtered": "1",
	}
	for id, want := range wantCounts {
		if counts[id] != want {
			t.Errorf("visible count %s = %q, want %q", id, counts[id], want)
		}
	}
	if len(counts) != len(wantCounts) {
		t.Errorf("visible counts %v, want exactly %v", counts, wantCounts)
	}
	if got := eval[string](t, b, `document.querySelector(".settings-table tr.loosened").innerText`); !strings.Contains(got, "AUTOSHARES_EXPECT_WRONG_ANSWER_MESSAGE") {
		t.Errorf("the loosened setting row reads %q", got)
	}

	// The failure: problem lines shown at once, the transcript after expanding it.
	failed := `#spec-2` // the second spec of the run, listed first because it failed
	if got := eval[string](t, b, `document.querySelector("`+failed+` .problems").innerText`); !strings.Contains(got, "- status: expected 400, got 200") {
		t.Errorf("problem lines read %q", got)
	}
	transcriptVisible := `document.querySelector("` + failed + ` .transcript pre").checkVisibility()`
	if eval[bool](t, b, transcriptVisible) {
		t.Error("the transcript is expanded before anyone asked")
	}
	click(t, b, failed+" .transcript summary")
	if !eval[bool](t, b, transcriptVisible) {
		t.Fatal("the transcript is not visible after expanding it")
	}
	if got := eval[string](t, b, `document.querySelector("`+failed+` .transcript pre").innerText`); !strings.Contains(got, `< {"IsSucceed":true,"Errors":[],"Model":null}`) {
		t.Errorf("the transcript reads %q", got)
	}

	// The summary and the expanded failure, at a laptop's width (docs/HTML-REPORT.md's
	// screenshot is TestReportReadsAt1280And390's, with the profile table).
	eval[chromedp.Void](t, b, `window.scrollTo(0, 0)`)
	screenshot(t, b, chromedp.CaptureScreenshot(), filepath.Join(dir, "report.png"))
	screenshot(t, b, chromedp.FullScreenshot(100), filepath.Join(dir, "report-full.png"))

	all := []string{run.Specs[1].Text, run.Specs[3].Text, run.Specs[0].Text, run.Specs[2].Text, run.Specs[4].Text}
	expect := func(what string, want ...string) {
		t.Helper()
		got := eval[[]string](t, b, visibleSpecs)
		if !slices.Equal(got, want) {
			t.Errorf("%s: visible specs\n got %q\nwant %q", what, got, want)
		}
		if n := eval[string](t, b, `document.getElementById("shown-count").innerText`); n != fmt.Sprint(len(want)) {
			t.Errorf("%s: the page says %s specs are shown, %d are", what, n, len(want))
		}
	}
	expect("no filter", all...)

	// Status filter: turning statuses off hides their specs.
	click(t, b, `[data-filter-status="passed"]`)
	click(t, b, `[data-filter-status="filtered"]`)
	expect("without passed and filtered", run.Specs[1].Text, run.Specs[3].Text)
	click(t, b, `[data-filter-status="skipped"]`)
	expect("failed only", run.Specs[1].Text)

	// Label filter, combined with the status filter, then alone. The label chips are
	// collapsed behind a search box until asked for.
	if eval[bool](t, b, `document.querySelector('[data-filter-label="step1"]').checkVisibility()`) {
		t.Error("the label chips are shown before anyone asked")
	}
	click(t, b, ".label-filter summary")
	click(t, b, `[data-filter-label="step1"]`)
	expect("failed and step1: none")
	if !eval[bool](t, b, `document.getElementById("no-match").checkVisibility()`) {
		t.Error("no spec matches, and the page does not say so")
	}
	click(t, b, "#reset-filters")
	expect("after Show all", all...)
	click(t, b, `[data-filter-label="step4"]`)
	expect("step4", run.Specs[1].Text, run.Specs[3].Text, run.Specs[4].Text)
	click(t, b, `[data-filter-label="step2"]`)
	expect("step4 or step2", run.Specs[1].Text, run.Specs[3].Text, run.Specs[2].Text, run.Specs[4].Text)
	click(t, b, `[data-filter-status="skipped"]`)
	expect("step4 or step2, not skipped", run.Specs[1].Text, run.Specs[2].Text, run.Specs[4].Text)
	click(t, b, "#reset-filters")

	// Print: the filters stay off the paper and every collapsed section opens; afterwards
	// what was closed closes again. (The print dialog is not scriptable: the test emulates
	// print media and sends the event a browser sends before printing.)
	closed := `document.querySelectorAll("details:not([open])").length`
	before := eval[int](t, b, closed)
	media(t, b, "print")
	eval[chromedp.Void](t, b, `window.dispatchEvent(new Event("beforeprint"))`)
	if n := eval[int](t, b, closed); n != 0 {
		t.Errorf("printing leaves %d sections collapsed", n)
	}
	if eval[bool](t, b, `document.querySelector(".filters").checkVisibility()`) {
		t.Error("the filters are printed")
	}
	eval[chromedp.Void](t, b, `window.dispatchEvent(new Event("afterprint"))`)
	media(t, b, "")
	if n := eval[int](t, b, closed); n != before || before == 0 {
		t.Errorf("after printing %d sections are collapsed, before %d", n, before)
	}

	// A narrow window: nothing wider than the screen, so nothing scrolls sideways.
	if err := chromedp.Do(b.Ctx, chromedp.EmulateViewport(380, 800)); err != nil {
		t.Fatal(err)
	}
	if w := eval[int](t, b, `document.documentElement.scrollWidth`); w > 380 {
		t.Errorf("at 380px wide the page is %dpx wide", w)
	}
	screenshot(t, b, chromedp.FullScreenshot(100), filepath.Join(dir, "report-narrow.png"))

	// Self-contained: the only request of the whole session was the page itself.
	requests, errors := b.Seen()
	for _, r := range requests {
		if r != pageURL {
			t.Errorf("the page requested %s", r)
		}
	}
	if !slices.Contains(requests, pageURL) {
		t.Errorf("the network watch saw no request at all (%q): it cannot tell a fetch either", requests)
	}
	if len(errors) > 0 {
		t.Errorf("script errors: %q", errors)
	}
}

// Markup in the data stays text in a real browser: nothing runs, nothing loads.
func hostileReport(t *testing.T, b *browser) {
	path := filepath.Join(t.TempDir(), "hostile.html")
	if err := WriteHTML(path, hostileRun()); err != nil {
		t.Fatal(err)
	}
	pageURL := b.Open(t, path)
	if eval[bool](t, b, `"pwned" in window`) {
		t.Error("injected script ran")
	}
	if got := eval[string](t, b, `document.title`); got != hostile {
		t.Errorf("title reads %q, want the hostile text verbatim", got)
	}
	// The hostile spec's label filter works like any other: the hostile spec only.
	click(t, b, ".label-filter summary")
	click(t, b, `[data-filter-label='"]']`)
	if got := eval[[]string](t, b, visibleSpecs); !slices.Equal(got, []string{hostile}) {
		t.Errorf("filtering by a hostile label shows %q", got)
	}
	requests, errors := b.Seen()
	for _, r := range requests {
		if r != pageURL {
			t.Errorf("the page requested %s", r)
		}
	}
	if len(errors) > 0 {
		t.Errorf("script errors: %q", errors)
	}
}

// The network watch of the tests above can fail: a page that loads an image is caught.
func leakyPage(t *testing.T, b *browser) {
	path := filepath.Join(t.TempDir(), "leaky.html")
	// Port 9 (discard) on loopback: nothing listens, the request fails fast, but it is sent.
	leak := "http://127.0.0.1:9/pixel.png"
	if err := os.WriteFile(path, []byte(`<!DOCTYPE html><title>leaky</title><img src="`+leak+`">`), 0o644); err != nil {
		t.Fatal(err)
	}
	b.Open(t, path)
	// The image request can come after the load event; wait for it, within the session's bound.
	for {
		requests, _ := b.Seen()
		if slices.Contains(requests, leak) {
			return
		}
		select {
		case <-b.Ctx.Done():
			t.Fatalf("the network watch missed the page's request of %s (saw %q)", leak, requests)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
