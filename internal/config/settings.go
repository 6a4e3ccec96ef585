package config

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"
)

// Setting is one configuration variable: its name, default, what it is for, and how it
// lands in Config. The list below is the single source of the README's table.
type Setting struct {
	Env     string
	Default string
	Doc     string
	Secret  bool
	// Tunes says which of the setting's values are stricter (tunes.go): the one rule by
	// which a run is marked loosened.
	Tunes Tunes
	apply func(c *Config, v string) error
}

// Settings returns every setting, in documentation order.
func Settings() []Setting { return append([]Setting(nil), settings...) }

var settings = buildSettings()

func buildSettings() []Setting {
	s := []Setting{
		{Env: "AUTOSHARES_BASE_URL", Doc: "The environment's apiURL, e.g. `https://staging.example.com/api`. Unset: the suite starts the embedded reference provider on 127.0.0.1.",
			apply: func(c *Config, v string) (err error) { c.BaseURL, err = parseURL(v); return }},
		{Env: "AUTOSHARES_APP_KEY", Secret: true, Doc: "The Et-App-Key sent on every request. Required with AUTOSHARES_BASE_URL; never printed.",
			apply: func(c *Config, v string) error { c.AppKey = v; return nil }},
		{Env: "AUTOSHARES_STATE_URL", Doc: "The provider-state endpoint (Pact protocol: `POST {\"action\",\"state\",\"params\"}`). Unset: specs that need a state no other source can produce are skipped, each naming the setting that would enable it.",
			apply: func(c *Config, v string) (err error) { c.StateURL, err = parseURL(v); return }},
		{Env: "AUTOSHARES_REQUEST_TIMEOUT", Default: "10s", Doc: "Longest wait for one HTTP exchange; a hanging target fails the spec instead of hanging the run.",
			apply: func(c *Config, v string) (err error) { c.RequestTimeout, err = parsePositiveDuration(v); return }},
		{Env: "AUTOSHARES_MAX_IN_FLIGHT", Default: strconv.Itoa(DefaultMaxInFlight), Doc: "How many of a spec's independent exchanges (generated and malformed bodies, wrong methods and keys, brute-force attempts) are in flight at once, per process: against a distant target a spec then costs about one round trip per this many, not one each. 1 sends them one after another, and (against a deployment) makes no provider state ahead and tears states down within their spec.",
			apply: func(c *Config, v string) (err error) { c.MaxInFlight, err = parseCount(v, 1, MaxInFlightLimit); return }},
		{Env: "AUTOSHARES_PREFLIGHT_TIMEOUT", Default: "5s", Doc: "Longest wait for each exchange of the preflight, the check that runs once before any spec (the API answers, accepts the app key; the state endpoint serves every contracted state).",
			apply: func(c *Config, v string) (err error) { c.PreflightTimeout, err = parsePositiveDuration(v); return }},
		{Env: "AUTOSHARES_SPEC_TIMEOUT", Default: "2m", Doc: "Longest run of one spec (the slow spec gets the token lifetime on top); a spec that takes longer fails with a progress report of where it hung.",
			apply: func(c *Config, v string) (err error) { c.SpecTimeout, err = parsePositiveDuration(v); return }},
		{Env: "AUTOSHARES_ALLOW_SKIPS", Default: "false", Doc: "`true` lets a run in which selected specs were skipped (for want of a setting) pass; by default it fails, listing every skip and the setting that would enable it, so a green run proves what it lists.",
			apply: func(c *Config, v string) (err error) { c.AllowSkips, err = parseBool(v); return }},
		{Env: KnownDeviationsEnv, Doc: "A JSON file of known deviations (schemas/signoff/known-deviations.schema.json): `{\"deviations\": [{\"check\", \"reason\", \"ticket\", \"expires\": \"YYYY-MM-DD\"}]}`. A listed check that fails is reported as a known deviation and does not fail the run; a listed check that passes fails it (remove the entry), and an expired entry or an unknown check ID is a settings mistake. Unset: none.",
			apply: func(c *Config, v string) (err error) { c.KnownDeviations, err = loadDeviations(c.RunDir, v); return }},
		{Env: "AUTOSHARES_COMPARE_WITH", Doc: "An earlier run's summary.json: the console, report.html and comparison.json then say which checks newly fail, were fixed, still fail, or are newly not checked. It may be the last run's summary in the report directory: it is read before the directory is emptied. Unset: no comparison.",
			apply: func(c *Config, v string) error { c.CompareWith = resolve(c.RunDir, v); return nil }},
		{Env: "AUTOSHARES_REPORT_DIR", Default: "reports", Doc: "Where the reports (JUnit XML, Ginkgo JSON, summary.json, report.html) and the recorded pact are written, passing or failing; emptied of an earlier run's reports first. A relative path starts from the directory the command ran in.",
			apply: func(c *Config, v string) error { c.ReportDir = v; return nonEmpty(v) }},
		{Env: "AUTOSHARES_PROCS", Default: AutoProcs, Doc: "Parallel processes of `make conformance` and the release binary (`--procs` wins). `auto` picks them from the target's answer time, measured once before the run, and the machine's cores: as many as keep the cores busy while the others wait on the network (the machine's cores against a target on the same machine, up to 24 against a distant one; 16 if the target did not answer). Fewer when the test traders of the mail token source cannot serve that many; the run says so.",
			apply: func(c *Config, v string) (err error) { c.Procs, err = parseProcs(v); return }},
		{Env: RunDirEnv, Doc: "The directory relative paths in settings start from. `make conformance` and the release binary set it to the directory they ran in; unset, the suite's own working directory.",
			apply: func(c *Config, v string) error { return nil }}, // read first, by runDir
		{Env: "AUTOSHARES_EXPECT_SUCCESS_STATUS", Default: "200", Doc: "Status (a 2xx) of a successful request (the docs show only bodies); another than 200 marks the run loosened.",
			apply: func(c *Config, v string) (err error) { c.Expect.SuccessStatus, err = parseStatus(v, false); return }},
		{Env: "AUTOSHARES_EXPECT_APP_KEY_STATUS", Default: "401,403", Doc: "Statuses (each a 4xx) accepted for a missing or wrong Et-App-Key (the docs disagree: 403 in the reference pages, 401 in the error-code page).",
			apply: func(c *Config, v string) (err error) { c.Expect.AppKeyStatuses, err = parseStatuses(v); return }},
		{Env: "AUTOSHARES_EXPECT_APP_KEY_MESSAGE", Default: "Application key is not defined or does not exist", Doc: "The documented `error` text for a missing or wrong Et-App-Key.",
			apply: func(c *Config, v string) error { c.Expect.AppKeyMessage = v; return nonEmpty(v) }},
	}
	for _, ec := range ErrorCases {
		// caseSetting updates one field of the case's expectation.
		caseSetting := func(suffix, def, doc string, set func(e *ErrorExpectation, v string) error) Setting {
			return Setting{Env: "AUTOSHARES_EXPECT_" + string(ec) + "_" + suffix, Default: def, Doc: doc,
				apply: func(c *Config, v string) error {
					e := c.Expect.Errors[ec]
					err := set(&e, v)
					c.Expect.Errors[ec] = e
					return err
				}}
		}
		s = append(s,
			caseSetting("STATUS", "", "Exact status (a 4xx) for the "+caseDoc[ec]+" error. Unset: any 4xx.",
				func(e *ErrorExpectation, v string) (err error) { e.Status, err = parseStatus(v, true); return }),
			caseSetting("ERRORS_CODE", caseDefaultCode[ec], "An entry `ErrorsCode` must contain for the "+caseDoc[ec]+" error. Empty: not checked.",
				func(e *ErrorExpectation, v string) error { e.ErrorsCode = v; return nil }),
			caseSetting("MESSAGE", caseDefaultMessage[ec], "A message `Errors` must contain, exactly, for the "+caseDoc[ec]+" error. Empty: not checked.",
				func(e *ErrorExpectation, v string) error { e.Message = v; return nil }),
		)
	}
	s = append(s,
		Setting{Env: "AUTOSHARES_STEP3_PATH", Default: "autoshares", Doc: "Which documented step 3 the target serves: `autoshares` (`POST v1.0/users/password/reset/code`, `{Code}`) or `etna` (`POST v1.0/users/identifiers/reset/code`, `{Code, Identifier}`).",
			apply: func(c *Config, v string) error {
				if v != "autoshares" && v != "etna" {
					return fmt.Errorf("%q is neither autoshares nor etna", v)
				}
				c.Flow.Step3Path = v
				return nil
			}},
		Setting{Env: "AUTOSHARES_MAILBOX_URL", Doc: "Mailpit HTTP API that receives the target's mail (e.g. `http://127.0.0.1:8025`). With AUTOSHARES_TEST_TRADERS it is the token source when there is no state endpoint.",
			apply: func(c *Config, v string) (err error) { c.Flow.MailboxURL, err = parseURL(v); return }},
		Setting{Env: "AUTOSHARES_MAIL_TIMEOUT", Default: "30s", Doc: "Longest wait for a confirmation email to arrive in the mailbox.",
			apply: func(c *Config, v string) (err error) { c.Flow.MailTimeout, err = parsePositiveDuration(v); return }},
		Setting{Env: "AUTOSHARES_TEST_TRADERS", Secret: true, Doc: "JSON array of test traders the suite may reset through the mail flow: `[{\"User\",\"Email\",\"Password\",\"SecretQuestionAnswer\"}]`. Their passwords are changed by the run.",
			apply: func(c *Config, v string) (err error) { c.Flow.Traders, err = parseTraders(v); return }},
		Setting{Env: "AUTOSHARES_EXPIRED_TOKEN", Secret: true, Doc: "A step 4 token known to be expired on the target (an expired token stays expired); enables the expired-token spec without a state endpoint.",
			apply: func(c *Config, v string) error { c.Flow.ExpiredToken = v; return nil }},
		Setting{Env: "AUTOSHARES_TOKEN_LIFETIME", Doc: "The target's step 4 token lifetime (e.g. `2m`). With a mailbox, the `slow` spec gets a token, waits this long, and checks it is refused.",
			apply: func(c *Config, v string) (err error) {
				if v == "" {
					return nil
				}
				c.Flow.TokenLifetime, err = parsePositiveDuration(v)
				return
			}},
		Setting{Env: "AUTOSHARES_PACT_CONSUMER", Default: "AutoSharesConformanceSuite", Doc: "Consumer name in the recorded pact: the suite itself, so a broker never takes suite commits for versions of a real client.",
			apply: func(c *Config, v string) error { c.Pact.Consumer = v; return nonEmpty(v) }},
		Setting{Env: "AUTOSHARES_PACT_PROVIDER", Default: "AutoSharesTradingAPI", Doc: "Provider name in the recorded pact.",
			apply: func(c *Config, v string) error { c.Pact.Provider = v; return nonEmpty(v) }},
		Setting{Env: "AUTOSHARES_PACT_DIR", Doc: "Where the recorded pact is written (relative: from the directory the command ran in). Unset: `<report dir>/pacts`. `make pacts` sets it to `pacts/`; a run with a label filter or a failure never writes a partial pact there.",
			apply: func(c *Config, v string) error { c.Pact.OutDir = v; return nil }},
	)
	s = append(s, transportSettings()...)
	s = append(s, negativeSettings()...)
	s = append(s, securitySettings()...)
	return classify(s)
}

