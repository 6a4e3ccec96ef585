// Command bareclient is the yardstick of `make bench`: it sends the same requests as the
// conformance suite (the same state setups, resets and logins, spec by spec), built and sent
// by the suite's own client (internal/client) over a bare net/http client, with no
// transport policy (retries, rate limits), checks, schemas, transcripts or pact recording.
// The ratio of the suite's time to this one's is the cost of everything the suite adds.
//
// Keep its request sequence in step with the specs of suites/passwordreset.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/suite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bareclient:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bareclient", flag.ContinueOnError)
	rounds := fs.Int("rounds", 1, "how many times to send the whole sequence")
	if err := fs.Parse(args); err != nil {
		return err
	}
	b := &bare{http: &http.Client{Timeout: 10 * time.Second}, base: getenv("AUTOSHARES_BASE_URL"),
		key: getenv("AUTOSHARES_APP_KEY"), state: getenv("AUTOSHARES_STATE_URL")}
	if b.base == "" { // like the suite: the embedded provider, started in-process
		b.key = suite.RandomSecret("app-key-")
		p, err := refprovider.Start(ctx, refprovider.Options{AppKey: b.key, TestMode: true}, "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer p.Close()
		b.base, b.state = p.BaseURL, p.StateURL
	}
	start := time.Now()
	for i := 0; i < *rounds; i++ {
		if err := b.sequence(ctx); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%d request(s) in %s\n", b.requests, time.Since(start).Round(time.Millisecond))
	return nil
}

type bare struct {
	http             *http.Client
	base, key, state string
	requests         int
}

const (
	validToken   = states.ValidToken
	expiredToken = states.ExpiredToken
	noQuestion   = states.NoQuestion
)

// sequence mirrors the suite: its preflight, then each spec's exchanges.
func (b *bare) sequence(ctx context.Context) error {
	steps := []func(context.Context) error{
		func(ctx context.Context) error { b.login(ctx, b.key, "", ""); return b.teardown(ctx, validToken, "") },
		func(ctx context.Context) error { return b.withState(ctx, validToken, b.happyPath) },
		func(ctx context.Context) error { return b.withState(ctx, validToken, b.mismatch) },
		func(ctx context.Context) error { return b.withState(ctx, expiredToken, b.rejected(b.key)) },
		func(ctx context.Context) error { return b.withState(ctx, validToken, b.rejectedKey("")) },
		func(ctx context.Context) error { return b.withState(ctx, validToken, b.rejectedKey("wrong-app-key")) },
		func(ctx context.Context) error {
			return b.withState(ctx, noQuestion, func(ctx context.Context, v map[string]string) error {
				b.login(ctx, b.key, v["User"], v["Password"])
				return nil
			})
		},
		func(ctx context.Context) error {
			return b.withState(ctx, noQuestion, func(ctx context.Context, v map[string]string) error {
				b.login(ctx, b.key, v["User"], "Wrong-Passw0rd!")
				return nil
			})
		},
		func(ctx context.Context) error {
			return b.withState(ctx, noQuestion, func(ctx context.Context, v map[string]string) error {
				b.login(ctx, "", v["User"], v["Password"])
				return nil
			})
		},
	}
	for _, s := range steps {
		if err := s(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (b *bare) happyPath(ctx context.Context, v map[string]string) error {
	b.update(ctx, b.key, v["Token"], "New-Passw0rd-1!", "New-Passw0rd-1!")
	b.login(ctx, b.key, v["User"], "New-Passw0rd-1!")
	b.login(ctx, b.key, v["User"], v["Password"])
	return nil
}

func (b *bare) mismatch(ctx context.Context, v map[string]string) error {
	b.update(ctx, b.key, v["Token"], "New-Passw0rd-1!", "Other-Passw0rd-2!")
	b.login(ctx, b.key, v["User"], v["Password"])
	b.login(ctx, b.key, v["User"], "New-Passw0rd-1!")
	b.update(ctx, b.key, v["Token"], "New-Passw0rd-1!", "New-Passw0rd-1!")
	b.login(ctx, b.key, v["User"], "New-Passw0rd-1!")
	return nil
}

// rejected: an update refused for its token or key, then the two logins proving nothing changed.
func (b *bare) rejected(key string) func(context.Context, map[string]string) error {
	return func(ctx context.Context, v map[string]string) error {
		b.update(ctx, key, v["Token"], "New-Passw0rd-1!", "New-Passw0rd-1!")
		b.login(ctx, b.key, v["User"], v["Password"])
		b.login(ctx, b.key, v["User"], "New-Passw0rd-1!")
		return nil
	}
}

// rejectedKey: an update refused for its key, the two logins, then the token still works.
func (b *bare) rejectedKey(key string) func(context.Context, map[string]string) error {
	return func(ctx context.Context, v map[string]string) error {
		_ = b.rejected(key)(ctx, v)
		b.update(ctx, b.key, v["Token"], "New-Passw0rd-1!", "New-Passw0rd-1!")
		return nil
	}
}

func (b *bare) withState(ctx context.Context, state string, f func(context.Context, map[string]string) error) error {
	v, err := b.setup(ctx, state)
	if err != nil {
		return err
	}
	if err := f(ctx, v); err != nil {
		return err
	}
	return b.teardown(ctx, state, v["User"])
}

func (b *bare) setup(ctx context.Context, state string) (map[string]string, error) {
	body, err := b.postState(ctx, map[string]any{"action": "setup", "state": state, "params": map[string]any{}})
	if err != nil {
		return nil, err
	}
	var v map[string]string
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, fmt.Errorf("state %q: %v", state, err)
	}
	return v, nil
}

func (b *bare) teardown(ctx context.Context, state, user string) error {
	_, err := b.postState(ctx, map[string]any{"action": "teardown", "state": state, "params": map[string]any{"User": user}})
	return err
}

func (b *bare) update(ctx context.Context, key, token, pw, confirm string) {
	b.send(ctx, key, client.UpdatePassword(token, pw, confirm))
}

// login without a user sends no credential headers (the preflight's login).
func (b *bare) login(ctx context.Context, key, user, pw string) {
	req := client.Login(user, pw)
	if user == "" {
		req.Header = nil
	}
	b.send(ctx, key, req)
}

// send sends one of the suite's requests with the suite's client; key "" sends no app key.
func (b *bare) send(ctx context.Context, key string, req client.Request) {
	req.AppKey, req.OmitAppKey = key, key == ""
	b.requests++
	c := client.Client{BaseURL: b.base, HTTP: b.http}
	c.Do(ctx, req)
}

// postState posts to the state endpoint (not part of the API: not the API client's business).
func (b *bare) postState(ctx context.Context, body any) ([]byte, error) {
	data, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.state, bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	b.requests++
	resp, err := b.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err = io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = errors.New("state endpoint answered " + resp.Status)
	}
	return data, err
}
