package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/results"
)

const headCommit = "0123456789abcdef0123456789abcdef01234567"

var now = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

// aRun is summary.json of a full, passed run against staging, an hour ago, as
// internal/results writes it (so that a renamed field breaks this test, not the gate).
func aRun(change ...func(*results.Summary)) []byte {
	s := results.Summary{
		Suite:       results.Version{Module: "github.com/autoshares/conformance", Version: "devel", Commit: headCommit[:12], From: "git"},
		Run:         results.Run{Target: "https://[REDACTED]@staging.example.com/api"},
		LabelFilter: "!slow",
		Succeeded:   true,
		Loosened:    []string{},
		Start:       now.Add(-61 * time.Minute),
		End:         now.Add(-time.Hour),
		Counts:      results.Counts{Specs: 3, Run: 2, Passed: 2, Filtered: 1},
		Specs: []results.SpecResult{
			{Name: "step 1 works", Node: "It", Labels: []string{"step1"}, Status: results.StatusPassed},
			{Name: "step 4 works", Node: "It", Labels: []string{"step4"}, Status: results.StatusPassed},
			{Name: "a token expires", Node: "It", Labels: []string{"step4", "slow"}, Status: results.StatusFiltered},
		},
	}
	for _, c := range change {
		c(&s)
	}
	b, _ := json.MarshalIndent(s, "", "  ")
	return b
}

var deployment = want{commit: headCommit, target: "https://ops:pw@staging.example.com/api/", maxAge: 24 * time.Hour, now: now}

func TestAFullFreshRunIsPublished(t *testing.T) {
	j := judge(aRun(), deployment)
	if len(j.refuse) > 0 || len(j.short) > 0 || j.failed {
		t.Fatalf("judgement = %+v", j)
	}
	// The slow spec asked for too: still the whole catalogue.
	j = judge(aRun(func(s *results.Summary) {
		s.LabelFilter = "slow || !slow"
		s.Specs[2].Status = results.StatusPassed
	}), deployment)
	if len(j.refuse) > 0 {
		t.Fatalf("a run of every spec: %+v", j)
	}
}

func TestWhatIsNotAFullFreshRunIsRefused(t *testing.T) {
	for name, tc := range map[string]struct {
		change func(*results.Summary)
		w      func(*want)
		says   string
	}{
		"a focus": {func(s *results.Summary) { s.Specs[1].Status = results.StatusFiltered; s.Counts.Filtered++ }, nil, "a focus or skip"},
		"a label filter": {func(s *results.Summary) {
			s.LabelFilter = "(step1) && !slow"
			s.Specs[1].Status = results.StatusFiltered
		}, nil, "only some specs"},
		"no spec listed":            {func(s *results.Summary) { s.Specs = nil; s.Counts.Filtered = 3 }, nil, "lists no spec"},
		"another commit":            {func(s *results.Summary) { s.Suite.Commit = "fedcba9876543210" }, nil, "not " + headCommit},
		"an unknown commit":         {func(s *results.Summary) { s.Suite.Commit = "unknown" }, nil, "which commit"},
		"a modified tree":           {func(s *results.Summary) { s.Suite.Modified = true }, nil, "uncommitted changes"},
		"another target":            {func(s *results.Summary) { s.Target = "https://prod.example.com/api" }, nil, "not https://[REDACTED]@staging.example.com/api/"},
		"no target to compare":      {nil, func(w *want) { w.target = "" }, "set AUTOSHARES_BASE_URL"},
		"the embedded provider":     {func(s *results.Summary) { s.Embedded = true }, nil, "embedded reference provider"},
		"an old run":                {func(s *results.Summary) { s.End = now.Add(-25 * time.Hour); s.Start = s.End }, nil, "more than PUBLISH_MAX_AGE (24h0m0s)"},
		"an old run, a shorter age": {nil, func(w *want) { w.maxAge = 30 * time.Minute }, "more than PUBLISH_MAX_AGE (30m0s)"},
		"a run from the future":     {func(s *results.Summary) { s.End = now.Add(3 * time.Hour) }, nil, "in the future"},
		"no time":                   {func(s *results.Summary) { s.Start, s.End = time.Time{}, time.Time{} }, nil, "no start or end time"},
	} {
		t.Run(name, func(t *testing.T) {
			w := deployment
			if tc.w != nil {
				tc.w(&w)
			}
			var change []func(*results.Summary)
			if tc.change != nil {
				change = append(change, tc.change)
			}
			j := judge(aRun(change...), w)
			if !strings.Contains(strings.Join(j.refuse, "\n"), tc.says) {
				t.Errorf("refusals %q, want one saying %q", j.refuse, tc.says)
			}
			if strings.Contains(strings.Join(j.refuse, "\n"), ":pw@") {
				t.Errorf("a refusal shows the target's credentials: %q", j.refuse)
			}
		})
	}
	if j := judge([]byte(`{"suite": `), deployment); len(j.refuse) == 0 {
		t.Error("a summary that is not JSON is accepted")
	}
}

