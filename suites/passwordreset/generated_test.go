package passwordreset

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/harness"
	"github.com/autoshares/conformance/internal/mutate"
	"github.com/autoshares/conformance/internal/sources"
	"github.com/autoshares/conformance/schemas"
)

// runSeed is this process's seed for generated bodies: AUTOSHARES_SEED, or one drawn
// once. Every generated spec prints it, and setting it replays the same bodies.
var runSeed = sync.OnceValue(func() int64 {
	if s := suite.Cfg.Negative.Seed; s != 0 {
		return s
	}
	return rand.Int64N(1<<62) + 1
})

// generated sends AUTOSHARES_GENERATED_CASES bodies generated from the request schema to
// one endpoint and judges each by its class (see internal/mutate). The valid body's values
// are all unknown to the target, so no generated request can change anything.
func generated(ctx context.Context, check, method, path, schemaName string, valid map[string]string) {
	GinkgoHelper()
	n := suite.Cfg.Negative.GeneratedCases
	if n == 0 {
		Skip("AUTOSHARES_GENERATED_CASES=0: no generated bodies")
	}
	s, err := mutate.Load(schemas.FS, schemaName)
	if err != nil {
		Fail("the request schema cannot drive the generator (a bug in the suite): " + err.Error())
	}
	// The valid body itself first, through send: it is judged as every exchange is.
	send(ctx, apiclient.Request{Method: method, Path: path, Body: valid, Schema: schemaName})

	seed := runSeed()
	AddReportEntry("seed", fmt.Sprintf("generated bodies: seed %d (AUTOSHARES_SEED=%d replays them)", seed, seed), ReportEntryVisibilityAlways)
	var failing *apiclient.Exchange
	res, err := mutate.Run(n, seed, mutate.Cases(s, valid), func(c mutate.Case) []string {
		ex := suite.API.Do(ctx, rawBody(method, path, c.Body, ""))
		if ex.Err != nil {
			failing = ex
			return []string{"no answer: " + ex.Err.Error()}
		}
		v := verdictOn(check, ex)
		switch c.Class {
		case mutate.Broken:
			suite.Rules.Refused(v, c.What)
		default:
			suite.Rules.NotServerError(v, c.What)
		}
		if !v.OK() {
			failing = ex
		}
		return v.Problems
	})
	if err != nil {
		Fail(err.Error())
	}
	if f := res.Failure; f != nil {
		v := verdictOn(check, failing)
		v.Problems = append(f.Problems, fmt.Sprintf("the smallest failing body of %d generated (seed %d, AUTOSHARES_SEED=%d replays them): %s", n, seed, seed, f.Case.Describe()))
		done(v)
	}
}

var _ = Describe("Generated bodies from the request schemas", Label("negative", "generated"), func() {

	It("step 1: broken bodies are refused with a 4xx, unusual ones never get a 5xx", Label("step1"),
		NegativeChecks("step1.generated.answered-by-class"), func(ctx SpecContext) {
			generated(ctx, "step1.generated.answered-by-class", http.MethodPost, apiclient.PathResetPassword, "reset-password.request.schema.json",
				map[string]string{"User": harness.RandomSecret("unknown-trader-"), "SecretQuestionAnswer": "Elm Street"})
		})

	It("step 3: broken bodies are refused with a 4xx, unusual ones never get a 5xx", Label("step3"),
		NegativeChecks("step3.generated.answered-by-class"), func(ctx SpecContext) {
			req := resetCode(sources.RandomCode())
			generated(ctx, "step3.generated.answered-by-class", req.Method, req.Path, req.Schema, req.Body.(map[string]string))
		})

	It("step 4: broken bodies are refused with a 4xx, unusual ones never get a 5xx", Label("step4"),
		NegativeChecks("step4.generated.answered-by-class"), func(ctx SpecContext) {
			pw := newPassword()
			generated(ctx, "step4.generated.answered-by-class", http.MethodPut, apiclient.PathUpdatePassword, "update-password.request.schema.json",
				map[string]string{"Token": randomGUID(), "Password": pw, "PasswordConfirmation": pw})
		})
})
