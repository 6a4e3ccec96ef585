// Command pactgate is what the publishing scripts (scripts/publish-*.sh) ask before they
// talk to a broker, so that what they decide rests on parsed data, not on sed:
//
//	pactgate broker
//	    the broker settings: credentials go only over https (loopback excepted).
//	pactgate run [-embedded] [-commit SHA] [-target URL] [-max-age D] SUMMARY.JSON
//	    whether a run may be published: complete (no focus, skip or label filter but the
//	    default), from this commit, against this target, fresh. Exit 0: publish it as a
//	    passed verification; 3: publish it as a failed one (the reason is printed); 1:
//	    refuse (every reason is printed); 2: usage.
//	pactgate mask
//	    copies stdin to stdout with the broker's secrets masked (the token, the password,
//	    credentials and secret query parameters of any URL).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/redact"
)

// Exit codes of `pactgate run`.
const (
	exitPublish       = 0
	exitRefuse        = 1
	exitUsage         = 2
	exitPublishFailed = 3
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: pactgate broker | run [flags] SUMMARY.JSON | mask")
		os.Exit(exitUsage)
	}
	switch os.Args[1] {
	case "broker":
		if problems := brokerProblems(os.Getenv); len(problems) > 0 {
			for _, p := range problems {
				fmt.Fprintln(os.Stderr, p)
			}
			os.Exit(exitRefuse)
		}
	case "run":
		os.Exit(runCmd(os.Args[2:], os.Stdout, os.Stderr))
	case "mask":
		if err := mask(os.Stdin, os.Stdout, os.Getenv); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(exitRefuse)
		}
	default:
		fmt.Fprintf(os.Stderr, "pactgate: unknown command %q\n", os.Args[1])
		os.Exit(exitUsage)
	}
}

// brokerProblems: broker credentials (a token, a user and password, or credentials in the
// URL itself) go to PACT_BROKER_BASE_URL only over https, or to a loopback host (a literal
// loopback address or localhost itself, as config.IsLoopbackHost says).
func brokerProblems(getenv func(string) string) []string {
	raw := getenv("PACT_BROKER_BASE_URL")
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return []string{fmt.Sprintf("PACT_BROKER_BASE_URL %q is not an http(s) URL such as https://broker.example.com", redact.URL(raw))}
	}
	creds := getenv("PACT_BROKER_TOKEN") != "" || getenv("PACT_BROKER_USERNAME") != "" || getenv("PACT_BROKER_PASSWORD") != "" || u.User != nil
	if creds && u.Scheme == "http" && !config.IsLoopbackHost(u.Hostname()) {
		return []string{fmt.Sprintf("PACT_BROKER_BASE_URL %s is http:// to %s, which is not loopback: the broker credentials would cross the network in cleartext. Use https://",
			redact.URL(raw), u.Hostname())}
	}
	return nil
}

