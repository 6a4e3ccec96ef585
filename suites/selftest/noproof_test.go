package selftest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	cataloguepkg "github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	oc "github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/states"
)

// No pass without proof (issue 22): a check passes only on answers shown to be about what it
// checks, not on a refusal that something else (a spent token, a lock, an unknown token,
// other specs' codes) may have caused.

// onlySpec is the one spec of the run that declares the check, with its records.
func onlySpec(t *testing.T, o outcome, id string) (specRun, []oc.Record) {
	t.Helper()
	specs := o.withCheck(id)
	if len(specs) != 1 {
		t.Fatalf("want one spec of %s, got %d\n%s", id, len(specs), o.output)
	}
	var recs []oc.Record
	for _, r := range o.recordsOf(specs[0]) {
		if r.Check == id {
			recs = append(recs, r)
		}
	}
	return specs[0], recs
}

func inStates(recs []oc.Record, st oc.State) []oc.Record {
	return slices.DeleteFunc(slices.Clone(recs), func(r oc.Record) bool { return r.State != st })
}

// Against a target that ends a token on any refused new password, the entries after the
// first would all be refused for the spent token. The suite's blocklist here holds one
// word the provider does not block: the check must still find it accepted, whatever order
// the entries arrive in.
func TestBlocklistEntriesAreJudgedWithAValidToken(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true, Faults: []string{refprovider.FaultRefusalConsumesToken}})
	env := targetEnv(p, key)
	env["AUTOSHARES_BLOCKLIST"] = "password1,zebra-lantern-quartz-41"
	o := runSuite(t, env, "-ginkgo.label-filter="+cataloguepkg.SecurityPasswordBlocklist)
	s, recs := onlySpec(t, o, cataloguepkg.SecurityPasswordBlocklist)
	if o.exitErr == nil || !failedOn(o, s, cataloguepkg.SecurityPasswordBlocklist, "got 200") {
		t.Fatalf("want the blocklist check failed for the accepted entry (got 200); records %s\n%s", checksOf(recs), o.output)
	}
	if n := len(inStates(recs, oc.Passed)); n == 0 {
		t.Errorf("the blocked entry's refusal (proven with a fresh token) has no passed record: %s", checksOf(recs))
	}
}

// The same target with the default blocklist: the whole run passes (the docs do not say
// whether a refused new password ends the token: catalogue faults_not_checked), and the
// blocklist check passes proven, each entry judged with a token of its own, none left
// unchecked.
func TestSuitePassesWhenRefusalsEndTheToken(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true, Faults: []string{refprovider.FaultRefusalConsumesToken}})
	o := runSuite(t, targetEnv(p, key), "-ginkgo.label-filter=!slow")
	if o.exitErr != nil || len(o.failed) > 0 || len(o.skipped) > 0 {
		t.Fatalf("want a clean pass; exit %v, failed %q, skipped %q\n%s", o.exitErr, o.failed, o.skipped, o.output)
	}
	_, recs := onlySpec(t, o, cataloguepkg.SecurityPasswordBlocklist)
	if len(inStates(recs, oc.Passed)) == 0 || len(recs) != len(inStates(recs, oc.Passed)) {
		t.Errorf("want the blocklist check passed, every record passed; records %s", checksOf(recs))
	}
}

