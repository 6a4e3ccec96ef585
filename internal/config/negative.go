package config

import (
	"fmt"
	"strconv"
)

// Negative holds the settings of the negative and security checks (docs/NEGATIVE.md):
// where the documentation is silent, the suite assumes the published standard's answer,
// and a deployment that chose differently says so here.
type Negative struct {
	SingleUseToken         bool  // a used step 4 token is refused (OWASP)
	TokenSurvivesMismatch  bool  // a mismatched step 4 leaves the token usable
	ConcurrentUpdates      int   // simultaneous step 4 updates with one token
	MaxBodyBytes           int   // a body over this is refused; 0 = not checked
	GeneratedCases         int   // generated bodies per endpoint; 0 = none
	Seed                   int64 // seed of the generated bodies; 0 = a fresh one per run
	MinPasswordLength      int   // a shorter new password is refused; 0 = not checked
	Step1IsSucceedRequired bool  // step 1's success must say IsSucceed true
}

// Bounds of AUTOSHARES_CONCURRENT_UPDATES: two is the least that is a race; more than 32
// only loads the target without proving more.
const (
	MinConcurrentUpdates = 2
	MaxConcurrentUpdates = 32
)

func negativeSettings() []Setting {
	return []Setting{
		{Env: "AUTOSHARES_EXPECT_SINGLE_USE_TOKEN", Default: "true", Doc: "A step 4 token works once: after a successful update it is refused, and of concurrent updates with one token exactly one succeeds. The docs are silent; the OWASP Forgot Password Cheat Sheet requires single-use tokens. `false` skips both checks.",
			apply: func(c *Config, v string) (err error) { c.Negative.SingleUseToken, err = parseBool(v); return }},
		{Env: "AUTOSHARES_EXPECT_TOKEN_SURVIVES_MISMATCH", Default: "true", Doc: "A step 4 refused because the confirmation differs leaves the token usable for a corrected retry (what a client's retry relies on). `false` for a deployment that invalidates a token on any failed attempt: the retry is then not checked.",
			apply: func(c *Config, v string) (err error) { c.Negative.TokenSurvivesMismatch, err = parseBool(v); return }},
		{Env: "AUTOSHARES_CONCURRENT_UPDATES", Default: "8", Doc: fmt.Sprintf("How many step 4 updates the race check sends at once with one token (%d to %d): enough to expose a check-then-consume race, few enough to stay quick.", MinConcurrentUpdates, MaxConcurrentUpdates),
			apply: func(c *Config, v string) (err error) {
				c.Negative.ConcurrentUpdates, err = parseIntIn(v, MinConcurrentUpdates, MaxConcurrentUpdates)
				return
			}},
		{Env: "AUTOSHARES_MAX_BODY_BYTES", Default: "1048576", Doc: "A request body larger than this (1 MiB, ASP.NET's usual bound, far above any documented body) must be refused with a 4xx. `0` skips the check.",
			apply: func(c *Config, v string) (err error) { c.Negative.MaxBodyBytes, err = parseIntIn(v, 0, 64<<20); return }},
		{Env: "AUTOSHARES_GENERATED_CASES", Default: "50", Doc: "Request bodies generated from each request schema (broken and unusual-but-valid), per endpoint. `0` skips the generated checks.",
			apply: func(c *Config, v string) (err error) {
				c.Negative.GeneratedCases, err = parseIntIn(v, 0, 10000)
				return
			}},
		{Env: "AUTOSHARES_SEED", Doc: "Seed of the generated bodies. Unset: a fresh seed each run; every run prints the seed it used, so setting it replays that run's bodies.",
			apply: func(c *Config, v string) (err error) {
				if v == "" {
					return nil
				}
				c.Negative.Seed, err = strconv.ParseInt(v, 10, 64)
				if err != nil || c.Negative.Seed == 0 {
					return fmt.Errorf("%q is not a non-zero integer seed", v)
				}
				return nil
			}},
		{Env: "AUTOSHARES_EXPECT_MIN_PASSWORD_LENGTH", Default: "8", Doc: "A new password shorter than this is refused and changes nothing (NIST SP 800-63B's floor for user-chosen passwords; the docs leave policies to each user group). `0` skips the check.",
			apply: func(c *Config, v string) (err error) {
				c.Negative.MinPasswordLength, err = parseIntIn(v, 0, 64)
				return
			}},
		{Env: "AUTOSHARES_EXPECT_STEP1_IS_SUCCEED", Default: "false", Doc: "Require `IsSucceed` true in step 1's success. Default: not relied on, since the documentation's own success example says `false`; a 2xx, an empty `Errors` and the mail arriving are the success.",
			apply: func(c *Config, v string) (err error) { c.Negative.Step1IsSucceedRequired, err = parseBool(v); return }},
	}
}

func parseIntIn(v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%q is not a whole number from %d to %d", v, lo, hi)
	}
	return n, nil
}
