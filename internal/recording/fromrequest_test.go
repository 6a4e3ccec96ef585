package recording_test

import (
	"testing"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/recording"
)

// The pact's requests are apiclient's, with placeholders: the method, path and fields come
// from the one declaration of each request.
func TestPactRequestsAreTheClientsRequests(t *testing.T) {
	for _, v := range []string{apiclient.Step3AutoShares, apiclient.Step3ETNA} {
		sent := apiclient.ResetCode(v, "123456")
		got := recording.ResetCode(v, recording.ValidAppKey(), recording.StateCode)
		if got.Method != sent.Method || got.Path != sent.Path || len(got.Body) != len(sent.Body.(map[string]string)) {
			t.Errorf("%s: pact request %s %s %v, the client sends %s %s %v", v, got.Method, got.Path, got.Body, sent.Method, sent.Path, sent.Body)
		}
		if got.Body["Code"] != recording.StateCode || got.Headers["Content-Type"].Example != "application/json" {
			t.Errorf("%s: %+v", v, got)
		}
	}
	login := recording.Login(recording.NoAppKey(), recording.StatePassword)
	if _, key := login.Headers["Et-App-Key"]; key || login.Headers["Username"] != recording.StateUser || login.Body != nil {
		t.Errorf("login: %+v", login)
	}
}
