package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/autoshares/conformance/internal/config"
)

// Setting is one expectation setting as the run applied it. Changed marks a value that
// differs from the default: a pass under a loosened (or tightened) expectation is a
// different claim, and a sign-off must show it.
type Setting struct {
	Name    string `json:"name"`
	Value   string `json:"value"`   // "" = unset: the invariant only (any 4xx, not checked)
	Default string `json:"default"` // "" = unset by default
	Changed bool   `json:"changed"`
}

// expectPrefix selects the expectation settings among config.Settings().
const expectPrefix = "AUTOSHARES_EXPECT_"

// verdictSettings are the other settings that change what a green run claims.
var verdictSettings = []string{"AUTOSHARES_ALLOW_SKIPS",
	// The security profile's switches and bounds (docs/SECURITY.md): 0 or false skips a check.
	"AUTOSHARES_PASSWORD_MAX_LENGTH_REQUIRED", "AUTOSHARES_CHECK_BLOCKLIST", "AUTOSHARES_MAX_FAILED_ANSWERS", "AUTOSHARES_CODE_SAMPLES"}

// ExpectationSettings lists every AUTOSHARES_EXPECT_* setting, and the settings that change
// what a green run claims (AUTOSHARES_ALLOW_SKIPS), with the value in force in cfg, in
// documentation order. The value is the one cfg was built from (file, environment and
// default merged), so it is what the specs applied.
func ExpectationSettings(cfg config.Config) ([]Setting, error) {
	var out []Setting
	for _, s := range config.Settings() {
		if !strings.HasPrefix(s.Env, expectPrefix) && !slices.Contains(verdictSettings, s.Env) {
			continue
		}
		v, ok := cfg.Values[s.Env]
		if !ok {
			return nil, fmt.Errorf("report: the setting %s has no value in the configuration (was it loaded with config.Load?)", s.Env)
		}
		out = append(out, Setting{Name: s.Env, Value: v, Default: s.Default, Changed: v != s.Default})
	}
	return out, nil
}

// Mark is how a changed setting is flagged where only text fits (JUnit, skipped.txt).
func (s Setting) Mark() string {
	show := func(v string) string {
		if v == "" {
			return "(unset)"
		}
		return strconv.Quote(v)
	}
	if !s.Changed {
		return show(s.Value)
	}
	return show(s.Value) + " [CHANGED from the default " + show(s.Default) + "]"
}
