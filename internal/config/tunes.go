package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Tunes says how a setting bears on the checks: which of its values is stricter than
// another. Every setting declares one (a test enumerates them), so the one rule of
// Loosens covers every setting, and a new setting cannot loosen a run unseen.
type Tunes int

const (
	// TunesUnclassified is the zero value: a setting nobody classified (a test fails).
	TunesUnclassified Tunes = iota
	// NotACheck: the setting decides where or how the run goes (target, timeouts,
	// reports, processes, token sources, seed), not what a reply must be.
	NotACheck
	// StricterHigher: a number; a higher value refuses more (more generated cases, more
	// concurrent updates, a longer minimum password). 0 turns the check off.
	StricterHigher
	// StricterLower: a number or duration; a lower value refuses more (a smaller body
	// bound, a shorter token lifetime). 0 or unset turns the check off.
	StricterLower
	// StrictWhenTrue: a boolean; true asserts, false does not.
	StrictWhenTrue
	// StrictWhenFalse: a boolean; true accepts what false refuses (AUTOSHARES_ALLOW_SKIPS).
	StrictWhenFalse
	// SuccessStatus: an exact 2xx for a success; any other than the default admits a
	// status the default refuses.
	SuccessStatus
	// ErrorStatus: an exact status for an error case, which must be a 4xx; unset accepts
	// any 4xx, so any 4xx is stricter.
	ErrorStatus
	// ErrorStatuses: a list of statuses accepted for an error, each a 4xx; a status the
	// default list lacks admits what the default refuses.
	ErrorStatuses
	// ExactText: a text a reply must carry; empty is not checked. Replacing a non-empty
	// default (the documented text) admits replies the default refuses.
	ExactText
	// MoreWords: a comma-separated list of words a reply must refuse; a value lacking a
	// word of the default (any letter case) admits what the default refuses.
	MoreWords
)

// tunes classifies every setting that is not an error case's (those follow their suffix,
// see classify).
var tunes = map[string]Tunes{
	"AUTOSHARES_BASE_URL":                       NotACheck,
	"AUTOSHARES_APP_KEY":                        NotACheck,
	"AUTOSHARES_STATE_URL":                      NotACheck,
	"AUTOSHARES_REQUEST_TIMEOUT":                NotACheck,
	"AUTOSHARES_PREFLIGHT_TIMEOUT":              NotACheck,
	"AUTOSHARES_SPEC_TIMEOUT":                   NotACheck,
	"AUTOSHARES_ALLOW_SKIPS":                    StrictWhenFalse,
	"AUTOSHARES_REPORT_DIR":                     NotACheck,
	"AUTOSHARES_PROCS":                          NotACheck,
	RunDirEnv:                                   NotACheck,
	"AUTOSHARES_EXPECT_SUCCESS_STATUS":          SuccessStatus,
	"AUTOSHARES_EXPECT_APP_KEY_STATUS":          ErrorStatuses,
	"AUTOSHARES_EXPECT_APP_KEY_MESSAGE":         ExactText,
	"AUTOSHARES_STEP3_PATH":                     NotACheck, // which documented variant, not how strict
	"AUTOSHARES_MAILBOX_URL":                    NotACheck,
	"AUTOSHARES_MAIL_TIMEOUT":                   NotACheck,
	"AUTOSHARES_TEST_TRADERS":                   NotACheck,
	"AUTOSHARES_EXPIRED_TOKEN":                  NotACheck,
	"AUTOSHARES_TOKEN_LIFETIME":                 StricterLower,
	"AUTOSHARES_PACT_CONSUMER":                  NotACheck,
	"AUTOSHARES_PACT_PROVIDER":                  NotACheck,
	"AUTOSHARES_PACT_DIR":                       NotACheck,
	"AUTOSHARES_EXPECT_SINGLE_USE_TOKEN":        StrictWhenTrue,
	"AUTOSHARES_EXPECT_TOKEN_SURVIVES_MISMATCH": StrictWhenTrue,
	"AUTOSHARES_CONCURRENT_UPDATES":             StricterHigher,
	"AUTOSHARES_MAX_BODY_BYTES":                 StricterLower,
	"AUTOSHARES_GENERATED_CASES":                StricterHigher,
	"AUTOSHARES_SEED":                           NotACheck, // replays bodies; every seed is as strict
	"AUTOSHARES_EXPECT_MIN_PASSWORD_LENGTH":     StricterHigher,
	"AUTOSHARES_EXPECT_STEP1_IS_SUCCEED":        StrictWhenTrue,
	// The security profile (security.go): 0 or false turns a check off.
	"AUTOSHARES_PASSWORD_MAX_LENGTH_REQUIRED": StricterHigher,
	"AUTOSHARES_CHECK_BLOCKLIST":              StrictWhenTrue,
	"AUTOSHARES_BLOCKLIST":                    NotACheck, // which common passwords are tried, each as strict
	"AUTOSHARES_MAX_FAILED_ANSWERS":           StricterLower,
	"AUTOSHARES_CODE_SAMPLES":                 StricterHigher, // more codes, more chances to see a pattern
	"AUTOSHARES_HSTS_MIN_AGE":                 StricterHigher,
	"AUTOSHARES_CORS_ORIGIN":                  NotACheck,      // which foreign origin is tried, each as strict
	"AUTOSHARES_NO_MAIL_WAIT":                 StricterHigher, // a longer wait sees later mail
	"AUTOSHARES_MAX_RESET_MAILS":              StricterLower,
	"AUTOSHARES_CODE_PATTERN":                 NotACheck, // how mail is read, not what it must be
	"AUTOSHARES_PASSWORD_CONTEXT_WORDS":       MoreWords,
	"AUTOSHARES_MAX_FAILED_CODES":             StricterLower,
	"AUTOSHARES_MAX_FAILED_LOGINS":            StricterLower,
	"AUTOSHARES_MIN_CODE_DIGITS":              StricterHigher,
	"AUTOSHARES_MAX_CODE_LIFETIME":            StricterLower,
	"AUTOSHARES_TIMING_SAMPLES":               NotACheck, // a finding's sample size: it never fails a run
	// Reported everywhere in their own right (known deviations, the comparison), never as passes.
	"AUTOSHARES_KNOWN_DEVIATIONS": NotACheck,
	"AUTOSHARES_COMPARE_WITH":     NotACheck,
	// How and where the requests go, not what a reply must be.
	"AUTOSHARES_MAX_IN_FLIGHT":       NotACheck,
	"AUTOSHARES_RATE_LIMIT_MAX_WAIT": NotACheck,
	"AUTOSHARES_RATE_LIMIT_BUDGET":   NotACheck,
	"AUTOSHARES_MAX_RPS":             NotACheck,
	"AUTOSHARES_CA_BUNDLE":           NotACheck,
	"AUTOSHARES_CLIENT_CERT":         NotACheck,
	"AUTOSHARES_CLIENT_KEY":          NotACheck,
	"AUTOSHARES_ALLOW_CLEARTEXT":     NotACheck, // guards the secrets' path, judges no reply
}

