package suite_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/redact"
	"github.com/autoshares/conformance/internal/suite"
)

func load(t *testing.T, env map[string]string) config.Config {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestNewBuildsWhatTheTargetOffers(t *testing.T) {
	cfg := load(t, nil)
	w, err := suite.New(cfg, suite.Shared{Target: suite.Target{BaseURL: "http://127.0.0.1:1/api", AppKey: "k"}}, suite.Process{Me: 1, Total: 1}, redact.New(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if w.Mailbox != nil || w.Flow != nil || w.Sources.States != nil || w.Sources.Flow != nil {
		t.Error("a target without mailbox or state endpoint has no mail flow and no state client")
	}
	if w.API.BaseURL != "http://127.0.0.1:1/api" || w.Checks == nil || w.Schemas == nil {
		t.Errorf("world = %+v", w)
	}
}

func TestNewShardsTheTestTraders(t *testing.T) {
	cfg := load(t, map[string]string{"AUTOSHARES_BASE_URL": "http://127.0.0.1:1/api", "AUTOSHARES_APP_KEY": "k", "AUTOSHARES_MAILBOX_URL": "http://127.0.0.1:2",
		"AUTOSHARES_TEST_TRADERS": `[{"User":"a","Email":"a@x.test","Password":"p1"},{"User":"b","Email":"b@x.test","Password":"p2"},{"User":"c","Email":"c@x.test","Password":"p3"}]`})
	sh := suite.Shared{Target: suite.Target{BaseURL: cfg.BaseURL, AppKey: "k", MailboxURL: cfg.Flow.MailboxURL, StateURL: "http://127.0.0.1:3/states"}}
	total := 0
	for me := 1; me <= 2; me++ {
		w, err := suite.New(cfg, sh, suite.Process{Me: me, Total: 2}, redact.New(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if w.Sources.Flow == nil || w.Sources.States == nil {
			t.Fatal("mailbox, traders and state endpoint configured: both sources expected")
		}
		total += len(w.Sources.Traders)
	}
	if total != 3 {
		t.Errorf("the two processes share %d traders, want 3", total)
	}
}

// A redirect is the target's answer, judged as such: the client does not follow it, so the
// app key and the body go nowhere but the configured target.
func TestTheHTTPClientNeverFollowsARedirect(t *testing.T) {
	followed := make(chan struct{}, 1)
	elsewhere := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { followed <- struct{}{} }))
	defer elsewhere.Close()
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+"/steal", http.StatusTemporaryRedirect)
	}))
	defer target.Close()
	c := &client.Client{BaseURL: target.URL, AppKey: "secret-key", HTTP: suite.NewHTTPClient(5 * time.Second)}
	ex := c.Do(context.Background(), client.UpdatePassword("t", "p", "p"))
	if ex.Err != nil || ex.Status != http.StatusTemporaryRedirect {
		t.Fatalf("want the 307 itself, got %d, %v", ex.Status, ex.Err)
	}
	select {
	case <-followed:
		t.Fatal("the client followed the redirect")
	default:
	}
}
