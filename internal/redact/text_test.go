package redact

import (
	"strings"
	"testing"
)

func TestTextMasksSecretFieldsAndHeadersByName(t *testing.T) {
	r := New()
	r.AddConfigured("real-app-key")
	in := `1.1) has a matching body
    $.Model.Token -> Expected '"a"' but received '{"Token": "tok-9f1c-live", "StatusCode": "OK"}'
    escaped: {\"Password\":\"hunter2-live\"}
    headers: Et-App-Key: real-app-key, Authorization=Bearer-xyz, 'Password': 'pw-live'
    other: TokenCount: 3`
	out := r.Text(in)
	for _, secret := range []string{"tok-9f1c-live", "hunter2-live", "real-app-key", "Bearer-xyz", "pw-live"} {
		if strings.Contains(out, secret) {
			t.Errorf("Text leaves %q:\n%s", secret, out)
		}
	}
	for _, keep := range []string{`"StatusCode": "OK"`, "TokenCount: 3", "$.Model.Token -> Expected"} {
		if !strings.Contains(out, keep) {
			t.Errorf("Text lost %q:\n%s", keep, out)
		}
	}
}
