package redact

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValuesAreMaskedWhereverTheyAppear(t *testing.T) {
	r := New("app-key-123456", "", "abc")
	r.Add("Pa55word!<long>")
	got := r.String(`key app-key-123456 in "Pa55word!\u003clong\u003e" and Pa55word!<long>; abc, abcdef stays`)
	if strings.Contains(got, "app-key-123456") || strings.Contains(got, "Pa55word") || strings.Contains(got, "abc,") {
		t.Fatalf("leaked: %s", got)
	}
	if !strings.Contains(got, "abcdef stays") {
		t.Fatalf("a short value must be masked only where it stands alone: %s", got)
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
	t.Setenv("TMPDIR", t.TempDir()) // Share sweeps the temp directory for killed runs' files
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
	info, err := os.Stat(filepath.Join(dir, fmt.Sprintf("secrets-2-pid%d.jsonl", os.Getpid())))
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

// A secret in a URL's query string (?apikey=, &token=, any parameter whose name looks
// secret) is masked by pattern wherever a URL is shown, and its value is learned so it is
// masked elsewhere too, percent-encoded or not.
func TestQueryStringSecretsAreMasked(t *testing.T) {
	const canary = "qs-canary-7f3a+b/c"
	raw := "https://h.example.test/api?apikey=" + url.QueryEscape(canary) + "&page=2&Access_Token=tk-canary-11&X-Amz-Signature=sig-canary-12"
	for _, got := range []string{
		URL(raw),
		New().String(`GET "` + raw + `": dial tcp: no such host`),
		New().String(`{"target":"` + strings.ReplaceAll(raw, "&", `\u0026`) + `"}`),
		New().String(`<a href="` + strings.ReplaceAll(raw, "&", "&amp;") + `">`),
	} {
		for _, leak := range []string{"qs-canary", "tk-canary", "sig-canary"} {
			if strings.Contains(got, leak) {
				t.Errorf("leaked %s: %s", leak, got)
			}
		}
		if !strings.Contains(got, "page=2") {
			t.Errorf("a harmless parameter was masked: %s", got)
		}
	}
	r := New(URLSecrets(raw)...)
	for _, in := range []string{"echoed " + canary + " back", "in a path /x/" + url.PathEscape(canary) + "/y", "q=" + url.QueryEscape(canary)} {
		if got := r.String(in); strings.Contains(got, "qs-canary") {
			t.Errorf("%s: leaked as %s", in, got)
		}
	}
	if got := URL("https://h/api?page=2&sort=name"); got != "https://h/api?page=2&sort=name" {
		t.Errorf("a URL without secrets changed: %s", got)
	}
}

// The cheap tests before the regular expressions never skip a string they would mask.
func TestPrefiltersSkipNothingTheExpressionsMask(t *testing.T) {
	for _, s := range []string{
		"GET /api?apikey=abc", "x&Access_Token=tk", `{"u":"/a?b=1\u0026session_id=zz"}`, "a;pin=1234",
		"https://user:pw@h.example.test/", "see http://u:p@host", "q?X-Amz-Signature=s", "?CODE=1",
		"\t&OTP=99", "<a href='?auth=x'>",
	} {
		if querySecret.MatchString(s) && !mayHoldQuerySecret(s) {
			t.Errorf("%q: the expression masks a query secret the prefilter skips", s)
		}
		if userinfo.MatchString(s) && !(strings.Contains(s, "@") && strings.Contains(s, "://")) {
			t.Errorf("%q: the expression masks credentials the prefilter skips", s)
		}
		if got := New().String(s); got == s && (querySecret.MatchString(s) || userinfo.MatchString(s)) {
			t.Errorf("%q: not masked", s)
		}
	}
	for _, s := range []string{"Content-Type: application/json; charset=utf-8", "a=b&c=d", "no equals here"} {
		if mayHoldQuerySecret(s) {
			t.Errorf("%q: no secret-looking name, yet the prefilter would run the expression", s)
		}
	}
}

// The one-pass prefilter (candidates) lets every secret through, at every length and in every
// escaped form: a code as a whole run of digits, short and long secrets anywhere.
func TestThePrefilterMissesNoSecret(t *testing.T) {
	for _, secret := range []string{"7", "ok", "a<b", "1234", "482913", "pw\"x\\y", "Nw-0123456789abcdef!Aa1", "tok&en<>'\"long-enough"} {
		r := New(secret)
		forms := append([]string{secret}, escapedForms(secret)...)
		for _, form := range forms {
			for _, s := range []string{form, "x " + form + " y", "[" + form + "]", "\n" + form} {
				if got := r.String(s); strings.Contains(got, form) && !strings.Contains(got, Mask) {
					t.Errorf("secret %q, form %q in %q: not masked: %q", secret, form, s, got)
				}
			}
		}
	}
}

// Among many secrets, one that holds another is still masked whole, and each is masked
// wherever the prefilter finds it.
func TestThePrefilterAmongManySecrets(t *testing.T) {
	r := New()
	for i := range 500 {
		r.Add(fmt.Sprintf("Nw-%016x!Aa1", i*7919), fmt.Sprintf("%06d", i*37%1_000_000))
	}
	r.Add("inner-secret-1", "outer-inner-secret-1-x")
	got := r.String(`a outer-inner-secret-1-x b inner-secret-1 c Nw-0000000000001eef!Aa1 d 000037 e 1000037`)
	want := `a [REDACTED] b [REDACTED] c [REDACTED] d [REDACTED] e 1000037`
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
