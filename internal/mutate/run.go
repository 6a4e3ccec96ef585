package mutate

import (
	"flag"
	"fmt"
	"strconv"
	"sync"

	"pgregory.net/rapid"
)

// Failure is the smallest failing case rapid found, with what the judge said of it.
type Failure struct {
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

// Run generates n cases from gen with the seed (non-zero) and asks judge about each; judge
// returns the problems of a case, none when it passed. On a failure rapid shrinks the case
// and the result holds the smallest one that still fails. shrinkCases bounds the extra
// cases shrinking may try.
func Run(n int, seed int64, gen *rapid.Generator[Case], judge func(Case) []string) (Result, error) {
	if n <= 0 || seed == 0 {
		return Result{}, fmt.Errorf("mutate: need a positive number of cases and a non-zero seed, got %d and %d", n, seed)
	}
	mu.Lock()
	defer mu.Unlock()
	for name, v := range map[string]string{"rapid.checks": strconv.Itoa(n), "rapid.seed": strconv.FormatUint(uint64(seed), 10),
		"rapid.nofailfile": "true", "rapid.shrinktime": "20s"} {
		if err := flag.Set(name, v); err != nil {
			return Result{}, fmt.Errorf("mutate: setting %s: %v", name, err)
		}
	}
	res := Result{Seed: seed}
	// rapid replays the smallest failing case last, so the last failure seen is it.
	var last *Failure
	tb := &quietTB{}
	rapid.Check(tb, func(t *rapid.T) {
		c := gen.Draw(t, "case")
		res.Cases++
		if problems := judge(c); len(problems) > 0 {
			last = &Failure{Case: c, Problems: problems}
			t.Fatalf("%s", problems[0])
		}
	})
	if tb.failed {
		if last == nil {
			return res, fmt.Errorf("mutate: rapid failed without a failing case: %s", tb.msg)
		}
		res.Failure = last
	}
	return res, nil
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
