package pactverify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/pacts"
	"github.com/autoshares/conformance/internal/pacts/contracttest"
	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/testkit"
	"github.com/pact-foundation/pact-go/v2/consumer"
	"github.com/pact-foundation/pact-go/v2/models"
)

// The self-tests prove the verification itself: a pact built with contract.MarshalV4 passes
// against the correct reference provider and fails, naming the broken interaction, against
// one with a fault. They use their own pact so they do not depend on what pacts/ holds.

func writeSelfTestPact(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "selftest.json")
	if err := pacts.WritePact(path, contracttest.Pact()); err != nil {
		t.Fatal(err)
	}
	return path
}

// failureLine is a heading of the verifier's "Failures:" summary, one per failed interaction:
// "1) Verifying a pact between C and P Given S - DESCRIPTION".
var failureLine = regexp.MustCompile(`(?m)^\d+\) Verifying a pact between .*$`)

// failingInteractions are the descriptions of p named in the verifier's failure summary.
func failingInteractions(output string, p pacts.Pact) []string {
	_, summary, _ := strings.Cut(output, "\nFailures:\n")
	lines := failureLine.FindAllString(summary, -1)
	var failed []string
	for _, in := range p.Interactions {
		for _, line := range lines {
			if strings.Contains(line, " - "+in.Description) {
				failed = append(failed, in.Description)
				break
			}
		}
	}
	slices.Sort(failed)
	return failed
}

func TestVerificationOfTheSelfTestPact(t *testing.T) {
	file := writeSelfTestPact(t)
	p := contracttest.Pact()
	cases := []struct {
		fault  string // "" = a correct provider
		failed []string
	}{
		{"", nil},
		{refprovider.FaultAcceptMismatchedPasswords, []string{contracttest.DescMismatch}},
		{refprovider.FaultIgnoreAppKey, []string{contracttest.DescMissingAppKey}},
	}
	for _, c := range cases {
		name := c.fault
		if name == "" {
			name = "correct provider"
		}
		t.Run(name, func(t *testing.T) {
			var faults []string
			if c.fault != "" {
				faults = []string{c.fault}
			}
			tgt := reference(t, faults)
			start := time.Now()
			ok, out := runIsolated(t, func(it *testing.T) { _ = verify(it, tgt, source{files: []string{file}}) })
			elapsed := time.Since(start)
			failed := failingInteractions(out, p)
			switch {
			case c.fault == "" && !ok:
				t.Errorf("verification failed against the correct reference provider:\n%s", out)
			case c.fault != "" && ok:
				t.Errorf("verification passed although the provider has fault %s:\n%s", c.fault, out)
			case !slices.Equal(failed, c.failed):
				t.Errorf("failing interactions = %q, want %q; verifier output:\n%s", failed, c.failed, out)
			}
			t.Logf("verification of %d interactions took %v", len(p.Interactions), elapsed.Round(time.Millisecond))
		})
	}
}

