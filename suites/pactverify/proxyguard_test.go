package pactverify

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/autoshares/conformance/internal/redact"
)

// pact-go's verification proxy listens on every interface; the filter that adds the real
// key refuses whatever does not come from this process over loopback, so no one else who
// reaches the port meanwhile gets the key's access.
func TestTheVerificationProxyServesOnlyThisProcess(t *testing.T) {
	reached := false
	srv := httptest.NewServer(appKeyFilter("the-real-key")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached = true
		io.WriteString(w, r.Header.Get("Et-App-Key"))
	})))
	defer srv.Close()

	r := httptest.NewRequest("GET", "/v1.0/users/password/reset", nil) // from 192.0.2.1
	r.Header.Set("Et-App-Key", "x")
	rec := httptest.NewRecorder()
	appKeyFilter("the-real-key")(http.NotFoundHandler()).ServeHTTP(rec, r)
	if rec.Code != http.StatusForbidden || strings.Contains(rec.Body.String(), "the-real-key") {
		t.Errorf("a request from off this machine: %d %q", rec.Code, rec.Body.String())
	}

	if runtime.GOOS != "linux" {
		return
	}
	// Another process on this machine, over loopback.
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperGet$")
	cmd.Env = append(os.Environ(), "PACTVERIFY_HELPER_URL="+srv.URL+"/v1.0/users/password/reset")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the helper process: %v\n%s", err, out)
	}
	if reached || strings.Contains(string(out), "the-real-key") || !strings.Contains(string(out), "status 403") {
		t.Errorf("another process reached the target through the proxy (reached %v):\n%s", reached, out)
	}
}

// TestHelperGet is the other process of the test above: it sends one request with a
// placeholder key and prints what came back.
func TestHelperGet(t *testing.T) {
	u := os.Getenv("PACTVERIFY_HELPER_URL")
	if u == "" {
		t.Skip("a helper of TestTheVerificationProxyServesOnlyThisProcess")
	}
	method, body := "GET", ""
	if b := os.Getenv("PACTVERIFY_HELPER_POST"); b != "" {
		method, body = "POST", b
	}
	r, _ := http.NewRequest(method, u, strings.NewReader(body))
	r.Header.Set("Et-App-Key", "example-app-key")
	r.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	os.Stdout.WriteString("status " + resp.Status[:3] + ": " + string(b) + "\n")
}

// The verifier's own output goes through the masker: a token the provider answered, a
// password it echoed, the real key.
func TestTheVerifiersOutputIsMasked(t *testing.T) {
	ok, out := runIsolated(t, func(it *testing.T) {
		secrets := redactorWith("the-real-key-0001", "state-token-0002")
		if err := maskedStdout(secrets, func() {
			os.Stdout.WriteString(`1.1) body: $.Model -> Expected '{}' but received '{"Token": "answered-token-0003", "Password": "echoed-pw-0004"}'` + "\n")
			os.Stdout.WriteString("key the-real-key-0001 and state-token-0002, no newline at the end")
		}); err != nil {
			it.Fatal(err)
		}
	})
	if !ok {
		t.Fatalf("the isolated run failed:\n%s", out)
	}
	for _, secret := range []string{"the-real-key-0001", "state-token-0002", "answered-token-0003", "echoed-pw-0004"} {
		if strings.Contains(out, secret) {
			t.Errorf("the verifier's output shows %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "no newline at the end") {
		t.Errorf("output was lost:\n%s", out)
	}
}

// The state forwarder is guarded like the proxy: it sets up states with the state
// endpoint's credentials and answers their secrets, so a request that does not come from
// this process (another local user while verification runs) is refused before it reaches
// the state endpoint.
func TestTheStateForwarderServesOnlyThisProcess(t *testing.T) {
	var reachedN atomic.Int32
	reached := func() int32 { return reachedN.Load() }
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reachedN.Add(1)
		io.WriteString(w, `{"Token":"state-secret-canary-0042"}`)
	}))
	defer endpoint.Close()
	fw := stateForwarder(t, endpoint.URL, redact.New())
	const change = `{"action":"setup","state":"a trader has a valid password reset token"}`

	// This process (the verifier's) is served.
	resp, err := http.Post(fw, "application/json", strings.NewReader(change))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || reached() != 1 {
		t.Fatalf("this process: %d, state endpoint reached %d time(s)", resp.StatusCode, reached())
	}

	// A request from off this machine.
	r := httptest.NewRequest("POST", "/", strings.NewReader(change)) // from 192.0.2.1
	rec := httptest.NewRecorder()
	u, _ := url.Parse(fw)
	r.Host = u.Host
	guarded := stateForwarderHandler(endpoint.URL, redact.New())
	guarded.ServeHTTP(rec, r)
	if rec.Code != http.StatusForbidden || reached() != 1 {
		t.Errorf("a request from off this machine: %d, state endpoint reached %d time(s)", rec.Code, reached())
	}

	if runtime.GOOS != "linux" {
		return
	}
	// Another process on this machine, over loopback.
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperGet$")
	cmd.Env = append(os.Environ(), "PACTVERIFY_HELPER_URL="+fw, "PACTVERIFY_HELPER_POST="+change)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the helper process: %v\n%s", err, out)
	}
	if reached() != 1 || strings.Contains(string(out), "state-secret-canary") || !strings.Contains(string(out), "status 403") {
		t.Errorf("another process reached the state endpoint through the forwarder (reached %d):\n%s", reached(), out)
	}
}
