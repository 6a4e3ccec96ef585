package selftest

import (
	"testing"

	"github.com/autoshares/conformance/internal/refprovider"
)

// Leaf texts (substrings) of the specs, as the fault table names them.
const (
	specHappyPath    = "sets the new password for a valid token"
	specMismatch     = "rejects a confirmation that differs"
	specExpiredToken = "rejects an expired token"
	specTokenExpires = "refuses a token once its lifetime has passed"
	specNoAppKey     = "rejects a request without Et-App-Key"
	specWrongAppKey  = "rejects a request with a wrong Et-App-Key"
	specLogin        = "logs a trader in with the current password"
	specLoginWrong   = "refuses a wrong password"
	specLoginNoKey   = "refuses a login without Et-App-Key"

	specMailNoQuestion = "emails a confirmation code to a trader without a secret question"
	specMailAnswer     = "emails a confirmation code when the secret answer is right"
	specMissingAnswer  = "refuses a missing secret answer"
	specWrongAnswer    = "refuses a wrong secret answer"
	specUnknownUser    = "refuses an unknown user"
	specResetNoKey     = "refuses a reset request without Et-App-Key"

	specQuestionByLogin = "returns a trader's secret question, asked by login"
	specQuestionByEmail = "returns a trader's secret question, asked by email"
	specNoQuestion      = `returns "" for a trader without a secret question`
	specQuestionNoKey   = "refuses a request without Et-App-Key"

	specCodeForToken = "trades a valid code for a token"
	specUnknownCode  = "refuses an unknown code"
	specExpiredCode  = "refuses an expired code"
	specUsedCode     = "refuses a code that was already used"
	specCodeNoKey    = "refuses a code without Et-App-Key"

	specWholeFlow = "resets a forgotten password"
)

var appKeySpecs = []string{specNoAppKey, specWrongAppKey, specLoginNoKey, specResetNoKey, specQuestionNoKey, specCodeNoKey}

// faultMatrix: each fault switch of the reference provider, and the specs that must fail
// against it. Every fault the provider has is either here or in notChecked, so a new
// fault switch cannot be added without deciding which check catches it.
var faultMatrix = map[string][]string{
	refprovider.FaultAcceptMismatchedPasswords: {specMismatch},
	refprovider.FaultAcceptExpiredToken:        {specExpiredToken},
	refprovider.FaultSuccessWithoutChange:      {specHappyPath, specCodeForToken, specWholeFlow},
	refprovider.FaultMismatchConsumesToken:     {specMismatch},
	refprovider.FaultIgnoreAppKey:              appKeySpecs,
	refprovider.FaultWrongAppKeyMessage:        appKeySpecs,
	refprovider.FaultAppKeyStatus400:           appKeySpecs,
	refprovider.FaultAppKeyCheckedLate:         {specWrongAppKey},
	refprovider.FaultIsSucceedAsString:         {specHappyPath, specMismatch, specExpiredToken, specMailNoQuestion, specQuestionByLogin, specCodeForToken, specUnknownCode},
	refprovider.FaultErrorsEmptyOnFailure:      {specMismatch, specExpiredToken, specMissingAnswer, specUnknownUser, specUnknownCode, specExpiredCode},
	refprovider.FaultErrorsNullOnSuccess:       {specHappyPath, specMailNoQuestion, specQuestionByLogin, specCodeForToken},
	refprovider.FaultFailureStatus200:          {specMismatch, specExpiredToken, specUnknownUser, specUnknownCode},
	refprovider.FaultFailureStatus500:          {specMismatch, specExpiredToken, specUnknownUser, specUnknownCode},
	refprovider.FaultWrongContentType:          {specHappyPath, specMismatch, specQuestionByLogin},
	refprovider.FaultOldPasswordStillWorks:     {specHappyPath, specWholeFlow},
	refprovider.FaultLoginIgnoresPassword:      {specHappyPath, specLoginWrong},
	refprovider.FaultLoginWithoutToken:         {specLogin, specHappyPath},

	refprovider.FaultSkipSecretAnswerCheck:    {specMissingAnswer, specWrongAnswer, specWholeFlow},
	refprovider.FaultWrongIncorrectAnswerCode: {specMissingAnswer, specWrongAnswer, specWholeFlow},
	refprovider.FaultAcceptUnknownUser:        {specUnknownUser},
	refprovider.FaultNoConfirmationEmail:      {specMailNoQuestion, specMailAnswer, specWholeFlow},
	refprovider.FaultCodeInResponse:           {specMailNoQuestion, specMailAnswer, specWholeFlow},
	refprovider.FaultSecretQuestionNull:       {specNoQuestion},
	refprovider.FaultSecretQuestionLoginOnly:  {specQuestionByEmail},
	refprovider.FaultAcceptExpiredCode:        {specExpiredCode},
	refprovider.FaultReusableCode:             {specUsedCode},
}

