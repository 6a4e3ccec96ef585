package states

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPingRefusesWhatIsNotMailpit(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"HTML page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html>hello</html>"))
		}, "not a Mailpit API: GET /api/v1/messages answered 200 OK with text/html"},
		{"404", http.NotFound, "not a Mailpit API: GET /api/v1/messages answered 404 Not Found"},
		{"other JSON", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"Errors":[],"IsSucceed":true}`))
		}, `without Mailpit's "total" and "messages" fields`},
		{"auth required", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusUnauthorized)
		}, "401 Unauthorized"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			err := (&MailboxClient{BaseURL: srv.URL}).Ping(t.Context())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Ping = %v; want an error containing %q", err, tc.want)
			}
		})
	}

	t.Run("nothing listening", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		err := (&MailboxClient{BaseURL: url}).Ping(t.Context())
		if err == nil || !strings.Contains(err.Error(), "not a usable Mailpit API") {
			t.Fatalf("Ping = %v; want a connection error", err)
		}
	})

	t.Run("password redacted", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		defer srv.Close()
		err := (&MailboxClient{BaseURL: strings.Replace(srv.URL, "http://", "http://u:hunter22@", 1)}).Ping(t.Context())
		if err == nil || strings.Contains(err.Error(), "hunter22") {
			t.Fatalf("Ping = %v; want an error without the password", err)
		}
	})

	t.Run("not a URL", func(t *testing.T) {
		if err := (&MailboxClient{BaseURL: "127.0.0.1:8025"}).Ping(t.Context()); err == nil {
			t.Fatal("Ping accepted a URL without a scheme")
		}
	})
}

// fakeMailpit serves the two API endpoints WaitForCode uses from an in-memory list, so
// Created times (and clock skew) can be set at will.
type fakeMailpit struct {
	mu     sync.Mutex
	msgs   []fakeMsg // newest first, like Mailpit
	broken map[string]bool
}

type fakeMsg struct {
	id, to, text string
	created      time.Time
}

func (f *fakeMailpit) add(m fakeMsg) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.msgs = append([]fakeMsg{m}, f.msgs...)
}

func (f *fakeMailpit) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.URL.Path == "/api/v1/search":
		q := strings.Trim(strings.TrimPrefix(r.URL.Query().Get("query"), "to:"), `"`)
		var res searchResult
		for _, m := range f.msgs {
			if strings.Contains(m.to, q) { // substring, as Mailpit matches
				res.Messages = append(res.Messages, summary{ID: m.id, Created: m.created, To: []address{{Address: m.to}}})
			}
		}
		res.MessagesCount = len(res.Messages)
		json.NewEncoder(w).Encode(res)
	case strings.HasPrefix(r.URL.Path, "/api/v1/message/"):
		id := strings.TrimPrefix(r.URL.Path, "/api/v1/message/")
		if f.broken[id] {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		for _, m := range f.msgs {
			if m.id == id {
				json.NewEncoder(w).Encode(message{Text: m.text})
				return
			}
		}
		http.NotFound(w, r)
	default:
		http.NotFound(w, r)
	}
}

