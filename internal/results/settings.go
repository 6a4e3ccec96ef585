package results

import (
	"fmt"
	"strconv"

	"github.com/autoshares/conformance/internal/config"
)

// Setting is one setting that tunes a check, as the run applied it. Changed marks a value
// that differs from the default; Loosened one that admits what the default refuses
// (config.Setting.Loosens, the one rule): a pass under it is a weaker claim, and every
// report names it.
type Setting struct {
	Name     string `json:"name"`
	Value    string `json:"value"`   // "" = unset: the invariant only (any 4xx, not checked)
	Default  string `json:"default"` // "" = unset by default
	Changed  bool   `json:"changed"`
	Loosened bool   `json:"loosened"`
}

// ExpectationSettings lists every setting that tunes a check (config.Tunes other than
// NotACheck: the AUTOSHARES_EXPECT_* settings, the numbers that bound a check,
// AUTOSHARES_ALLOW_SKIPS) with the value in force in cfg, in documentation order. The
// value is the one cfg was built from (file, environment and default merged), so it is
// what the specs applied.
func ExpectationSettings(cfg config.Config) ([]Setting, error) {
	var out []Setting
	for _, s := range config.Settings() {
		if s.Tunes == config.NotACheck {
			continue
		}
		v, ok := cfg.Values[s.Env]
		if !ok {
			return nil, fmt.Errorf("report: the setting %s has no value in the configuration (was it loaded with config.Load?)", s.Env)
		}
		out = append(out, Setting{Name: s.Env, Value: v, Default: s.Default, Changed: v != s.Default, Loosened: s.Loosens(v)})
	}
	return out, nil
}

// LoosenedNames names the settings of ss that loosened the run.
func LoosenedNames(ss []Setting) []string {
	out := []string{}
	for _, s := range ss {
		if s.Loosened {
			out = append(out, s.Name)
		}
	}
	return out
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
	if s.Loosened {
		return show(s.Value) + " [LOOSENED from the default " + show(s.Default) + ": admits what the default refuses]"
	}
	return show(s.Value) + " [CHANGED from the default " + show(s.Default) + "]"
}
