package suite

import (
	"net/http"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
)

func withHeaders(kv ...string) *Verdict {
	h := http.Header{}
	for i := 0; i < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return For(catalogue.Check{ID: "x"}, &client.Exchange{Status: 200, ResponseHeader: h})
}

func problems(v *Verdict) string { return strings.Join(v.Texts(), "\n") }

func TestSecurityHeaderRules(t *testing.T) {
	var r Rules
	const year = 31536000
	for _, tc := range []struct {
		name string
		v    *Verdict
		want string // "" = passes
	}{
		{"nosniff", r.Nosniff(withHeaders("X-Content-Type-Options", "nosniff")), ""},
		{"nosniff any case", r.Nosniff(withHeaders("x-content-type-options", "NoSniff")), ""},
		{"no nosniff", r.Nosniff(withHeaders()), "X-Content-Type-Options: expected nosniff, got none"},
		{"other value", r.Nosniff(withHeaders("X-Content-Type-Options", "sniff")), "expected nosniff"},
		{"repeated by a gateway", r.Nosniff(withHeaders("X-Content-Type-Options", "nosniff, nosniff")), ""},
		{"first value decides", r.Nosniff(withHeaders("X-Content-Type-Options", "sniff, nosniff")), "expected nosniff"},
		{"hsts a year", r.HSTS(withHeaders("Strict-Transport-Security", "max-age=31536000"), year), ""},
		{"hsts hardened", r.HSTS(withHeaders("Strict-Transport-Security", `max-age="63072000"; includeSubDomains; preload`), year), ""},
		{"hsts upper case", r.HSTS(withHeaders("Strict-Transport-Security", "includeSubDomains; MAX-AGE=31536000"), year), ""},
		{"hsts missing", r.HSTS(withHeaders(), year), "Strict-Transport-Security: missing"},
		{"hsts short", r.HSTS(withHeaders("Strict-Transport-Security", "max-age=86400"), year), "max-age=86400 is less than 31536000"},
		{"hsts no age", r.HSTS(withHeaders("Strict-Transport-Security", "includeSubDomains"), year), "no max-age"},
		{"hsts twice", r.HSTS(withHeaders("Strict-Transport-Security", "max-age=1; max-age=31536000"), year), "given twice"},
		{"hsts first field counts", r.HSTS(withHeaders("Strict-Transport-Security", "max-age=0", "Strict-Transport-Security", "max-age=31536000"), year), "max-age=0"},
		{"bare server", r.NoVersions(withHeaders("Server", "nginx", "X-Powered-By", "Express")), ""},
		{"iis", r.NoVersions(withHeaders("Server", "Microsoft-IIS/10.0")), `Server: "Microsoft-IIS/10.0" names the version`},
		{"powered by", r.NoVersions(withHeaders("X-Powered-By", "ASP.NET 4.0.30319")), "X-Powered-By"},
		{"aspnet", r.NoVersions(withHeaders("X-AspNet-Version", "4.0.30319")), "X-AspNet-Version"},
		{"php", r.NoVersions(withHeaders("X-Powered-By", "PHP/8")), "X-Powered-By"},
		{"cors none", r.CORS(withHeaders(), "https://attacker.invalid", "GET"), ""},
		{"cors allowlist", r.CORS(withHeaders("Access-Control-Allow-Origin", "https://app.example", "Access-Control-Allow-Credentials", "true"), "https://attacker.invalid", "GET"), ""},
		{"cors star no creds", r.CORS(withHeaders("Access-Control-Allow-Origin", "*"), "https://attacker.invalid", "GET"), ""},
		{"cors reflected no creds", r.CORS(withHeaders("Access-Control-Allow-Origin", "https://attacker.invalid"), "https://attacker.invalid", "GET"), ""},
		{"cors reflected", r.CORS(withHeaders("Access-Control-Allow-Origin", "https://attacker.invalid", "Access-Control-Allow-Credentials", "true"), "https://attacker.invalid", "GET"), "allows the foreign origin"},
		{"cors star creds", r.CORS(withHeaders("Access-Control-Allow-Origin", "*", "Access-Control-Allow-Credentials", "TRUE"), "https://attacker.invalid", "GET"), "allows the foreign origin"},
	} {
		if got := problems(tc.v); (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: want %q, got %q", tc.name, tc.want, got)
		}
	}
}
