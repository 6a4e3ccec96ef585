package results

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/autoshares/conformance/internal/outcome"
)

// MaxTranscript bounds the transcript shown per spec, so that a run of many failing specs
// with long exchanges still gives a page a browser opens quickly. The cut is said on the page.
const MaxTranscript = 64 << 10

var (
	//go:embed report.html.tmpl
	pageTemplate string
	//go:embed report.css
	pageCSS string
	//go:embed report.js
	pageJS string

	page = template.Must(template.New("report").Funcs(template.FuncMap{"dict": dict, "wbr": wbr}).Parse(pageTemplate))

	// The Content-Security-Policy of the page allows exactly its own style and script (by
	// hash) and nothing from anywhere else: a browser then loads no external resource and
	// runs no injected script, whatever the escaping missed.
	contentSecurityPolicy = fmt.Sprintf(
		"default-src 'none'; style-src '%s'; script-src '%s'; img-src data:; base-uri 'none'; form-action 'none'",
		cspHash(pageCSS), cspHash(pageJS))
)

// dict builds the argument of a sub-template from name, value pairs.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// wbr escapes s and lets a line break after each "_" and "/": a setting's name or a path
// longer than a phone's line then wraps at its parts, not inside a word. Only for the
// catalogue's text and setting names: a value from the run could hold a leaked secret, which
// a <wbr> would hide from a search of the page.
func wbr(s string) template.HTML {
	e := template.HTMLEscapeString(s)
	e = strings.ReplaceAll(e, "_", "_<wbr>")
	return template.HTML(strings.ReplaceAll(e, "/", "/<wbr>"))
}

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// Write renders run into the file at path (creating its directory), replacing any earlier file
// only once the page is complete.
func WriteHTML(path string, run PageRun) error {
	var buf bytes.Buffer
	if err := Render(&buf, run); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".report-*.html")
	if err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("html report: writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("html report: writing %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	return nil
}

// Render writes the page for run to w. It fails, writing nothing, on a spec or check whose
// state is not one of the State constants, since the counts would be wrong.
func Render(w io.Writer, run PageRun) error {
	v, err := buildPage(run)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, v); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// view is what the template reads: the Run, prepared for display.
type view struct {
	Title    string
	CSP      string
	CSS      template.CSS
	JS       template.JS
	Verdict  htmlVerdict
	Problems []string
	Findings []Finding
	Meta     []metaRow
	Counts   HTMLCounts
	// Changed are the settings that differ from their defaults, loosened ones first.
	Changed    []HTMLSetting
	Settings   []HTMLSetting
	Loosened   int
	Statuses   []filterOption
	Labels     []filterOption
	Specs      []specView
	Profiles   []HTMLProfile
	Comparison *HTMLComparison
}

type htmlVerdict struct{ Class, Word, Detail string }

type metaRow struct{ Name, Value string }

type filterOption struct {
	Value string
	Name  string // what the option says, when not Value
	Count int
}

type specView struct {
	Anchor        string
	Text          string
	Labels        []string
	LabelsJSON    string
	State         outcome.State
	Class         string // the state as a CSS class and filter value
	Failing       bool   // failed, errored or inconclusive: listed under "What failed"
	Checks        []checkView
	FailedCount   int
	Failure       string
	Problems      string
	Transcript    string
	TranscriptCut int
	SkipReason    string
	Duration      string
}

type checkView struct {
	Check
	Class   string
	Failing bool
}

// specStates is the order the page lists specs in: failures first, then what did not run,
// then the passes, and what the filters left out last.
var specStates = []outcome.State{outcome.Failed, outcome.Errored, outcome.Inconclusive, outcome.KnownDeviation,
	outcome.Skipped, outcome.NotChecked, outcome.Passed, outcome.Filtered}

func known(s outcome.State) bool { return slices.Contains(outcome.States, s) }

// failing: what the page lists under "What failed".
func pageFailing(s outcome.State) bool { return s.Failing() || s == outcome.Inconclusive }

