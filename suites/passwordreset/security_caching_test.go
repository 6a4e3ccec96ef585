package passwordreset

import (
	. "github.com/autoshares/conformance/internal/framework"
	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/states"
)

const checkNotCacheable = catalogue.SecuritySecretsNotCacheable

var _ = Describe("Security: responses carrying a token are not stored by shared caches (RFC 9111)", Label("security", "caching", "step3", "reset-code", "login"), func() {

	It("answers step 3 and login, which carry tokens, without letting a shared cache store them",
		Checks(checkNotCacheable), func(ctx SpecContext) {
			trader := Given(ctx, states.PendingCode)
			ex := Send(ctx, resetCode(trader["Code"]))
			expectToken(ex, checkNotCacheable)
			Conclude(World.Rules.NotSharedCacheable(VerdictOn(checkNotCacheable, ex), "step 3's answer, which carries the reset token"))

			login := Send(ctx, client.Login(trader["User"], trader["Password"]))
			v := VerdictOn(checkNotCacheable, login)
			World.Secrets.Add(World.Rules.Login(v, 200, "Succeeded", "should succeed with the trader's password"))
			Conclude(v)
			Conclude(World.Rules.NotSharedCacheable(VerdictOn(checkNotCacheable, login), "login's answer, which carries the session token"))
		})
})
