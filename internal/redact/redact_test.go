package redact

import (
	"net/http"
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
