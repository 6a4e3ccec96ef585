package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/refprovider"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestBadCommandLineListsEveryProblem(t *testing.T) {
	badJSON := filepath.Join(t.TempDir(), "traders.json")
	if err := os.WriteFile(badJSON, []byte(`[{"User":"a","Email":"a@x.test","Password":"pw-secret-1","Extra":1}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	dupes := filepath.Join(t.TempDir(), "dupes.json")
	if err := os.WriteFile(dupes, []byte(`[{"User":"a","Email":"a@x.test","Password":"pw-secret-2"},
		{"User":"A","Email":"b@x.test","Password":"pw-secret-3"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want []string
	}{
		{
			name: "many flags",
			args: []string{"--listen", "nohost", "--code-ttl", "soon", "--faults", "accept-expired-token,nope",
				"--bogus", "bogus-value", "--test-mode=maybe", "--min-password-length", "0", "--token-ttl=-5m",
				"--smtp", "mail", "--mail-from", "nobody", "--traders", "/nonexistent/traders.json", "stray", "--app-key"},
			want: []string{
				`--listen: "nohost" is not host:port`,
				`--code-ttl: "soon" is not a positive duration`,
				`--token-ttl: "-5m" is not a positive duration`,
				`--faults: unknown fault switch "nope"; known: ` + strings.Join(refprovider.FaultNames(), ", "),
				"unknown flag --bogus",
				`--test-mode: "maybe" is not true or false`,
				`--min-password-length: "0" is not a whole number of at least 1`,
				`--smtp: "mail" is not host:port`,
				`--mail-from: "nobody" is not an email address`,
				"--traders: open /nonexistent/traders.json",
				"unexpected argument #",
				"flag --app-key needs a value",
			},
		},
		{
			name: "environment",
			env: map[string]string{"REFPROVIDER_CODE_TTL": "0s", "REFPROVIDER_TEST_MODE": "yes please",
				"REFPROVIDER_LISTEN": "127.0.0.1:99999", "REFPROVIDER_APP_KEY": " "},
			want: []string{
				`REFPROVIDER_CODE_TTL: "0s" is not a positive duration`,
				`REFPROVIDER_TEST_MODE: "yes please" is not true or false`,
				`REFPROVIDER_LISTEN: port "99999" is not a number from 0 to 65535`,
				"REFPROVIDER_APP_KEY: the app key is empty",
			},
		},
		{
			name: "test mode off loopback",
			args: []string{"--test-mode", "--listen", "0.0.0.0:8080"},
			want: []string{`--listen: "0.0.0.0:8080" is not a loopback address`, "--allow-non-loopback"},
		},
		{
			name: "test mode on all interfaces",
			args: []string{"--test-mode", "--listen", ":8080"},
			want: []string{`--listen: ":8080" is not a loopback address`},
		},
		{
			name: "traders file with unknown field",
			args: []string{"--traders", badJSON},
			want: []string{"--traders: " + badJSON + `: not a JSON array of traders: json: unknown field "Extra"`},
		},
		{
			name: "traders file with duplicates",
			args: []string{"--traders", dupes},
			want: []string{`Traders[1]: User "A" repeats Traders[0]`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, env(tc.env), &stdout, &stderr)
			if _, ok := errors.AsType[*usageError](err); !ok {
				t.Fatalf("run = %v, want a usage error", err)
			}
			var out bytes.Buffer
			if code := report(err, &out); code != 2 {
				t.Errorf("exit code %d, want 2", code)
			}
			msg := out.String()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message lacks %q:\n%s", w, msg)
				}
			}
			for _, secret := range []string{"bogus-value", "stray", "pw-secret"} {
				if strings.Contains(msg, secret) {
					t.Errorf("message echoes %q:\n%s", secret, msg)
				}
			}
			if strings.Contains(msg, "goroutine") || stdout.Len() > 0 {
				t.Errorf("unexpected output: stdout %q, message %s", stdout.String(), msg)
			}
		})
	}
}

