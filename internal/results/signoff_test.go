package results

import (
	"bytes"
	"strings"
	"testing"
)

// The page shows what failed first, then the profile table and the comparison, before the
// summary and the specs.
func TestProfilesAndComparisonAtTheTop(t *testing.T) {
	run := failingRun()
	run.Profiles = []HTMLProfile{{Name: "core", Level: "not conformant", Why: "1 failed", Checks: 3, Passed: 2, Failed: 1},
		{Name: "baseline", Level: "conformant", Checks: 2, Passed: 2}}
	run.Comparison = &HTMLComparison{Previous: "the run of yesterday", Groups: []ComparisonGroup{
		{Name: "Newly failing", Class: "failed", Checks: []string{"step4.mismatch.status"}}, {Name: "Fixed", Class: "passed"}}}
	var b bytes.Buffer
	if err := Render(&b, run); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	at := func(s string) int {
		i := strings.Index(page, s)
		if i < 0 {
			t.Fatalf("the page lacks %q", s)
		}
		return i
	}
	failures, profiles, comparison, summary := at(`id="failures-h"`), at(`id="profiles-h"`), at(`id="comparison-h"`), at(`aria-label="Summary"`)
	if !(at(`id="verdict"`) < failures && failures < profiles && profiles < comparison && comparison < summary) {
		t.Errorf("order: failures %d, profiles %d, comparison %d, summary %d", failures, profiles, comparison, summary)
	}
	for _, want := range []string{`<tr class="lv-not"><td>core</td><td><strong>not conformant</strong>`, `<tr class="lv-conformant"><td>baseline</td>`,
		"Newly failing (1)", "<code>step4.mismatch.status</code>", "Fixed (0)</dt><dd>none"} {
		at(want)
	}
}