var caseDoc = map[ErrorCase]string{
	CaseMismatch:     "step 4 password/confirmation mismatch",
	CaseExpiredToken: "step 4 expired token",
	CaseUnknownUser:  "step 1 unknown user",
	CaseWrongAnswer:  "step 1 missing or wrong secret answer",
	CaseInvalidCode:  "step 3 unknown code",
	CaseExpiredCode:  "step 3 expired code",
	CaseUsedCode:     "step 3 already used code",
}

// The only error the docs state exactly: step 1's missing or wrong secret answer.
var (
	caseDefaultCode    = map[ErrorCase]string{CaseWrongAnswer: "ErrorIncorrectAnswer"}
	caseDefaultMessage = map[ErrorCase]string{CaseWrongAnswer: "Answer is incorrect, try again."}
)

func nonEmpty(v string) error {
	if v == "" {
		return fmt.Errorf("must not be empty")
	}
	return nil
}

// DefaultProcs is the process count of AUTOSHARES_PROCS=auto (the default) when the
// launcher could not time the target: the count that suits a distant one. With a time, the
// launcher picks the count from it (internal/launch: AutoProcs).
const DefaultProcs = 16

// AutoProcs is AUTOSHARES_PROCS=auto: Config.Procs 0.
const AutoProcs = "auto"