func buildPage(run PageRun) (view, error) {
	for _, s := range run.Specs {
		if !known(s.State) {
			return view{}, fmt.Errorf("html report: spec %q has state %q, want one of %v", s.Text, s.State, specStates)
		}
		for _, c := range s.Checks {
			if !known(c.State) {
				return view{}, fmt.Errorf("html report: check %q of spec %q has state %q", c.ID, s.Text, c.State)
			}
		}
	}
	v := view{
		Title:  run.Title,
		CSP:    contentSecurityPolicy,
		CSS:    template.CSS(pageCSS),
		JS:     template.JS(pageJS),
		Counts: Count(run),
		Meta: []metaRow{
			{"Target", orDash(run.Target)},
			{"Suite version", orDash(run.SuiteVersion)},
			{"Commit", orDash(run.Commit)},
			{"Step 3 variant", orDash(run.Step3Variant)},
			{"Started", stamp(run.Started)},
			{"Ended", ended(run.Started, run.Ended)},
			{"Token sources", orDash(strings.Join(run.TokenSources, ", "))},
		},
		Settings:   run.Settings,
		Profiles:   run.Profiles,
		Comparison: run.Comparison,
	}
	if v.Title == "" {
		v.Title = DefaultTitle
	}
	for _, s := range run.Settings {
		if s.Changed || s.Loosened {
			v.Changed = append(v.Changed, s)
		}
		if s.Loosened {
			v.Loosened++
		}
	}
	sort.SliceStable(v.Changed, func(i, j int) bool { return v.Changed[i].Loosened && !v.Changed[j].Loosened })
	v.Verdict = judge(v.Counts.Specs, v.Loosened)
	if v.Verdict.Class == "loosened" {
		var names []string
		for _, s := range v.Changed {
			if s.Loosened {
				names = append(names, s.Name)
			}
		}
		v.Verdict.Detail += ": " + strings.Join(names, ", ")
	}
	v.Findings = run.Findings
	if v.Problems = run.Problems; len(v.Problems) > 0 && v.Verdict.Class != "failed" {
		v.Verdict = htmlVerdict{"failed", "Failed", fmt.Sprintf("%d passed, but the run's verdict failed: see below", v.Counts.Specs.Passed)}
	}
	if n := len(run.DefaultOnNotChecked); n > 0 && (v.Verdict.Class == "passed" || v.Verdict.Class == "loosened") {
		v.Verdict = htmlVerdict{"incomplete", "Passed, not all checked", fmt.Sprintf("%d specs passed, but %d check(s) on by default were not made: %s",
			v.Counts.Specs.Passed, n, strings.Join(run.DefaultOnNotChecked, ", "))}
	}
	if run.NothingProven != "" {
		v.Verdict = htmlVerdict{"failed", "Nothing proven", run.NothingProven}
	}

	labels := map[string]int{}
	states := map[outcome.State]int{}
	for i, s := range run.Specs {
		states[s.State]++
		sv := specView{
			Anchor:     fmt.Sprintf("spec-%d", i+1),
			Text:       s.Text,
			Labels:     s.Labels,
			State:      s.State,
			Class:      Class(s.State),
			Failing:    pageFailing(s.State),
			Failure:    strings.TrimRight(s.Failure, "\n"),
			Problems:   strings.TrimRight(s.Problems, "\n"),
			SkipReason: s.SkipReason,
		}
		if s.Duration > 0 {
			sv.Duration = s.Duration.Round(time.Millisecond).String()
		}
		lj, err := json.Marshal(nonNil(s.Labels))
		if err != nil {
			return view{}, fmt.Errorf("html report: %w", err)
		}
		sv.LabelsJSON = string(lj)
		for _, l := range s.Labels {
			labels[l]++
		}
		for _, c := range s.Checks {
			cv := checkView{Check: c, Class: Class(c.State), Failing: pageFailing(c.State)}
			if cv.Failing {
				sv.FailedCount++
			}
			sv.Checks = append(sv.Checks, cv)
		}
		if sv.Problems == "" {
			sv.Problems = sv.Failure
		}
		sv.Transcript, sv.TranscriptCut = cut(strings.TrimRight(s.Transcript, "\n"), MaxTranscript)
		v.Specs = append(v.Specs, sv)
	}
	// Failures first, then what did not run, then the passes: the order a reader needs.
	rank := map[outcome.State]int{}
	for i, s := range specStates {
		rank[s] = i
	}
	sort.SliceStable(v.Specs, func(i, j int) bool { return rank[v.Specs[i].State] < rank[v.Specs[j].State] })
	for _, s := range specStates {
		if states[s] > 0 {
			v.Statuses = append(v.Statuses, filterOption{Class(s), string(s), states[s]})
		}
	}
	for l, n := range labels {
		v.Labels = append(v.Labels, filterOption{l, l, n})
	}
	sort.Slice(v.Labels, func(i, j int) bool { return v.Labels[i].Value < v.Labels[j].Value })
	v.Verdict = inconclusiveVerdict(run, v.Verdict)
	v.Meta = append(v.Meta, transportMeta(run)...)
	return v, nil
}

func judge(t Tally, loosened int) htmlVerdict {
	notRun := t.Skipped + t.NotChecked
	switch {
	case t.Failed+t.Errored+t.Inconclusive > 0:
		detail := fmt.Sprintf("%d of %d specs run failed", t.Failed, t.Run)
		if t.Errored > 0 {
			detail += fmt.Sprintf(", %d errored", t.Errored)
		}
		if t.Inconclusive > 0 {
			detail += fmt.Sprintf(", %d inconclusive", t.Inconclusive)
		}
		if notRun > 0 {
			detail += fmt.Sprintf("; %d selected did not run", notRun)
		}
		return htmlVerdict{"failed", "Failed", detail}
	case t.Run == 0:
		return htmlVerdict{"incomplete", "Nothing ran", "no spec of this run executed: it proves nothing"}
	case notRun > 0:
		return htmlVerdict{"incomplete", "Incomplete", fmt.Sprintf("%d passed, %d selected specs did not run: the run does not prove them", t.Passed, notRun)}
	case t.KnownDeviation > 0:
		return htmlVerdict{"loosened", "Passed, known deviations", fmt.Sprintf("%d specs passed; %d failed a check the known-deviations file accepts for now", t.Passed, t.KnownDeviation)}
	case loosened > 0:
		return htmlVerdict{"loosened", "Passed, loosened", fmt.Sprintf("%d specs passed under %d loosened expectation setting(s): a weaker claim than the defaults", t.Passed, loosened)}
	default:
		return htmlVerdict{"passed", "Passed", fmt.Sprintf("all %d specs run passed, with the default expectations or stricter", t.Passed)}
	}
}

// cut shortens s to at most max bytes on a rune boundary, returning how many bytes it dropped.
func cut(s string, max int) (string, int) {
	if len(s) <= max {
		return s, 0
	}
	n := max
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], len(s) - n
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

func ended(start, end time.Time) string {
	if end.IsZero() {
		return "unknown"
	}
	if start.IsZero() || end.Before(start) {
		return stamp(end)
	}
	return fmt.Sprintf("%s (took %s)", stamp(end), end.Sub(start).Round(time.Second))
}
