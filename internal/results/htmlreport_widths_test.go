package results

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/testkit"
)

const (
	readerFailed  = "Step 4 rejects a confirmation that differs from the password, and changes nothing"
	readerSkipped = "Step 4 rejects an expired token"
)

// readerRun is the page of a failing run as the suite builds it (Build, then HTMLRun): the
// specs of flowSpecs in a random run order, one failed, one skipped, every finding observed,
// the profile table of the whole catalogue.
func readerRun() PageRun {
	perm := rand.New(rand.NewPCG(12, 80)).Perm(len(flowSpecs))
	rep := flowReport(perm)
	recs := passedRecords(rep)
	every := rep.SpecReports[0].LeafNodeLabels[len(flowSpecs[perm[0]].checks):]
	failed := spec(readerFailed, types.SpecStateFailed, "", append([]string{catalogue.Step4MismatchRejected, catalogue.Step4MismatchUnchanged}, every...)...)
	skipped := spec(readerSkipped, types.SpecStateSkipped, "needs a token known to be expired: set AUTOSHARES_EXPIRED_TOKEN",
		append([]string{catalogue.Step4ExpiredTokenRejected}, every...)...)
	rep.SpecReports = slices.Insert(rep.SpecReports, len(rep.SpecReports)/2, failed, skipped)
	recs = append(recs,
		outcome.Record{Spec: readerFailed, Process: 1, Check: catalogue.Step4MismatchRejected, State: outcome.Failed, Status: 200,
			Problems: []outcome.Problem{
				{Kind: "status", Text: "status: expected a 4xx client error, got 200 (a failure must not look like a success)"},
				{Kind: "field", Text: "IsSucceed: expected false, got true"}},
			Transcript: "> PUT http://127.0.0.1:18080/api/v1.0/users/passwords/reset/\n> Et-App-Key: [REDACTED]\n>\n" +
				"> {\"Password\":\"[REDACTED]\",\"PasswordConfirmation\":\"[REDACTED]\",\"Token\":\"[REDACTED]\"}\n" +
				"< 200 OK (0.4ms)\n<\n< {\"Errors\":[],\"IsSucceed\":true}",
			Reproduction: "curl -X PUT \"$AUTOSHARES_BASE_URL/v1.0/users/passwords/reset/\" -H \"Et-App-Key: $AUTOSHARES_APP_KEY\""},
		outcome.Record{Spec: readerFailed, Process: 1, Check: catalogue.Step4MismatchUnchanged, State: outcome.Passed})
	// The checks of every exchange, judged in the failed spec: judgements beyond its own.
	for _, id := range every {
		recs = append(recs, outcome.Record{Spec: readerFailed, Process: 1, Check: id, State: outcome.Passed})
	}
	for _, f := range catalogue.MustDefault().Findings {
		recs = append(recs, outcome.Record{Spec: flowSpecs[0].text, Process: 1, Finding: f.ID, State: outcome.Passed})
	}
	run := Run{Target: "https://***@staging.example.com/api", Step3: "autoshares",
		TokenSources: []string{"provider states (AUTOSHARES_STATE_URL)", "the mail flow (AUTOSHARES_MAILBOX_URL)"}}
	m := Build(rep, recs, run, Version{Module: "github.com/autoshares/conformance", Version: "v0.9.0", Commit: "7bad9ad"}, catalogue.MustDefault())
	return HTMLRun(m, catalogue.MustDefault())
}

// brokenWords lists every visible word (a run of letters and digits: an ID may break at its
// dots and hyphens, a setting's name at its underscores) that the page renders on more than
// one line, in the headers, the profile table, the tiles, the verdict, the spec and failure
// titles, the badges, the findings, the settings and the check tables.
const brokenWords = `(() => {
	const sel = "h1, h2, .verdict, th, .profiles-table td, .tally, .tally-note, .meta dt, .spec-text, .failure-link, .badge, .kind, .result, .chip, .findings li, .settings-table td, .checks td";
	const broken = new Set();
	for (const el of document.querySelectorAll(sel)) {
		if (!el.checkVisibility()) { continue; }
		const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
		for (let n = walk.nextNode(); n; n = walk.nextNode()) {
			for (const m of n.textContent.matchAll(/[\p{L}\p{N}]+/gu)) {
				const r = document.createRange();
				r.setStart(n, m.index);
				r.setEnd(n, m.index + m[0].length);
				const lines = new Set(Array.from(r.getClientRects()).filter(q => q.width > 0).map(q => Math.round(q.top)));
				if (lines.size > 1) { broken.add(m[0] + " (" + el.tagName.toLowerCase() + "." + el.className + ")"); }
			}
		}
	}
	return Array.from(broken);
})()`

// tiles: each tile's counts as the reader sees them; the profile table's column
// sums; the spec list's rows of checks (one per judgement) and specs.
const tiles = `(() => {
	const num = s => parseInt(s, 10);
	const out = {};
	for (const n of document.querySelectorAll(".tally [id]")) { out[n.id] = num(n.textContent); }
	for (const td of document.querySelectorAll(".profiles-table td[data-th]")) {
		const k = "profiles " + td.dataset.th;
		if (td.dataset.th !== "Why") { out[k] = (out[k] || 0) + num(td.textContent); }
	}
	out["judgement rows"] = document.querySelectorAll(".spec .checks tbody tr").length;
	out["passed judgement rows"] = document.querySelectorAll(".spec .checks tbody tr.c-passed").length;
	out["spec items"] = document.querySelectorAll(".spec").length;
	return out;
})()`

