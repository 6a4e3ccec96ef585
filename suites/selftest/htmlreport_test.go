package selftest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	cataloguepkg "github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/testkit"
)

// The report a person opens after a failing run: report.html from a real run against a
// fault, in headless Chromium, shows the verdict, the counts the run had, and the failure's
// problem lines and masked transcript once expanded.
func TestTheHTMLReportOfAFailingRun(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true, Faults: []string{refprovider.FaultAcceptMismatchedPasswords}})
	o := runSuite(t, targetEnv(p, key))
	if o.exitErr == nil || len(o.withCheck(cataloguepkg.Step4MismatchRejected)) == 0 {
		t.Fatalf("want the mismatch spec to fail; failed %q\n%s", o.failed, o.output)
	}
	b := testkit.New(t)
	b.Open(t, filepath.Join(o.reports, "report.html"))
	if v := testkit.Eval[string](t, b, `document.getElementById("verdict").innerText`); !strings.HasPrefix(strings.ToUpper(v), "FAILED") {
		t.Errorf("verdict reads %q", v)
	}
	counts := testkit.Eval[map[string]string](t, b, `Object.fromEntries(Array.from(document.querySelectorAll(".tally .n"))
		.filter(n => n.checkVisibility()).map(n => [n.id, n.innerText]))`)
	for id, want := range map[string]string{"specs-failed": fmt.Sprint(len(o.failed)), "specs-passed": fmt.Sprint(len(o.passed))} {
		if counts[id] != want {
			t.Errorf("visible count %s = %q, want %q (all: %v)", id, counts[id], want, counts)
		}
	}
	failed := `Array.from(document.querySelectorAll(".spec.s-failed")).find(s => s.innerText.includes("[step4.mismatch.rejected]"))`
	if got := testkit.Eval[string](t, b, failed+`.innerText`); !strings.Contains(got, cataloguepkg.Step4MismatchRejected) || !strings.Contains(got, "status: expected a 4xx client error, got 200") {
		t.Errorf("the failed spec reads %q", got)
	}
	testkit.Eval[bool](t, b, failed+`.querySelector(".transcript summary").click() === undefined`)
	transcript := testkit.Eval[string](t, b, failed+`.querySelector(".transcript pre").innerText`)
	if !strings.Contains(transcript, "PUT ") || !strings.Contains(transcript, "Et-App-Key: [REDACTED]") || strings.Contains(transcript, key) {
		t.Errorf("the transcript reads %q", transcript)
	}
	if requests, errs := b.Seen(); len(requests) != 1 || len(errs) > 0 {
		t.Errorf("the page made requests %q and script errors %q; want only itself", requests, errs)
	}
	testkit.Screenshot(t, b, chromedp.FullScreenshot(100), filepath.Join(testkit.OutDir(t, "selftest-html-report"), "failing-run.png"))
}
