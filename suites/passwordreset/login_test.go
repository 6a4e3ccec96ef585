package passwordreset

import (
	. "github.com/autoshares/conformance/internal/framework"
	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	rec "github.com/autoshares/conformance/internal/pacts"
	"github.com/autoshares/conformance/internal/states"
)

// Login is how the suite proves a reset worked, so the suite checks it behaves as
// documented before relying on it.
var _ = Describe("Login: POST apiURL/token", Label("login"), func() {

	It("logs a trader in with the current password", Checks(catalogue.LoginValidSucceeds), func(ctx SpecContext) {
		trader := Given(ctx, states.NoQuestion)
		ExpectLoginSucceeds(ctx, catalogue.LoginValidSucceeds, trader["User"], trader["Password"], "with the trader's current password")

		Record(World.Shapes.Interaction(rec.LoginWithPassword))
	})

	It("refuses a wrong password with the documented 401", Checks(catalogue.LoginWrongPasswordRefused), func(ctx SpecContext) {
		trader := Given(ctx, states.NoQuestion)
		ExpectLoginFails(ctx, catalogue.LoginWrongPasswordRefused, trader["User"], NewPassword(), "with a wrong password")

		Record(World.Shapes.Interaction(rec.LoginWrongPassword))
	})

	It("refuses a login without Et-App-Key with the documented error", Label("app-key"), Checks(catalogue.LoginAppKeyMissingRefused), func(ctx SpecContext) {
		trader := Given(ctx, states.NoQuestion)
		req := client.Login(trader["User"], trader["Password"])
		req.OmitAppKey = true
		ExpectAppKeyError(Send(ctx, req), catalogue.LoginAppKeyMissingRefused)

		Record(World.Shapes.Interaction(rec.LoginNoAppKey))
	})
})
