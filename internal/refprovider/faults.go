package refprovider

import (
	"fmt"
	"slices"
	"strings"
)

// Fault switch names. Each makes the provider deliberately wrong in exactly one way, so a
// test can prove that the conformance check guarding that behaviour really fails.
const (
	FaultAcceptMismatchedPasswords = "accept-mismatched-passwords"
	FaultAcceptExpiredToken        = "accept-expired-token"
	FaultSuccessWithoutChange      = "success-without-change"
	FaultMismatchConsumesToken     = "mismatch-consumes-token"
	FaultReusableToken             = "reusable-token"
	FaultAcceptShortPassword       = "accept-short-password"
	FaultKeepOutstandingGrants     = "keep-outstanding-grants"

	FaultIgnoreAppKey         = "ignore-app-key"
	FaultWrongAppKeyMessage   = "wrong-app-key-message"
	FaultAppKeyStatus400      = "app-key-status-400"
	FaultAppKeyCheckedLate    = "app-key-checked-late"
	FaultIsSucceedAsString    = "is-succeed-as-string"
	FaultErrorsEmptyOnFailure = "errors-empty-on-failure"
	FaultErrorsNullOnSuccess  = "errors-null-on-success"
	FaultFailureStatus200     = "failure-status-200"
	FaultFailureStatus500     = "failure-status-500"
	FaultWrongContentType     = "wrong-content-type"

	FaultOldPasswordStillWorks = "old-password-still-works"
	FaultLoginIgnoresPassword  = "login-ignores-password"
	FaultLoginWithoutToken     = "login-without-token"

	FaultSkipSecretAnswerCheck    = "skip-secret-answer-check"
	FaultWrongIncorrectAnswerCode = "wrong-incorrect-answer-code"
	FaultAcceptUnknownUser        = "accept-unknown-user"
	FaultNoConfirmationEmail      = "no-confirmation-email"
	FaultCodeInResponse           = "code-in-response"

	FaultSecretQuestionNull      = "secret-question-null"
	FaultSecretQuestionLoginOnly = "secret-question-login-only"

	FaultAcceptExpiredCode = "accept-expired-code"
	FaultReusableCode      = "reusable-code"

	// The negative and security catalogue.
	FaultAcceptUnknownToken      = "accept-unknown-token"
	FaultAcceptMalformedToken    = "accept-malformed-token"
	FaultTokenRace               = "token-race"
	FaultConfirmationIgnoresCase = "confirmation-ignores-case"
	FaultConfirmationTrimsSpaces = "confirmation-trims-spaces"
	FaultPasswordSpacesStripped  = "password-spaces-stripped"
	FaultNonJSONBody500          = "non-json-body-500"
	FaultMissingField500         = "missing-field-500"
	FaultWrongType500            = "wrong-type-500"
	FaultNumbersBoundWrong       = "numbers-bound-wrong"
	FaultCaseSensitiveProperties = "case-sensitive-properties"
	FaultTextPlain500            = "text-plain-500"
	FaultNoBodyLimit             = "no-body-limit"
	FaultUnusualValue500         = "unusual-value-500"
	FaultStep4AnyMethod          = "step4-any-method"
	FaultWrongMethod200          = "wrong-method-200"
	FaultWrongAppKeyAccepted     = "wrong-app-key-accepted"
	FaultBadKeyConsumesToken     = "bad-key-consumes-token"
	FaultRedirectElsewhere       = "redirect-elsewhere"
	FaultEchoPassword            = "echo-password"
	FaultEchoAppKey              = "echo-app-key"
)