// A target that locks an account after two failed logins answers the third wrong password
// with the lock. Here it also compares passwords case-insensitively: the swapped-case
// password logs in unless a lock answers it, so the case check must fail whichever order
// the wrong logins arrive in, and the lock itself must be met and handled (the right
// password is tried after each chunk of wrong ones).
func TestExactnessLoginsAreProvenByTheRightPassword(t *testing.T) {
	t.Parallel()
	t.Run("locks after 2", func(t *testing.T) {
		t.Parallel()
		p, key := startProvider(t, refprovider.Options{TestMode: true, LoginLockout: 2})
		o := runSuite(t, targetEnv(p, key), "-ginkgo.label-filter="+cataloguepkg.SecurityPasswordNotTruncated)
		if p.Server.LoginLockouts() == 0 {
			t.Errorf("the spec never met the lock: this test no longer tests anything")
		}
		for _, id := range []string{cataloguepkg.SecurityPasswordNotTruncated, cataloguepkg.SecurityPasswordCaseSensitive} {
			_, recs := onlySpec(t, o, id)
			if len(recs) == 0 || len(inStates(recs, oc.Passed)) != len(recs) {
				t.Errorf("%s: want only passed records, every wrong password proven refused by a login after it; got %s", id, checksOf(recs))
			}
		}
		if o.exitErr != nil {
			t.Errorf("want a pass against a lock after 2 failed logins; exit %v\n%s", o.exitErr, o.output)
		}
	})
	t.Run("locks after 2, ignores letter case", func(t *testing.T) {
		t.Parallel()
		p, key := startProvider(t, refprovider.Options{TestMode: true, LoginLockout: 2, Faults: []string{refprovider.FaultLoginIgnoresPasswordCase}})
		env := targetEnv(p, key)
		// One request at a time: the two wrong passwords before the swapped case lock the
		// account before it arrives, so the lock answers it (sent together, all three may be
		// checked before either failure counts).
		env["AUTOSHARES_MAX_IN_FLIGHT"] = "1"
		o := runSuite(t, env, "-ginkgo.label-filter="+cataloguepkg.SecurityPasswordNotTruncated)
		s, recs := onlySpec(t, o, cataloguepkg.SecurityPasswordCaseSensitive)
		if o.exitErr == nil || !failedOn(o, s, cataloguepkg.SecurityPasswordCaseSensitive, "login should fail") {
			t.Fatalf("want the case check failed (the swapped case logs in); records %s\n%s", checksOf(recs), o.output)
		}
	})
}

// A configured expired token that the target merely does not know is refused too: that is
// no proof the target refuses expired tokens. Without an expected expired-token code the
// check is not checked, saying why; with one, it fails; a token the target made expired
// passes.
func TestAConfiguredExpiredTokenMustBeRefusedAsExpired(t *testing.T) {
	t.Parallel()
	const unknown = "3f2b8c1e-9a4d-4e6f-8b2a-7c5d1e0f9a31"
	run := func(t *testing.T, token string, extra map[string]string) (outcome, specRun, []oc.Record) {
		p, key := startProvider(t, refprovider.Options{TestMode: true})
		env := targetEnv(p, key)
		if token == "" {
			token = expiredToken(t, p.StateURL)
		}
		delete(env, "AUTOSHARES_STATE_URL") // the configured token is the source
		env["AUTOSHARES_EXPIRED_TOKEN"] = token
		for k, v := range extra {
			env[k] = v
		}
		o := runSuite(t, env, "-ginkgo.label-filter="+cataloguepkg.Step4ExpiredTokenRejected+" && !slow")
		s, recs := onlySpec(t, o, cataloguepkg.Step4ExpiredTokenRejected)
		return o, s, recs
	}
	t.Run("unknown", func(t *testing.T) {
		t.Parallel()
		o, _, recs := run(t, unknown, nil)
		nc := inStates(recs, oc.NotChecked)
		if len(inStates(recs, oc.Passed)) > 0 || len(nc) == 0 || !says(nc[0], "never issued") || !says(nc[0], "AUTOSHARES_EXPECT_EXPIRED_TOKEN_ERRORS_CODE") {
			t.Fatalf("want not checked, naming the unknown-token refusal and the setting; records %s\n%s", checksOf(recs), o.output)
		}
	})
	t.Run("unknown, code expected", func(t *testing.T) {
		t.Parallel()
		o, s, recs := run(t, unknown, map[string]string{"AUTOSHARES_EXPECT_EXPIRED_TOKEN_ERRORS_CODE": "ErrorTokenExpired"})
		if o.exitErr == nil || !failedOn(o, s, cataloguepkg.Step4ExpiredTokenRejected, "ErrorsCode: expected to contain") {
			t.Fatalf("want failed for the ErrorsCode; records %s\n%s", checksOf(recs), o.output)
		}
	})
	t.Run("expired", func(t *testing.T) {
		t.Parallel()
		o, _, recs := run(t, "", nil)
		if len(recs) == 0 || len(inStates(recs, oc.Passed)) != len(recs) {
			t.Fatalf("want a really expired token passed; records %s\n%s", checksOf(recs), o.output)
		}
	})
}