// notChecked: faults whose behaviour the docs leave open, so no spec asserts it; each with
// the reason. The test fails if a fault is in neither list.
var notChecked = map[string]string{
	refprovider.FaultReusableToken:         "whether a step 4 token is single-use is not documented",
	refprovider.FaultAcceptShortPassword:   "password rules are configured per user group and not documented",
	refprovider.FaultKeepOutstandingGrants: "what a reset does to other outstanding codes and tokens is not documented",
}

// Every spec of the suite, for the clean run.
var allSpecs = []string{specHappyPath, specMismatch, specExpiredToken, specTokenExpires, specNoAppKey, specWrongAppKey,
	specLogin, specLoginWrong, specLoginNoKey, specMailNoQuestion, specMailAnswer, specMissingAnswer, specWrongAnswer,
	specUnknownUser, specResetNoKey, specQuestionByLogin, specQuestionByEmail, specNoQuestion, specQuestionNoKey,
	specCodeForToken, specUnknownCode, specExpiredCode, specUsedCode, specCodeNoKey, specWholeFlow}

func TestEveryFaultIsAccountedFor(t *testing.T) {
	for _, f := range refprovider.FaultNames() {
		_, checked := faultMatrix[f]
		_, excused := notChecked[f]
		if checked == excused {
			t.Errorf("fault %q must be in exactly one of faultMatrix and notChecked", f)
		}
	}
}

// Every spec is shown to fail against some fault: a check no fault can break proves nothing.
func TestEverySpecIsShownToFail(t *testing.T) {
	shown := map[string]bool{specTokenExpires: true} // TestSlowSpecDetectsTokensThatNeverExpire
	for _, specs := range faultMatrix {
		for _, s := range specs {
			shown[s] = true
		}
	}
	for _, s := range allSpecs {
		if !shown[s] {
			t.Errorf("no fault in faultMatrix makes spec %q fail", s)
		}
	}
}

func TestSuitePassesAgainstTheCorrectProvider(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true})
	o := runSuite(t, targetEnv(p, key))
	if o.exitErr != nil || len(o.failed) > 0 || len(o.skipped) > 0 {
		t.Fatalf("want a clean pass; exit %v, failed %q, skipped %q\n%s", o.exitErr, o.failed, o.skipped, o.output)
	}
	for _, spec := range allSpecs {
		if !containsAny(o.passed, spec) {
			t.Errorf("spec %q did not run and pass; passed: %q", spec, o.passed)
		}
	}
	if len(o.passed) != len(allSpecs) {
		t.Errorf("%d specs passed, the self-test knows %d: add new specs to allSpecs and the fault matrix", len(o.passed), len(allSpecs))
	}
}

// TestEachFaultIsDetected runs the whole suite (but the slow spec) once per fault: the
// named specs must fail, and the run must fail. Other specs may fail too (a fault can
// break several promises).
func TestEachFaultIsDetected(t *testing.T) {
	for fault, mustFail := range faultMatrix {
		t.Run(fault, func(t *testing.T) {
			t.Parallel()
			p, key := startProvider(t, refprovider.Options{TestMode: true, Faults: []string{fault}})
			o := runSuite(t, targetEnv(p, key), "-ginkgo.label-filter=!slow")
			expectDetected(t, fault, o, mustFail)
		})
	}
}

// The slow spec is the only check of expiry on deployments without a state endpoint.
func TestSlowSpecDetectsTokensThatNeverExpire(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true, Faults: []string{refprovider.FaultAcceptExpiredToken}})
	expectDetected(t, refprovider.FaultAcceptExpiredToken, runSuite(t, targetEnv(p, key), "-ginkgo.label-filter=slow"), []string{specTokenExpires})
}

func expectDetected(t *testing.T, fault string, o outcome, mustFail []string) {
	t.Helper()
	if o.exitErr == nil {
		t.Fatalf("the suite passed against fault %q (%s)", fault, refprovider.FaultDescription(fault))
	}
	for _, spec := range mustFail {
		if !containsAny(o.failed, spec) {
			t.Errorf("fault %q: spec %q did not fail; failed: %q", fault, spec, o.failed)
		}
	}
	if containsAny(o.failed, "[SynchronizedBeforeSuite]") {
		t.Errorf("fault %q tripped the preflight instead of the specs", fault)
	}
	if t.Failed() {
		t.Logf("suite output:\n%s", o.output)
	}
}
