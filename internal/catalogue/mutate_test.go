package catalogue_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"pgregory.net/rapid"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/schemas"
)

var requests = map[string]map[string]string{
	"reset-password.request.schema.json":         {"User": "unknown-trader-x"},
	"reset-code.request.schema.json":             {"Code": "000000"},
	"identifiers-reset-code.request.schema.json": {"Code": "000000", "Identifier": "ResetPassword"},
	"update-password.request.schema.json":        {"Token": "7f1c2a3e-0000-4000-8000-000000000000", "Password": "Nw-abcdefgh!Aa1", "PasswordConfirmation": "Nw-abcdefgh!Aa1"},
}

// Each class means what it says against the schema it was generated from: broken and
// lenient bodies break it, unusual ones satisfy it.
func TestClassesAgreeWithTheSchema(t *testing.T) {
	set, err := catalogue.DefaultSchemas()
	if err != nil {
		t.Fatal(err)
	}
	for name, valid := range requests {
		s, err := catalogue.Load(schemas.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[catalogue.Class]int{}
		gen := catalogue.Cases(s, valid)
		for i := range 300 {
			c := gen.Example(i)
			seen[c.Class]++
			err := set.Validate(name, c.Body)
			if (c.Class == catalogue.Unusual) != (err == nil) {
				t.Errorf("%s: %s: schema says %v", name, c.Describe(), err)
			}
		}
		for _, class := range []catalogue.Class{catalogue.Broken, catalogue.Lenient, catalogue.Unusual} {
			if seen[class] == 0 {
				t.Errorf("%s: 300 cases and none of class %s", name, class)
			}
		}
	}
}

func TestLoadRefusesWhatItCannotGenerateFrom(t *testing.T) {
	if _, err := catalogue.Load(schemas.FS, "envelope.schema.json"); err == nil {
		t.Error("the envelope (arrays, booleans) loaded as a request schema")
	}
	if _, err := catalogue.Load(schemas.FS, "no-such.schema.json"); err == nil {
		t.Error("a missing schema loaded")
	}
}

func bodies(t *testing.T, seed int64) []string {
	t.Helper()
	s, _ := catalogue.Load(schemas.FS, "update-password.request.schema.json")
	var out []string
	res, err := catalogue.Run(20, seed, catalogue.Cases(s, requests[s.Name]), func(cs []catalogue.Case) [][]string {
		for _, c := range cs {
			out = append(out, string(c.Body))
		}
		return make([][]string, len(cs))
	}, nil)
	if err != nil || res.Failure != nil || res.Cases != 20 || res.Seed != seed {
		t.Fatalf("run: %+v, %v", res, err)
	}
	return out
}

// A seed replays the same bodies, in the same order, whether drawn by Generate or handed
// to the judge by Run; another seed gives others.
func TestASeedReplaysItsBodies(t *testing.T) {
	a, b, c := bodies(t, 42), bodies(t, 42), bodies(t, 43)
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Error("one seed gave two sequences of bodies")
	}
	if strings.Join(a, "\n") == strings.Join(c, "\n") {
		t.Error("two seeds gave the same bodies")
	}
	s, _ := catalogue.Load(schemas.FS, "update-password.request.schema.json")
	cases, err := catalogue.Generate(20, 42, catalogue.Cases(s, requests[s.Name]))
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		if string(c.Body) != a[i] {
			t.Fatalf("case %d: Generate drew %s, Run judged %s", i, c.Body, a[i])
		}
	}
}

// Every case reaches the judge at once (the suite sends them concurrently); only the first
// failing case, in order, is shrunk, one case at a time, and the result names the smallest
// body rapid can shrink it to: a judge that fails every body with a non-ASCII character
// gets a single such character back.
func TestAFailureIsShrunk(t *testing.T) {
	s, _ := catalogue.Load(schemas.FS, "reset-code.request.schema.json")
	nonASCII := func(r rune) bool { return r > unicode.MaxASCII }
	judge := func(c catalogue.Case) []string {
		if strings.ContainsFunc(string(c.Body), nonASCII) {
			return []string{"status: 500"}
		}
		return nil
	}
	var batch []catalogue.Case
	firstFailing := -1
	res, err := catalogue.Run(200, 7, catalogue.Cases(s, requests[s.Name]), func(cs []catalogue.Case) [][]string {
		batch = cs
		out := make([][]string, len(cs))
		for i, c := range cs {
			if out[i] = judge(c); out[i] != nil && firstFailing < 0 {
				firstFailing = i
			}
		}
		return out
	}, judge)
	if err != nil || res.Failure == nil {
		t.Fatalf("want a failure, got %+v, %v", res, err)
	}
	if len(batch) != 200 || res.Failure.Index != firstFailing {
		t.Errorf("judged %d cases at once, shrunk case %d, want 200 and %d", len(batch), res.Failure.Index, firstFailing)
	}
	body := string(res.Failure.Case.Body)
	n := 0
	for _, r := range body {
		if nonASCII(r) {
			n++
		}
	}
	if n != 1 || utf8.RuneCountInString(body) > len(`{"Code":"000000"}`)+1 || res.Failure.Problems[0] != "status: 500" {
		t.Errorf("not shrunk to one non-ASCII character: %s (%q)", res.Failure.Case.Describe(), res.Failure.Problems)
	}
}

// A case that passes when judged again (a flaky target) is reported as first seen.
func TestAFailureThatDoesNotRecurStandsAsSeen(t *testing.T) {
	s, _ := catalogue.Load(schemas.FS, "reset-code.request.schema.json")
	res, err := catalogue.Run(5, 3, catalogue.Cases(s, requests[s.Name]), func(cs []catalogue.Case) [][]string {
		out := make([][]string, len(cs))
		out[2] = []string{"status: 502"}
		return out
	}, func(catalogue.Case) []string { return nil })
	if err != nil || res.Failure == nil || res.Failure.Index != 2 || res.Failure.Problems[0] != "status: 502" {
		t.Fatalf("want case 2's failure as seen, got %+v, %v", res.Failure, err)
	}
	cases, _ := catalogue.Generate(5, 3, catalogue.Cases(s, requests[s.Name]))
	if string(res.Failure.Case.Body) != string(cases[2].Body) {
		t.Errorf("reported %s, case 2 was %s", res.Failure.Case.Body, cases[2].Body)
	}
}

func TestRunRefusesNoCasesOrNoSeed(t *testing.T) {
	gen := rapid.Just(catalogue.Case{})
	all := func(cs []catalogue.Case) [][]string { return make([][]string, len(cs)) }
	if _, err := catalogue.Run(0, 1, gen, all, nil); err == nil {
		t.Error("zero cases ran")
	}
	if _, err := catalogue.Run(1, 0, gen, all, nil); err == nil {
		t.Error("seed 0 ran")
	}
	if _, err := catalogue.Run(3, 1, gen, func([]catalogue.Case) [][]string { return nil }, nil); err == nil {
		t.Error("a judge that lost verdicts passed")
	}
}
