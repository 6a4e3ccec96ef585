package client

import (
	"fmt"
	"net/http"
	"net/url"
)

// The documented requests of the flow, each with the schema of its body.

// ResetPassword is step 1. answer "" leaves SecretQuestionAnswer out, as the docs advise
// for the first attempt.
func ResetPassword(user, answer string) Request {
	body := map[string]string{"User": user}
	if answer != "" {
		body["SecretQuestionAnswer"] = answer
	}
	return Request{Method: http.MethodPost, Path: PathResetPassword, Body: body, Schema: "reset-password.request.schema.json"}
}

// SecretQuestion is step 2; username is a login or an email address.
func SecretQuestion(username string) Request {
	return Request{Method: http.MethodGet, Path: PathSecretQuestion, Query: url.Values{"username": {username}}}
}

// Step 3 comes in two documented variants; configuration says which the target serves.
const (
	Step3AutoShares = "autoshares" // POST v1.0/users/password/reset/code {Code}
	Step3ETNA       = "etna"       // POST v1.0/users/identifiers/reset/code {Code, Identifier}
)

// ResetCode is step 3 in the given variant.
func ResetCode(variant, code string) Request {
	switch variant {
	case Step3ETNA:
		return Request{Method: http.MethodPost, Path: PathIdentifierResetCode,
			Body: map[string]string{"Code": code, "Identifier": "ResetPassword"}, Schema: "identifiers-reset-code.request.schema.json"}
	case Step3AutoShares:
		return Request{Method: http.MethodPost, Path: PathResetCode, Body: map[string]string{"Code": code}, Schema: "reset-code.request.schema.json"}
	}
	panic(fmt.Sprintf("apiclient: unknown step 3 variant %q", variant)) // config validates it
}

// UpdatePassword is step 4.
func UpdatePassword(token, password, confirmation string) Request {
	return Request{Method: http.MethodPut, Path: PathUpdatePassword, Schema: "update-password.request.schema.json",
		Body: map[string]string{"Token": token, "Password": password, "PasswordConfirmation": confirmation}}
}

// Login is POST apiURL/token with the credentials in headers and an empty body.
func Login(user, password string) Request {
	return Request{Method: http.MethodPost, Path: PathLogin, Header: http.Header{"Username": {user}, "Password": {password}}}
}
