package passwordreset

import (
	"fmt"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/contract"
	"github.com/autoshares/conformance/internal/states"
)

const updatePasswordResponseSchema = "update-password.response.schema.json"

var updatePassword = apiclient.UpdatePassword

// updatePasswordContract is the same request as the pact sees it: the token from the
// provider state, passwords matched by type. A confirmation that differs is matched exactly:
// pact cannot say "differs from Password", so a stub tells the mismatch apart by that value.
func updatePasswordContract(headers map[string]contract.Field, confirmation string) contract.Request {
	conf := contract.Field{Example: confirmation, Match: contract.MatchType}
	if confirmation != exampleNewPassword {
		conf.Match = contract.MatchExact
	}
	return contract.Request{Method: http.MethodPut, Path: apiclient.PathUpdatePassword, Headers: withJSON(headers),
		Body: map[string]contract.Field{
			"Token":                {Example: exampleToken, Match: contract.MatchType, FromState: "${Token}"},
			"Password":             {Example: exampleNewPassword, Match: contract.MatchType},
			"PasswordConfirmation": conf,
		}}
}

var _ = Describe("Step 4, update the password: PUT v1.0/users/passwords/reset/", Label("step4", "update-password"), func() {

	It("sets the new password for a valid token and matching passwords: the trader logs in with it, not with the old one", Label("happy-path"), func(ctx SpecContext) {
		trader := given(ctx, states.ValidToken)
		pw := newPassword()

		ex := send(ctx, updatePassword(trader["Token"], pw, pw))
		expectSuccess(ex, updatePasswordResponseSchema, "a valid password update should succeed")

		expectLoginSucceeds(ctx, trader["User"], pw, "with the new password after a successful update")
		expectLoginFails(ctx, trader["User"], trader["Password"], "with the old password after a successful update")

		record(contract.Interaction{Description: "a password update with a valid token and matching passwords",
			States: inState(states.ValidToken), Request: updatePasswordContract(validAppKey(), exampleNewPassword), Response: succeeded(nil)})
	})

	It("rejects a confirmation that differs from the password, changes nothing, and leaves the token usable", Label("mismatch"), func(ctx SpecContext) {
		trader := given(ctx, states.ValidToken)
		pw, other := newPassword(), newPassword()

		ex := send(ctx, updatePassword(trader["Token"], pw, other))
		expectFailure(ex, updatePasswordResponseSchema, config.CaseMismatch, "a password update whose confirmation differs should be rejected")
		expectPasswordUnchanged(ctx, trader["User"], trader["Password"], pw)

		ex = send(ctx, updatePassword(trader["Token"], pw, pw))
		expectSuccess(ex, updatePasswordResponseSchema, "the token of a rejected (mismatched) update should still work for a correct update")
		expectLoginSucceeds(ctx, trader["User"], pw, "with the password set by the correct update")

		record(contract.Interaction{Description: "a password update whose confirmation differs from the password",
			States: inState(states.ValidToken), Request: updatePasswordContract(validAppKey(), exampleOtherPass), Response: failed(config.CaseMismatch)})
	})

	It("rejects an expired token and changes nothing", Label("expired-token"), func(ctx SpecContext) {
		trader := given(ctx, states.ExpiredToken)
		pw := newPassword()

		ex := send(ctx, updatePassword(trader["Token"], pw, pw))
		expectFailure(ex, updatePasswordResponseSchema, config.CaseExpiredToken, "a password update with an expired token should be rejected")
		if trader["User"] != "" {
			expectPasswordUnchanged(ctx, trader["User"], trader["Password"], pw)
		} else {
			AddReportEntry("not checked", "that the password is unchanged: the owner of AUTOSHARES_EXPIRED_TOKEN is not configured")
		}

		record(contract.Interaction{Description: "a password update with an expired token",
			States: inState(states.ExpiredToken), Request: updatePasswordContract(validAppKey(), exampleNewPassword), Response: failed(config.CaseExpiredToken)})
	})

	It("refuses a token once its lifetime has passed", Label("slow", "expired-token"), func(ctx SpecContext) {
		lifetime := suite.cfg.Flow.TokenLifetime
		if lifetime == 0 {
			Skip("needs the target's token lifetime: set AUTOSHARES_TOKEN_LIFETIME (e.g. 2m) to wait it out")
		}
		trader := given(ctx, states.ValidToken)
		pw := newPassword()
		By(fmt.Sprintf("waiting out the token lifetime (%s, AUTOSHARES_TOKEN_LIFETIME)", lifetime))
		select {
		case <-time.After(lifetime + time.Second):
		case <-ctx.Done():
			Fail("interrupted while waiting out the token lifetime")
		}
		ex := send(ctx, updatePassword(trader["Token"], pw, pw))
		expectFailure(ex, updatePasswordResponseSchema, config.CaseExpiredToken, "a password update with a token past its lifetime should be rejected")
		expectPasswordUnchanged(ctx, trader["User"], trader["Password"], pw)
		// No pact interaction: the expired-token state records this one.
	})

	Context("without a valid Et-App-Key", Label("app-key"), func() {
		for _, c := range []struct {
			without string                           // how the key is wrong, for texts
			apply   func(*apiclient.Request)         // what the request sends instead
			header  func() map[string]contract.Field // what the pact records instead
		}{
			{"without Et-App-Key", func(r *apiclient.Request) { r.OmitAppKey = true }, noAppKey},
			{"with a wrong Et-App-Key", func(r *apiclient.Request) { r.AppKey = wrongAppKey }, wrongAppKeyHeader},
		} {
			It("rejects a request "+c.without+" with the documented error and changes nothing", func(ctx SpecContext) {
				trader := given(ctx, states.ValidToken)
				pw := newPassword()
				req := updatePassword(trader["Token"], pw, pw)
				c.apply(&req)

				expectAppKeyError(send(ctx, req), "a password update "+c.without+" should be refused")
				expectPasswordUnchanged(ctx, trader["User"], trader["Password"], pw)

				record(contract.Interaction{Description: "a password update " + c.without,
					States: inState(states.ValidToken), Request: updatePasswordContract(c.header(), exampleNewPassword), Response: appKeyRejected()})
			})
		}
	})
})
