package passwordreset

import (
	"slices"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/apiclient"
)

// checkNoRedirect is judged on every exchange a spec sends (send), whatever the spec is
// about: every spec declares it (Checks).
const checkNoRedirect = "api.no-redirect"

var everyExchange = []string{checkNoRedirect}

// The echo checks are judged on every exchange of the specs that declare them: the
// negative and security specs (NegativeChecks), and, for credentials, the step 4 specs
// whose refusals could quote a password.
const (
	checkAppKeyNotEchoed  = "security.app-key.not-echoed"
	checkSecretsNotEchoed = "security.credentials.not-echoed"
)

// NegativeChecks declares the checks of a negative or security spec, and the app-key echo
// check on all its exchanges.
func NegativeChecks(ids ...string) []any { return Checks(append(ids, checkAppKeyNotEchoed)...) }

// judgeExchange applies the checks every exchange gets, and the echo checks the spec declares.
func judgeExchange(ex *apiclient.Exchange) {
	GinkgoHelper()
	done(suite.Rules.NoRedirect(verdictOn(checkNoRedirect, ex)))
	labels := CurrentSpecReport().Labels()
	if slices.Contains(labels, checkAppKeyNotEchoed) {
		done(suite.Rules.NoEcho(verdictOn(checkAppKeyNotEchoed, ex), "app key"))
	}
	if slices.Contains(labels, checkSecretsNotEchoed) {
		done(suite.Rules.NoEcho(verdictOn(checkSecretsNotEchoed, ex), "password", "token", "code", "secret answer"))
	}
}
