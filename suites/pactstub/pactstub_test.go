// Package pactstub checks that the pact stub server (what scripts/pact-stub.sh runs for
// consumer teams) serves the committed pacts right: every interaction's request, sent with
// its provider state header, gets that interaction's response and no other. Until pacts/
// holds a pact, it uses the self-test pact from contracttest.
package pactstub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/pacts"
	"github.com/autoshares/conformance/internal/pacts/contracttest"
	"github.com/autoshares/conformance/internal/testkit"
)

// stateHeader selects an interaction by provider state; scripts/pact-stub.sh uses the same.
const stateHeader = "X-Pact-Provider-State"

// The stub server binds 0.0.0.0 and has no option to bind loopback: run the tests in a
// private network namespace whose only interface is loopback.
func TestMain(m *testing.M) {
	if code, ran := testkit.Reexec(); ran {
		os.Exit(code)
	}
	os.Exit(m.Run())
}

func TestStubServesTheRecordedResponses(t *testing.T) {
	root := testkit.RootFor(t)
	bin := filepath.Join(root, ".tools", "pact", "bin", "pact")
	if fi, err := os.Stat(bin); err != nil || fi.Mode()&0o111 == 0 {
		t.Skipf("the pact CLI is not installed at %s: run make pact-cli", bin)
	}
	files, _ := filepath.Glob(filepath.Join(root, "pacts", "*.json"))
	if len(files) == 0 {
		f := filepath.Join(t.TempDir(), "selftest.json")
		if err := pacts.WritePact(f, contracttest.Pact()); err != nil {
			t.Fatal(err)
		}
		files = []string{f}
		t.Logf("pacts/ holds no pact yet: serving the self-test pact")
	}

	// Once as committed, once as a broker hands it out: the pact CLI and the broker rewrite a
	// pact with its interactions sorted by description, and the stub breaks ties by order.
	variants := map[string][]string{"as committed": files, "sorted by description": sortedCopies(t, files)}
	client := &http.Client{Timeout: 5 * time.Second}
	for name, set := range variants {
		t.Run(name, func(t *testing.T) {
			base := startStub(t, bin, set)
			for _, f := range set {
				interactions := readInteractions(t, f)
				for _, in := range interactions {
					t.Run(filepath.Base(f)+"/"+in.Description, func(t *testing.T) {
						replay(t, client, base, in, interactions)
					})
				}
			}
		})
	}
}

// sortedCopies writes each pact with its interactions sorted by description, as the pact
// CLI publishes it (pact_models writes them so).
func sortedCopies(t *testing.T, files []string) []string {
	t.Helper()
	dir := t.TempDir()
	var out []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var p map[string]any
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatalf("%s is not a pact file: %v", f, err)
		}
		list, _ := p["interactions"].([]any)
		desc := func(v any) string { m, _ := v.(map[string]any); s, _ := m["description"].(string); return s }
		slices.SortStableFunc(list, func(a, b any) int { return strings.Compare(desc(a), desc(b)) })
		data, err = json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		copyFile := filepath.Join(dir, filepath.Base(f))
		if err := os.WriteFile(copyFile, data, 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, copyFile)
	}
	return out
}

// interaction is the part of a V4 Synchronous/HTTP interaction a replay needs.
type interaction struct {
	Type           string
	Description    string
	ProviderStates []struct{ Name string }
	Request        struct {
		Method, Path string
		Query        map[string]any
		Headers      map[string]any
		Body         *struct{ Content any }
	}
	Response struct {
		Status  int
		Headers map[string]any
		Body    *struct{ Content any }
	}
}

func (in interaction) states() []string {
	var s []string
	for _, st := range in.ProviderStates {
		s = append(s, st.Name)
	}
	slices.Sort(s)
	return s
}

func readInteractions(t *testing.T, file string) []interaction {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var p struct{ Interactions []interaction }
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatalf("%s is not a pact file: %v", file, err)
	}
	var http []interaction
	for _, in := range p.Interactions {
		if in.Type == "" || in.Type == "Synchronous/HTTP" { // "" = a V3 pact
			http = append(http, in)
		}
	}
	if len(http) == 0 {
		t.Fatalf("%s has no HTTP interactions", file)
	}
	return http
}

