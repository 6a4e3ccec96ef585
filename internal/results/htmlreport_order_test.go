package results

import (
	"html"
	"math/rand/v2"
	"regexp"
	"slices"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/outcome"
)

// flowSpec is one spec of flowRun: its text and the checks it declares, its own first, as
// Checks names them.
type flowSpec struct {
	text   string
	checks []string
}

// flowSpecs are passing specs of every area, in the order report.html must list them: step 1
// to login, then the cross-cutting areas (api, security, body: the order the catalogue first
// names them); within an area by the catalogue's order of each spec's first check.
var flowSpecs = []flowSpec{
	{"Step 1, request a reset: POST v1.0/users/password/reset emails a confirmation code to a trader without a secret question", []string{catalogue.Step1NoQuestionAccepted, catalogue.Step1CodeMailed}},
	// The whole flow starts at step 1: its first check is a step 1 check.
	{"The whole reset flow, as a client walks it", []string{catalogue.Step1MissingAnswerRefused, catalogue.Step2ByLoginQuestion, catalogue.Step3ValidCodeToken, catalogue.Step4ValidSucceeds, catalogue.LoginValidSucceeds}},
	{"Step 1, request a reset: POST v1.0/users/password/reset refuses a wrong secret answer with the documented ErrorIncorrectAnswer", []string{catalogue.Step1WrongAnswerRefused}},
	// A security check of step 1 (its ID says step1) stays with step 1.
	{"A wrong Et-App-Key on every endpoint refuses step 1", []string{catalogue.Step1AppKeyWrongRefused}},
	{"Step 2 returns the secret question asked by login", []string{catalogue.Step2ByLoginQuestion}},
	{"Step 3, trade the code for a token: POST v1.0/users/password/reset/code (or users/identifiers/reset/code) trades a pending code for a token", []string{catalogue.Step3ValidCodeToken}},
	{"Step 4, update the password: PUT v1.0/users/passwords/reset/ sets the new password for a valid token and matching passwords", []string{catalogue.Step4ValidSucceeds, catalogue.Step4ValidNewPasswordLogsIn}},
	{"Login with the current password", []string{catalogue.LoginValidSucceeds}},
	{"Undocumented methods are refused", []string{catalogue.APIWrongMethodRefused}},
	{"Security: a long password is accepted", []string{catalogue.SecurityPasswordLongAccepted}},
	// Its own check, judged on every exchange too, comes first among its labels.
	{"Security: errors reveal no internals", []string{catalogue.SecurityErrorsNoInternals}},
	// Declares step 1 checks too, but names its own security check first.
	{"Security: a reset voids the trader's other grants", []string{catalogue.SecurityResetOldCodesVoid, catalogue.Step1NoQuestionAccepted, catalogue.Step1CodeMailed}},
	{"Malformed bodies are refused", []string{catalogue.BodyMalformedRefused}},
}

// flowReport is a Ginkgo report of flowSpecs in the order perm gives (the run's order), each
// with the labels Checks gives it: its checks, then those of every exchange.
func flowReport(perm []int) types.Report {
	var every []string
	for _, c := range catalogue.MustDefault().Checks {
		if c.EveryExchange {
			every = append(every, c.ID)
		}
	}
	var specs []types.SpecReport
	for _, i := range perm {
		s := flowSpecs[i]
		labels := slices.Clone(s.checks)
		for _, id := range every {
			if !slices.Contains(labels, id) {
				labels = append(labels, id)
			}
		}
		specs = append(specs, spec(s.text, types.SpecStatePassed, "", labels...))
	}
	return runOf(specs...)
}

func passedRecords(rep types.Report) []outcome.Record {
	var recs []outcome.Record
	for _, sp := range rep.SpecReports {
		for _, l := range sp.LeafNodeLabels {
			if c, ok := catalogue.MustDefault().Get(l); ok && !c.EveryExchange {
				recs = append(recs, outcome.Record{Spec: sp.FullText(), Process: 1, Check: l, State: outcome.Passed})
			}
		}
	}
	return recs
}

var specTextRE = regexp.MustCompile(`<a class="spec-text" href="#spec-\d+">([^<]*)</a>`)

// listed is the text of every spec of the page, in its order.
func listed(page string) []string {
	var out []string
	for _, sm := range specTextRE.FindAllStringSubmatch(page, -1) {
		out = append(out, html.UnescapeString(sm[1]))
	}
	return out
}

// Whatever order the specs ran in, report.html lists them in the documented flow's order,
// the same every time.
func TestSpecsAreListedInStepOrder(t *testing.T) {
	var want []string
	for _, s := range flowSpecs {
		want = append(want, s.text)
	}
	var reversed []int // one run in exactly the wrong order, then random ones
	for i := len(flowSpecs) - 1; i >= 0; i-- {
		reversed = append(reversed, i)
	}
	perms := [][]int{reversed}
	rng := rand.New(rand.NewPCG(22, 6))
	for range 7 {
		perms = append(perms, rng.Perm(len(flowSpecs)))
	}
	for _, perm := range perms {
		rep := flowReport(perm)
		m := build(rep, passedRecords(rep), Run{Target: "t"})
		run := HTMLRun(m, catalogue.MustDefault())
		var got []string
		for _, s := range run.Specs {
			if s.State != outcome.Passed {
				t.Fatalf("%q is %s, want passed", s.Text, s.State)
			}
			got = append(got, s.Text)
		}
		if !slices.Equal(got, want) {
			t.Errorf("run order %v: the page's order\n got %q\nwant %q", perm, got, want)
		}
		// The page keeps it: the specs of one state in the order HTMLRun gives.
		if got := listed(render(t, run)); !slices.Equal(got, want) {
			t.Errorf("run order %v: report.html lists\n %q\nwant %q", perm, got, want)
		}
	}
}

// A spec that declares no check of the catalogue comes last, and failures still come first.
func TestStepOrderUnderFailuresFirst(t *testing.T) {
	rep := flowReport([]int{7, 0, 4})
	rep.SpecReports = append(types.SpecReports{spec("declares nothing", types.SpecStatePassed, "")}, rep.SpecReports...)
	recs := passedRecords(rep)
	failing := rep.SpecReports[2].FullText() // step 1's spec, failed
	for i := range recs {
		if recs[i].Spec == failing {
			recs[i].State, recs[i].Problems = outcome.Failed, []outcome.Problem{{Kind: "status", Text: "status: expected 200, got 500"}}
		}
	}
	rep.SpecReports[2].State = types.SpecStateFailed
	run := HTMLRun(build(rep, recs, Run{Target: "t"}), catalogue.MustDefault())
	got := listed(render(t, run))
	want := []string{flowSpecs[0].text, flowSpecs[4].text, flowSpecs[7].text, "declares nothing"}
	if !slices.Equal(got, want) {
		t.Errorf("report.html lists\n %q\nwant %q", got, want)
	}
}
