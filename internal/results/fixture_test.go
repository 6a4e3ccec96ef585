package results

import (
	"time"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/outcome"
)

// failingRun is the report of a run against a provider that accepts a mismatched password
// confirmation: one failure with problem lines and a transcript, passes, a spec skipped for
// a missing setting, one filtered out by labels, and a loosened setting.
func failingRun() PageRun {
	start := time.Date(2026, 11, 28, 22, 41, 7, 0, time.UTC)
	documented := func(id, statement, source string) Check {
		return Check{ID: id, Statement: statement, Kind: KindDocumented, Source: source, State: outcome.Passed}
	}
	return PageRun{
		SuiteVersion: "v0.9.0",
		Commit:       "7bad9ad1c0ffee",
		Target:       "https://***@staging.example.com/api",
		Step3Variant: "autoshares",
		Started:      start,
		Ended:        start.Add(47 * time.Second),
		TokenSources: []string{"state endpoint", "mail (Mailpit)"},
		Settings: []HTMLSetting{
			{Name: "AUTOSHARES_EXPECT_SUCCESS_STATUS", Value: "200", Default: "200"},
			{Name: "AUTOSHARES_EXPECT_APP_KEY_STATUS", Value: "401,403", Default: "401,403"},
			{Name: "AUTOSHARES_EXPECT_MISMATCH_STATUS", Value: "400", Default: "any 4xx", Changed: true},
			{Name: "AUTOSHARES_EXPECT_WRONG_ANSWER_MESSAGE", Value: "", Default: "Answer is incorrect, try again.", Changed: true, Loosened: true},
			{Name: "AUTOSHARES_STEP3_PATH", Value: "autoshares", Default: "autoshares"},
		},
		Specs: []HTMLSpec{
			{
				Text:   "Step 1 (request a reset) with the right secret answer starts a reset",
				Labels: []string{"step1"},
				State:  outcome.Passed,
				Checks: []Check{
					documented("step1.ok.status", "a success answers 200", "docs/password-reset.md, step 1"),
					documented("step1.ok.schema", "the body matches schemas/reset-request.response.schema.json", "docs/password-reset.md, step 1; JSON Schema 2020-12"),
				},
				Duration: 212 * time.Millisecond,
			},
			{
				Text:   "Step 4 (update password) rejects a confirmation that differs from the password",
				Labels: []string{"step4", "negative"},
				State:  outcome.Failed,
				Checks: []Check{
					{ID: "step4.mismatch.status", Statement: "the status is AUTOSHARES_EXPECT_MISMATCH_STATUS (400)", Kind: KindConfigurable, Source: "setting; the documentation names no status", State: outcome.Failed},
					{ID: "step4.mismatch.failure", Statement: "a failure never looks like a success: not 2xx, IsSucceed false", Kind: KindBaseline, Source: "docs/password-reset.md, error envelope", State: outcome.Failed},
					{ID: catalogue.Step4MismatchUnchanged, Statement: "the old password still logs in, the attempted one does not", Kind: KindSecurity, Source: "docs/password-reset.md, step 4",
						State: outcome.NotChecked, Reason: "the spec did not judge it"},
				},
				Failure: "a password update whose confirmation differs should be rejected: 2 problem(s):\n" +
					"- status: expected 400, got 200 (a failure must not look like a success)\n" +
					"- IsSucceed: expected false, got true",
				Transcript: "> POST /api/v1.0/users/password/reset HTTP/1.1\n" +
					"> Et-App-Key: ***\n> Content-Type: application/json\n>\n" +
					"> {\"Token\":\"***\",\"NewPassword\":\"***\",\"ConfirmPassword\":\"***\"}\n\n" +
					"< HTTP/1.1 200 OK\n< Content-Type: application/json; charset=utf-8\n<\n" +
					"< {\"IsSucceed\":true,\"Errors\":[],\"Model\":null}",
				Duration: 1480 * time.Millisecond,
			},
			{
				Text:   "Step 2 (verify the code) answers with a token for a valid code",
				Labels: []string{"step2"},
				State:  outcome.Passed,
				Checks: []Check{
					documented("step2.ok.token", "the answer carries a non-empty token", "docs/password-reset.md, step 2"),
				},
				Duration: 305 * time.Millisecond,
			},
			{
				Text:       "Step 4 (update password) rejects an expired token",
				Labels:     []string{"step4", "negative"},
				State:      outcome.Skipped,
				SkipReason: "needs a token known to be expired: set AUTOSHARES_EXPIRED_TOKEN",
				Checks: []Check{
					{ID: "step4.expired.failure", Statement: "a failure never looks like a success", Kind: KindBaseline, Source: "docs/password-reset.md, error envelope", State: outcome.Skipped},
				},
			},
			{
				Text:   "Step 4 (update password) rejects a token once its lifetime has passed",
				Labels: []string{"step4", "slow"},
				State:  outcome.Filtered,
				Checks: []Check{
					{ID: "step4.lifetime.expires", Statement: "a token older than AUTOSHARES_TOKEN_LIFETIME is rejected", Kind: KindConfigurable, Source: "setting", State: outcome.Filtered},
				},
			},
		},
	}
}
