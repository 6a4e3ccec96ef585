package passwordreset

import (
	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/checks"
	"github.com/autoshares/conformance/internal/harness"
	rec "github.com/autoshares/conformance/internal/recording"
	"github.com/autoshares/conformance/internal/states"
)

// A wrong key, not only a missing one: a gateway that checks only for the header's
// presence passes the missing-key specs.
var _ = Describe("A wrong Et-App-Key on every endpoint", Label("security", "app-key"), func() {

	wrongKey := func(r apiclient.Request) apiclient.Request {
		r.AppKey = rec.WrongAppKey
		return r
	}

	It("refuses step 1 with the documented error", Label("step1"), NegativeChecks(checks.Step1AppKeyWrongRefused), func(ctx SpecContext) {
		given(ctx, states.NoSuchUser)
		expectAppKeyError(send(ctx, wrongKey(apiclient.ResetPassword(harness.RandomSecret("unknown-trader-"), ""))), checks.Step1AppKeyWrongRefused)
	})

	It("refuses step 2 with the documented error", Label("step2"), NegativeChecks(checks.Step2AppKeyWrongRefused), func(ctx SpecContext) {
		trader := given(ctx, states.WithQuestion)
		expectAppKeyError(send(ctx, wrongKey(apiclient.SecretQuestion(trader["User"]))), checks.Step2AppKeyWrongRefused)
	})

	It("refuses step 3 with the documented error, and the code stays usable", Label("step3"),
		NegativeChecks(checks.Step3AppKeyWrongRefused, checks.Step3AppKeyCodeSurvives), func(ctx SpecContext) {
			trader := given(ctx, states.PendingCode)
			expectAppKeyError(send(ctx, wrongKey(resetCode(trader["Code"]))), checks.Step3AppKeyWrongRefused)
			expectToken(send(ctx, resetCode(trader["Code"])), checks.Step3AppKeyCodeSurvives)
		})

	It("refuses a login with the documented error", Label("login"), NegativeChecks(checks.LoginAppKeyWrongRefused), func(ctx SpecContext) {
		trader := given(ctx, states.NoQuestion)
		expectAppKeyError(send(ctx, wrongKey(apiclient.Login(trader["User"], trader["Password"]))), checks.LoginAppKeyWrongRefused)
	})
})
