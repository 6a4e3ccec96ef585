package passwordreset

import (
	. "github.com/autoshares/conformance/internal/framework"
	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	rec "github.com/autoshares/conformance/internal/pacts"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/suite"
)

// A wrong key, not only a missing one: a gateway that checks only for the header's
// presence passes the missing-key specs.
var _ = Describe("A wrong Et-App-Key on every endpoint", Label("security", "app-key"), func() {

	wrongKey := func(r client.Request) client.Request {
		r.AppKey = rec.ShapeWrongAppKey
		return r
	}

	It("refuses step 1 with the documented error", Label("step1"), NegativeChecks(catalogue.Step1AppKeyWrongRefused), func(ctx SpecContext) {
		Given(ctx, states.NoSuchUser)
		ExpectAppKeyError(Send(ctx, wrongKey(client.ResetPassword(suite.RandomSecret("unknown-trader-"), ""))), catalogue.Step1AppKeyWrongRefused)
	})

	It("refuses step 2 with the documented error", Label("step2"), NegativeChecks(catalogue.Step2AppKeyWrongRefused), func(ctx SpecContext) {
		trader := Given(ctx, states.WithQuestion)
		ExpectAppKeyError(Send(ctx, wrongKey(client.SecretQuestion(trader["User"]))), catalogue.Step2AppKeyWrongRefused)
	})

	It("refuses step 3 with the documented error, and the code stays usable", Label("step3"),
		NegativeChecks(catalogue.Step3AppKeyWrongRefused, catalogue.Step3AppKeyCodeSurvives), func(ctx SpecContext) {
			trader := Given(ctx, states.PendingCode)
			ExpectAppKeyError(Send(ctx, wrongKey(resetCode(trader["Code"]))), catalogue.Step3AppKeyWrongRefused)
			expectToken(Send(ctx, resetCode(trader["Code"])), catalogue.Step3AppKeyCodeSurvives)
		})

	It("refuses a login with the documented error", Label("login"), NegativeChecks(catalogue.LoginAppKeyWrongRefused), func(ctx SpecContext) {
		trader := Given(ctx, states.NoQuestion)
		ExpectAppKeyError(Send(ctx, wrongKey(client.Login(trader["User"], trader["Password"]))), catalogue.LoginAppKeyWrongRefused)
	})
})
