package framework

import (
	. "github.com/onsi/ginkgo/v2"
	"strings"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
)

// The checks judged on every exchange a spec sends (Send, SendAll), whatever the spec is
// about: every spec declares them (Checks). The catalogue marks them every_exchange, so
// the self-test wants a fault that breaks one to fail the specs that meet it, not all.
const (
	checkNoRedirect       = catalogue.APINoRedirect
	checkAppKeyNotEchoed  = catalogue.SecurityAppKeyNotEchoed
	CheckSecretsNotEchoed = catalogue.SecurityCredentialsNotEchoed
	CheckNoInternals      = catalogue.SecurityErrorsNoInternals
)

var everyExchange = []string{checkNoRedirect, checkAppKeyNotEchoed, CheckSecretsNotEchoed, CheckNoInternals,
	catalogue.SecurityHeadersNosniff, catalogue.SecurityHeadersHsts, catalogue.SecurityHeadersNoVersions,
	catalogue.SecurityHeadersContentTypeMatches}

// NegativeChecks declares the checks of a negative or security spec (the echo checks
// come with every spec now).
func NegativeChecks(ids ...string) []any { return Checks(ids...) }

// judgeExchange applies the checks every exchange gets.
func judgeExchange(ex *client.Exchange) {
	GinkgoHelper()
	Conclude(World.Rules.NoRedirect(VerdictOn(checkNoRedirect, ex)))
	Conclude(World.Rules.NoEcho(VerdictOn(checkAppKeyNotEchoed, ex), "app key"))
	Conclude(World.Rules.NoEcho(VerdictOn(CheckSecretsNotEchoed, ex), "password", "token", "code", "secret answer"))
	Conclude(World.Rules.NoInternals(VerdictOn(CheckNoInternals, ex)))
	judgeHeaders(ex)
}

// judgeHeaders applies the security-header checks every exchange gets (judgeExchange).
func judgeHeaders(ex *client.Exchange) {
	GinkgoHelper()
	Conclude(World.Rules.Nosniff(VerdictOn(catalogue.SecurityHeadersNosniff, ex)))
	Conclude(World.Rules.ContentTypeMatches(VerdictOn(catalogue.SecurityHeadersContentTypeMatches, ex)))
	Conclude(World.Rules.NoVersions(VerdictOn(catalogue.SecurityHeadersNoVersions, ex)))
	// HSTS is for https responses only (RFC 6797 7.2); over http the CORS spec records the
	// check not checked, once, rather than every exchange saying so.
	if min := World.Cfg.Security.HSTSMinAge; min > 0 && strings.HasPrefix(ex.URL, "https://") {
		Conclude(World.Rules.HSTS(VerdictOn(catalogue.SecurityHeadersHsts, ex), min))
	}
}