// caseSuffixTunes classifies the settings every error case has.
var caseSuffixTunes = map[string]Tunes{"_STATUS": ErrorStatus, "_ERRORS_CODE": ExactText, "_MESSAGE": ExactText}

// classify gives every setting its Tunes and makes the status settings refuse a value
// that would let an error case pass with a success (or any non-4xx) status.
func classify(s []Setting) []Setting {
	for i := range s {
		t, ok := tunes[s[i].Env]
		if !ok && isCaseSetting(s[i].Env) {
			for suffix, ct := range caseSuffixTunes {
				if strings.HasSuffix(s[i].Env, suffix) {
					t = ct
				}
			}
		}
		s[i].Tunes = t
		apply, tn := s[i].apply, t
		s[i].apply = func(c *Config, v string) error {
			if err := apply(c, v); err != nil {
				return err
			}
			return statusRange(tn, v)
		}
	}
	return s
}

func isCaseSetting(env string) bool {
	for _, ec := range ErrorCases {
		if strings.HasPrefix(env, "AUTOSHARES_EXPECT_"+string(ec)+"_") {
			return true
		}
	}
	return false
}

// statusRange refuses a status setting outside its class: an error case can never expect
// a success, a redirect or a server error, and a success never an error.
func statusRange(t Tunes, v string) error {
	in := func(lo, hi int, what string) error {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f == "" {
				continue
			}
			if n, err := strconv.Atoi(f); err == nil && (n < lo || n > hi) {
				return fmt.Errorf("%d is not %s: this setting pins the status of %s", n, what, map[bool]string{true: "a success", false: "an error case"}[lo == 200])
			}
		}
		return nil
	}
	switch t {
	case ErrorStatus, ErrorStatuses:
		return in(400, 499, "a 4xx")
	case SuccessStatus:
		return in(200, 299, "a 2xx")
	}
	return nil
}

// Loosens reports whether value admits a reply (or a run) that the setting's default
// refuses: a check turned off, a bound widened, a status or text accepted that the
// default does not. A pass under such a value is a weaker claim, and every report names
// the setting.
func (s Setting) Loosens(value string) bool {
	v, def := strings.TrimSpace(value), s.Default
	if v == def {
		return false
	}
	num := func(x string) (float64, bool) {
		if x == "" {
			return 0, true
		}
		if n, err := strconv.ParseFloat(x, 64); err == nil {
			return n, true
		}
		if d, err := parseDurationOrZero(x); err == nil {
			return d, true
		}
		return 0, false
	}
	switch s.Tunes {
	case StricterHigher:
		nv, ok1 := num(v)
		nd, ok2 := num(def)
		return !ok1 || !ok2 || nv < nd
	case StricterLower:
		nv, ok1 := num(v)
		nd, ok2 := num(def)
		switch {
		case !ok1 || !ok2:
			return true
		case nd == 0: // the default does not check: any bound is stricter
			return false
		case nv == 0: // turned off
			return true
		}
		return nv > nd
	case StrictWhenTrue:
		return strings.EqualFold(def, "true") && !strings.EqualFold(v, "true")
	case StrictWhenFalse:
		return strings.EqualFold(def, "false") && !strings.EqualFold(v, "false")
	case SuccessStatus:
		return true // a different exact status admits one the default refuses
	case ErrorStatus:
		return def != "" // unset accepts any 4xx: an exact 4xx is stricter
	case ErrorStatuses:
		var allowed []string
		for _, d := range strings.Split(def, ",") {
			allowed = append(allowed, strings.TrimSpace(d))
		}
		for _, x := range strings.Split(v, ",") {
			if !slices.Contains(allowed, strings.TrimSpace(x)) {
				return true
			}
		}
		return false
	case ExactText:
		return def != ""
	case MoreWords:
		var given []string
		for _, x := range strings.Split(v, ",") {
			given = append(given, strings.ToLower(strings.TrimSpace(x)))
		}
		for _, d := range strings.Split(def, ",") {
			if d = strings.ToLower(strings.TrimSpace(d)); d != "" && !slices.Contains(given, d) {
				return true
			}
		}
		return false
	case NotACheck:
		return false
	}
	return true // unclassified: assume the worst
}

func parseDurationOrZero(x string) (float64, error) {
	d, err := parsePositiveDuration(x)
	return float64(d), err
}