// MaxProcs bounds AUTOSHARES_PROCS: each process holds its own clients and the target
// sees that many concurrent flows.
const MaxProcs = 64

func parseProcs(v string) (int, error) {
	if strings.EqualFold(v, AutoProcs) {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > MaxProcs {
		return 0, fmt.Errorf("%q is not %s or a whole number from 1 to %d", v, AutoProcs, MaxProcs)
	}
	return n, nil
}

// DefaultMaxInFlight is AUTOSHARES_MAX_IN_FLIGHT unset: a 300ms-distant target answers a
// spec's 51 generated bodies in 5 round trips (7 at 8; at 300 ms the default run took
// 5.7 s with 12 and 6.0 s with 8, make bench). The processes seldom all send a batch at
// once, and a gateway's 429s teach the suite the rate it allows (AUTOSHARES_MAX_RPS caps
// it from the start).
const DefaultMaxInFlight = 12

// MaxInFlightLimit bounds AUTOSHARES_MAX_IN_FLIGHT: beyond it the suite would load the
// target rather than test it.
const MaxInFlightLimit = 64

func parseCount(v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%q is not a whole number from %d to %d", v, lo, hi)
	}
	return n, nil
}

func parsePositiveDuration(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration; write it like 10s or 1m30s", v)
	}
	return d, nil
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("%q is neither true nor false", v)
}

