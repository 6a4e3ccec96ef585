package refprovider

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/textproto"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/client"
)

const (
	testAppKey = "test-app-key"
	// testIterations keeps hashing cheap under -race; one test covers the default.
	testIterations = 1_000
	// noSMTP as Options.SMTPAddr makes newEnv configure no mail server at all.
	noSMTP = "none"

	// The documented paths as the suite's client (internal/client) declares them.
	pStep1      = APIPrefix + client.PathResetPassword
	pStep2      = APIPrefix + client.PathSecretQuestion
	pStep3      = APIPrefix + client.PathResetCode
	pStep3Ident = APIPrefix + client.PathIdentifierResetCode
	pStep4      = APIPrefix + client.PathUpdatePassword
	pLogin      = APIPrefix + client.PathLogin
)

// Seed traders of every test server.
var (
	alice = Trader{User: "alice", Email: "alice@example.test", Password: "alice-password-1",
		SecretQuestion: "Favourite colour?", SecretQuestionAnswer: "Blue"}
	bob = Trader{User: "bob", Email: "bob@example.test", Password: "bob-password-1"}
)

// fakeClock is an injectable Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// syncBuffer is a bytes.Buffer safe for the server's log writes and the test's reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// env is one provider behind an httptest server (127.0.0.1) with an SMTP sink.
type env struct {
	t     testing.TB
	srv   *Server
	ts    *httptest.Server
	clock *fakeClock
	mail  *smtpSink // nil with noSMTP
	log   *syncBuffer
}

// newEnv fills unset options with test defaults: test app key, cheap hashing, the fake
// clock, the SMTP sink, TestMode and the seed traders alice and bob.
func newEnv(t testing.TB, opts Options) *env {
	t.Helper()
	e := &env{t: t, clock: newClock(), log: &syncBuffer{}}
	if opts.AppKey == "" {
		opts.AppKey = testAppKey
	}
	if opts.HashIterations == 0 {
		opts.HashIterations = testIterations
	}
	if opts.Now == nil {
		opts.Now = e.clock.Now
	}
	switch opts.SMTPAddr {
	case "":
		e.mail = newSMTPSink(t)
		opts.SMTPAddr = e.mail.addr()
	case noSMTP:
		opts.SMTPAddr = ""
	}
	if opts.Traders == nil {
		opts.Traders = []Trader{alice, bob}
	}
	if opts.Log == nil {
		opts.Log = e.log
	}
	opts.TestMode = true
	srv, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e.srv = srv
	e.ts = httptest.NewServer(srv)
	t.Cleanup(e.ts.Close)
	return e
}

// resp is a response with its body decoded as a JSON object where possible.
type resp struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