// report.html at a laptop's 1280 px and a phone's 390 px: no header or word broken, nothing
// wider than the window, the first failure in view at 1280x800, the specs in step order, and
// "check" in the tiles only for the catalogue's checks, as the profile table counts them.
func TestReportReadsAt1280And390(t *testing.T) {
	b := newBrowser(t)
	dir := outDir(t)
	path := filepath.Join(dir, "reader.html")
	if err := WriteHTML(path, readerRun()); err != nil {
		t.Fatal(err)
	}
	want := []string{readerFailed, readerSkipped}
	for _, s := range flowSpecs {
		want = append(want, s.text)
	}
	for _, size := range []struct{ w, h int64 }{{1280, 800}, {390, 844}} {
		t.Run(fmt.Sprintf("%dpx", size.w), func(t *testing.T) {
			if err := chromedp.Do(b.Ctx, chromedp.EmulateViewport(size.w, size.h)); err != nil {
				t.Fatal(err)
			}
			b.Open(t, path)
			if w := eval[int](t, b, `document.documentElement.scrollWidth`); w > int(size.w) {
				t.Errorf("the page is %dpx wide in a %dpx window: it scrolls sideways", w, size.w)
			}
			if got := eval[[]string](t, b, brokenWords); len(got) > 0 {
				t.Errorf("words broken across lines: %q", got)
			}

			if size.w == 1280 {
				if got := eval[string](t, b, testkit.FirstFailureInView); got != "ok" {
					t.Error(got)
				}
			}
			if got := eval[[]string](t, b, visibleSpecs); !slices.Equal(got, want) {
				t.Errorf("the spec list reads\n %q\nwant failures, skips, then step order:\n %q", got, want)
			}

			n := eval[map[string]int](t, b, tiles)
			var headings []string
			for _, h := range eval[[]string](t, b, `Array.from(document.querySelectorAll(".tally h2")).map(h => h.textContent.trim())`) {
				headings = append(headings, strings.ToLower(h))
			}
			if !slices.Equal(headings, []string{"specs", "checks", "judgements"}) {
				t.Errorf("the tiles are %q, want specs, checks, judgements", headings)
			}
			// Checks: the catalogue's, each once, the profile table's sums.
			if total := len(catalogue.MustDefault().Checks); n["checks-total"] != total || n["profiles Checks"] != total {
				t.Errorf("the checks tile counts %d checks, the profile table %d; the catalogue has %d", n["checks-total"], n["profiles Checks"], total)
			}
			for tile, column := range map[string]string{"checks-passed": "Passed", "checks-failed": "Failed", "checks-skipped": "Skipped", "checks-not-checked": "Not checked"} {
				if n[tile] != n["profiles "+column] {
					t.Errorf("%s = %d, but the profile table's %s column sums to %d", tile, n[tile], column, n["profiles "+column])
				}
			}
			// Judgements: one per row of the specs' check tables.
			if n["judgements-total"] != n["judgement rows"] || n["judgements-passed"] != n["passed judgement rows"] || n["judgements-total"] <= n["checks-run"] {
				t.Errorf("judgements %d (%d passed), check rows in the spec list %d (%d passed), checks judged %d",
					n["judgements-total"], n["judgements-passed"], n["judgement rows"], n["passed judgement rows"], n["checks-run"])
			}
			if n["specs-total"] != n["spec items"] || n["specs-failed"] != 1 || n["specs-skipped"] != 1 || n["checks-failed"] != 1 {
				t.Errorf("specs %d of %d listed, failed %d, skipped %d; checks failed %d", n["specs-total"], n["spec items"], n["specs-failed"], n["specs-skipped"], n["checks-failed"])
			}
			screenshot(t, b, chromedp.CaptureScreenshot(), filepath.Join(dir, fmt.Sprintf("reader-%dx%d.png", size.w, size.h)))
			if size.w == 1280 && os.Getenv("UPDATE_SCREENSHOT") != "" {
				// What docs/HTML-REPORT.md shows: a laptop's first view.
				screenshot(t, b, chromedp.CaptureScreenshot(), filepath.Join("..", "..", "docs", "report-screenshot.png"))
			}

			// Every check table and transcript open: still nothing sideways, no word broken.
			click(t, b, "#toggle-details")
			if w := eval[int](t, b, `document.documentElement.scrollWidth`); w > int(size.w) {
				t.Errorf("expanded, the page is %dpx wide in a %dpx window", w, size.w)
			}
			if got := eval[[]string](t, b, brokenWords); len(got) > 0 {
				t.Errorf("expanded, words broken across lines: %q", got)
			}
			screenshot(t, b, chromedp.FullScreenshot(100), filepath.Join(dir, fmt.Sprintf("reader-%d-full.png", size.w)))
		})
	}
}
