package suite

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/config"
)

func TestEmbeddedTargetPassesPreflightAndStops(t *testing.T) {
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	r, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Embedded || !strings.HasPrefix(r.BaseURL, "http://127.0.0.1:") || r.StateURL == "" || r.AppKey == "" {
		t.Fatalf("target %+v", r.Target)
	}
	if r.MailboxURL == "" && r.NoMailboxWhy == "" {
		t.Fatal("no mailbox and no reason why")
	}
	hc := &http.Client{Timeout: 2 * time.Second}
	if err := Preflight(context.Background(), r.Target, hc, cfg.Expect.AppKeyMessage); err != nil {
		t.Fatal(err)
	}
	if run, err := r.RunInfo(cfg); err != nil || !run.Embedded || run.Target != r.BaseURL || len(run.TokenSources) == 0 {
		t.Fatalf("run info: %+v %v", run, err)
	}
	wrong := r.Target
	wrong.AppKey = "not-the-key"
	if err := Preflight(context.Background(), wrong, hc, cfg.Expect.AppKeyMessage); err == nil || !strings.Contains(err.Error(), "rejected AUTOSHARES_APP_KEY") {
		t.Fatalf("wrong key: %v", err)
	}
	if err := r.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := Preflight(context.Background(), r.Target, hc, cfg.Expect.AppKeyMessage); err == nil || !strings.Contains(err.Error(), "unreachable") {
		t.Fatalf("after stop: %v", err)
	}
}

func TestPreflightNamesABadStateEndpointAndMailbox(t *testing.T) {
	cfg, _ := config.Load(func(string) string { return "" })
	r, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := "http://" + l.Addr().String()
	l.Close()
	hc := &http.Client{Timeout: 2 * time.Second}

	badState := r.Target
	badState.StateURL = closed + "/states"
	badState.Embedded = false // the probe is for configured deployments
	if err := Preflight(context.Background(), badState, hc, cfg.Expect.AppKeyMessage); err == nil || !strings.Contains(err.Error(), "AUTOSHARES_STATE_URL") {
		t.Fatalf("state endpoint: %v", err)
	}
	badMailbox := r.Target
	badMailbox.MailboxURL = r.BaseURL // answers, but is no Mailpit
	if err := Preflight(context.Background(), badMailbox, hc, cfg.Expect.AppKeyMessage); err == nil || !strings.Contains(err.Error(), "AUTOSHARES_MAILBOX_URL") {
		t.Fatalf("mailbox: %v", err)
	}
}

func TestRunInfoMasksURLCredentialsAndNamesTheSources(t *testing.T) {
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"AUTOSHARES_BASE_URL": "https://ops:pw@staging.example.test/api", "AUTOSHARES_APP_KEY": "k",
			"AUTOSHARES_EXPIRED_TOKEN": "expired-token-value", "AUTOSHARES_EXPECT_APP_KEY_STATUS": "403"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	tg := Target{BaseURL: cfg.BaseURL, AppKey: cfg.AppKey, StateURL: "http://u:state-pass@127.0.0.1:1/states"}
	run, err := tg.RunInfo(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if run.Target != "https://[REDACTED]@staging.example.test/api" || strings.Contains(run.StateURL, "state-pass") {
		t.Fatalf("%+v", run)
	}
	if len(run.TokenSources) != 2 || !strings.Contains(run.TokenSources[1], "AUTOSHARES_EXPIRED_TOKEN") {
		t.Fatalf("sources %q", run.TokenSources)
	}
	changed := 0
	for _, s := range run.Settings {
		if s.Changed {
			changed++
		}
	}
	if changed != 1 {
		t.Fatalf("settings %+v", run.Settings)
	}
	if s := tg.Secrets(); len(s) == 0 || !strings.Contains(strings.Join(s, " "), "state-pass") {
		t.Fatalf("secrets %q", s)
	}
}
