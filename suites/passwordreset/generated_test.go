package passwordreset

import (
	"context"
	"fmt"
	. "github.com/autoshares/conformance/internal/framework"
	"net/http"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/suite"
	"github.com/autoshares/conformance/schemas"
)

// generated sends AUTOSHARES_GENERATED_CASES bodies generated from the request schema to
// one endpoint and judges each by its class (see internal/catalogue). The valid body's values
// are all unknown to the target, so no generated request can change anything, and the
// bodies (with the valid one) go concurrently, AUTOSHARES_MAX_IN_FLIGHT at a time. Every
// exchange, shrinking's included, gets the checks every exchange gets (no redirect, no
// echoed secret), in order; the first failing body in order is then shrunk, one request
// at a time, and the failure names the smallest body that still fails.
func generated(ctx context.Context, check, method, path, schemaName string, valid map[string]string) {
	GinkgoHelper()
	n := World.Cfg.Negative.GeneratedCases
	if n == 0 {
		SkipFor("", "AUTOSHARES_GENERATED_CASES=0: no generated bodies")
	}
	s, err := catalogue.Load(schemas.FS, schemaName)
	if err != nil {
		Fail("the request schema cannot drive the generator (a bug in the suite): " + err.Error())
	}
	validReq := client.Request{Method: method, Path: path, Body: valid, Schema: schemaName}
	CheckRequest(validReq)
	// Every exchange is logged: the valid body's secret values are masked wherever a
	// mutation moves them (into an array, an object, a longer string).
	for k, v := range valid {
		if slices.Contains([]string{"token", "code", "password", "passwordconfirmation", "secretquestionanswer"}, strings.ToLower(k)) {
			World.Secrets.Add(v)
		}
	}

	seed := RunSeed()
	AddReportEntry("seed", fmt.Sprintf("generated bodies: seed %d (AUTOSHARES_SEED=%d replays them)", seed, seed), ReportEntryVisibilityFailureOrVerbose)
	// mutate deals in problem lines; their kinds are kept here for the failure's record.
	kinds := map[string]string{}
	judge := func(c catalogue.Case, ex *client.Exchange) []string {
		if ex.Err != nil {
			p := "no answer: " + ex.Err.Error()
			kinds[p] = suite.KindNoAnswer
			return []string{p}
		}
		v := VerdictOn(check, ex)
		switch c.Class {
		case catalogue.Broken:
			World.Rules.Refused(v, c.What)
		default:
			World.Rules.NotServerError(v, c.What)
		}
		for _, p := range v.Problems {
			kinds[p.Text] = p.Kind
		}
		return v.Texts()
	}
	var failing *client.Exchange // the exchange of the failure reported
	var shrinking []*client.Exchange
	res, err := catalogue.Run(n, seed, catalogue.Cases(s, valid), func(cs []catalogue.Case) [][]string {
		reqs := []client.Request{validReq}
		for _, c := range cs {
			reqs = append(reqs, rawBody(method, path, c.Body, ""))
		}
		exs := World.API.DoAll(OneRound(ctx), reqs, World.Cfg.MaxInFlight)
		Received(exs[0])
		for _, ex := range exs[1:] {
			receivedGenerated(ex)
		}
		out := make([][]string, len(cs))
		for i, c := range cs {
			if out[i] = judge(c, exs[i+1]); len(out[i]) > 0 && failing == nil {
				failing = exs[i+1]
			}
		}
		return out
	}, func(c catalogue.Case) []string {
		// Shrinking runs inside rapid, which must not see Ginkgo's Fail: the exchanges are
		// judged as every exchange is once it is done.
		ex := World.API.Do(ctx, rawBody(method, path, c.Body, ""))
		shrinking = append(shrinking, ex)
		problems := judge(c, ex)
		if len(problems) > 0 {
			failing = ex
		}
		return problems
	})
	for _, ex := range shrinking {
		receivedGenerated(ex)
	}
	if err != nil {
		Fail(err.Error())
	}
	if f := res.Failure; f != nil {
		v := VerdictOn(check, failing)
		for _, p := range f.Problems {
			v.Expect(false, kinds[p], "%s", p)
		}
		v.Expect(false, suite.KindGenerated, "the smallest failing body of %d generated (seed %d, AUTOSHARES_SEED=%d replays them; body %d of them failed first): %s",
			n, seed, seed, f.Index+1, f.Case.Describe())
		Conclude(v)
	} else {
		Conclude(VerdictOn(check, nil)) // every generated body was answered as its class must be
	}
}

// receivedGenerated is received for a generated body's exchange, whose transport failure
// is a failure of its body (to be shrunk), not of the spec there and then.
func receivedGenerated(ex *client.Exchange) {
	GinkgoHelper()
	if ex.Err != nil {
		LogExchange(ex)
		return
	}
	Received(ex)
}

var _ = Describe("Generated bodies from the request schemas", Label("negative", "generated"), LongSpec, func() {

	It("step 1: broken bodies are refused with a 4xx, unusual ones never get a 5xx", Label("step1"),
		NegativeChecks(catalogue.Step1GeneratedAnsweredByClass), func(ctx SpecContext) {
			generated(ctx, catalogue.Step1GeneratedAnsweredByClass, http.MethodPost, client.PathResetPassword, "reset-password.request.schema.json",
				map[string]string{"User": suite.RandomSecret("unknown-trader-"), "SecretQuestionAnswer": "Elm Street"})
		})

	It("step 3: broken bodies are refused with a 4xx, unusual ones never get a 5xx", Label("step3"),
		NegativeChecks(catalogue.Step3GeneratedAnsweredByClass), func(ctx SpecContext) {
			req := resetCode(suite.FillerCode())
			generated(ctx, catalogue.Step3GeneratedAnsweredByClass, req.Method, req.Path, req.Schema, req.Body.(map[string]string))
		})

	It("step 4: broken bodies are refused with a 4xx, unusual ones never get a 5xx", Label("step4"),
		NegativeChecks(catalogue.Step4GeneratedAnsweredByClass), func(ctx SpecContext) {
			pw := NewPassword()
			generated(ctx, catalogue.Step4GeneratedAnsweredByClass, http.MethodPut, client.PathUpdatePassword, "update-password.request.schema.json",
				map[string]string{"Token": randomGUID(), "Password": pw, "PasswordConfirmation": pw})
		})
})
