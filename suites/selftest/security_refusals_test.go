package selftest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/results"
)

// A deployment whose step 4 binds Token as a .NET Guid refuses a token cut short or
// extended with RFC 9457 problem details, before its application runs: the token
// exact-match check takes that as the refusal it is (and still proves nothing changed).
func TestTokenExactMatchAcceptsProblemDetails(t *testing.T) {
	t.Parallel()
	p, key := startProvider(t, refprovider.Options{TestMode: true, Quirks: []string{refprovider.QuirkGUIDToken}})
	o := runSuite(t, targetEnv(p, key), "-ginkgo.label-filter=security.token.exact-match")
	if o.exitErr != nil || len(o.failed) > 0 || len(o.passed) == 0 {
		t.Fatalf("want the token exact-match spec to pass against GUID binding; exit %v, passed %q, failed %q, skipped %q\n%s", o.exitErr, o.passed, o.failed, o.skipped, o.output)
	}
	data, err := os.ReadFile(filepath.Join(o.reports, results.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("application/problem+json")) {
		t.Error("no exchange of the run was answered with application/problem+json: the quirk was not exercised")
	}
}
