package passwordreset

import (
	"fmt"
	"net/http"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/checks"
	"github.com/autoshares/conformance/internal/harness"
	"github.com/autoshares/conformance/internal/sources"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/verdict"
)

// expectNot2xx: a method the path does not document is not served (RFC 9110 gives 405).
func expectNot2xx(ex *apiclient.Exchange, check string) {
	GinkgoHelper()
	done(verdictOn(check, ex).Expect(!succeeded(ex), verdict.KindStatus, "status: %s %s is not a documented method of the path, expected a non-2xx status (405), got %d", ex.Method, ex.URL, ex.Status))
}

var _ = Describe("Undocumented methods on the documented paths", Label("negative", "methods"), func() {

	It("answers every other method on the step 1, 2 and 3 and login paths with a non-2xx", Label("step1", "step2", "step3", "login"),
		NegativeChecks(checks.APIWrongMethodRefused), func(ctx SpecContext) {
			given(ctx, states.NoSuchUser)
			step3 := resetCode(sources.RandomCode())
			var reqs []apiclient.Request
			for _, r := range []apiclient.Request{
				apiclient.ResetPassword(harness.RandomSecret("unknown-trader-"), ""),
				apiclient.SecretQuestion(harness.RandomSecret("unknown-trader-")),
				step3,
				apiclient.Login(harness.RandomSecret("unknown-trader-"), newPassword()),
			} {
				for _, m := range otherMethods(r.Method) {
					req := r
					req.Method = m
					reqs = append(reqs, req)
				}
			}
			for _, ex := range sendAll(ctx, reqs) {
				expectNot2xx(ex, checks.APIWrongMethodRefused)
			}
		})

	It("answers every other method on the step 4 path with a non-2xx and changes nothing", Label("step4"),
		NegativeChecks(checks.Step4WrongMethodRefused), func(ctx SpecContext) {
			trader := given(ctx, states.ValidToken)
			pw := newPassword()
			var reqs []apiclient.Request
			for _, m := range otherMethods(http.MethodPut) {
				req := updatePassword(trader["Token"], pw, pw)
				req.Method = m
				reqs = append(reqs, req)
			}
			for _, ex := range sendAll(ctx, reqs) {
				expectNot2xx(ex, checks.Step4WrongMethodRefused)
			}
			expectPasswordUnchanged(ctx, checks.Step4WrongMethodRefused, trader["User"], trader["Password"], pw)
			By(fmt.Sprintf("the token still works with %s", http.MethodPut))
			expectSuccess(send(ctx, updatePassword(trader["Token"], pw, pw)), checks.Step4WrongMethodRefused, updatePasswordResponseSchema)
		})
})