var faultDescriptions = map[string]string{
	FaultAcceptMismatchedPasswords: "step 4 ignores PasswordConfirmation: sets Password and succeeds when they differ",
	FaultAcceptExpiredToken:        "step 4 accepts an expired reset token",
	FaultSuccessWithoutChange:      "step 4 answers success but keeps the old password",
	FaultMismatchConsumesToken:     "a step 4 password-mismatch rejection consumes the token, so a corrected retry fails",
	FaultReusableToken:             "step 4 does not consume the token on success: it can reset the password again",
	FaultAcceptShortPassword:       "step 4 skips the minimum password length check",
	FaultKeepOutstandingGrants:     "step 4 success leaves the trader's other outstanding codes and tokens usable",

	FaultIgnoreAppKey:         "no Et-App-Key check anywhere: any or no key is accepted",
	FaultWrongAppKeyMessage:   `app-key error body is {"error":"Invalid application key"} instead of the documented text`,
	FaultAppKeyStatus400:      "app-key error answered with status 400 instead of 403",
	FaultAppKeyCheckedLate:    "with a bad app key, step 4 still applies the password change, then answers the app-key error",
	FaultIsSucceedAsString:    `IsSucceed sent as the JSON string "true"/"false" on every envelope`,
	FaultErrorsEmptyOnFailure: "failure envelopes send Errors [] (no message explaining the failure)",
	FaultErrorsNullOnSuccess:  "success envelopes send Errors and ErrorsCode as null instead of []",
	FaultFailureStatus200:     "failure envelopes are answered with HTTP 200 (IsSucceed still false)",
	FaultFailureStatus500:     "failure envelopes are answered with HTTP 500 (client errors reported as server errors)",
	FaultWrongContentType:     "JSON responses are labelled Content-Type text/plain",

	FaultOldPasswordStillWorks: "login still accepts the previous password after a reset",
	FaultLoginIgnoresPassword:  "login succeeds for an existing user with any password",
	FaultLoginWithoutToken:     `a successful login answers {"State":"Succeeded"} without the documented Token`,

	FaultSkipSecretAnswerCheck:    "step 1 accepts a missing or wrong secret answer",
	FaultWrongIncorrectAnswerCode: `a wrong secret answer gives ErrorsCode ["ErrorAnswer"] and a different text`,
	FaultAcceptUnknownUser:        "step 1 answers success for an unknown user",
	FaultNoConfirmationEmail:      "step 1 answers success but sends no confirmation email",
	FaultCodeInResponse:           "step 1 leaks the confirmation code in the response Model",

	FaultSecretQuestionNull:      `step 2 answers Model null instead of "" for a trader without a secret question`,
	FaultSecretQuestionLoginOnly: "step 2 looks traders up by login only: by email gives user not found",

	FaultAcceptExpiredCode: "step 3 accepts an expired confirmation code",
	FaultReusableCode:      "step 3 does not consume the code: it can be traded for a token again",

	FaultAcceptUnknownToken:      "step 4 answers success (and changes nothing) for a token it never issued",
	FaultAcceptMalformedToken:    "step 4 crashes on a token that is not a GUID (or is very long): 500 instead of 400",
	FaultTokenRace:               "step 4 checks and consumes a token non-atomically: concurrent updates with one token all succeed",
	FaultConfirmationIgnoresCase: "step 4 compares Password and PasswordConfirmation case-insensitively",
	FaultConfirmationTrimsSpaces: "step 4 compares Password and PasswordConfirmation after trimming leading and trailing whitespace",
	FaultPasswordSpacesStripped:  "step 4 stores the new password with its spaces removed",
	FaultNonJSONBody500:          "a request body that is not JSON gets an HTML 500 page (text/html)",
	FaultMissingField500:         "a missing or null required body field gets a 500",
	FaultWrongType500:            "an object or array where a body field's string belongs gets a 500",
	FaultNumbersBoundWrong:       `a number where a string belongs is stored in Go's %g form (12345678 becomes "1.2345678e+07")`,
	FaultCaseSensitiveProperties: `body property names bind case-sensitively: "password" is treated as a missing Password`,
	FaultTextPlain500:            "a JSON body sent with Content-Type text/plain gets a 500",
	FaultNoBodyLimit:             "request bodies over MaxBodyBytes are processed instead of refused with 413",
	FaultUnusualValue500:         "a non-ASCII or control character in a body string field gets a 500",
	FaultStep4AnyMethod:          "GET and POST on the step 4 path are handled like PUT (they change the password)",
	FaultWrongMethod200:          "an undocumented method on a step 1, 2 or 3 path answers a 200 success envelope (changing nothing)",
	FaultWrongAppKeyAccepted:     "steps 1, 2, 3 and login accept any non-empty Et-App-Key (step 4 still checks it)",
	FaultBadKeyConsumesToken:     "a step 4 refused for its Et-App-Key still consumes the reset token",
	FaultRedirectElsewhere:       "every API request is answered 307 with Location on Options.RedirectTo (another origin)",
	FaultEchoPassword:            "step 4 error messages quote the Password and PasswordConfirmation the request carried",
	FaultEchoAppKey:              "every API response carries the request's Et-App-Key back in an Et-App-Key header",
}

// FaultNames returns every fault switch name, sorted.
func FaultNames() []string { return sortedNames(faultDescriptions) }

// FaultDescription returns the one-line description of a fault switch, "" if unknown.
func FaultDescription(name string) string { return faultDescriptions[name] }

func parseFaults(names []string) (map[string]bool, error) {
	return parseSwitches("fault switch", names, faultDescriptions)
}

func sortedNames(known map[string]string) []string {
	names := make([]string, 0, len(known))
	for n := range known {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// parseSwitches checks names against the known switches of one kind; the error lists the
// known ones so a typo in a Makefile or CI variable is fixable from the message alone.
func parseSwitches(kind string, names []string, known map[string]string) (map[string]bool, error) {
	set := make(map[string]bool, len(names))
	var unknown []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if _, ok := known[n]; !ok {
			unknown = append(unknown, fmt.Sprintf("%q", n))
			continue
		}
		set[n] = true
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("unknown %s %s; known: %s", kind, strings.Join(unknown, ", "), strings.Join(sortedNames(known), ", "))
	}
	return set, nil
}