// TestPactFileRoundTripsThroughTheNativeLibrary checks MarshalV4 against pact_models
// itself: pact-go's consumer side merges a new interaction into our file, which makes the
// native library parse every interaction and write it back. Ours must come back unchanged
// (apart from the "key" hash the library adds), so nothing was misread or dropped. It runs
// on the self-test pact and on contract's golden file, which uses every feature.
func TestPactFileRoundTripsThroughTheNativeLibrary(t *testing.T) {
	selftest, err := contracttest.Pact().MarshalV4()
	if err != nil {
		t.Fatal(err)
	}
	root, err := testkit.Root()
	if err != nil {
		t.Fatal(err)
	}
	golden, err := os.ReadFile(filepath.Join(root, "internal", "pacts", "testdata", "pact.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	classes, err := everyStatusClass().MarshalV4()
	if err != nil {
		t.Fatal(err)
	}
	for name, pact := range map[string][]byte{"self-test pact": selftest, "golden pact": golden, "every status class": classes} {
		t.Run(name, func(t *testing.T) { roundTrip(t, pact) })
	}
}

// everyStatusClass has one interaction per statusCode matcher class contract accepts, so a
// class the native library does not know fails the round trip.
func everyStatusClass() pacts.Pact {
	p := pacts.Pact{Consumer: "StatusClasses", Provider: "AnyProvider"}
	for class, status := range map[string]int{"info": 100, "success": 200, "redirect": 302, "clientError": 404,
		"serverError": 503, "nonError": 204, "error": 500} {
		p.Interactions = append(p.Interactions, pacts.Interaction{
			Description: "a " + class + " response",
			Request:     pacts.Request{Method: "GET", Path: "/" + class},
			Response:    pacts.Response{Status: status, StatusClass: class},
		})
	}
	return p
}

func roundTrip(t *testing.T, before []byte) {
	var names struct{ Consumer, Provider struct{ Name string } }
	if err := json.Unmarshal(before, &names); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// The name pact-go merges into.
	file := filepath.Join(dir, names.Consumer.Name+"-"+names.Provider.Name+".json")
	if err := os.WriteFile(file, before, 0o644); err != nil {
		t.Fatal(err)
	}
	mock, err := consumer.NewV4Pact(consumer.MockHTTPProviderConfig{
		Consumer: names.Consumer.Name, Provider: names.Provider.Name, PactDir: dir, Host: "127.0.0.1",
	})
	if err != nil {
		t.Fatal(err)
	}
	err = mock.AddInteraction().UponReceiving("a probe added by the round-trip test").
		WithRequest("GET", "/probe").WillRespondWith(204).
		ExecuteTest(t, func(c consumer.MockServerConfig) error {
			resp, err := http.Get(fmt.Sprintf("http://%s:%d/probe", c.Host, c.Port))
			if err == nil {
				resp.Body.Close()
			}
			return err
		})
	if err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}

	want := interactionsByDescription(t, before)
	got := interactionsByDescription(t, after)
	if _, ok := got["a probe added by the round-trip test"]; !ok {
		t.Fatalf("the native library did not write the merged file:\n%s", after)
	}
	for desc, w := range want {
		g, ok := got[desc]
		if !ok {
			t.Errorf("interaction %q was dropped by the native library", desc)
			continue
		}
		if !bytes.Equal(canonical(t, w), canonical(t, g)) {
			t.Errorf("interaction %q changed in the round trip.\nours:\n%s\nnative library:\n%s", desc, canonical(t, w), canonical(t, g))
		}
	}
}

func interactionsByDescription(t *testing.T, data []byte) map[string]map[string]any {
	t.Helper()
	var p struct{ Interactions []map[string]any }
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	m := map[string]map[string]any{}
	for _, in := range p.Interactions {
		delete(in, "key") // a hash the library adds; not part of the contract
		m[in["description"].(string)] = in
	}
	return m
}

func canonical(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ") // sorts map keys
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAppKeyFilterSendsTheKeyWhereverThePactSendsOne(t *testing.T) {
	var seen []string
	h := appKeyFilter("the-real-key")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, strings.Join(r.Header.Values("Et-App-Key"), "|"))
	}))
	// Served on loopback and called from this process, as pact-go's proxy is by the verifier.
	srv := httptest.NewServer(h)
	defer srv.Close()
	// The suite's placeholder, a consumer team's own, the wrong key, none.
	for _, sent := range []string{pacts.AppKeyPlaceholder, "their-own-test-key", pacts.WrongAppKey, ""} {
		r, _ := http.NewRequest("PUT", srv.URL+"/v1.0/users/passwords/reset/", nil)
		if sent != "" {
			r.Header.Set("et-app-key", sent) // header names are case-insensitive
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	want := []string{"the-real-key", "the-real-key", pacts.WrongAppKey, ""}
	if !slices.Equal(seen, want) {
		t.Errorf("keys reaching the provider = %q, want %q", seen, want)
	}
}

func TestPactFiles(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "sub", "b.json")
	for _, f := range []string{a, b} {
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, _, err := pactFiles(dir + string(filepath.ListSeparator) + b)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{a, b}; !slices.Equal(files, want) {
		t.Errorf("pactFiles = %q, want %q", files, want)
	}

	empty := t.TempDir()
	files, where, err := pactFiles(empty)
	if err != nil || len(files) != 0 || where != empty {
		t.Errorf("pactFiles(empty dir) = %q, %q, %v; want none found in %s", files, where, err, empty)
	}
	if _, _, err := pactFiles(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("pactFiles(missing file) gave no error")
	}
}

func TestForwardStateReportsAMissingStateEndpoint(t *testing.T) {
	_, err := forwardState("", "a trader has a valid password reset token")(true, models.ProviderState{})
	if err == nil || !strings.Contains(err.Error(), "AUTOSHARES_STATE_URL") {
		t.Errorf("error = %v, want one naming AUTOSHARES_STATE_URL", err)
	}
}

// The committed pacts send only the two app-key examples verification knows: the
// placeholder, replaced by the real key, and contract.WrongAppKey, kept.
func TestCommittedPactsUseTheKnownAppKeyExamples(t *testing.T) {
	files, _, err := pactFiles("")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var p struct {
			Interactions []struct {
				Description string
				Request     struct{ Headers map[string][]string }
			}
		}
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatal(err)
		}
		for _, in := range p.Interactions {
			for name, v := range in.Request.Headers {
				if strings.EqualFold(name, "Et-App-Key") && !slices.Equal(v, []string{pacts.AppKeyPlaceholder}) && !slices.Equal(v, []string{pacts.WrongAppKey}) {
					t.Errorf("%s: %q sends Et-App-Key %q; use contract.AppKeyPlaceholder or contract.WrongAppKey", filepath.Base(f), in.Description, v)
				}
			}
		}
	}
}
