package catalogue

import (
	"flag"
	"fmt"
	"strconv"
	"sync"

	"pgregory.net/rapid"
)

// Failure is the smallest failing case rapid found, with what the judge said of it.
type Failure struct {
	Index    int // the generated case that failed first, in order (0-based), before shrinking
	Case     Case
	Problems []string
}

// Result of a run.
type Result struct {
	Seed    int64
	Cases   int
	Failure *Failure // nil: every case passed
}

// rapid reads its settings from command-line flags of the process; mu keeps two runs in
// one process from interleaving their settings.
var mu sync.Mutex

// caseSeed is the rapid seed of case i of a run with seed: each case has a seed of its own,
// so the n cases can be drawn up front (and sent at once), and one of them shrunk alone.
// A positive seed plus a small i is never 0, which rapid would take for "draw one".
func caseSeed(seed int64, i int) uint64 { return uint64(seed) + uint64(i) }

// Generate draws the n cases of seed (non-zero) from gen: case i is the first case rapid
// draws with the seed caseSeed(seed, i), so the same seed gives the same bodies, in the
// same order, and Shrink starts from exactly that case.
func Generate(n int, seed int64, gen *rapid.Generator[Case]) ([]Case, error) {
	if n <= 0 || seed == 0 {
		return nil, fmt.Errorf("mutate: need a positive number of cases and a non-zero seed, got %d and %d", n, seed)
	}
	mu.Lock()
	defer mu.Unlock()
	out := make([]Case, n)
	for i := range out {
		var drawn bool
		failed, err := check(caseSeed(seed, i), func(t *rapid.T) {
			out[i], drawn = gen.Draw(t, "case"), true
		})
		if err == nil && (failed != "" || !drawn) {
			err = fmt.Errorf("rapid drew no case: %s", failed)
		}
		if err != nil {
			return nil, fmt.Errorf("mutate: drawing case %d of seed %d: %v", i, seed, err)
		}
	}
	return out, nil
}

// Run judges the n cases of seed. judgeAll gets them all at once (so the caller may send
// them concurrently) and returns each case's problems, in the order of the cases, none
// for a case that passed. The first failing case, in that order, is then shrunk with
// judge, one case at a time (it is rare, and only on a failure), and the result holds the
// smallest case that still fails. judge may be nil when judgeAll finds no failure.
func Run(n int, seed int64, gen *rapid.Generator[Case], judgeAll func([]Case) [][]string, judge func(Case) []string) (Result, error) {
	cases, err := Generate(n, seed, gen)
	if err != nil {
		return Result{}, err
	}
	res := Result{Seed: seed, Cases: n}
	problems := judgeAll(cases)
	if len(problems) != n {
		return res, fmt.Errorf("mutate: the judge returned %d verdicts for %d cases", len(problems), n)
	}
	for i, p := range problems {
		if len(p) > 0 {
			f, err := Shrink(seed, i, gen, Failure{Index: i, Case: cases[i], Problems: p}, judge)
			res.Failure = &f
			return res, err
		}
	}
	return res, nil
}

// Shrink starts from case i of seed, which failed as first says, and returns the smallest
// case rapid can shrink it to that judge still fails; first itself if the case no longer
// fails when judged again (a flaky target: the failure stands as first seen).
func Shrink(seed int64, i int, gen *rapid.Generator[Case], first Failure, judge func(Case) []string) (Failure, error) {
	if judge == nil {
		return first, nil
	}
	mu.Lock()
	defer mu.Unlock()
	// rapid replays the smallest failing case last, so the last failure seen is it.
	last := first
	_, err := check(caseSeed(seed, i), func(t *rapid.T) {
		c := gen.Draw(t, "case")
		if problems := judge(c); len(problems) > 0 {
			last = Failure{Index: i, Case: c, Problems: problems}
			t.Fatalf("%s", problems[0])
		}
	})
	if err != nil {
		return first, err
	}
	return last, nil
}

// check runs prop on the one case rapid draws with seed, and shrinks it if prop fails;
// failed is rapid's report of a failure ("" if none). Callers hold mu.
func check(seed uint64, prop func(*rapid.T)) (failed string, err error) {
	for name, v := range map[string]string{"rapid.checks": "1", "rapid.seed": strconv.FormatUint(seed, 10),
		"rapid.nofailfile": "true", "rapid.shrinktime": "20s"} {
		if err := flag.Set(name, v); err != nil {
			return "", fmt.Errorf("mutate: setting %s: %v", name, err)
		}
	}
	tb := &quietTB{}
	rapid.Check(tb, prop)
	if tb.failed {
		return "failed: " + tb.msg, nil
	}
	return "", nil
}

// quietTB takes rapid's report for the caller to phrase its own failure; rapid calls
// FailNow last, so returning from it ends the run.
type quietTB struct {
	failed bool
	msg    string
}

func (q *quietTB) Helper()                   {}
func (q *quietTB) Name() string              { return "mutate" }
func (q *quietTB) Logf(string, ...any)       {}
func (q *quietTB) Log(...any)                {}
func (q *quietTB) Skipf(f string, a ...any)  { q.Errorf(f, a...) }
func (q *quietTB) Skip(a ...any)             { q.Error(a...) }
func (q *quietTB) SkipNow()                  { q.Fail() }
func (q *quietTB) Errorf(f string, a ...any) { q.failed, q.msg = true, fmt.Sprintf(f, a...) }
func (q *quietTB) Error(a ...any)            { q.failed, q.msg = true, fmt.Sprint(a...) }
func (q *quietTB) Fatalf(f string, a ...any) { q.Errorf(f, a...) }
func (q *quietTB) Fatal(a ...any)            { q.Error(a...) }
func (q *quietTB) FailNow()                  { q.failed = true }
func (q *quietTB) Fail()                     { q.failed = true }
func (q *quietTB) Failed() bool              { return q.failed }