// do sends a request with the app key set; headers override (a "" value deletes).
// body is sent raw when it is a string, as JSON otherwise, not at all when nil.
func (e *env) do(method, path string, body any, headers map[string]string) resp {
	e.t.Helper()
	r, err := e.try(method, path, body, headers)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// try is do without t.Fatal, for goroutines other than the test's. It sends through the
// suite's client (internal/client), as every test of the provider does.
func (e *env) try(method, path string, body any, headers map[string]string) (resp, error) {
	req := client.Request{Method: method, Header: http.Header{}}
	switch b := body.(type) {
	case nil:
	case string:
		req.RawBody = []byte(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return resp{}, err
		}
		req.RawBody = j
	}
	for k, v := range headers {
		switch k = http.CanonicalHeaderKey(k); {
		case k == client.HeaderAppKey && v == "":
			req.OmitAppKey = true
		case k == client.HeaderAppKey:
			req.AppKey = v
		case k == "Content-Type" && v != "":
			req.ContentType = v
		case v == "":
			req.Header.Add(dropHeader, k)
		default:
			req.Header.Set(k, v)
		}
	}
	return e.exchange(e.ts.URL, path, req)
}

// send sends one of the suite's requests (apiclient's builders) with the app key set.
func (e *env) send(req client.Request) resp {
	e.t.Helper()
	r, err := e.trySend(req)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// trySend is send without t.Fatal, for goroutines other than the test's.
func (e *env) trySend(req client.Request) (resp, error) {
	return e.exchange(e.ts.URL+APIPrefix, req.Path, req)
}

func (e *env) exchange(base, path string, req client.Request) (resp, error) {
	return e.exchangeWith(&http.Client{Transport: dropHeaders{e.ts.Client().Transport}}, base, path, req)
}

func (e *env) exchangeWith(hc *http.Client, base, path string, req client.Request) (resp, error) {
	req.Path = path
	c := client.Client{BaseURL: base, AppKey: testAppKey, HTTP: hc}
	ex := c.Do(context.Background(), req)
	if ex.Err != nil {
		return resp{}, fmt.Errorf("%s %s: %w", req.Method, path, ex.Err)
	}
	r := resp{status: ex.Status, header: ex.ResponseHeader, raw: string(ex.ResponseBody)}
	_ = json.Unmarshal(ex.ResponseBody, &r.body)
	return r, nil
}

// dropHeader lists, in a request, the headers a test wants left out although the client
// always sends them (Content-Type with a body); dropHeaders removes them on the way out.
const dropHeader = "X-Test-Drop-Header"

type dropHeaders struct{ next http.RoundTripper }

func (d dropHeaders) RoundTrip(r *http.Request) (*http.Response, error) {
	if drop := r.Header.Values(dropHeader); len(drop) > 0 {
		r = r.Clone(r.Context())
		for _, h := range append(drop, dropHeader) {
			r.Header.Del(h)
		}
	}
	return d.next.RoundTrip(r)
}

type obj = map[string]any

// The documented requests, built by the suite's client.

func (e *env) step1(user, answer string) resp { return e.send(client.ResetPassword(user, answer)) }

func (e *env) step2(username string) resp { return e.send(client.SecretQuestion(username)) }

func (e *env) step3(code string) resp {
	return e.send(client.ResetCode(client.Step3AutoShares, code))
}

func (e *env) step4(token, password, confirmation string) resp {
	return e.send(client.UpdatePassword(token, password, confirmation))
}

func (e *env) login(user, password string) resp { return e.send(client.Login(user, password)) }

// codeFor runs step 1 for a trader and returns the code from the mail it received.
func (e *env) codeFor(t Trader) string {
	e.t.Helper()
	if r := e.step1(t.User, t.SecretQuestionAnswer); r.status != http.StatusOK {
		e.t.Fatalf("step 1 for %s: %d %s", t.User, r.status, r.raw)
	}
	return e.mail.lastCode(e.t, t.Email)
}

// tokenFor runs steps 1 and 3 for a trader and returns the reset token.
func (e *env) tokenFor(t Trader) string {
	e.t.Helper()
	r := e.step3(e.codeFor(t))
	tok, _ := r.body["Model"].(string)
	if r.status != http.StatusOK || tok == "" {
		e.t.Fatalf("step 3 for %s: %d %s", t.User, r.status, r.raw)
	}
	return tok
}

// state sets up a provider state and returns its values.
func (e *env) state(name string) map[string]string {
	e.t.Helper()
	r := e.do(http.MethodPost, StatePath, obj{"action": "setup", "state": name, "params": obj{}}, nil)
	if r.status != http.StatusOK {
		e.t.Fatalf("state %q: %d %s", name, r.status, r.raw)
	}
	vals := map[string]string{}
	if err := json.Unmarshal([]byte(r.raw), &vals); err != nil {
		e.t.Fatalf("state %q: values are not a flat string object: %v: %s", name, err, r.raw)
	}
	return vals
}

// check compares a response with the documented envelope: HTTP status, a JSON media
// type, IsSucceed a boolean, Errors and ErrorsCode arrays equal to the given ones (nil
// means "do not compare", but the field must still be an array).
func check(r resp, status int, ok bool, errs, codes []string) error {
	var probs []string
	if r.status != status {
		probs = append(probs, fmt.Sprintf("status %d, want %d", r.status, status))
	}
	if mt, _, _ := mime.ParseMediaType(r.header.Get("Content-Type")); mt != "application/json" {
		probs = append(probs, fmt.Sprintf("Content-Type %q, want application/json", r.header.Get("Content-Type")))
	}
	if r.body == nil {
		return fmt.Errorf("body is not a JSON object: %s", r.raw)
	}
	switch v := r.body["IsSucceed"].(type) {
	case bool:
		if v != ok {
			probs = append(probs, fmt.Sprintf("IsSucceed %v, want %v", v, ok))
		}
	default:
		probs = append(probs, fmt.Sprintf("IsSucceed is %T %v, want a boolean", v, v))
	}
	for _, f := range []struct {
		name string
		want []string
	}{{"Errors", errs}, {"ErrorsCode", codes}} {
		got, isArr := stringArray(r.body[f.name])
		switch {
		case !isArr:
			probs = append(probs, fmt.Sprintf("%s is %v, want an array", f.name, r.body[f.name]))
		case f.want != nil && !slices.Equal(got, f.want):
			probs = append(probs, fmt.Sprintf("%s %q, want %q", f.name, got, f.want))
		}
	}
	if len(probs) > 0 {
		return fmt.Errorf("%s (body %s)", strings.Join(probs, "; "), r.raw)
	}
	return nil
}

func stringArray(v any) ([]string, bool) {
	arr, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := []string{}
	for _, x := range arr {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out, true
}

func mustCheck(t testing.TB, r resp, status int, ok bool, errs, codes []string) {
	t.Helper()
	if err := check(r, status, ok, errs, codes); err != nil {
		t.Fatal(err)
	}
}

// ---- SMTP sink ----

// smtpSink is a minimal SMTP server on 127.0.0.1: enough of RFC 5321 for net/smtp.
// Messages are stored before the 250 reply to DATA, so they are visible as soon as the
// provider's step 1 has answered.
type smtpSink struct {
	ln   net.Listener
	opts sinkOpts
	mu   sync.Mutex
	msgs []sinkMsg
	wg   sync.WaitGroup
}

// sinkOpts make the sink misbehave in ways a real mail server may.
type sinkOpts struct {
	offerSTARTTLS bool // advertise STARTTLS but refuse to start it
	rejectRcpt    bool // 550 every recipient
}

type sinkMsg struct {
	from string
	to   []string
	data string
}

func newSMTPSink(t testing.TB) *smtpSink { t.Helper(); return newSMTPSinkWith(t, sinkOpts{}) }

func newSMTPSinkWith(t testing.TB, opts sinkOpts) *smtpSink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpSink{ln: ln, opts: opts}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.serve(c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

func (s *smtpSink) addr() string { return s.ln.Addr().String() }

func (s *smtpSink) serve(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	tp := textproto.NewConn(c)
	reply := func(line string) { _ = tp.PrintfLine("%s", line) }
	reply("220 sink ESMTP")
	var cur sinkMsg
	angle := func(arg string) string {
		if i, j := strings.Index(arg, "<"), strings.Index(arg, ">"); i >= 0 && j > i {
			return arg[i+1 : j]
		}
		return ""
	}
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			reply("250-sink")
			if s.opts.offerSTARTTLS {
				reply("250-STARTTLS")
			}
			reply("250 8BITMIME")
		case "HELO", "NOOP":
			reply("250 ok")
		case "RSET":
			cur = sinkMsg{}
			reply("250 ok")
		case "MAIL":
			cur = sinkMsg{from: angle(arg)}
			reply("250 ok")
		case "RCPT":
			if s.opts.rejectRcpt {
				reply("550 no such mailbox")
				continue
			}
			cur.to = append(cur.to, angle(arg))
			reply("250 ok")
		case "DATA":
			reply("354 go ahead")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			cur.data = string(data)
			s.mu.Lock()
			s.msgs = append(s.msgs, cur)
			s.mu.Unlock()
			cur = sinkMsg{}
			reply("250 queued")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 not implemented")
		}
	}
}

func (s *smtpSink) messages() []sinkMsg {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.msgs)
}

// to returns the messages whose envelope recipient is addr, oldest first.
func (s *smtpSink) to(addr string) []sinkMsg {
	var out []sinkMsg
	for _, m := range s.messages() {
		if slices.Contains(m.to, addr) {
			out = append(out, m)
		}
	}
	return out
}

var codeLine = regexp.MustCompile(`(?m)^Confirmation code: (\d{6})\r?$`)

// lastCode returns the code in the newest message to addr.
func (s *smtpSink) lastCode(t testing.TB, addr string) string {
	t.Helper()
	msgs := s.to(addr)
	if len(msgs) == 0 {
		t.Fatalf("no mail to %s", addr)
	}
	m := codeLine.FindStringSubmatch(msgs[len(msgs)-1].data)
	if m == nil {
		t.Fatalf("mail to %s has no confirmation code line:\n%s", addr, msgs[len(msgs)-1].data)
	}
	return m[1]
}

// parse reads a stored message as RFC 5322.
func (m sinkMsg) parse(t testing.TB) (*mail.Message, string) {
	t.Helper()
	msg, err := mail.ReadMessage(bufio.NewReader(strings.NewReader(m.data)))
	if err != nil {
		t.Fatalf("mail is not RFC 5322: %v", err)
	}
	body, _ := io.ReadAll(msg.Body)
	return msg, string(body)
}

// serveDirect calls the handler without a listener.
func serveDirect(s *Server, method, path, body string, headers map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}