// values reads a V4 list of values, or a V3 single value.
func values(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var s []string
		for _, e := range x {
			s = append(s, fmt.Sprint(e))
		}
		return s
	}
	return []string{fmt.Sprint(v)}
}

// replay sends in's recorded request with its provider state header and checks that the stub
// answers in's own response. Another interaction's response counts only when it is the same
// response (two interactions may record one answer, e.g. the secret question asked by login
// or by email); a different one is the wrong answer, whatever else the request matches.
func replay(t *testing.T, client *http.Client, base string, in interaction, all []interaction) {
	u := base + in.Request.Path
	if len(in.Request.Query) > 0 {
		q := url.Values{}
		for k, v := range in.Request.Query {
			q[k] = values(v)
		}
		u += "?" + q.Encode()
	}
	var body io.Reader
	if in.Request.Body != nil {
		b, err := json.Marshal(in.Request.Body.Content)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(in.Request.Method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range in.Request.Headers {
		for _, s := range values(v) {
			req.Header.Add(k, s)
		}
	}
	if states := in.states(); len(states) > 0 {
		req.Header.Set(stateHeader, stateRegex(states[0]))
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	problem := sameResponse(in, resp, got)
	if problem == "" {
		return
	}
	answered := "no recorded interaction"
	for _, c := range all {
		if c.Description != in.Description && sameResponse(c, resp, got) == "" {
			answered = fmt.Sprintf("the response of %q", c.Description)
			break
		}
	}
	t.Errorf("%s %s (state %q) answered %d %s: %s; that is %s, not this interaction's response",
		in.Request.Method, in.Request.Path, in.states(), resp.StatusCode, got, problem, answered)
}

// stateRegex is the provider state header value that selects exactly state: the stub reads
// the header as a regular expression and searches for it, so it is quoted and anchored.
func stateRegex(state string) string { return "^" + regexp.QuoteMeta(state) + "$" }

// sameResponse says how resp differs from c's recorded response, or "" if it does not.
func sameResponse(c interaction, resp *http.Response, body []byte) string {
	if resp.StatusCode != c.Response.Status {
		return fmt.Sprintf("status %d, recorded %d", resp.StatusCode, c.Response.Status)
	}
	for k, v := range c.Response.Headers {
		if want, got := strings.Join(values(v), ", "), strings.Join(resp.Header.Values(k), ", "); got != want {
			return fmt.Sprintf("header %s %q, recorded %q", k, got, want)
		}
	}
	if c.Response.Body == nil {
		return ""
	}
	var gotJSON any
	if err := json.Unmarshal(body, &gotJSON); err != nil {
		return "body is not JSON: " + err.Error()
	}
	if !reflect.DeepEqual(gotJSON, c.Response.Body.Content) {
		want, _ := json.Marshal(c.Response.Body.Content)
		return fmt.Sprintf("body differs from the recorded %s", want)
	}
	return ""
}

// startStub runs `pact stub` on the files on a free port, waits until it accepts
// connections, and returns its loopback base URL. It is stopped when the test ends.
func startStub(t *testing.T, bin string, files []string) string {
	t.Helper()
	port := freePort(t)
	args := []string{"stub", "--port", strconv.Itoa(port), "--provider-state-header-name", stateHeader, "--loglevel", "warn"}
	for _, f := range files {
		args = append(args, "--file", f)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 3 * time.Second // then SIGKILL
	// The stub would fetch pacts from a broker instead if this were set.
	cmd.Env = slices.DeleteFunc(os.Environ(), func(e string) bool { return strings.HasPrefix(e, "PACT_BROKER_BASE_URL=") })
	var log syncBuffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cancel()
		<-exited
		if t.Failed() {
			t.Logf("stub server log:\n%s", log.String())
		}
	})

	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			conn.Close()
			return "http://" + addr
		}
		select {
		case err := <-exited:
			exited <- err // for the cleanup
			t.Fatalf("the stub server exited before serving (%v):\n%s", err, log.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stub server did not listen on %s within 10s:\n%s", addr, log.String())
		}
	}
}

// freePort asks the kernel for a free loopback port. Another process could take it before
// the stub binds it; on this single-user machine that has not been seen.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// syncBuffer collects the stub's output from its two pipes' copying goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