func TestARunShortOfAFullVerificationIsPublishedAsFailed(t *testing.T) {
	j := judge(aRun(func(s *results.Summary) {
		s.Counts.Skipped, s.Counts.KnownDeviations, s.Loosened = 2, 1, []string{"AUTOSHARES_EXPECT_SUCCESS_STATUS"}
	}), deployment)
	if len(j.refuse) > 0 || strings.Join(j.short, "; ") != "2 spec(s) skipped; 1 known deviation(s); loosened settings (AUTOSHARES_EXPECT_SUCCESS_STATUS)" {
		t.Errorf("judgement = %+v", j)
	}
	if j := judge(aRun(func(s *results.Summary) { s.Succeeded = false }), deployment); !j.failed || len(j.refuse) > 0 {
		t.Errorf("a failed run: %+v", j)
	}
}

// The suite's own pacts come from a run against the embedded provider: allowed there, and
// still only a full, fresh run of this commit.
func TestTheEmbeddedProviderWhereItIsTheRule(t *testing.T) {
	w := want{embedded: true, commit: headCommit, maxAge: time.Hour, now: now}
	if j := judge(aRun(func(s *results.Summary) { s.Embedded = true }), w); len(j.refuse) > 0 {
		t.Errorf("refused: %q", j.refuse)
	}
	if j := judge(aRun(func(s *results.Summary) { s.Embedded = true; s.Specs[0].Status = results.StatusFiltered }), w); len(j.refuse) == 0 {
		t.Error("a focused run of the embedded provider is accepted")
	}
}

func TestBrokerCredentialsOnlyOverHTTPS(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for raw, ok := range map[string]bool{
		"https://broker.example.com":  true,
		"http://127.0.0.1:9292":       true,
		"http://localhost:9292":       true,
		"http://[::1]:9292":           true,
		"http://broker.example.com":   false,
		"http://broker.localhost":     false,
		"http://127.0.0.1.example.io": false,
		"broker.example.com":          false,
	} {
		p := brokerProblems(env(map[string]string{"PACT_BROKER_BASE_URL": raw, "PACT_BROKER_TOKEN": "t"}))
		if (len(p) == 0) != ok {
			t.Errorf("%s with a token: problems %q, want accepted %v", raw, p, ok)
		}
	}
	if p := brokerProblems(env(map[string]string{"PACT_BROKER_BASE_URL": "http://u:canary-pw@broker.example.com"})); len(p) == 0 || strings.Contains(p[0], "canary-pw") {
		t.Errorf("credentials in a cleartext URL: %q", p)
	}
}

func TestMaskHidesTheBrokersSecrets(t *testing.T) {
	var out bytes.Buffer
	in := "token mask-canary-tok, url https://u:mask-canary-pw@b.example.com/x?apikey=mask-canary-q, pw mask-canary-pw2\nno newline"
	err := mask(strings.NewReader(in), &out, func(k string) string {
		return map[string]string{"PACT_BROKER_TOKEN": "mask-canary-tok", "PACT_BROKER_PASSWORD": "mask-canary-pw2",
			"PACT_BROKER_BASE_URL": "https://u:mask-canary-pw@b.example.com"}[k]
	})
	if err != nil || strings.Contains(out.String(), "mask-canary") || !strings.HasSuffix(out.String(), "no newline") {
		t.Errorf("mask: %v\n%s", err, out.String())
	}
}
