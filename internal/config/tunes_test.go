package config

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// numbersThatTuneNoCheck are the number settings that decide how a run goes, not what a
// reply must be: a number is otherwise presumed to bound a check.
var numbersThatTuneNoCheck = []string{"AUTOSHARES_PROCS", "AUTOSHARES_MAX_IN_FLIGHT", "AUTOSHARES_MAX_RPS", "AUTOSHARES_TIMING_SAMPLES"}

// Every setting says which of its values is stricter, so the one loosening rule covers it:
// a new AUTOSHARES_EXPECT_* or numeric check setting without a classification fails here.
func TestEverySettingDeclaresWhichDirectionIsStricter(t *testing.T) {
	for _, s := range Settings() {
		if s.Tunes == TunesUnclassified {
			t.Errorf("%s declares no Tunes (internal/config/tunes.go): which of its values is stricter?", s.Env)
		}
		if strings.HasPrefix(s.Env, "AUTOSHARES_EXPECT_") && s.Tunes == NotACheck {
			t.Errorf("%s is an expectation but classified NotACheck", s.Env)
		}
		if _, err := strconv.Atoi(s.Default); err == nil && s.Tunes == NotACheck && !slices.Contains(numbersThatTuneNoCheck, s.Env) {
			t.Errorf("%s is a number classified NotACheck: if it bounds no check, add it to numbersThatTuneNoCheck", s.Env)
		}
	}
}

func TestLoosenedIsAdmittingWhatTheDefaultRefuses(t *testing.T) {
	byName := map[string]Setting{}
	for _, s := range Settings() {
		byName[s.Env] = s
	}
	for _, c := range []struct {
		env, value string
		loosened   bool
	}{
		{"AUTOSHARES_GENERATED_CASES", "5", true},
		{"AUTOSHARES_GENERATED_CASES", "0", true},
		{"AUTOSHARES_GENERATED_CASES", "500", false},
		{"AUTOSHARES_CONCURRENT_UPDATES", "2", true},
		{"AUTOSHARES_CONCURRENT_UPDATES", "16", false},
		{"AUTOSHARES_MAX_BODY_BYTES", "0", true},
		{"AUTOSHARES_MAX_BODY_BYTES", "4194304", true},
		{"AUTOSHARES_MAX_BODY_BYTES", "65536", false},
		{"AUTOSHARES_EXPECT_MIN_PASSWORD_LENGTH", "6", true},
		{"AUTOSHARES_EXPECT_MIN_PASSWORD_LENGTH", "0", true},
		{"AUTOSHARES_EXPECT_MIN_PASSWORD_LENGTH", "12", false},
		{"AUTOSHARES_TOKEN_LIFETIME", "2m", false},
		{"AUTOSHARES_EXPECT_SINGLE_USE_TOKEN", "false", true},
		{"AUTOSHARES_EXPECT_TOKEN_SURVIVES_MISMATCH", "false", true},
		{"AUTOSHARES_EXPECT_STEP1_IS_SUCCEED", "true", false},
		{"AUTOSHARES_ALLOW_SKIPS", "true", true},
		{"AUTOSHARES_EXPECT_SUCCESS_STATUS", "201", true},
		{"AUTOSHARES_EXPECT_APP_KEY_STATUS", "403", false},
		{"AUTOSHARES_EXPECT_APP_KEY_STATUS", "401,403,404", true},
		{"AUTOSHARES_EXPECT_APP_KEY_MESSAGE", "Forbidden", true},
		{"AUTOSHARES_EXPECT_MISMATCH_STATUS", "400", false},
		{"AUTOSHARES_EXPECT_MISMATCH_ERRORS_CODE", "ErrorPasswordMismatch", false},
		{"AUTOSHARES_EXPECT_WRONG_ANSWER_ERRORS_CODE", "", true},
		{"AUTOSHARES_EXPECT_WRONG_ANSWER_MESSAGE", "Wrong answer.", true},
		{"AUTOSHARES_SEED", "42", false},
		{"AUTOSHARES_REQUEST_TIMEOUT", "1m", false},
	} {
		s, ok := byName[c.env]
		if !ok {
			t.Fatalf("no setting %s", c.env)
		}
		if got := s.Loosens(c.value); got != c.loosened {
			t.Errorf("%s=%q: loosened %v, want %v", c.env, c.value, got, c.loosened)
		}
		if s.Loosens(s.Default) {
			t.Errorf("%s: its default loosens", c.env)
		}
	}
}

// An error case can never expect a success (or any non-4xx) status, nor a success an error.
func TestStatusSettingsStayInTheirClass(t *testing.T) {
	for _, bad := range []map[string]string{
		{"AUTOSHARES_EXPECT_MISMATCH_STATUS": "200"},
		{"AUTOSHARES_EXPECT_EXPIRED_TOKEN_STATUS": "302"},
		{"AUTOSHARES_EXPECT_USED_CODE_STATUS": "500"},
		{"AUTOSHARES_EXPECT_APP_KEY_STATUS": "401,200"},
		{"AUTOSHARES_EXPECT_SUCCESS_STATUS": "404"},
	} {
		_, err := load(env(bad), noFile)
		for k := range bad {
			if err == nil || !strings.Contains(err.Error(), k) {
				t.Errorf("%v accepted: %v", bad, err)
			}
		}
	}
	for _, good := range []map[string]string{
		{"AUTOSHARES_EXPECT_MISMATCH_STATUS": "400"},
		{"AUTOSHARES_EXPECT_APP_KEY_STATUS": "401"},
		{"AUTOSHARES_EXPECT_SUCCESS_STATUS": "204"},
	} {
		if _, err := load(env(good), noFile); err != nil {
			t.Errorf("%v refused: %v", good, err)
		}
	}
}