func TestParseConfig(t *testing.T) {
	t.Run("flags win over environment, environment over defaults", func(t *testing.T) {
		c, help, err := parseConfig([]string{"--code-ttl=2m", "-faults", "reusable-code, accept-expired-code"},
			env(map[string]string{"REFPROVIDER_CODE_TTL": "5m", "REFPROVIDER_TOKEN_TTL": "7m",
				"REFPROVIDER_APP_KEY": "from-env", "REFPROVIDER_TEST_MODE": "1"}))
		if err != nil || help {
			t.Fatal(err, help)
		}
		o := c.opts
		if o.CodeTTL != 2*time.Minute || o.TokenTTL != 7*time.Minute || o.AppKey != "from-env" || !o.TestMode ||
			c.appKeyFrom != "REFPROVIDER_APP_KEY" || c.listen != "127.0.0.1:8080" ||
			strings.Join(o.Faults, ",") != "reusable-code,accept-expired-code" ||
			o.MinPasswordLength != refprovider.DefaultMinPasswordLength {
			t.Errorf("config %+v", c)
		}
	})
	t.Run("quirks and redirect target", func(t *testing.T) {
		c, _, err := parseConfig([]string{"--quirks", " step1-documented-body ", "--redirect-to", "http://127.0.0.1:1/x"}, env(nil))
		if err != nil || strings.Join(c.opts.Quirks, ",") != refprovider.QuirkStep1DocumentedBody ||
			c.opts.RedirectTo != "http://127.0.0.1:1/x" {
			t.Fatalf("%v %+v", err, c.opts)
		}
		_, _, err = parseConfig([]string{"--quirks", "nope", "--redirect-to", "elsewhere"}, env(nil))
		for _, want := range []string{`--quirks: unknown quirk "nope"`, `--redirect-to: "elsewhere" is not an absolute`} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error %v lacks %q", err, want)
			}
		}
	})
	t.Run("sandbox key by default", func(t *testing.T) {
		c, _, err := parseConfig(nil, env(nil))
		if err != nil || c.opts.AppKey != SandboxAppKey || c.opts.TestMode {
			t.Fatalf("%v %+v", err, c)
		}
	})
	t.Run("non-loopback test mode when allowed", func(t *testing.T) {
		_, _, err := parseConfig([]string{"--test-mode", "--allow-non-loopback", "--listen", "0.0.0.0:0"}, env(nil))
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("example traders file", func(t *testing.T) {
		c, _, err := parseConfig([]string{"--traders", "testdata/traders.json"}, env(nil))
		if err != nil || len(c.opts.Traders) != 2 {
			t.Fatalf("%v %+v", err, c.opts.Traders)
		}
	})
}

func TestHelpAndListFaults(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"--bogus", "-h"}, env(nil), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, s := range flagSpecs {
		if !strings.Contains(out.String(), "--"+s.name) || !strings.Contains(out.String(), s.env()) {
			t.Errorf("usage lacks --%s or %s", s.name, s.env())
		}
	}
	if strings.Contains(out.String(), SandboxAppKey) {
		t.Error("usage prints the sandbox app key")
	}
	out.Reset()
	if err := run(context.Background(), []string{"--list-faults"}, env(nil), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, n := range append(refprovider.FaultNames(), refprovider.QuirkNames()...) {
		if !strings.Contains(out.String(), n+" ") {
			t.Errorf("--list-faults lacks %s", n)
		}
	}
}

// lockedBuffer lets the test read what run writes from another goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestRunServesAndStops(t *testing.T) {
	const appKey = "env-app-key-0f3a9"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--listen", "127.0.0.1:0", "--test-mode", "--traders", "testdata/traders.json",
			"--faults", "reusable-code"}, env(map[string]string{"REFPROVIDER_APP_KEY": appKey}), &stdout, &stderr)
	}()

	baseRE := regexp.MustCompile(`serving the AutoShares password-reset API at (http://127\.0\.0\.1:\d+/api)\n`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == ""; time.Sleep(10 * time.Millisecond) {
		if m := baseRE.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("run returned early: %v\n%s", err, stdout.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no base URL printed:\n%s", stdout.String())
		}
	}

	login := func(key string) int {
		req, _ := http.NewRequest(http.MethodPost, base+"/token", nil)
		req.Header.Set("Et-App-Key", key)
		req.Header.Set("Username", "robert.zak")
		req.Header.Set("Password", "sandbox-Password-1")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if s := login(appKey); s != 200 {
		t.Errorf("login with the env app key: %d", s)
	}
	if s := login(SandboxAppKey); s != 403 {
		t.Errorf("login with the sandbox key although REFPROVIDER_APP_KEY is set: %d", s)
	}
	stateURL := strings.TrimSuffix(base, refprovider.APIPrefix) + refprovider.StatePath
	res, err := http.Post(stateURL, "application/json", strings.NewReader(`{"state":"`+refprovider.StateValidToken+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("provider state: %d", res.StatusCode)
	}

	cancel() // as SIGINT/SIGTERM would
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(refprovider.ShutdownTimeout + 2*time.Second):
		t.Fatal("run did not stop")
	}
	out := stdout.String()
	for _, want := range []string{"provider states at " + stateURL, "app key from REFPROVIDER_APP_KEY",
		"2 traders from testdata/traders.json", "FAULTS ON, deliberately wrong: reusable-code",
		"confirmation mail is dropped", "refprovider: stopped"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	all := out + stderr.String()
	for _, secret := range []string{appKey, "sandbox-Password-1", "sandbox-Password-2", "Peterson"} {
		if strings.Contains(all, secret) {
			t.Errorf("output contains the secret %q:\n%s", secret, all)
		}
	}
	if !strings.Contains(stderr.String(), "POST /api/token 200") {
		t.Errorf("request log missing on stderr:\n%s", stderr.String())
	}
}

func TestRunListenFailureIsNotUsageError(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	err = run(context.Background(), []string{"--listen", taken.Addr().String()}, env(nil), io.Discard, io.Discard)
	if err == nil {
		t.Fatal("listening on a port in use succeeded")
	}
	if code := report(err, io.Discard); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
}
