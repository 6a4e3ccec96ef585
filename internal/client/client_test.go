package client

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/redact"
)

func TestExchangeKeepsBothSidesAndTranscriptHidesSecrets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get(HeaderAppKey) != "the-app-key" || !strings.Contains(string(body), "s3cret-token") {
			w.WriteHeader(http.StatusTeapot)
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"Errors": ["token s3cret-token is bad"], "IsSucceed": false}`)
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL + "/api", AppKey: "the-app-key", HTTP: srv.Client()}
	ex := c.Do(context.Background(), Request{Method: http.MethodPut, Path: PathUpdatePassword,
		Body: map[string]string{"Token": "s3cret-token", "Password": "Pw-123456", "PasswordConfirmation": "Pw-123456"}})
	if ex.Err != nil || ex.Status != 200 {
		t.Fatalf("exchange: %+v", ex)
	}
	tr := ex.Transcript(redact.New("s3cret-token"))
	for _, leak := range []string{"the-app-key", "s3cret-token", "Pw-123456"} {
		if strings.Contains(tr, leak) {
			t.Errorf("transcript leaks %q:\n%s", leak, tr)
		}
	}
	for _, want := range []string{"> PUT " + srv.URL + "/api/v1.0/users/passwords/reset/", "< 200 OK", "IsSucceed"} {
		if !strings.Contains(tr, want) {
			t.Errorf("transcript lacks %q:\n%s", want, tr)
		}
	}
}

func TestAppKeyCanBeOmittedOrReplaced(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, strings.Join(r.Header.Values(HeaderAppKey), ","))
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, AppKey: "k", HTTP: srv.Client()}
	c.Do(context.Background(), Request{Method: "GET", Path: "/"})
	c.Do(context.Background(), Request{Method: "GET", Path: "/", OmitAppKey: true})
	c.Do(context.Background(), Request{Method: "GET", Path: "/", AppKey: "other"})
	if strings.Join(got, "|") != "k||other" {
		t.Fatalf("app keys sent: %q", got)
	}
}

func TestHangingTargetTimesOutWithAClearMessage(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)
	c := &Client{BaseURL: srv.URL, HTTP: &http.Client{Timeout: 50 * time.Millisecond}, TimeoutSetting: "AUTOSHARES_REQUEST_TIMEOUT"}
	ex := c.Do(context.Background(), Request{Method: "GET", Path: "/"})
	if ex.Err == nil || !strings.Contains(ex.Err.Error(), "AUTOSHARES_REQUEST_TIMEOUT") {
		t.Fatalf("err = %v", ex.Err)
	}
	if tr := ex.Transcript(redact.New()); !strings.Contains(tr, "no response after") {
		t.Fatalf("transcript: %s", tr)
	}
}

func TestStep3TokenIsMaskedThoughItIsCalledModel(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"Model": "ba6b8cac-6738-4434-bd26-825db020a05c", "Errors": [], "IsSucceed": true}`)
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, AppKey: "k-123456", HTTP: srv.Client()}
	red := redact.New()
	for _, variant := range []string{Step3AutoShares, Step3ETNA} {
		ex := c.Do(context.Background(), ResetCode(variant, "123456"))
		if tr := ex.Transcript(red); strings.Contains(tr, "ba6b8cac") {
			t.Fatalf("%s: the token shows:\n%s", variant, tr)
		}
	}
	if got := red.String("later: ba6b8cac-6738-4434-bd26-825db020a05c"); strings.Contains(got, "ba6b8cac") {
		t.Fatalf("the token is not remembered as a secret: %s", got)
	}
	// Model of other endpoints (step 2's question) is not a secret.
	ex := c.Do(context.Background(), SecretQuestion("x"))
	if len(ex.ResponseSecrets()) != 0 {
		t.Fatal("step 2's Model taken for a secret")
	}
}

// A raw body goes out byte for byte with its content type, and the transcript still masks
// the secrets the redactor knows.
func TestRawBody(t *testing.T) {
	var gotCT, gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotCT, gotBody = r.Header.Get("Content-Type"), string(b)
		w.WriteHeader(400)
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, AppKey: "k", HTTP: srv.Client()}
	ex := c.Do(context.Background(), Request{Method: http.MethodPut, Path: "/x", RawBody: []byte(`{"Password": 12345678, "p": "s3cret-Passw0rd"`), ContentType: "text/plain"})
	if ex.Err != nil || gotCT != "text/plain" || gotBody != `{"Password": 12345678, "p": "s3cret-Passw0rd"` {
		t.Fatalf("sent %q as %q (%v)", gotBody, gotCT, ex.Err)
	}
	if tr := ex.Transcript(redact.New("s3cret-Passw0rd")); strings.Contains(tr, "s3cret-Passw0rd") {
		t.Errorf("transcript leaks:\n%s", tr)
	}
	c.Do(context.Background(), Request{Method: http.MethodPost, Path: "/x", RawBody: []byte{}})
	if gotCT != "application/json" || gotBody != "" {
		t.Errorf("an empty raw body: sent %q as %q", gotBody, gotCT)
	}
}
