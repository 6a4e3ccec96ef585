// Package config reads the suite's settings from the environment and an optional JSON
// file, validates all of them at once, and says how to fix each problem.
//
// Every setting is declared once, in settings.go, with its environment name, default,
// documentation and whether it is a secret; a test checks that the README documents each.
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/autoshares/conformance/internal/redact"
)

// FileEnv names the setting that points at a JSON configuration file. The file's keys are
// the same environment names; a variable set in the environment wins over the file.
const FileEnv = "AUTOSHARES_CONFIG"

// RunDirEnv names the directory that relative paths in settings (AUTOSHARES_CONFIG,
// AUTOSHARES_REPORT_DIR, AUTOSHARES_PACT_DIR) resolve from. The launchers (make
// conformance, the release binary) set it to the directory they were started in: Ginkgo
// starts the suite's processes in another directory (the package's, or the one the
// binary unpacked the suite to), where a relative path would point somewhere unexpected.
const RunDirEnv = "AUTOSHARES_RUN_DIR"

// InvokedAsEnv is how the run was started, set by the launcher for the suite's processes:
// the launcher's name (the release binary's file name), or "make conformance" when the
// Makefile ran it. A failure's re-run command names it (internal/results). Not a setting.
const InvokedAsEnv = "AUTOSHARES_INVOKED_AS"

// targetSettings only mean something for a configured deployment. Set without
// AUTOSHARES_BASE_URL, the run would silently test the embedded provider instead.
var targetSettings = []string{"AUTOSHARES_APP_KEY", "AUTOSHARES_STATE_URL", "AUTOSHARES_MAILBOX_URL",
	"AUTOSHARES_TEST_TRADERS", "AUTOSHARES_EXPIRED_TOKEN"}

// reservedEnv are AUTOSHARES_* variables other parts of the project set for their own
// processes; they are not settings but are not mistakes either.
var reservedEnv = []string{
	"AUTOSHARES_PRIVATE_NETNS", // internal/testkit marks its re-run test binary
	InvokedAsEnv,               // the launcher tells the suite how it was started
}

// Config is the validated configuration of one run.
type Config struct {
	BaseURL          string        // "" = start the embedded reference provider
	AppKey           string        // secret
	StateURL         string        // "" = no provider-state endpoint
	RequestTimeout   time.Duration // one HTTP exchange
	MaxInFlight      int           // a spec's independent exchanges sent at once (per process)
	PreflightTimeout time.Duration // the reachability check before any spec
	SpecTimeout      time.Duration // one spec, from its first request to its last cleanup
	AllowSkips       bool          // a run with skipped specs may still pass
	ReportDir        string        // absolute
	Procs            int           // parallel processes the launchers start
	RunDir           string        // absolute; relative paths were resolved from here
	Expect           Expectations
	Pact             Pact
	Flow             Flow
	Transport        Transport // rate limits, TLS, cleartext (transport.go)
	// Values is every non-secret setting's value in force (file, environment and defaults
	// merged), by environment name: what the reports show as "the settings of this run".
	Values   map[string]string
	Negative Negative // the negative and security checks (negative.go)
	// KnownDeviations: failing checks accepted until a date (AUTOSHARES_KNOWN_DEVIATIONS).
	KnownDeviations []Entry
	// CompareWith: an earlier run's summary.json to compare this run with; absolute or "".
	CompareWith string
	Security    Security // the credential-recovery security profile (security.go)
}

// Expectations are the exact values the documentation leaves open. Zero values mean
// "assert only the invariant" (e.g. any 4xx, any non-empty ErrorsCode).
type Expectations struct {
	SuccessStatus  int
	AppKeyStatuses []int
	AppKeyMessage  string
	Errors         map[ErrorCase]ErrorExpectation
}

// ErrorExpectation pins one error case to an exact status and ErrorsCode entry.
type ErrorExpectation struct {
	Status     int    // 0 = any 4xx
	ErrorsCode string // "" = not checked
	Message    string // "" = not checked; otherwise an entry Errors must hold exactly
}

// ErrorCase names a documented-but-unspecified failure of the flow.
type ErrorCase string

// The error cases whose status and ErrorsCode can be pinned.
const (
	CaseMismatch     ErrorCase = "MISMATCH"
	CaseExpiredToken ErrorCase = "EXPIRED_TOKEN"
	CaseUnknownUser  ErrorCase = "UNKNOWN_USER"
	CaseWrongAnswer  ErrorCase = "WRONG_ANSWER"
	CaseInvalidCode  ErrorCase = "INVALID_CODE"
	CaseExpiredCode  ErrorCase = "EXPIRED_CODE"
	CaseUsedCode     ErrorCase = "USED_CODE"
)

// ErrorCases lists every case, in documentation order.
var ErrorCases = []ErrorCase{CaseMismatch, CaseExpiredToken, CaseUnknownUser, CaseWrongAnswer, CaseInvalidCode, CaseExpiredCode, CaseUsedCode}