func TestWaitForCodeToleranceWindow(t *testing.T) {
	const to = "bob@example.test"
	since := time.Now()

	t.Run("a newer mail beats one just before since", func(t *testing.T) {
		t.Parallel()
		f := &fakeMailpit{}
		f.add(fakeMsg{id: "old", to: to, text: "Confirmation code: 111111", created: since.Add(-time.Second)})
		srv := httptest.NewServer(f)
		defer srv.Close()
		time.AfterFunc(300*time.Millisecond, func() {
			f.add(fakeMsg{id: "new", to: to, text: "Confirmation code: 222222", created: since.Add(time.Second)})
		})
		code, err := (&MailboxClient{BaseURL: srv.URL}).WaitForCode(ctxFor(t, 5*time.Second), to, since)
		if err != nil || code != "222222" {
			t.Fatalf("WaitForCode = %q, %v; want the newer code 222222", code, err)
		}
	})

	t.Run("a mail just before since is taken when nothing newer comes", func(t *testing.T) {
		t.Parallel()
		f := &fakeMailpit{}
		f.add(fakeMsg{id: "skewed", to: to, text: "Confirmation code: 333333", created: since.Add(-time.Second)})
		srv := httptest.NewServer(f)
		defer srv.Close()
		began := time.Now()
		code, err := (&MailboxClient{BaseURL: srv.URL}).WaitForCode(ctxFor(t, 5*time.Second), to, since)
		if err != nil || code != "333333" {
			t.Fatalf("WaitForCode = %q, %v; want 333333", code, err)
		}
		if waited := time.Since(began); waited < ClockTolerance {
			t.Errorf("returned after %s, before the %s grace", waited, ClockTolerance)
		}
	})

	t.Run("a mail just before since is not taken when newer mail followed it", func(t *testing.T) {
		t.Parallel()
		f := &fakeMailpit{}
		f.add(fakeMsg{id: "old", to: to, text: "Confirmation code: 888888", created: since.Add(-time.Second)})
		f.add(fakeMsg{id: "notice", to: to, text: "Password reset requested.", created: since.Add(time.Second)})
		srv := httptest.NewServer(f)
		defer srv.Close()
		code, err := (&MailboxClient{BaseURL: srv.URL}).WaitForCode(ctxFor(t, ClockTolerance+500*time.Millisecond), to, since)
		if err == nil || !strings.Contains(err.Error(), "so it was not taken") || strings.Contains(err.Error(), "888888") {
			t.Fatalf("WaitForCode = %q, %v; want a timeout explaining the passed-over code", code, err)
		}
	})

	t.Run("older than the tolerance, other addresses and codeless mail are ignored", func(t *testing.T) {
		t.Parallel()
		f := &fakeMailpit{}
		f.add(fakeMsg{id: "stale", to: to, text: "Confirmation code: 444444", created: since.Add(-time.Minute)})
		f.add(fakeMsg{id: "other", to: "x" + to, text: "Confirmation code: 555555", created: since.Add(time.Second)})
		f.add(fakeMsg{id: "notice", to: to, text: "Your password was changed.", created: since.Add(time.Second)})
		srv := httptest.NewServer(f)
		defer srv.Close()
		code, err := (&MailboxClient{BaseURL: srv.URL}).WaitForCode(ctxFor(t, 700*time.Millisecond), to, since)
		if err == nil {
			t.Fatalf("WaitForCode = %q; want a timeout", code)
		}
		for _, secret := range []string{"444444", "555555", "password was changed"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error leaks %q: %v", secret, err)
			}
		}
		if !strings.Contains(err.Error(), "saw 2 messages to that address, 1 of them received since") {
			t.Errorf("error does not count the messages: %v", err)
		}
	})

	t.Run("no fallback to an older code when the newest cannot be read", func(t *testing.T) {
		t.Parallel()
		f := &fakeMailpit{broken: map[string]bool{"new": true}}
		f.add(fakeMsg{id: "old", to: to, text: "Confirmation code: 666666", created: since.Add(time.Second)})
		f.add(fakeMsg{id: "new", to: to, text: "Confirmation code: 777777", created: since.Add(2 * time.Second)})
		srv := httptest.NewServer(f)
		defer srv.Close()
		code, err := (&MailboxClient{BaseURL: srv.URL}).WaitForCode(ctxFor(t, 500*time.Millisecond), to, since)
		if err == nil {
			t.Fatalf("WaitForCode = %q; want an error", code)
		}
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "500 Internal Server Error") {
			t.Errorf("error = %v; want a timeout naming the failing request", err)
		}
		if strings.Contains(err.Error(), "boom") {
			t.Errorf("error includes a response body: %v", err)
		}
	})
}

func TestBaseURLForms(t *testing.T) {
	for _, in := range []string{"http://h:8025", "http://h:8025/", "http://h:8025/api/v1", "http://h:8025/api/v1/"} {
		u, err := (&MailboxClient{BaseURL: in}).base()
		if err != nil || u.String() != "http://h:8025" {
			t.Errorf("base(%q) = %v, %v; want http://h:8025", in, u, err)
		}
	}
	if u, err := (&MailboxClient{BaseURL: "https://h/mailpit/"}).base(); err != nil || u.String() != "https://h/mailpit" {
		t.Errorf("a webroot is kept: got %v, %v", u, err)
	}
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}
