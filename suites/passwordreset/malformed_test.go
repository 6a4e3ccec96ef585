package passwordreset

import (
	"fmt"
	. "github.com/autoshares/conformance/internal/framework"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/suite"
)

// A malformed body is the client's fault: a 4xx with a JSON error, never a 5xx (which
// tells clients to retry) and never a success, and nothing changes. The API is an ASP.NET
// one, whose model binding is lenient in known ways; these specs allow exactly that
// leniency (docs/NEGATIVE.md).

// brokenBodies are the structurally broken variants of a valid body: not JSON, not an
// object, empty, and each property of the valid body missing, null, empty, an object or an
// array.
func brokenBodies(valid map[string]any) []struct {
	what string
	body []byte
} {
	type b = struct {
		what string
		body []byte
	}
	out := []b{
		{"a body that is not JSON", []byte("User=trader&Code=123456")},
		{"a truncated JSON object", []byte(`{"Token": "`)},
		{"a JSON array", []byte(`[{}]`)},
		{"an empty body", []byte{}},
		{"an empty JSON object", []byte(`{}`)},
	}
	for _, name := range slices.Sorted(maps.Keys(valid)) { // a fixed order: failures name the same body every run
		v := valid[name]
		with := func(x any) []byte {
			m := map[string]any{}
			for k, val := range valid {
				m[k] = val
			}
			m[name] = x
			return jsonOf(m)
		}
		without := map[string]any{}
		for k, val := range valid {
			if k != name {
				without[k] = val
			}
		}
		out = append(out,
			b{name + " missing", jsonOf(without)},
			b{name + " null", with(nil)},
			b{name + ` ""`, with("")},
			b{name + " an object", with(map[string]any{"value": v})},
			b{name + " an array", with([]any{v})},
		)
	}
	return out
}

// endpointBodies: the three endpoints that take a body, each with a valid body built for
// the spec (step 4's with the spec's trader's token, so a target that acts on a broken
// body changes something the spec then sees).
type endpointBody struct {
	step, method, path string
	valid              map[string]any
}

func bodyEndpoints(token, password string) []endpointBody {
	return []endpointBody{
		{"step 1", http.MethodPost, client.PathResetPassword, map[string]any{"User": suite.RandomSecret("unknown-trader-")}},
		{"step 3", http.MethodPost, step3Path(), step3Body(suite.FillerCode())},
		{"step 4", http.MethodPut, client.PathUpdatePassword, step4Body(token, password, password)},
	}
}