// Pact names the contract the suite records.
type Pact struct {
	Consumer string
	Provider string
	OutDir   string // where the merged pact file is written; absolute, or "" for <ReportDir>/pacts
}

// Flow holds the settings of steps 1 to 3 and the token sources for deployments without
// a provider-state endpoint.
type Flow struct {
	Step3Path     string // "autoshares" or "etna"
	MailboxURL    string // Mailpit HTTP API; "" = no mailbox
	MailTimeout   time.Duration
	Traders       []Trader // test traders the suite may reset (mail token source)
	ExpiredToken  string   // a known expired step-4 token (secret)
	TokenLifetime time.Duration
}

// Trader is a test account on the target that the suite may drive through the flow.
// Password is its current password; the suite sets a new one and records it nowhere.
type Trader struct {
	User                 string `json:"User"`
	Email                string `json:"Email"`
	Password             string `json:"Password"`
	SecretQuestionAnswer string `json:"SecretQuestionAnswer,omitempty"`
}

// Embedded reports whether the run targets the in-process reference provider.
func (c Config) Embedded() bool { return c.BaseURL == "" }

// Secrets returns every secret value in the configuration, for redaction.
func (c Config) Secrets() []string {
	s := []string{c.AppKey, c.Flow.ExpiredToken}
	for _, t := range c.Flow.Traders {
		s = append(s, t.Password, t.SecretQuestionAnswer)
	}
	return s
}

// Problems is every configuration problem found, reported together.
type Problems []string

func (p Problems) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the configuration has %d problem(s); fix them and run again:\n", len(p))
	for _, s := range p {
		b.WriteString("  - ")
		b.WriteString(s)
		b.WriteString("\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// Load reads the file named by AUTOSHARES_CONFIG (if any), then the environment, and
// validates the result. The error, if any, is a Problems listing everything wrong,
// including any AUTOSHARES_* variable in this process's environment that is not a
// setting (most likely a misspelt one, which would otherwise be silently ignored).
func Load(getenv func(string) string) (Config, error) {
	c, err := load(getenv, os.ReadFile)
	unknown := UnknownNames(os.Environ())
	if len(unknown) == 0 {
		return c, err
	}
	var problems Problems
	errors.As(err, &problems)
	return Config{}, append(unknown, problems...)
}

// UnknownNames returns a problem for every AUTOSHARES_* name in environ (KEY=VALUE
// entries) that is not a setting, naming the nearest known one. Values are never echoed.
func UnknownNames(environ []string) Problems {
	var p Problems
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "AUTOSHARES_") || isKnown(name) {
			continue
		}
		p = append(p, unknownNameProblem(name, "is set in the environment"))
	}
	sort.Strings(p)
	return p
}

func unknownNameProblem(name, where string) string {
	msg := fmt.Sprintf("%s %s but is not a setting of this suite", name, where)
	if near := nearestName(name); near != "" {
		return msg + fmt.Sprintf("; did you mean %s? Rename it, or unset it", near)
	}
	return msg + "; unset it (`autoshares-conformance --help` lists the settings)"
}

// KnownNames is every AUTOSHARES_* name the suite reads: the settings and AUTOSHARES_CONFIG.
func KnownNames() []string {
	names := []string{FileEnv}
	for _, s := range settings {
		names = append(names, s.Env)
	}
	return names
}

func isKnown(name string) bool {
	for _, n := range append(KnownNames(), reservedEnv...) {
		if n == name {
			return true
		}
	}
	return false
}

// nearestName is the known name closest to name, if it is a plausible typo, else "".
func nearestName(name string) string { return Nearest(name, KnownNames()) }

// runDir is where relative paths resolve from: AUTOSHARES_RUN_DIR, else the working
// directory of this process.
func runDir(getenv func(string) string) (string, error) {
	if d := strings.TrimSpace(getenv(RunDirEnv)); d != "" {
		if !filepath.IsAbs(d) {
			return "", fmt.Errorf("%s: %q is not an absolute path; the launchers set it to the directory they ran in", RunDirEnv, d)
		}
		return filepath.Clean(d), nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("cannot tell the working directory to resolve relative paths from: %v; set %s", err, RunDirEnv)
	}
	return wd, nil
}

// resolve makes a relative path absolute from dir; "" stays "".
func resolve(dir, path string) string {
	if path == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(dir, path)
}

