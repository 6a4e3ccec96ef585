package passwordreset

import (
	. "github.com/autoshares/conformance/internal/framework"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/suite"
)

const (
	checkTokenExact = catalogue.SecurityTokenExactMatch
	checkOwnerOnly  = catalogue.SecurityTokenOwnerOnly
)

// alterLast changes the last character into another hex digit, never the same one in
// another letter case (another text form of a GUID is the same token, not an alteration).
func alterLast(tok string) string {
	if tok == "" {
		return "0"
	}
	last := strings.ToLower(tok[len(tok)-1:])
	repl := "0"
	if last == "0" {
		repl = "1"
	}
	return tok[:len(tok)-1] + repl
}

// expectRefusedAnyShape: a step 4 a security check needs refused, in the error envelope
// (as expectRejected judges it) or as RFC 9457 problem details: an ASP.NET deployment's
// model binding answers those before the application runs, for a token that is no GUID
// (cut short, extended) or a body it will not bind. Either way the caller then proves
// that nothing changed.
func expectRefusedAnyShape(ex *client.Exchange, check string) {
	GinkgoHelper()
	if suite.IsProblemDetails(ex) {
		Conclude(World.Rules.Refused(VerdictOn(check, ex), "step 4 must be refused"))
		return
	}
	expectRejected(ex, check)
}

var _ = Describe("Security: tokens and ownership", Label("security", "tokens", "step4", "update-password"), func() {

	It("refuses an issued token changed in one character, cut short or extended, and changes nothing",
		Checks(checkTokenExact), func(ctx SpecContext) {
			trader := Given(ctx, states.ValidToken)
			pw := NewPassword()
			tok := trader["Token"]
			var reqs []client.Request
			for _, altered := range []string{alterLast(tok), tok[:max(len(tok)-1, 0)], tok + "0"} {
				World.Secrets.Add(altered)
				reqs = append(reqs, updatePassword(altered, pw, pw))
			}
			for _, ex := range SendAll(ctx, reqs) {
				expectRefusedAnyShape(ex, checkTokenExact)
			}
			ExpectPasswordUnchanged(ctx, checkTokenExact, trader["User"], trader["Password"], pw)
		})

	It("changes only the token owner's password, whatever other trader the body names", Label("mass-assignment"), LongSpec,
		Checks(checkOwnerOnly), func(ctx SpecContext) {
			owner := Given(ctx, states.ValidToken)
			// Another trader: the mail flow hands out configured test traders, the first that
			// fits each state, so ask for the kind the owner is not.
			other := Given(ctx, states.NoQuestion)
			if other["User"] == owner["User"] {
				other = Given(ctx, states.WithQuestion)
			}
			if other["User"] == owner["User"] {
				SkipFor("two different traders", "add a test trader with a secret question and one without to AUTOSHARES_TEST_TRADERS, or set AUTOSHARES_STATE_URL")
			}
			pw := NewPassword()
			body := step4Body(owner["Token"], pw, pw)
			for _, k := range []string{"User", "UserName", "Login", "UserId"} {
				body[k] = other["User"]
			}
			body["Email"] = other["Email"]
			ex := Send(ctx, rawBody(http.MethodPut, client.PathUpdatePassword, jsonOf(body), ""))

			ExpectLoginSucceeds(ctx, checkOwnerOnly, other["User"], other["Password"], "for the other trader named in the body, with that trader's own password: a token changes only its owner's password")
			ExpectLoginFails(ctx, checkOwnerOnly, other["User"], pw, "for the other trader named in the body, with the password of the request: a token changes only its owner's password")
			if succeeded(ex) {
				ExpectSuccess(ex, checkOwnerOnly, updatePasswordResponseSchema)
				ExpectLoginSucceeds(ctx, checkOwnerOnly, owner["User"], pw, "for the token's owner, with the password the update set")
				return
			}
			expectRefusedAnyShape(ex, checkOwnerOnly)
			ExpectPasswordUnchanged(ctx, checkOwnerOnly, owner["User"], owner["Password"], "")
		})
})
