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
	"sort"
	"strings"
	"time"
)

// FileEnv names the setting that points at a JSON configuration file. The file's keys are
// the same environment names; a variable set in the environment wins over the file.
const FileEnv = "AUTOSHARES_CONFIG"

// Config is the validated configuration of one run.
type Config struct {
	BaseURL          string        // "" = start the embedded reference provider
	AppKey           string        // secret
	StateURL         string        // "" = no provider-state endpoint
	RequestTimeout   time.Duration // one HTTP exchange
	PreflightTimeout time.Duration // the reachability check before any spec
	ReportDir        string
	Expect           Expectations
	Pact             Pact
	Flow             Flow
	Negative         Negative // the negative and security checks (negative.go)
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
	OutDir   string // where the merged pact file is written
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
// validates the result. The error, if any, is a Problems listing everything wrong.
func Load(getenv func(string) string) (Config, error) {
	return load(getenv, os.ReadFile)
}

func load(getenv func(string) string, readFile func(string) ([]byte, error)) (Config, error) {
	var problems Problems
	values := map[string]string{}
	if path := getenv(FileEnv); path != "" {
		fileValues, err := readConfigFile(path, readFile)
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
	c.Expect.Errors = map[ErrorCase]ErrorExpectation{}
	for _, s := range settings {
		v, ok := values[s.Env]
		if !ok {
			v = s.Default
		}
		if err := s.apply(&c, strings.TrimSpace(v)); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", s.Env, err))
		}
	}
	problems = append(problems, c.crossCheck()...)
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
		if !known[k] {
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
		return out, fmt.Errorf("%s: %q has unknown key(s) %s; the keys are the AUTOSHARES_* names in the README's configuration table",
			FileEnv, path, strings.Join(unknown, ", "))
	}
	return out, nil
}

// crossCheck finds problems that involve more than one setting.
func (c Config) crossCheck() Problems {
	var p Problems
	if c.BaseURL != "" && c.AppKey == "" {
		p = append(p, "AUTOSHARES_APP_KEY: required when AUTOSHARES_BASE_URL is set; use the Et-App-Key issued for the target environment")
	}
	if c.BaseURL == "" && c.StateURL != "" {
		p = append(p, "AUTOSHARES_STATE_URL: set without AUTOSHARES_BASE_URL; set the base URL of the same deployment, or unset both to use the embedded reference provider")
	}
	if c.BaseURL == "" && c.Flow.MailboxURL != "" {
		p = append(p, "AUTOSHARES_MAILBOX_URL: set without AUTOSHARES_BASE_URL; the embedded reference provider is only driven through its state endpoint")
	}
	return p
}

func parseURL(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute http(s) URL; write it like https://staging.example.com/api", v)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q has a query or fragment; give only scheme, host and path", v)
	}
	return strings.TrimRight(v, "/"), nil
}
