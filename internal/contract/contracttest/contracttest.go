// Package contracttest holds a small password-reset pact for testing the pact tooling
// (verification, stub server) before and apart from the pact the conformance suite writes.
// Its interactions pass against the reference provider and each guards one behaviour a
// fault switch breaks.
package contracttest

import "github.com/autoshares/conformance/internal/contract"

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

func appKey() map[string]contract.Field {
	return map[string]contract.Field{"Et-App-Key": {Example: contract.AppKeyPlaceholder}}
}

// Pact returns the self-test pact: step 4 success, step 4 password mismatch, step 4 without
// an app key, and a login with credentials injected from the provider state.
func Pact() contract.Pact {
	token := contract.Field{Example: "example-reset-token", Match: contract.MatchType, FromState: "${Token}"}
	return contract.Pact{
		Consumer: Consumer,
		Provider: Provider,
		Interactions: []contract.Interaction{
			{
				Description: DescReset,
				States:      []contract.State{{Name: StateValidToken}},
				Request: contract.Request{
					Method:  "PUT",
					Path:    stepFourPath,
					Headers: appKey(),
					Body: map[string]contract.Field{
						"Token":                token,
						"Password":             {Example: "Example-New-Passw0rd"},
						"PasswordConfirmation": {Example: "Example-New-Passw0rd"},
					},
				},
				Response: contract.Response{
					Status:      200,
					StatusClass: "success",
					Body: map[string]contract.Field{
						"IsSucceed": {Example: true},
						"Errors":    {Example: []any{}, Match: contract.MatchType},
					},
				},
			},
			{
				Description: DescMismatch,
				States:      []contract.State{{Name: StateValidToken}},
				Request: contract.Request{
					Method:  "PUT",
					Path:    stepFourPath,
					Headers: appKey(),
					Body: map[string]contract.Field{
						"Token":                token,
						"Password":             {Example: "Example-New-Passw0rd"},
						"PasswordConfirmation": {Example: "Different-Passw0rd"},
					},
				},
				Response: contract.Response{
					Status:      400,
					StatusClass: "clientError",
					Body: map[string]contract.Field{
						"IsSucceed": {Example: false},
						"Errors":    {Example: []any{"Password and confirmation do not match."}, Match: contract.MatchMinType, Min: 1},
					},
				},
			},
			{
				Description: DescMissingAppKey,
				Request: contract.Request{
					Method: "PUT",
					Path:   stepFourPath,
					Body: map[string]contract.Field{
						"Token":                {Example: "example-reset-token"},
						"Password":             {Example: "Example-New-Passw0rd"},
						"PasswordConfirmation": {Example: "Example-New-Passw0rd"},
					},
				},
				Response: contract.Response{
					Status:   403,
					StatusIn: []int{401, 403},
					Body: map[string]contract.Field{
						"error": {Example: appKeyErrorMessage},
					},
				},
			},
			{
				Description: DescLogin,
				States:      []contract.State{{Name: StateValidToken}},
				Request: contract.Request{
					Method: "POST",
					Path:   "/token",
					Headers: map[string]contract.Field{
						"Et-App-Key": {Example: contract.AppKeyPlaceholder},
						"Username":   {Example: "example-trader", Match: contract.MatchType, FromState: "${User}"},
						"Password":   {Example: "Example-Passw0rd", Match: contract.MatchType, FromState: "${Password}"},
					},
				},
				Response: contract.Response{
					Status: 200,
					Headers: map[string]contract.Field{
						"Content-Type": {Example: "application/json; charset=utf-8", Match: contract.MatchRegex, Regex: `application/json.*`},
					},
					Body: map[string]contract.Field{
						"State": {Example: "Succeeded"},
						"Token": {Example: "example-session-token", Match: contract.MatchRegex, Regex: `^\S+$`},
					},
				},
			},
		},
	}
}
