package results_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/redact"
	resultspkg "github.com/autoshares/conformance/internal/results"
)

func TestCurlMakesEverySecretAVariable(t *testing.T) {
	r := redact.New("app-key-canary-1234", "token-canary-5678", "pw-canary-9999", "user:pass")
	ex := &client.Exchange{Method: "PUT", URL: "https://user:pass@staging.example/api/v1.0/users/password?Code=123456&lang=en",
		RequestHeader: http.Header{"Et-App-Key": {"app-key-canary-1234"}, "Content-Type": {"application/json"}, "User-Agent": {"Go"}},
		RequestBody:   []byte(`{"Token":"token-canary-5678","Password":"pw-canary-9999","PasswordConfirmation":"pw-canary-9999","Note":"it's"}`)}
	cmd, used, masked := resultspkg.Curl(ex, r)
	if masked {
		t.Errorf("every secret has its variable, yet masked:\n%s", cmd)
	}
	for _, secret := range []string{"app-key-canary-1234", "token-canary-5678", "pw-canary-9999", "123456", "user:pass"} {
		if strings.Contains(cmd, secret) {
			t.Errorf("the command holds the secret %q:\n%s", secret, cmd)
		}
	}
	for _, want := range []string{`-H 'Et-App-Key: '"$AUTOSHARES_APP_KEY"`, `"Token":"'"$TOKEN"'"`, `"PasswordConfirmation":"'"$PASSWORD"'"`,
		`/password?Code='"$CODE"'&lang=en'`, `-X PUT`, `"Note":"it'\''s"`} {
		if !strings.Contains(cmd, want) {
			t.Errorf("the command lacks %s:\n%s", want, cmd)
		}
	}
	if strings.Contains(cmd, "User-Agent") {
		t.Errorf("curl sets its own User-Agent:\n%s", cmd)
	}
	if got := strings.Join(used, ","); got != "CODE,AUTOSHARES_APP_KEY,TOKEN,PASSWORD" {
		t.Errorf("used %s", got)
	}
	note := resultspkg.Note(used, []string{"a trader has a valid reset token"}, true, false)
	for _, want := range []string{"$AUTOSHARES_APP_KEY is the app key", "$CODE, $TOKEN, $PASSWORD come from the provider state \"a trader has a valid reset token\"", "make sandbox"} {
		if !strings.Contains(note, want) {
			t.Errorf("the note lacks %q:\n%s", want, note)
		}
	}
}

func TestRerunAndLabels(t *testing.T) {
	if got := resultspkg.Labels([]string{"a.b"}, true); got != "slow && a.b" {
		t.Errorf("Labels = %q", got)
	}
	for invokedAs, want := range map[string]string{
		"":                                   "AUTOSHARES_SEED=42 autoshares-conformance --labels 'a.b'\n",
		"autoshares-conformance-linux-amd64": "AUTOSHARES_SEED=42 autoshares-conformance-linux-amd64 --labels 'a.b'\n",
		"make conformance":                   "AUTOSHARES_SEED=42 make conformance LABELS='a.b'\n",
		"odd name; rm -rf x":                 "AUTOSHARES_SEED=42 autoshares-conformance --labels 'a.b'\n",
	} {
		if got := resultspkg.Rerun("a.b", 42, invokedAs); !strings.HasPrefix(got, want) {
			t.Errorf("Rerun(%q) = %q, want it to start %q", invokedAs, got, want)
		}
	}
}

// The body is kept byte for byte: key order, numbers, white space and escapes as sent, with
// only the secret strings' insides replaced by variables.
func TestCurlKeepsTheBodyAsSent(t *testing.T) {
	r := redact.New("pw-canary-9999", "token-canary-5678")
	raw := `{ "Token" : "token-canary-5678", "Amount": 12345678901234567890.50, "Html": "<a&b>", "Nested": {"Password": "x"}, "Password":"pw-canary-9999", "PasswordConfirmation":"pw-canary-9999"}`
	ex := &client.Exchange{Method: "POST", URL: "https://staging.example/api", RequestBody: []byte(raw)}
	cmd, used, masked := resultspkg.Curl(ex, r)
	want := `--data-raw '{ "Token" : "'"$TOKEN"'", "Amount": 12345678901234567890.50, "Html": "<a&b>", "Nested": {"Password": "x"}, "Password":"'"$PASSWORD"'", "PasswordConfirmation":"'"$PASSWORD"'"}'`
	if !strings.HasSuffix(cmd, want) || masked || strings.Join(used, ",") != "TOKEN,PASSWORD" {
		t.Errorf("masked %v, used %v, command:\n%s\nwant it to end\n%s", masked, used, cmd, want)
	}
	// A secret no variable can stand for (a number; a body that is not JSON): kept masked,
	// and the note says so.
	for _, body := range []string{`{"Password": 12345678, "Token": "token-canary-5678"}`, `Password=pw-canary-9999&x=1`} {
		r := redact.New("12345678", "pw-canary-9999", "token-canary-5678")
		ex.RequestBody = []byte(body)
		cmd, used, masked := resultspkg.Curl(ex, r)
		if !masked || strings.Contains(cmd, "12345678") || strings.Contains(cmd, "pw-canary") || strings.Contains(cmd, "token-canary") {
			t.Errorf("%s: masked %v:\n%s", body, masked, cmd)
		}
		if note := resultspkg.Note(used, nil, false, masked); !strings.Contains(note, "contains masked values") {
			t.Errorf("%s: the note does not say the body is masked: %q", body, note)
		}
	}
}

// A wrong key is sent as it was: the run's key in its place would reproduce another answer
// (the spec saw 403; the right key gets a business error).
func TestCurlSendsAWrongAppKeyAsSent(t *testing.T) {
	r := redact.New()
	r.AddConfigured("the-real-app-key")
	ex := &client.Exchange{Method: "GET", URL: "https://staging.example/api/v1.0/users/password/secret-question?login=x",
		RequestHeader: http.Header{"Et-App-Key": {"wrong-app-key"}}}
	cmd, used, _ := resultspkg.Curl(ex, r)
	if !strings.Contains(cmd, `-H 'Et-App-Key: wrong-app-key'`) || len(used) != 0 {
		t.Errorf("used %v, command:\n%s", used, cmd)
	}
	ex.RequestHeader.Set("Et-App-Key", "the-real-app-key")
	if cmd, used, _ := resultspkg.Curl(ex, r); strings.Contains(cmd, "the-real-app-key") || strings.Join(used, ",") != "AUTOSHARES_APP_KEY" {
		t.Errorf("the run's key must be a variable: used %v, command:\n%s", used, cmd)
	}
}
