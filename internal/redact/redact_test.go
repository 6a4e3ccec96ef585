package redact

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValuesAreMaskedWhereverTheyAppear(t *testing.T) {
	r := New("app-key-123456", "", "abc")
	r.Add("Pa55word!<long>")
	got := r.String(`key app-key-123456 in "Pa55word!\u003clong\u003e" and Pa55word!<long>; abc stays`)
	if strings.Contains(got, "app-key-123456") || strings.Contains(got, "Pa55word") {
		t.Fatalf("leaked: %s", got)
	}
	if !strings.Contains(got, "abc stays") {
		t.Fatalf("short values must not be masked: %s", got)
	}
}

func TestLongestSecretIsMaskedWhole(t *testing.T) {
	r := New("secret-value", "secret-value-longer")
	if got := r.String("x secret-value-longer y"); got != "x "+Mask+" y" {
		t.Fatalf("got %q", got)
	}
}

func TestHeadersAndFieldsAreMaskedByName(t *testing.T) {
	r := New()
	h := r.Header(http.Header{"Et-App-Key": {"k"}, "Password": {"p"}, "Content-Type": {"application/json"}})
	if h.Get("Et-App-Key") != Mask || h.Get("Password") != Mask || h.Get("Content-Type") != "application/json" {
		t.Fatalf("headers: %v", h)
	}
	body := r.JSON([]byte(`{"Token":"t-1","Password":"p","Nested":{"Code":"123456"},"Errors":["x"],"IsSucceed":true,"Count":12345678901234567890}`))
	for _, leak := range []string{"t-1", `"p"`, "123456\""} {
		if strings.Contains(body, leak) {
			t.Fatalf("leaked %s: %s", leak, body)
		}
	}
	if !strings.Contains(body, "12345678901234567890") || !strings.Contains(body, `"IsSucceed":true`) {
		t.Fatalf("non-secret content changed: %s", body)
	}
	if got := r.JSON([]byte("not json")); got != "not json" {
		t.Fatalf("got %q", got)
	}
}

func TestDigitSecretsAreMaskedOnlyWhereTheyStandAlone(t *testing.T) {
	r := New("392481")
	got := r.String(`code 392481, "Code":"392481" at 2026-11-26T22:29:15.392481562Z #1392481`)
	want := `code [REDACTED], "Code":"[REDACTED]" at 2026-11-26T22:29:15.392481562Z #1392481`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestURLCredentialsAreMaskedWhateverTheirLength(t *testing.T) {
	// "pw" is too short to be masked by value; the pattern masks it anyway.
	got := New().String(`GET https://ops:pw@staging.example.test/api and "http://u%40x:p%3As@h:8/s" but not a@b.test`)
	if strings.Contains(got, "ops") || strings.Contains(got, "pw@") || strings.Contains(got, "p%3As") {
		t.Fatalf("leaked: %s", got)
	}
	if !strings.Contains(got, "https://"+Mask+"@staging.example.test/api") || !strings.Contains(got, "a@b.test") {
		t.Fatalf("got %s", got)
	}
	if got := URL("https://ops:s3cret-pass@h/api"); got != "https://"+Mask+"@h/api" {
		t.Fatalf("URL: %s", got)
	}
	if got := URL("https://h/api"); got != "https://h/api" {
		t.Fatalf("URL without credentials changed: %s", got)
	}
}

func TestURLSecretsAreLearnedSoTheyAreMaskedElsewhere(t *testing.T) {
	secrets := URLSecrets("https://ops:s3cret%2Fpass@h/api", "http://h", "::bad")
	r := New(secrets...)
	// A server echoing the decoded password in an error body, without any URL around it.
	if got := r.String(`login failed for s3cret/pass`); strings.Contains(got, "s3cret") {
		t.Fatalf("leaked: %s (secrets %d)", got, len(secrets))
	}
}

func TestSecretsLearnedByOtherProcessesReachTheReportWriter(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "secrets")
	p2 := New("known-before-sharing")
	if err := p2.Share(dir, 2); err != nil {
		t.Fatal(err)
	}
	p2.Add("learned-later-token", "with\nnewline-secret")
	p3 := New()
	if err := p3.Share(dir, 3); err != nil {
		t.Fatal(err)
	}
	p3.Add("process-three-password")
	for _, p := range []*Redactor{p2, p3} {
		if err := p.ShareErr(); err != nil {
			t.Fatal(err)
		}
	}
	info, err := os.Stat(filepath.Join(dir, "secrets-2.jsonl"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("secret file: %v %v", info, err)
	}
	writer := New()
	if err := writer.LoadShared(dir); err != nil {
		t.Fatal(err)
	}
	got := writer.String("known-before-sharing learned-later-token with\nnewline-secret process-three-password")
	if got != strings.Repeat(Mask+" ", 3)+Mask {
		t.Fatalf("got %q", got)
	}
	if err := New().LoadShared(filepath.Join(dir, "none")); err != nil {
		t.Fatalf("no directory: %v", err)
	}
}

// A JSON body may write a non-ASCII secret with \uXXXX escapes (ASP.NET's System.Text.Json
// does by default, in upper-case hex, escaping + and other HTML-sensitive characters too):
// masked like the raw value.
func TestUnicodeEscapedSecretsAreMasked(t *testing.T) {
	secret := "Cr\u00e8me-br\u00fbl\u00e9e-\u6771\u4eac-\U0001F511+x<y"
	r := New(secret)
	for _, body := range []string{
		`{"Errors":["Cr\u00E8me-br\u00FBl\u00E9e-\u6771\u4EAC-\uD83D\uDD11\u002Bx\u003Cy"]}`,
		`{"Errors":["Cr\u00e8me-br\u00fbl\u00e9e-\u6771\u4eac-\ud83d\udd11+x<y"]}`,
		`{"Errors":["Cr\u00E8me-br\u00FBl\u00E9e-\u6771\u4EAC-\uD83D\uDD11+x<y"]}`,
		`{"Errors":["Crème-brûlée-東京-🔑+x\u003cy"]}`,
	} {
		if got := r.String(body); got != `{"Errors":["`+Mask+`"]}` {
			t.Errorf("%s: masked as %s", body, got)
		}
	}
}
