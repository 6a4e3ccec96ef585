package report

import (
	"fmt"
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

// ExpectationSettings lists every AUTOSHARES_EXPECT_* setting with the value in force in
// cfg, in documentation order. The value is read back from cfg, not from the
// environment, so it is what the specs applied, file and environment merged.
func ExpectationSettings(cfg config.Config) ([]Setting, error) {
	var out []Setting
	for _, s := range config.Settings() {
		if !strings.HasPrefix(s.Env, expectPrefix) {
			continue
		}
		v, err := expectationValue(cfg, strings.TrimPrefix(s.Env, expectPrefix))
		if err != nil {
			return nil, err
		}
		out = append(out, Setting{Name: s.Env, Value: v, Default: s.Default, Changed: v != s.Default})
	}
	return out, nil
}

// expectationValue formats the field of cfg.Expect a setting lands in, as the setting
// would be written. An expectation setting added to config without a case here is an
// error (and fails this package's tests), not a silently missing line.
func expectationValue(cfg config.Config, name string) (string, error) {
	e := cfg.Expect
	switch name {
	case "SUCCESS_STATUS":
		return strconv.Itoa(e.SuccessStatus), nil
	case "APP_KEY_STATUS":
		parts := make([]string, len(e.AppKeyStatuses))
		for i, s := range e.AppKeyStatuses {
			parts[i] = strconv.Itoa(s)
		}
		return strings.Join(parts, ","), nil
	case "APP_KEY_MESSAGE":
		return e.AppKeyMessage, nil
	}
	for _, c := range config.ErrorCases {
		field, ok := strings.CutPrefix(name, string(c)+"_")
		if !ok {
			continue
		}
		x := e.Errors[c]
		switch field {
		case "STATUS":
			if x.Status == 0 {
				return "", nil
			}
			return strconv.Itoa(x.Status), nil
		case "ERRORS_CODE":
			return x.ErrorsCode, nil
		case "MESSAGE":
			return x.Message, nil
		}
	}
	return "", fmt.Errorf("report: the expectation setting %s%s has no place in the report (add it to report.expectationValue)", expectPrefix, name)
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