// expiredToken has the provider's state endpoint make an expired token.
func expiredToken(t *testing.T, stateURL string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"action": "setup", "state": states.ExpiredToken, "params": map[string]any{}})
	resp, err := http.Post(stateURL, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || v["Token"] == "" {
		t.Fatalf("the state endpoint made no expired token: %v (status %d)", err, resp.StatusCode)
	}
	return v["Token"]
}

// A counter of 4-digit codes, under 16 processes: run beside the others, the pattern check's
// samples would have other specs' codes between them, the counter would move on by more
// than the ±10 window, and pass for random. On loopback the other specs issue too few codes
// to show it every time, so every API request of theirs has the provider issue
// busyCodes more, as busier specs would: taken alone (no other spec sending meanwhile), the
// samples still show the counter.
func TestCodePatternCatchesACounterUnderParallelRuns(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true, Faults: []string{refprovider.FaultSequentialCodes}})
	env := fourDigitCodes(t, p, key)
	// The mail specs read 6-digit codes from the mailbox: left out (their codes still count).
	o := runSuiteParallel(t, env, 16, "--label-filter=!slow && !mail")
	s, recs := onlySpec(t, o, cataloguepkg.SecurityCodeUnpredictable)
	if !failedOn(o, s, cataloguepkg.SecurityCodeUnpredictable, "predictable") {
		t.Fatalf("want the code-pattern check failed against a 4-digit counter; records %s\n%s", checksOf(recs), o.output)
	}
	if len(o.passed) < 20 {
		t.Errorf("only %d specs passed beside the pattern check: too few to issue codes between its samples\n%s", len(o.passed), o.output)
	}
}

// busyCodes are the codes issued beside each API request of the run (fourDigitCodes).
const busyCodes = 2

// fourDigitCodes is targetEnv through a gateway that makes the provider's 6-digit codes
// 4-digit ones, as a deployment with 4-digit codes has them: the state endpoint's codes
// lose their first two digits (a counter's last four digits count too) and step 3 gets
// them back. Mailed codes, and any other, pass untouched.
func fourDigitCodes(t *testing.T, p *refprovider.Running, key string) map[string]string {
	t.Helper()
	u, err := url.Parse(p.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	long := map[string]string{}
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	proxy.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.URL.Path != refprovider.StatePath {
			return nil
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		var v map[string]string
		if json.Unmarshal(body, &v) == nil && len(v["Code"]) == 6 {
			short := v["Code"][2:]
			mu.Lock()
			long[short] = v["Code"]
			mu.Unlock()
			v["Code"] = short
			body, _ = json.Marshal(v)
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	busy := func() {
		for range busyCodes {
			body, _ := json.Marshal(map[string]any{"action": "setup", "state": states.PendingCode, "params": map[string]any{}})
			if resp, err := http.Post(p.StateURL, "application/json", bytes.NewReader(body)); err == nil {
				resp.Body.Close()
			}
		}
	}
	codeBody := regexp.MustCompile(`(?i)("code"\s*:\s*")(\d{4})"`)
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != refprovider.StatePath {
			go busy() // beside the request, not before it: the specs' tokens live 3 s here
		}
		if strings.HasSuffix(r.URL.Path, client.PathResetCode) || strings.HasSuffix(r.URL.Path, client.PathIdentifierResetCode) {
			body, _ := io.ReadAll(r.Body)
			body = codeBody.ReplaceAllFunc(body, func(m []byte) []byte {
				mu.Lock()
				defer mu.Unlock()
				sm := codeBody.FindSubmatch(m)
				if c, ok := long[string(sm[2])]; ok {
					return []byte(string(sm[1]) + c + `"`)
				}
				return m
			})
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(gw.Close)
	env := targetEnv(p, key)
	env["AUTOSHARES_BASE_URL"] = gw.URL + u.Path
	env["AUTOSHARES_STATE_URL"] = gw.URL + refprovider.StatePath
	return env
}