var _ = Describe("Malformed request bodies on steps 1, 3 and 4", Label("negative", "step1", "step3", "step4", "malformed"), func() {

	It("refuses structurally broken bodies with a 4xx and a JSON error, and changes nothing", LongSpec,
		NegativeChecks(catalogue.BodyMalformedRefused), func(ctx SpecContext) {
			trader := Given(ctx, states.ValidToken)
			pw := NewPassword()
			var bodies []Labelled
			for _, e := range bodyEndpoints(trader["Token"], pw) {
				for _, b := range brokenBodies(e.valid) {
					bodies = append(bodies, Labelled{What: fmt.Sprintf("%s with %s", e.step, b.what), Req: rawBody(e.method, e.path, b.body, "")})
				}
			}
			for i, ex := range SendLabelled(ctx, bodies) {
				expectRefused(ex, catalogue.BodyMalformedRefused, bodies[i].What)
			}
			ExpectPasswordUnchanged(ctx, catalogue.BodyMalformedRefused, trader["User"], trader["Password"], pw)
			ExpectSuccess(Send(ctx, updatePassword(trader["Token"], pw, pw)), catalogue.BodyMalformedRefused, updatePasswordResponseSchema)
		})

	It("binds a number where a string belongs as its string form, or refuses it; never a 5xx",
		NegativeChecks(catalogue.BodyNumberAsStringBound), func(ctx SpecContext) {
			trader := Given(ctx, states.ValidToken)
			var bodies []Labelled
			for _, e := range bodyEndpoints(trader["Token"], "")[:2] {
				for _, name := range slices.Sorted(maps.Keys(e.valid)) {
					for _, v := range []any{123456789, true} {
						m := maps.Clone(e.valid)
						m[name] = v
						bodies = append(bodies, Labelled{What: fmt.Sprintf("%s with %s %v", e.step, name, v), Req: rawBody(e.method, e.path, jsonOf(m), "")})
					}
				}
			}
			for i, ex := range SendLabelled(ctx, bodies) {
				expectNoServerError(ex, catalogue.BodyNumberAsStringBound, bodies[i].What)
			}
			// Step 4, where the effect shows: a numeric password is the password of its digits.
			n := 100_000_000 + rand.IntN(900_000_000)
			digits := fmt.Sprint(n)
			World.Secrets.Add(digits)
			ex := Send(ctx, rawBody(http.MethodPut, client.PathUpdatePassword, jsonOf(step4Body(trader["Token"], n, n)), ""))
			if !succeeded(ex) {
				expectRefused(ex, catalogue.BodyNumberAsStringBound, "step 4 with a numeric Password")
				ExpectPasswordUnchanged(ctx, catalogue.BodyNumberAsStringBound, trader["User"], trader["Password"], digits)
				NotChecked(catalogue.BodyNumberAsStringBound, "the target refuses a numeric password (allowed)")
				return
			}
			ExpectSuccess(ex, catalogue.BodyNumberAsStringBound, updatePasswordResponseSchema)
			ExpectLoginSucceeds(ctx, catalogue.BodyNumberAsStringBound, trader["User"], digits, "with the digits of the numeric password step 4 accepted")
		})

	It("binds property names case-insensitively: a name in other letter case is not a missing field",
		NegativeChecks(catalogue.BodyPropertyNamesCaseInsensitive), func(ctx SpecContext) {
			trader := Given(ctx, states.PendingCode)
			body := map[string]any{"code": trader["Code"]}
			if World.Cfg.Flow.Step3Path == client.Step3ETNA {
				body["IDENTIFIER"] = "ResetPassword"
			}
			token := expectToken(Send(ctx, rawBody(http.MethodPost, step3Path(), jsonOf(body), "")), catalogue.BodyPropertyNamesCaseInsensitive)
			pw := NewPassword()
			ex := Send(ctx, rawBody(http.MethodPut, client.PathUpdatePassword, jsonOf(map[string]any{"token": token, "PASSWORD": pw, "passwordConfirmation": pw}), ""))
			ExpectSuccess(ex, catalogue.BodyPropertyNamesCaseInsensitive, updatePasswordResponseSchema)
			ExpectLoginSucceeds(ctx, catalogue.BodyPropertyNamesCaseInsensitive, trader["User"], pw, "with the password set by a body with other-case property names")
		})

	It("answers a JSON body sent as text/plain with a 4xx or by processing it; never a 5xx",
		NegativeChecks(catalogue.BodyTextPlainNotServerError), func(ctx SpecContext) {
			trader := Given(ctx, states.ValidToken)
			pw := NewPassword()
			var bodies []Labelled
			for _, e := range bodyEndpoints(trader["Token"], pw) {
				bodies = append(bodies, Labelled{What: e.step + " with a JSON body labelled text/plain", Req: rawBody(e.method, e.path, jsonOf(e.valid), "text/plain; charset=utf-8")})
			}
			var ex *client.Exchange
			for i, x := range SendLabelled(ctx, bodies) {
				ex = x
				expectNoServerError(ex, catalogue.BodyTextPlainNotServerError, bodies[i].What)
			}
			// ex is step 4's: processed means the password changed, refused means it did not.
			if succeeded(ex) {
				ExpectLoginSucceeds(ctx, catalogue.BodyTextPlainNotServerError, trader["User"], pw, "with the password of the text/plain update the target processed")
			} else {
				ExpectPasswordUnchanged(ctx, catalogue.BodyTextPlainNotServerError, trader["User"], trader["Password"], pw)
			}
		})

	It("refuses a body over the size bound and changes nothing", Label("size"),
		NegativeChecks(catalogue.BodySizeBounded), func(ctx SpecContext) {
			limit := World.Cfg.Negative.MaxBodyBytes
			if limit == 0 {
				SkipFor("", "AUTOSHARES_MAX_BODY_BYTES=0: the body size bound is not checked")
			}
			trader := Given(ctx, states.ValidToken)
			pw := NewPassword()
			var bodies []Labelled
			for _, e := range bodyEndpoints(trader["Token"], pw) {
				// A valid body, padded past the bound with a property the API ignores: only the
				// size is wrong, so a target without a bound would act on it.
				m := map[string]any{"Padding": strings.Repeat("x", limit)}
				for k, v := range e.valid {
					m[k] = v
				}
				body := jsonOf(m)
				bodies = append(bodies, Labelled{What: fmt.Sprintf("%s with a %d-byte body (AUTOSHARES_MAX_BODY_BYTES=%d)", e.step, len(body), limit), Req: rawBody(e.method, e.path, body, "")})
			}
			for i, ex := range SendLabelled(ctx, bodies) {
				expectRefused(ex, catalogue.BodySizeBounded, bodies[i].What)
			}
			ExpectPasswordUnchanged(ctx, catalogue.BodySizeBounded, trader["User"], trader["Password"], pw)
		})
})