func load(getenv func(string) string, readFile func(string) ([]byte, error)) (Config, error) {
	var problems Problems
	dir, err := runDir(getenv)
	if err != nil {
		return Config{}, Problems{err.Error()}
	}
	values := map[string]string{}
	if path := getenv(FileEnv); path != "" {
		fileValues, err := readConfigFile(resolve(dir, path), readFile)
		if err != nil {
			problems = append(problems, err.Error())
		}
		for k, v := range fileValues {
			values[k] = v
		}
	}
	for _, s := range settings {
		if v, ok := lookup(getenv, s.Env); ok {
			values[s.Env] = v
		}
	}

	var c Config
	c.RunDir = dir
	c.Expect.Errors = map[ErrorCase]ErrorExpectation{}
	c.Values = map[string]string{}
	for _, s := range settings {
		v, ok := values[s.Env]
		if !ok {
			v = s.Default
		}
		if !s.Secret {
			c.Values[s.Env] = strings.TrimSpace(v)
		}
		if err := s.apply(&c, strings.TrimSpace(v)); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", s.Env, err))
		}
	}
	c.ReportDir, c.Pact.OutDir = resolve(dir, c.ReportDir), resolve(dir, c.Pact.OutDir)
	problems = append(problems, c.crossCheck()...)
	problems = append(problems, targetWithoutBaseURL(values)...)
	if len(problems) > 0 {
		return Config{}, problems
	}
	return c, nil
}

// lookup treats an empty variable as unset, so `AUTOSHARES_X= make ...` restores a default.
func lookup(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

func readConfigFile(path string, readFile func(string) ([]byte, error)) (map[string]string, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read %q: %v", FileEnv, path, errors.Unwrap(err))
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: %q is not a JSON object: %v", FileEnv, path, err)
	}
	known := map[string]bool{}
	for _, s := range settings {
		known[s.Env] = true
	}
	out := map[string]string{}
	var unknown []string
	for k, v := range raw {
		if !known[k] || k == RunDirEnv {
			unknown = append(unknown, k)
			continue
		}
		// Strings are taken as they are; anything else (numbers, the traders array) as its
		// JSON text, which is what the same variable would hold in the environment.
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[k] = s
		} else {
			out[k] = string(v)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		var why []string
		for _, k := range unknown {
			if near := nearestName(k); near != "" && near != k {
				why = append(why, fmt.Sprintf("%s (did you mean %s?)", k, near))
			} else {
				why = append(why, k)
			}
		}
		return out, fmt.Errorf("%s: %q has unknown key(s) %s; the keys are the setting names that `autoshares-conformance --help` lists (%s only in the environment)",
			FileEnv, path, strings.Join(why, ", "), RunDirEnv)
	}
	return out, nil
}

// crossCheck finds problems that involve more than one setting.
func (c Config) crossCheck() Problems {
	var p Problems
	if c.BaseURL != "" && c.AppKey == "" {
		p = append(p, "AUTOSHARES_APP_KEY: required when AUTOSHARES_BASE_URL is set; use the Et-App-Key issued for the target environment")
	}
	p = append(p, c.blocklistCheck()...)
	return append(p, c.transportCheck()...)
}

// targetWithoutBaseURL catches settings of a deployment given without the deployment:
// the run would test the embedded provider and ignore them. Judged on what was set (not
// on the parsed URL), so a malformed base URL is reported as that, not as missing.
func targetWithoutBaseURL(values map[string]string) Problems {
	if strings.TrimSpace(values["AUTOSHARES_BASE_URL"]) != "" {
		return nil
	}
	var set []string
	for _, name := range targetSettings {
		if strings.TrimSpace(values[name]) != "" {
			set = append(set, name)
		}
	}
	if len(set) == 0 {
		return nil
	}
	return Problems{fmt.Sprintf("%s set, but AUTOSHARES_BASE_URL is not: without it the suite tests its embedded reference provider and would ignore %s. "+
		"Set AUTOSHARES_BASE_URL to the target's apiURL (check its spelling), or unset %s to test the embedded provider",
		strings.Join(set, ", "), map[bool]string{true: "it", false: "them"}[len(set) == 1], strings.Join(set, ", "))}
}

func parseURL(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute http(s) URL; write it like https://staging.example.com/api", redact.URL(v))
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q has a query or fragment; give only scheme, host and path", redact.URL(v))
	}
	return strings.TrimRight(v, "/"), nil
}

// TradersFor is the share of the test traders that parallel process `process` (1-based)
// of `procs` drives: two processes driving one trader's flow at once would read each
// other's codes. Traders with and without a secret question are dealt out separately, so
// every process that gets any gets one of each kind the configuration has.
func (f Flow) TradersFor(process, procs int) []Trader {
	var out []Trader
	seen := map[bool]int{} // with a question? -> traders of that kind so far
	for _, t := range f.Traders {
		kind := t.SecretQuestionAnswer != ""
		if seen[kind]%procs == process-1 {
			out = append(out, t)
		}
		seen[kind]++
	}
	return out
}

// TraderProcs is how many parallel processes the test traders can serve, each with its
// own trader of every kind configured; 0 when there are no traders (no limit).
func (f Flow) TraderProcs() int {
	count := map[bool]int{}
	for _, t := range f.Traders {
		count[t.SecretQuestionAnswer != ""]++
	}
	n := 0
	for _, c := range count {
		if n == 0 || c < n {
			n = c
		}
	}
	return n
}
