package passwordreset

import (
	. "github.com/onsi/ginkgo/v2"

	cataloguepkg "github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/states"
)

const checkNotCacheable = cataloguepkg.SecuritySecretsNotCacheable

var _ = Describe("Security: responses carrying a token are not stored by shared caches (RFC 9111)", Label("security", "caching", "step3", "reset-code", "login"), func() {

	It("answers step 3 and login, which carry tokens, without letting a shared cache store them",
		Checks(checkNotCacheable), func(ctx SpecContext) {
			trader := given(ctx, states.PendingCode)
			ex := send(ctx, resetCode(trader["Code"]))
			expectToken(ex, checkNotCacheable)
			done(suite.Rules.NotSharedCacheable(verdictOn(checkNotCacheable, ex), "step 3's answer, which carries the reset token"))

			login := send(ctx, client.Login(trader["User"], trader["Password"]))
			v := verdictOn(checkNotCacheable, login)
			suite.Secrets.Add(suite.Rules.Login(v, 200, "Succeeded", "should succeed with the trader's password"))
			done(v)
			done(suite.Rules.NotSharedCacheable(verdictOn(checkNotCacheable, login), "login's answer, which carries the session token"))
		})
})
