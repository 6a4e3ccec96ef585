package apiclient

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
