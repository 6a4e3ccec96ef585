// Package contracttest holds a small password-reset pact for testing the pact tooling
// (verification, stub server) before and apart from the pact the conformance suite writes.
// Its interactions pass against the reference provider and each guards one behaviour a
// fault switch breaks.
package contracttest

import "github.com/autoshares/conformance/internal/pacts"

// Names used by the interactions. The state is one the reference provider serves.
const (
	StateValidToken = "a trader has a valid password reset token"
	Consumer        = "PactSelfTest"
	Provider        = "AutoSharesTradingAPI"
)

// Descriptions of the interactions in Pact.
const (
	DescReset          = "a request to set a new password with a valid reset token"
	DescMismatch       = "a request to set a new password whose confirmation differs"
	DescMissingAppKey  = "a request to set a new password without an app key"
	DescLogin          = "a login with the trader's current password"
	stepFourPath       = "/v1.0/users/passwords/reset/"
	appKeyErrorMessage = "Application key is not defined or does not exist"
)

func appKey() map[string]pacts.Field {
	return map[string]pacts.Field{"Et-App-Key": {Example: pacts.AppKeyPlaceholder}}
}

// Pact returns the self-test pact: step 4 success, step 4 password mismatch, step 4 without
// an app key, and a login with credentials injected from the provider state.
func Pact() pacts.Pact {
	token := pacts.Field{Example: "example-reset-token", Match: pacts.MatchType, FromState: "${Token}"}
	return pacts.Pact{
		Consumer: Consumer,
		Provider: Provider,
		Interactions: []pacts.Interaction{
			{
				Description: DescReset,
				States:      []pacts.State{{Name: StateValidToken}},
				Request: pacts.Request{
					Method:  "PUT",
					Path:    stepFourPath,
					Headers: appKey(),
					Body: map[string]pacts.Field{
						"Token":                token,
						"Password":             {Example: "Example-New-Passw0rd"},
						"PasswordConfirmation": {Example: "Example-New-Passw0rd"},
					},
				},
				Response: pacts.Response{
					Status:      200,
					StatusClass: "success",
					Body: map[string]pacts.Field{
						"IsSucceed": {Example: true},
						"Errors":    {Example: []any{}, Match: pacts.MatchType},
					},
				},
			},
			{
				Description: DescMismatch,
				States:      []pacts.State{{Name: StateValidToken}},
				Request: pacts.Request{
					Method:  "PUT",
					Path:    stepFourPath,
					Headers: appKey(),
					Body: map[string]pacts.Field{
						"Token":                token,
						"Password":             {Example: "Example-New-Passw0rd"},
						"PasswordConfirmation": {Example: "Different-Passw0rd"},
					},
				},
				Response: pacts.Response{
					Status:      400,
					StatusClass: "clientError",
					Body: map[string]pacts.Field{
						"IsSucceed": {Example: false},
						"Errors":    {Example: []any{"Password and confirmation do not match."}, Match: pacts.MatchMinType, Min: 1},
					},
				},
			},
			{
				Description: DescMissingAppKey,
				Request: pacts.Request{
					Method: "PUT",
					Path:   stepFourPath,
					Body: map[string]pacts.Field{
						"Token":                {Example: "example-reset-token"},
						"Password":             {Example: "Example-New-Passw0rd"},
						"PasswordConfirmation": {Example: "Example-New-Passw0rd"},
					},
				},
				Response: pacts.Response{
					Status:   403,
					StatusIn: []int{401, 403},
					Body: map[string]pacts.Field{
						"error": {Example: appKeyErrorMessage},
					},
				},
			},
			{
				Description: DescLogin,
				States:      []pacts.State{{Name: StateValidToken}},
				Request: pacts.Request{
					Method: "POST",
					Path:   "/token",
					Headers: map[string]pacts.Field{
						"Et-App-Key": {Example: pacts.AppKeyPlaceholder},
						"Username":   {Example: "example-trader", Match: pacts.MatchType, FromState: "${User}"},
						"Password":   {Example: "Example-Passw0rd", Match: pacts.MatchType, FromState: "${Password}"},
					},
				},
				Response: pacts.Response{
					Status: 200,
					Headers: map[string]pacts.Field{
						"Content-Type": {Example: "application/json; charset=utf-8", Match: pacts.MatchRegex, Regex: `application/json.*`},
					},
					Body: map[string]pacts.Field{
						"State": {Example: "Succeeded"},
						"Token": {Example: "example-session-token", Match: pacts.MatchRegex, Regex: `^\S+$`},
					},
				},
			},
		},
	}
}