func parseStatus(v string, optional bool) (int, error) {
	if v == "" && optional {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 100 || n > 599 {
		return 0, fmt.Errorf("%q is not an HTTP status (100-599)", v)
	}
	return n, nil
}

func parseStatuses(v string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := parseStatus(strings.TrimSpace(f), false)
		if err != nil {
			return nil, fmt.Errorf("%q is not a comma-separated list of HTTP statuses, e.g. 401,403", v)
		}
		out = append(out, n)
	}
	return out, nil
}

func parseTraders(v string) ([]Trader, error) {
	if v == "" {
		return nil, nil
	}
	var ts []Trader
	dec := json.NewDecoder(strings.NewReader(v))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ts); err != nil {
		// The value holds passwords: name the shape, never echo the text.
		return nil, fmt.Errorf("not a JSON array of {\"User\",\"Email\",\"Password\",\"SecretQuestionAnswer\"} objects (%s)", jsonErrorKind(err))
	}
	var problems []string
	for i, t := range ts {
		if t.User == "" || t.Password == "" {
			problems = append(problems, fmt.Sprintf("trader #%d needs User and Password", i+1))
		}
		if _, err := mail.ParseAddress(t.Email); err != nil {
			problems = append(problems, fmt.Sprintf("trader #%d needs an Email address the mailbox receives", i+1))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return ts, nil
}

func jsonErrorKind(err error) string {
	switch err.(type) {
	case *json.SyntaxError:
		return "invalid JSON"
	case *json.UnmarshalTypeError:
		return "wrong type of value"
	}
	if strings.Contains(err.Error(), "unknown field") {
		return err.Error() // names the field, not a value
	}
	return "invalid"
}
