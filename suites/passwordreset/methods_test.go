package passwordreset

import (
	"fmt"
	. "github.com/autoshares/conformance/internal/framework"
	"net/http"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/suite"
)

// expectNot2xx: a method the path does not document is not served (RFC 9110 gives 405).
func expectNot2xx(ex *client.Exchange, check string) {
	GinkgoHelper()
	Conclude(VerdictOn(check, ex).Expect(!succeeded(ex), suite.KindStatus, "status: %s %s is not a documented method of the path, expected a non-2xx status (405), got %d", ex.Method, ex.URL, ex.Status))
}

var _ = Describe("Undocumented methods on the documented paths", Label("negative", "methods"), func() {

	It("answers every other method on the step 1, 2 and 3 and login paths with a non-2xx", Label("step1", "step2", "step3", "login"),
		NegativeChecks(catalogue.APIWrongMethodRefused), func(ctx SpecContext) {
			Given(ctx, states.NoSuchUser)
			step3 := resetCode(suite.FillerCode())
			var reqs []client.Request
			for _, r := range []client.Request{
				client.ResetPassword(suite.RandomSecret("unknown-trader-"), ""),
				client.SecretQuestion(suite.RandomSecret("unknown-trader-")),
				step3,
				client.Login(suite.RandomSecret("unknown-trader-"), NewPassword()),
			} {
				for _, m := range otherMethods(r.Method) {
					req := r
					req.Method = m
					reqs = append(reqs, req)
				}
			}
			for _, ex := range SendAll(ctx, reqs) {
				expectNot2xx(ex, catalogue.APIWrongMethodRefused)
			}
		})

	It("refuses TRACE on every documented path, without echoing it", Label("security", "step1", "step2", "step3", "step4", "login"),
		Checks(catalogue.SecurityMethodsTraceRefused), func(ctx SpecContext) {
			// Path alone: no app key, query, headers or body, so a target that echoes TRACE
			// hands back nothing secret (the echo would reach the reports' transcripts).
			var reqs []client.Request
			for _, path := range []string{client.PathResetPassword, client.PathSecretQuestion, resetCode("").Path,
				client.PathUpdatePassword, client.PathLogin} {
				reqs = append(reqs, client.Request{Method: http.MethodTrace, Path: path, OmitAppKey: true})
			}
			for _, ex := range SendAll(ctx, reqs) {
				Conclude(World.Rules.TraceRefused(VerdictOn(catalogue.SecurityMethodsTraceRefused, ex)))
			}
		})

	It("answers every other method on the step 4 path with a non-2xx and changes nothing", Label("step4"),
		NegativeChecks(catalogue.Step4WrongMethodRefused), func(ctx SpecContext) {
			trader := Given(ctx, states.ValidToken)
			pw := NewPassword()
			var reqs []client.Request
			for _, m := range otherMethods(http.MethodPut) {
				req := updatePassword(trader["Token"], pw, pw)
				req.Method = m
				reqs = append(reqs, req)
			}
			for _, ex := range SendAll(ctx, reqs) {
				expectNot2xx(ex, catalogue.Step4WrongMethodRefused)
			}
			ExpectPasswordUnchanged(ctx, catalogue.Step4WrongMethodRefused, trader["User"], trader["Password"], pw)
			By(fmt.Sprintf("the token still works with %s", http.MethodPut))
			ExpectSuccess(Send(ctx, updatePassword(trader["Token"], pw, pw)), catalogue.Step4WrongMethodRefused, updatePasswordResponseSchema)
		})
})
