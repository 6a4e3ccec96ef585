package htmlreport

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The browser test opens the report of a failing run in headless Chromium from file://, as a
// person would, and checks what it shows. Chromium is a dependency of `make test`
// (`make chromium`, scripts/install-chromium.sh); a machine without it fails here, because a
// skipped browser test would let a broken page pass CI.

// chromiumPath finds the browser: CHROMIUM_BIN, else chromium or chromium-browser on PATH.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("CHROMIUM_BIN"); bin != "" {
		p, err := exec.LookPath(bin)
		if err != nil {
			t.Fatalf("CHROMIUM_BIN=%s: %v (unset it to use chromium from PATH, or run `make chromium`)", bin, err)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("headless Chromium not found (looked for CHROMIUM_BIN, chromium and chromium-browser on PATH): " +
		"run `make chromium` to install Debian's chromium package, or set CHROMIUM_BIN")
	return ""
}

// outDir is where the test leaves the page and its screenshots for a person to look at: under
// the run's report directory when the Makefile sets one, else a temporary directory it names.
func outDir(t *testing.T) string {
	t.Helper()
	var dir string
	if base := os.Getenv("AUTOSHARES_REPORT_DIR"); base != "" {
		dir = filepath.Join(base, "htmlreport-browser-test")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	} else {
		var err error
		if dir, err = os.MkdirTemp("", "htmlreport-browser-test-"); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("browser test output (report.html, screenshots): %s", dir)
	return dir
}

// browser is a tab of headless Chromium that records the requests and errors (script
// exceptions, refusals) of the page since the last navigation.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	requests []string
	errors   []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	bin := chromiumPath(t)
	// Bounds the whole browser session, so that a wedged Chromium fails the test, not the run.
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	t.Cleanup(cancel)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("hide-scrollbars", true),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to start as root with its sandbox
	}
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	tctx, tcancel := chromedp.NewContext(actx)
	t.Cleanup(tcancel)
	b := &browser{ctx: tctx}
	if err := chromedp.Listen(tctx, b.event); err != nil {
		t.Fatalf("starting %s: %v (run `make chromium` if it is not installed properly)", bin, err)
	}
	// Network events tell whether the page fetched anything; log entries carry what the
	// browser refused, such as a script its Content-Security-Policy blocks.
	err := chromedp.Do(tctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, cdplog.Enable, cdp.Empty{})
		return err
	}))
	if err != nil {
		t.Fatalf("enabling network and log events: %v", err)
	}
	return b
}

// event runs on chromedp's reader goroutine: record and return.
func (b *browser) event(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		b.requests = append(b.requests, e.Request.URL)
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		b.errors = append(b.errors, fmt.Sprintf("%s (line %d)", msg, d.LineNumber+1))
	case *cdplog.EventEntryAdded:
		if e.Entry.Level == cdplog.EntryLevelError {
			b.errors = append(b.errors, fmt.Sprintf("%s: %s", e.Entry.Source, e.Entry.Text))
		}
	}
}

func (b *browser) open(t *testing.T, path string) string {
	t.Helper()
	b.mu.Lock()
	b.requests, b.errors = nil, nil
	b.mu.Unlock()
	abs, err := filepath.Abs(path) // a file URL has no relative form
	if err != nil {
		t.Fatal(err)
	}
	u := (&url.URL{Scheme: "file", Path: abs}).String()
	if err := chromedp.Do(b.ctx, chromedp.Navigate(u)); err != nil {
		t.Fatalf("opening %s: %v", u, err)
	}
	return u
}

// seen returns the requests and script errors since the last open.
func (b *browser) seen() (requests, errors []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.requests), slices.Clone(b.errors)
}

func eval[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

// media emulates a CSS media type ("print"); "" ends the emulation.
func media(t *testing.T, b *browser, m string) {
	t.Helper()
	err := chromedp.Do(b.ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
		return err
	}))
	if err != nil {
		t.Fatalf("emulating %q media: %v", m, err)
	}
}

func click(t *testing.T, b *browser, css string) {
	t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(css))); err != nil {
		t.Fatalf("clicking %s: %v", css, err)
	}
}

// visibleSpecs is the text of every spec a reader can see, in page order.
const visibleSpecs = `Array.from(document.querySelectorAll(".spec"))
	.filter(s => s.checkVisibility())
	.map(s => s.querySelector(".spec-text").textContent)`

func screenshot(t *testing.T, b *browser, action chromedp.Action[[]byte], path string) {
	t.Helper()
	png, err := chromedp.Run(b.ctx, action)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

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
	if err := Write(path, run); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(1280, 1560)); err != nil {
		t.Fatal(err)
	}
	pageURL := b.open(t, path)

	// The summary: the verdict and the counts a reader sees.
	if v := eval[string](t, b, `document.getElementById("verdict").innerText`); !strings.HasPrefix(strings.ToUpper(v), "FAILED") {
		t.Errorf("verdict reads %q, want FAILED ...", v)
	}
	counts := eval[map[string]string](t, b, `Object.fromEntries(Array.from(document.querySelectorAll(".tally .n"))
		.filter(n => n.checkVisibility()).map(n => [n.id, n.innerText]))`)
	wantCounts := map[string]string{
		"specs-run": "3", "specs-passed": "2", "specs-failed": "1", "specs-skipped": "1", "specs-filtered": "1",
		"checks-run": "6", "checks-passed": "3", "checks-failed": "2", "checks-skipped": "1", "checks-unverified": "1", "checks-filtered": "1",
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

	// README screenshot: the summary and the expanded failure, at a laptop's width.
	eval[chromedp.Void](t, b, `window.scrollTo(0, 0)`)
	screenshot(t, b, chromedp.CaptureScreenshot(), filepath.Join(dir, "report.png"))
	if os.Getenv("UPDATE_SCREENSHOT") != "" {
		screenshot(t, b, chromedp.CaptureScreenshot(), filepath.Join("..", "..", "docs", "report-screenshot.png"))
	}
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

	// Label filter, combined with the status filter, then alone.
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
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(380, 800)); err != nil {
		t.Fatal(err)
	}
	if w := eval[int](t, b, `document.documentElement.scrollWidth`); w > 380 {
		t.Errorf("at 380px wide the page is %dpx wide", w)
	}
	screenshot(t, b, chromedp.FullScreenshot(100), filepath.Join(dir, "report-narrow.png"))

	// Self-contained: the only request of the whole session was the page itself.
	requests, errors := b.seen()
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
	if err := Write(path, hostileRun()); err != nil {
		t.Fatal(err)
	}
	pageURL := b.open(t, path)
	if eval[bool](t, b, `"pwned" in window`) {
		t.Error("injected script ran")
	}
	if got := eval[string](t, b, `document.title`); got != hostile {
		t.Errorf("title reads %q, want the hostile text verbatim", got)
	}
	// The hostile spec's label filter works like any other: the hostile spec only.
	click(t, b, `[data-filter-label='"]']`)
	if got := eval[[]string](t, b, visibleSpecs); !slices.Equal(got, []string{hostile}) {
		t.Errorf("filtering by a hostile label shows %q", got)
	}
	requests, errors := b.seen()
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
	b.open(t, path)
	// The image request can come after the load event; wait for it, within the session's bound.
	for {
		requests, _ := b.seen()
		if slices.Contains(requests, leak) {
			return
		}
		select {
		case <-b.ctx.Done():
			t.Fatalf("the network watch missed the page's request of %s (saw %q)", leak, requests)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
