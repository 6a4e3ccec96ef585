package results

import (
	"bytes"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/outcome"
)

func render(t *testing.T, run PageRun) string {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, run); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return b.String()
}

func TestCountsOfAFailingRun(t *testing.T) {
	got := Count(failingRun())
	want := HTMLCounts{
		// 5 specs: 2 passed + 1 failed ran, 1 skipped, 1 filtered out.
		Specs: Tally{Total: 5, Run: 3, Passed: 2, Failed: 1, Skipped: 1, Filtered: 1},
		// 8 judgements: 3 of passed specs, 2 failed, 1 the failed spec did not make,
		// 1 skipped, 1 filtered. No profiles: no tally of the catalogue's checks.
		Judgements: Tally{Total: 8, Run: 5, Passed: 3, Failed: 2, NotChecked: 1, Skipped: 1, Filtered: 1},
	}
	if got != want {
		t.Fatalf("Count:\n got %+v\nwant %+v", got, want)
	}
}

// The counts the page prints are those of Count, in the elements the browser test reads.
func TestPageShowsTheCounts(t *testing.T) {
	page := render(t, failingRun())
	for id, n := range map[string]int{
		"specs-run": 3, "specs-passed": 2, "specs-failed": 1, "specs-skipped": 1, "specs-filtered": 1,
		"judgements-run": 5, "judgements-passed": 3, "judgements-failed": 2, "judgements-skipped": 1, "judgements-not-checked": 1,
	} {
		want := fmt.Sprintf(`id="%s">%d<`, id, n)
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if !strings.Contains(page, "<strong>Failed</strong>") {
		t.Error("a run with a failure is not headed Failed")
	}
	if !strings.Contains(page, `<span class="mark loosened">loosened</span>`) {
		t.Error("the loosened setting is not marked")
	}
}

func TestVerdicts(t *testing.T) {
	for _, tc := range []struct {
		t        Tally
		loosened int
		want     string
	}{
		{Tally{Run: 3, Passed: 2, Failed: 1}, 0, "Failed"},
		{Tally{Run: 2, Passed: 2, Skipped: 1}, 0, "Incomplete"},
		{Tally{Filtered: 4}, 0, "Nothing ran"},
		{Tally{Run: 2, Passed: 2, Filtered: 3}, 1, "Passed, loosened"},
		{Tally{Run: 2, Passed: 2, Filtered: 3}, 0, "Passed"},
	} {
		if got := judge(tc.t, tc.loosened).Word; got != tc.want {
			t.Errorf("judge(%+v, %d) = %q, want %q", tc.t, tc.loosened, got, tc.want)
		}
	}
}

// The run's own verdict problems fail a run whose specs all passed, and the page says why.
func TestRunProblemsFailARunOfPassingSpecs(t *testing.T) {
	run := PageRun{Specs: []HTMLSpec{{Text: "a spec", State: outcome.Passed}}, Problems: []string{"2 selected spec(s) were skipped"}}
	page := render(t, run)
	if !strings.Contains(page, "<strong>Failed</strong>") || !strings.Contains(page, "2 selected spec(s) were skipped") {
		t.Errorf("the page does not fail the run and say why:\n%s", page)
	}
}

// Findings are listed with their requirement IDs and leave a passing run passed.
func TestFindingsAreListedWithoutFailingTheRun(t *testing.T) {
	run := PageRun{Specs: []HTMLSpec{{Text: "a spec", State: outcome.Passed}},
		Findings: []Finding{{Requirement: "ASVS 6.4.2", Standard: "OWASP ASVS 5.0", Statement: "The flow asks a secret question."}}}
	page := render(t, run)
	if !strings.Contains(page, "<strong>Passed</strong>") || !strings.Contains(page, "ASVS 6.4.2") || !strings.Contains(page, "The flow asks a secret question.") {
		t.Errorf("the page does not list the finding under a passed verdict:\n%s", page)
	}
	if page := render(t, PageRun{Specs: []HTMLSpec{{Text: "a spec", State: outcome.Passed}}}); strings.Contains(page, "findings-h") {
		t.Error("a findings section without findings")
	}
}

// hostile puts markup and script into every field a run carries.
const hostile = `</pre></script><script>window.pwned=1</script><img src=x onerror="window.pwned=2">"'&`

func hostileRun() PageRun {
	run := failingRun()
	run.Title = hostile
	run.Target = hostile
	run.SuiteVersion, run.Commit, run.Step3Variant = hostile, hostile, hostile
	run.TokenSources = []string{hostile}
	run.Problems = []string{hostile}
	run.Findings = []Finding{{Requirement: hostile, Standard: hostile, Statement: hostile}}
	run.Settings = append(run.Settings, HTMLSetting{Name: hostile, Value: hostile, Default: hostile, Changed: true, Loosened: true})
	run.Specs = append(run.Specs, HTMLSpec{
		Text: hostile, Labels: []string{hostile, `"]`}, State: outcome.Failed,
		Checks:  []Check{{ID: hostile, Statement: hostile, Kind: hostile, Source: hostile, State: outcome.Failed}},
		Failure: hostile, Transcript: hostile, SkipReason: hostile,
	})
	return run
}

func TestEverythingIsEscaped(t *testing.T) {
	page := render(t, hostileRun())
	// The only tags with script power are the page's own: one <script> element, and no
	// event handler attribute anywhere.
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("page has %d <script> tags, want exactly its own 1", n)
	}
	for _, bad := range []string{"<img", "</pre></script>", "window.pwned=1</script>"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains unescaped %q", bad)
		}
	}
	// html/template quotes every attribute value with " and escapes any " inside it, so with
	// the values blanked what is left of each tag is its names.
	unquoted := regexp.MustCompile(`"[^"]*"`).ReplaceAllString(page, `""`)
	if m := regexp.MustCompile(`<[a-zA-Z][^>]*\son[a-z]+\s*=`).FindString(unquoted); m != "" {
		t.Errorf("page has an event handler attribute: %s", m)
	}
	if !strings.Contains(page, "&lt;script&gt;window.pwned=1&lt;/script&gt;") {
		t.Error("the hostile text is not shown escaped")
	}
}

