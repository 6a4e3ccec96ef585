package passwordreset

import (
	. "github.com/autoshares/conformance/internal/framework"
	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/states"
)

// The confirmation guards against a typo the trader cannot see: it must match exactly,
// and the password must be stored exactly as typed.
var _ = Describe("Step 4 compares and stores passwords exactly", Label("step4", "update-password", "negative"), func() {

	It("refuses a confirmation that differs only in letter case and changes nothing",
		NegativeChecks(catalogue.Step4ConfirmationCaseExact, CheckSecretsNotEchoed), func(ctx SpecContext) {
			trader := Given(ctx, states.ValidToken)
			pw := NewPassword()
			other := swapCase(pw)
			World.Secrets.Add(other)
			expectRejected(Send(ctx, updatePassword(trader["Token"], pw, other)), catalogue.Step4ConfirmationCaseExact)
			ExpectPasswordUnchanged(ctx, catalogue.Step4ConfirmationCaseExact, trader["User"], trader["Password"], pw)
		})

	It("refuses a confirmation that differs only by leading or trailing whitespace and changes nothing",
		NegativeChecks(catalogue.Step4ConfirmationWhitespaceExact, CheckSecretsNotEchoed), func(ctx SpecContext) {
			trader := Given(ctx, states.ValidToken)
			pw := NewPassword()
			var reqs []client.Request
			for _, pair := range [][2]string{{pw, " " + pw}, {pw, pw + " "}, {pw + "\t", pw}} {
				World.Secrets.Add(pair[0], pair[1])
				reqs = append(reqs, updatePassword(trader["Token"], pair[0], pair[1]))
			}
			for _, ex := range SendAll(ctx, reqs) {
				expectRejected(ex, catalogue.Step4ConfirmationWhitespaceExact)
			}
			ExpectPasswordUnchanged(ctx, catalogue.Step4ConfirmationWhitespaceExact, trader["User"], trader["Password"], pw)
		})

	// Login sends the password in a header, where leading and trailing spaces do not
	// survive; inner spaces do, so they are what this can prove.
	It("stores a password with inner spaces exactly as sent, when it accepts one",
		NegativeChecks(catalogue.Step4PasswordSpacesKept), func(ctx SpecContext) {
			trader := Given(ctx, states.ValidToken)
			pw := NewPassword()
			spaced := pw[:6] + " " + pw[6:12] + "  " + pw[12:]
			World.Secrets.Add(spaced)
			ex := Send(ctx, updatePassword(trader["Token"], spaced, spaced))
			if !succeeded(ex) {
				expectRejected(ex, catalogue.Step4PasswordSpacesKept)
				ExpectPasswordUnchanged(ctx, catalogue.Step4PasswordSpacesKept, trader["User"], trader["Password"], spaced)
				NotChecked(catalogue.Step4PasswordSpacesKept, "the target refuses passwords with spaces (allowed); nothing changed")
				return
			}
			ExpectSuccess(ex, catalogue.Step4PasswordSpacesKept, updatePasswordResponseSchema)
			ExpectLoginSucceeds(ctx, catalogue.Step4PasswordSpacesKept, trader["User"], spaced, "with the password exactly as sent, inner spaces included")
		})
})
