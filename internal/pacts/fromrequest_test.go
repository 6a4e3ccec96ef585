package pacts_test

import (
	"testing"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/pacts"
)

// The pact's requests are apiclient's, with placeholders: the method, path and fields come
// from the one declaration of each request.
func TestPactRequestsAreTheClientsRequests(t *testing.T) {
	for _, v := range []string{client.Step3AutoShares, client.Step3ETNA} {
		sent := client.ResetCode(v, "123456")
		got := pacts.ResetCode(v, pacts.ValidAppKey(), pacts.StateCode)
		if got.Method != sent.Method || got.Path != sent.Path || len(got.Body) != len(sent.Body.(map[string]string)) {
			t.Errorf("%s: pact request %s %s %v, the client sends %s %s %v", v, got.Method, got.Path, got.Body, sent.Method, sent.Path, sent.Body)
		}
		if got.Body["Code"] != pacts.StateCode || got.Headers["Content-Type"].Example != "application/json" {
			t.Errorf("%s: %+v", v, got)
		}
	}
	login := pacts.Login(pacts.NoAppKey(), pacts.StatePassword)
	if _, key := login.Headers["Et-App-Key"]; key || login.Headers["Username"] != pacts.StateUser || login.Body != nil {
		t.Errorf("login: %+v", login)
	}
}
