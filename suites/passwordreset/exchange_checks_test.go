package passwordreset

import (
	. "github.com/onsi/ginkgo/v2"

	cataloguepkg "github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
)

// The checks judged on every exchange a spec sends (send, sendAll), whatever the spec is
// about: every spec declares them (Checks). The catalogue marks them every_exchange, so
// the self-test wants a fault that breaks one to fail the specs that meet it, not all.
const (
	checkNoRedirect       = cataloguepkg.APINoRedirect
	checkAppKeyNotEchoed  = cataloguepkg.SecurityAppKeyNotEchoed
	checkSecretsNotEchoed = cataloguepkg.SecurityCredentialsNotEchoed
	checkNoInternals      = cataloguepkg.SecurityErrorsNoInternals
)

var everyExchange = []string{checkNoRedirect, checkAppKeyNotEchoed, checkSecretsNotEchoed, checkNoInternals,
	cataloguepkg.SecurityHeadersNosniff, cataloguepkg.SecurityHeadersHsts, cataloguepkg.SecurityHeadersNoVersions}

// NegativeChecks declares the checks of a negative or security spec (the echo checks
// come with every spec now).
func NegativeChecks(ids ...string) []any { return Checks(ids...) }

// judgeExchange applies the checks every exchange gets.
func judgeExchange(ex *client.Exchange) {
	GinkgoHelper()
	done(suite.Rules.NoRedirect(verdictOn(checkNoRedirect, ex)))
	done(suite.Rules.NoEcho(verdictOn(checkAppKeyNotEchoed, ex), "app key"))
	done(suite.Rules.NoEcho(verdictOn(checkSecretsNotEchoed, ex), "password", "token", "code", "secret answer"))
	done(suite.Rules.NoInternals(verdictOn(checkNoInternals, ex)))
	judgeHeaders(ex) // security_headers_test.go
}
