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

// hstsNotCheckedWhy says why the HSTS check is not made in this run, or "" when it is.
func hstsNotCheckedWhy() string {
	switch {
	case World.Cfg.Security.HSTSMinAge == 0:
		return "AUTOSHARES_HSTS_MIN_AGE=0 turns it off"
	case !strings.HasPrefix(World.API.BaseURL, "https://"):
		return "the target is http, not https: Strict-Transport-Security applies to https responses only (RFC 6797 7.2), so an http run cannot show ASVS 3.4.1; run against the https deployment"
	}
	return ""
}

// The spec also carries the header checks' own labels: they are judged on every exchange,
// and LABELS=asvs-3.4.4 (or https, asvs-4.1.1) runs at least this spec, whose exchanges go
// to every endpoint, and which says why HSTS is not checked when it is not.
var _ = Describe("Security: CORS allows no foreign origin with credentials (ASVS 3.4.2)",
	Label("security", "headers", "cors", "https", "asvs-3.4.1", "asvs-3.4.4", "asvs-13.4.6", "asvs-4.1.1"), func() {

		It("answers a foreign Origin, in simple requests and preflights on every endpoint, without allowing it with credentials",
			Label("step1", "step2", "step3", "step4", "login"), Checks(catalogue.SecurityHeadersCors), func(ctx SpecContext) {
				if why := hstsNotCheckedWhy(); why != "" {
					NotChecked(catalogue.SecurityHeadersHsts, why)
				}
				Given(ctx, states.NoSuchUser)
				origin := World.Cfg.Security.CORSOrigin
				pw := NewPassword()
				var reqs []client.Request
				for _, r := range []client.Request{
					client.ResetPassword(suite.RandomSecret("unknown-trader-"), ""),
					client.SecretQuestion(suite.RandomSecret("unknown-trader-")),
					resetCode(suite.FillerCode()),
					updatePassword(randomGUID(), pw, pw),
					client.Login(suite.RandomSecret("unknown-trader-"), NewPassword()),
				} {
					simple := r
					simple.Header = r.Header.Clone()
					if simple.Header == nil {
						simple.Header = http.Header{}
					}
					simple.Header.Set("Origin", origin)
					// A browser's preflight carries neither the body nor the app key: it asks
					// whether the real request, with them, may be sent.
					preflight := client.Request{Method: http.MethodOptions, Path: r.Path, Query: r.Query, OmitAppKey: true,
						Header: http.Header{"Origin": {origin}, "Access-Control-Request-Method": {r.Method},
							"Access-Control-Request-Headers": {strings.ToLower(client.HeaderAppKey) + ", content-type"}}}
					reqs = append(reqs, simple, preflight)
				}
				for _, ex := range SendAll(ctx, reqs) {
					what := ex.Method + " " + strings.TrimPrefix(ex.URL, World.API.BaseURL)
					if ex.Method == http.MethodOptions {
						what = "the preflight of " + ex.RequestHeader.Get("Access-Control-Request-Method") + " " + strings.TrimPrefix(ex.URL, World.API.BaseURL)
					}
					Conclude(World.Rules.CORS(VerdictOn(catalogue.SecurityHeadersCors, ex), origin, what))
				}
			})
	})