// The page's CSP allows its style and script by hash: the hashes must be those of the
// exact text between the tags, or the browser would refuse to run the filters.
func TestContentSecurityPolicyMatchesTheInlineCode(t *testing.T) {
	page := render(t, failingRun())
	script := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindStringSubmatch(page)
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(page)
	if script == nil || style == nil {
		t.Fatal("page lacks its inline <script> or <style>")
	}
	meta := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`).FindStringSubmatch(page)
	if meta == nil {
		t.Fatal("page lacks its Content-Security-Policy")
	}
	csp := html.UnescapeString(meta[1])
	for _, h := range []string{cspHash(script[1]), cspHash(style[1])} {
		if !strings.Contains(csp, "'"+h+"'") {
			t.Errorf("the CSP %q lacks %s", csp, h)
		}
	}
	if !strings.HasPrefix(csp, "default-src 'none';") {
		t.Error("the CSP does not forbid other sources")
	}
}

func TestUnknownStateIsRejected(t *testing.T) {
	run := failingRun()
	run.Specs[0].State = "succeeded"
	if err := Render(&bytes.Buffer{}, run); err == nil || !strings.Contains(err.Error(), `state "succeeded"`) {
		t.Fatalf("Render with an unknown state: %v", err)
	}
	run = failingRun()
	run.Specs[0].Checks[0].State = "ok"
	if err := Render(&bytes.Buffer{}, run); err == nil || !strings.Contains(err.Error(), `state "ok"`) {
		t.Fatalf("Render with an unknown check state: %v", err)
	}
}

func TestLongTranscriptIsCutAndSaysSo(t *testing.T) {
	run := failingRun()
	run.Specs[1].Transcript = strings.Repeat("é", MaxTranscript) // 2 bytes a rune: twice the limit
	page := render(t, run)
	if !strings.Contains(page, fmt.Sprintf("… %d more bytes not shown", MaxTranscript)) {
		t.Error("the cut is not said")
	}
	if strings.Contains(page, strings.Repeat("é", MaxTranscript/2+1)) {
		t.Error("the transcript was not cut")
	}
}

// A report of a hundred specs, a tenth failing with long transcripts, stays well under 1 MB.
func TestHundredSpecsStayWellUnderOneMegabyte(t *testing.T) {
	base := failingRun()
	run := base
	run.Specs = nil
	for i := 0; i < 100; i++ {
		s := base.Specs[i%len(base.Specs)]
		s.Text = fmt.Sprintf("%s #%d", s.Text, i)
		s.Checks = append(append([]Check{}, s.Checks...), s.Checks...) // 2 to 6 checks each
		if i%10 == 0 {
			s = base.Specs[1]
			s.Transcript = strings.Repeat(base.Specs[1].Transcript+"\n", 20) // ~6 KB: a mail flow of exchanges
		}
		run.Specs = append(run.Specs, s)
	}
	page := render(t, run)
	t.Logf("100 specs: %d bytes", len(page))
	if len(page) > 512<<10 {
		t.Errorf("a report of 100 specs is %d bytes, want under 512 KiB", len(page))
	}
}

func TestWriteCreatesTheDirectoryAndLeavesNoTemporaryFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "reports")
	path := filepath.Join(dir, "report.html")
	if err := WriteHTML(path, failingRun()); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "report.html" {
		t.Errorf("report directory holds %v, want only report.html", entries)
	}
	// An unknown state fails before anything replaces the earlier report.
	bad := failingRun()
	bad.Specs[0].State = "?"
	if err := WriteHTML(path, bad); err == nil {
		t.Fatal("Write with an unknown state succeeded")
	}
	b, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(b), "Step 4 (update password)") {
		t.Errorf("the earlier report was damaged: %v", err)
	}
}

func TestEmptyRunRenders(t *testing.T) {
	page := render(t, PageRun{})
	for _, want := range []string{DefaultTitle, "Nothing ran", "The run recorded no settings.", `id="specs-run">0<`} {
		if !strings.Contains(page, want) {
			t.Errorf("empty run: page lacks %q", want)
		}
	}
}

// A run its preflight stopped says why at the top of report.html, as the console does.
func TestAStoppedRunsPageSaysWhy(t *testing.T) {
	rep := types.Report{SpecReports: types.SpecReports{
		{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStateFailed,
			Failure: types.Failure{Message: "the target refuses AUTOSHARES_APP_KEY: check the key"}},
		{LeafNodeType: types.NodeTypeIt, LeafNodeText: "a spec", State: types.SpecStateSkipped},
	}}
	page := HTMLRun(build(rep, nil, Run{}), catalogue.MustDefault())
	if len(page.Problems) == 0 || !strings.Contains(page.Problems[0], "refuses AUTOSHARES_APP_KEY") || !strings.Contains(page.Problems[0], "stopped") {
		t.Errorf("the page's problems: %q", page.Problems)
	}
}
