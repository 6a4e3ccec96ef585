// Package browsertest drives headless Chromium (Debian's chromium package, installed by
// `make chromium`) from Go tests, to check what a person sees in a page the project writes:
// open a file, evaluate, click, emulate print, take screenshots, and watch every request and
// script error. A machine without Chromium fails the test that asks for one: a skipped
// browser test would let a broken page pass CI.
package testkit

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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

// chromiumPath finds the browser: CHROMIUM_BIN, else chromium or chromium-browser on PATH.
func chromiumPath(t testing.TB) string {
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

// OutDir is where a test leaves pages and screenshots for a person to look at: the folder
// name under the run's report directory when the Makefile sets one, else a temporary
// directory it names.
func OutDir(t testing.TB, name string) string {
	t.Helper()
	var dir string
	if base := os.Getenv("AUTOSHARES_REPORT_DIR"); base != "" {
		dir = filepath.Join(base, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	} else {
		var err error
		if dir, err = os.MkdirTemp("", name+"-"); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("browser test output (pages, screenshots): %s", dir)
	return dir
}

// Browser is a tab of headless Chromium that records the requests and errors (script
// exceptions, refusals) of the page since the last navigation.
type Browser struct {
	Ctx      context.Context // chromedp's context of the tab
	mu       sync.Mutex
	requests []string
	errors   []string
}

// New starts Chromium for the test; it ends with the test.
func New(t testing.TB) *Browser {
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
	b := &Browser{Ctx: tctx}
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
func (b *Browser) event(ev any) {
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

// Open loads a local file from file:// and returns its URL.
func (b *Browser) Open(t testing.TB, path string) string {
	t.Helper()
	b.mu.Lock()
	b.requests, b.errors = nil, nil
	b.mu.Unlock()
	abs, err := filepath.Abs(path) // a file URL has no relative form
	if err != nil {
		t.Fatal(err)
	}
	u := (&url.URL{Scheme: "file", Path: abs}).String()
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(u)); err != nil {
		t.Fatalf("opening %s: %v", u, err)
	}
	return u
}

// Seen returns the requests and script errors since the last Open.
func (b *Browser) Seen() (requests, errors []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.requests), slices.Clone(b.errors)
}

// Eval evaluates js in the page and returns its value.
func Eval[T any](t testing.TB, b *Browser, js string) T {
	t.Helper()
	v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

// Media emulates a CSS media type ("print"); "" ends the emulation.
func Media(t testing.TB, b *Browser, m string) {
	t.Helper()
	err := chromedp.Do(b.Ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
		return err
	}))
	if err != nil {
		t.Fatalf("emulating %q media: %v", m, err)
	}
}

// Click clicks the first element css selects.
func Click(t testing.TB, b *Browser, css string) {
	t.Helper()
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(css))); err != nil {
		t.Fatalf("clicking %s: %v", css, err)
	}
}

// Screenshot saves what action captures (chromedp.CaptureScreenshot, FullScreenshot) as a PNG.
func Screenshot(t testing.TB, b *Browser, action chromedp.Action[[]byte], path string) {
	t.Helper()
	png, err := chromedp.Run(b.Ctx, action)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// FirstFailureInView is the script (for Eval) that tells whether report.html's first
// failure (its spec, failed check and first problem line, under the verdict) is inside the
// window scrolled to the top, and that nothing is pinned over the page: "ok", or what is not.
const FirstFailureInView = `(() => {
	window.scrollTo(0, 0);
	const first = document.querySelector(".failure-list .failure-item");
	if (!first) { return "no failure listed under the verdict"; }
	const r = first.getBoundingClientRect();
	if (r.top < 0 || r.bottom > window.innerHeight) { return "the first failure spans " + r.top + "-" + r.bottom + "px of a " + window.innerHeight + "px window"; }
	const pinned = Array.from(document.querySelectorAll("*")).filter(e => ["fixed", "sticky"].includes(getComputedStyle(e).position));
	if (pinned.length) { return "pinned: " + pinned.map(e => e.className || e.tagName).join(", "); }
	return "ok";
})()`
