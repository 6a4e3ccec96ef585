package passwordreset

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/contract"
	"github.com/autoshares/conformance/internal/states"
)

// loginContract is POST apiURL/token as the pact sees it: credentials from the state.
func loginContract(headers map[string]contract.Field, password contract.Field) contract.Request {
	headers["Username"] = contract.Field{Example: "trader-from-provider-state", Match: contract.MatchType, FromState: "${User}"}
	headers["Password"] = password
	return contract.Request{Method: http.MethodPost, Path: apiclient.PathLogin, Headers: headers}
}

var statePassword = contract.Field{Example: "password-from-provider-state", Match: contract.MatchType, FromState: "${Password}"}

// Login is how the suite proves a reset worked, so the suite checks it behaves as
// documented before relying on it.
var _ = Describe("Login: POST apiURL/token", Label("login"), func() {

	It("logs a trader in with the current password", func(ctx SpecContext) {
		trader := given(ctx, states.NoQuestion)
		expectLoginSucceeds(ctx, trader["User"], trader["Password"], "with the trader's current password")

		record(contract.Interaction{Description: "a login with the trader's password", States: inState(states.NoQuestion),
			Request: loginContract(validAppKey(), statePassword),
			Response: contract.Response{Status: http.StatusOK, Headers: jsonResponse, Body: map[string]contract.Field{
				"State": {Example: "Succeeded"},
				"Token": {Example: "session-token", Match: contract.MatchType},
			}}})
	})

	It("refuses a wrong password with the documented 401", func(ctx SpecContext) {
		trader := given(ctx, states.NoQuestion)
		expectLoginFails(ctx, trader["User"], newPassword(), "with a wrong password")

		record(contract.Interaction{Description: "a login with a wrong password", States: inState(states.NoQuestion),
			Request: loginContract(validAppKey(), contract.Field{Example: "wrong-password"}),
			Response: contract.Response{Status: http.StatusUnauthorized, Headers: jsonResponse, Body: map[string]contract.Field{
				"State":  {Example: "Failed"},
				"Step":   {Example: "BaseAuthentication"},
				"Reason": {Example: "Invalid credentials"},
			}}})
	})

	It("refuses a login without Et-App-Key with the documented error", Label("app-key"), func(ctx SpecContext) {
		trader := given(ctx, states.NoQuestion)
		req := apiclient.Login(trader["User"], trader["Password"])
		req.OmitAppKey = true
		expectAppKeyError(send(ctx, req), "a login without Et-App-Key should be refused")

		record(contract.Interaction{Description: "a login without Et-App-Key", States: inState(states.NoQuestion),
			Request: loginContract(noAppKey(), statePassword), Response: appKeyRejected()})
	})
})