// mask copies in to out line by line, masked: every secret the broker settings hold.
func mask(in io.Reader, out io.Writer, getenv func(string) string) error {
	r := redact.New()
	r.AddConfigured(getenv("PACT_BROKER_TOKEN"), getenv("PACT_BROKER_PASSWORD"))
	r.AddConfigured(redact.URLSecrets(getenv("PACT_BROKER_BASE_URL"), getenv("PACT_URL"))...)
	br := bufio.NewReader(in)
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			if _, werr := io.WriteString(out, r.Text(line)); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// summary is what the gate reads of a run's summary.json (internal/results.Summary;
// main_test.go proves the names against it).
type summary struct {
	Suite struct {
		Commit   string `json:"commit"`
		Modified bool   `json:"modified"`
	} `json:"suite"`
	Target      string   `json:"target"`
	Embedded    bool     `json:"embedded"`
	LabelFilter string   `json:"label_filter"`
	Succeeded   bool     `json:"succeeded"`
	Loosened    []string `json:"loosened"`
	Counts      struct {
		Specs           int `json:"specs"`
		Skipped         int `json:"skipped"`
		Filtered        int `json:"filtered"`
		NotRun          int `json:"not_run"`
		Pending         int `json:"pending"`
		KnownDeviations int `json:"known_deviations"`
	} `json:"counts"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	Specs []struct {
		Name   string   `json:"name"`
		Node   string   `json:"node"`
		Labels []string `json:"labels"`
		Status string   `json:"status"`
	} `json:"specs"`
}

// want is what a publishable run must match.
type want struct {
	embedded bool          // the run may be against the embedded provider (the suite's own pacts)
	commit   string        // the commit being published; "" = not checked
	target   string        // the target being published; "" = not checked (with embedded)
	maxAge   time.Duration // how old the run may be
	now      time.Time
}

// judgement is the gate's answer: refusals (nothing is published) or, for a run that may
// be published, why it falls short of a full verification (published as failed).
type judgement struct {
	refuse []string
	short  []string
	failed bool
}

// slowLabel is the label of the spec a default run leaves out (internal/config).
const slowLabel = "slow"

func judge(data []byte, w want) judgement {
	var j judgement
	var s summary
	if err := json.Unmarshal(data, &s); err != nil {
		j.refuse = append(j.refuse, fmt.Sprintf("summary.json is not a run's summary: %v", err))
		return j
	}
	refuse := func(format string, args ...any) { j.refuse = append(j.refuse, fmt.Sprintf(format, args...)) }

	// What was tested.
	switch {
	case s.Embedded && !w.embedded:
		refuse("the run tested the embedded reference provider, not a deployment: run make conformance with AUTOSHARES_BASE_URL set to the provider version")
	case !s.Embedded && !w.embedded && w.target == "":
		refuse("set AUTOSHARES_BASE_URL (or AUTOSHARES_CONFIG) to the deployment the run tested: the run's summary names %s", s.Target)
	case w.target != "" && !s.Embedded && !sameTarget(s.Target, w.target):
		refuse("the run tested %s, not %s (AUTOSHARES_BASE_URL): publish the results of a run against the target being published", s.Target, redact.URL(w.target))
	}

	// With what: this commit of the suite, unmodified.
	switch {
	case w.commit == "":
	case s.Suite.Commit == "" || s.Suite.Commit == "unknown":
		refuse("the run does not say which commit of the suite made it: run make conformance from this checkout")
	case !sameCommit(s.Suite.Commit, w.commit):
		refuse("the run was made by commit %s of the suite, not %s (this checkout): run make conformance again", s.Suite.Commit, w.commit)
	case s.Suite.Modified:
		refuse("the run was made by commit %s with uncommitted changes: run make conformance from a clean checkout", s.Suite.Commit)
	}

	// When.
	end := s.End
	if end.IsZero() {
		end = s.Start
	}
	switch {
	case end.IsZero():
		refuse("the run's summary has no start or end time")
	case end.Sub(w.now) > time.Hour:
		refuse("the run's summary says it ended at %s, in the future: check this machine's clock", end.UTC().Format(time.RFC3339))
	case w.now.Sub(end) > w.maxAge:
		refuse("the run ended %s ago (%s), more than PUBLISH_MAX_AGE (%s): run make conformance again", w.now.Sub(end).Round(time.Minute), end.UTC().Format(time.RFC3339), w.maxAge)
	}

	// Everything: no spec left out but by the default exclusion of the slow spec.
	filter := strings.TrimSpace(s.LabelFilter)
	selects := func([]string) bool { return true }
	if filter != "" {
		f, err := types.ParseLabelFilter(filter)
		if err != nil {
			refuse("the run's label filter %q cannot be read: %v", filter, err)
		} else {
			selects = f
		}
	}
	var byLabels, byFocus []string
	its := 0
	for _, sp := range s.Specs {
		if sp.Node != "" && sp.Node != "It" {
			continue
		}
		its++
		selected := selects(sp.Labels)
		switch {
		case sp.Status == "filtered" && selected:
			byFocus = append(byFocus, sp.Name) // the labels took it, so a focus or skip left it out
		case sp.Status == "filtered" && !hasLabel(sp.Labels, slowLabel):
			byLabels = append(byLabels, sp.Name)
		}
	}
	if len(byLabels) > 0 {
		refuse("the run selected only some specs (label filter %q left out %d, e.g. %q): publish the results of a full run", filter, len(byLabels), byLabels[0])
	}
	if len(byFocus) > 0 {
		refuse("a focus or skip (e.g. GINKGO_FLAGS=--focus=...) left out %d spec(s) of the run, e.g. %q: publish the results of a full run", len(byFocus), byFocus[0])
	}
	if its == 0 {
		refuse("the run lists no spec (it stopped before any ran, or selected none): there is nothing to publish")
	}
	if s.Counts.Pending > 0 {
		j.short = append(j.short, fmt.Sprintf("%d spec(s) pending", s.Counts.Pending))
	}

	// How it went: a run that succeeded short of a full verification is published as failed.
	if s.Counts.Skipped > 0 {
		j.short = append(j.short, fmt.Sprintf("%d spec(s) skipped", s.Counts.Skipped))
	}
	if s.Counts.KnownDeviations > 0 {
		j.short = append(j.short, fmt.Sprintf("%d known deviation(s)", s.Counts.KnownDeviations))
	}
	if len(s.Loosened) > 0 {
		j.short = append(j.short, fmt.Sprintf("loosened settings (%s)", strings.Join(s.Loosened, ",")))
	}
	j.failed = !s.Succeeded
	return j
}

func hasLabel(labels []string, l string) bool {
	for _, x := range labels {
		if strings.EqualFold(x, l) {
			return true
		}
	}
	return false
}

// sameCommit: equal, or one an abbreviation of the other (at least 7 hex digits).
func sameCommit(a, b string) bool {
	a, b = strings.ToLower(strings.TrimSpace(a)), strings.ToLower(strings.TrimSpace(b))
	if len(a) > len(b) {
		a, b = b, a
	}
	return len(a) >= 7 && strings.HasPrefix(b, a)
}

// sameTarget compares the summary's target (masked) with the configured base URL, both
// masked the same way and without a trailing slash.
func sameTarget(summarised, configured string) bool {
	norm := func(s string) string { return strings.TrimRight(redact.URL(strings.TrimSpace(s)), "/") }
	return norm(summarised) == norm(configured)
}

// configuredTarget is AUTOSHARES_BASE_URL from the environment, or from the JSON file
// AUTOSHARES_CONFIG names (the environment wins, as for a run).
func configuredTarget(getenv func(string) string) string {
	if v := getenv("AUTOSHARES_BASE_URL"); v != "" {
		return v
	}
	file := getenv("AUTOSHARES_CONFIG")
	if file == "" {
		return ""
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return ""
	}
	var settings map[string]any
	if json.Unmarshal(data, &settings) != nil {
		return ""
	}
	v, _ := settings["AUTOSHARES_BASE_URL"].(string)
	return v
}

func runCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pactgate run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	embedded := fs.Bool("embedded", false, "the run may be against the embedded reference provider")
	commit := fs.String("commit", "", "the commit being published (git rev-parse HEAD)")
	target := fs.String("target", "", "the target being published (AUTOSHARES_BASE_URL)")
	maxAge := fs.String("max-age", "24h", "how old the run may be (PUBLISH_MAX_AGE)")
	prefix := fs.String("prefix", "pactgate", "what each line starts with")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: pactgate run [-embedded] [-commit SHA] [-target URL] [-max-age 24h] SUMMARY.JSON")
		return exitUsage
	}
	age, err := time.ParseDuration(*maxAge)
	if err != nil || age <= 0 {
		fmt.Fprintf(stderr, "%s: PUBLISH_MAX_AGE %q is not a positive duration such as 24h or 90m\n", *prefix, *maxAge)
		return exitUsage
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "%s: no run's summary: %v: run make conformance first\n", *prefix, err)
		return exitRefuse
	}
	if *target == "" && !*embedded {
		*target = configuredTarget(os.Getenv)
	}
	j := judge(data, want{embedded: *embedded, commit: *commit, target: *target, maxAge: age, now: time.Now()})
	if len(j.refuse) > 0 {
		fmt.Fprintf(stderr, "%s: refusing to publish this run:\n", *prefix)
		for _, r := range j.refuse {
			fmt.Fprintf(stderr, "%s: - %s\n", *prefix, r)
		}
		return exitRefuse
	}
	switch {
	case j.failed:
		fmt.Fprintf(stdout, "%s: the run FAILED: publishing it as a failed self-verification\n", *prefix)
		return exitPublishFailed
	case len(j.short) > 0:
		fmt.Fprintf(stdout, "%s: the run passed short of a full verification (%s): publishing it as a failed self-verification\n", *prefix, strings.Join(j.short, "; "))
		return exitPublishFailed
	}
	fmt.Fprintf(stdout, "%s: the run passed\n", *prefix)
	return exitPublish
}
