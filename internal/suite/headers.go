package suite

// Judgements of the security response headers every exchange gets (ASVS 3.4.1, 3.4.4,
// 13.4.6) and of the CORS grant to a foreign origin (ASVS 3.4.2).

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The kinds of the header problems (kept beside their judgements so parallel additions to
// the list in verdict.go do not collide).
const (
	KindNosniff  = "nosniff"  // no X-Content-Type-Options: nosniff
	KindHSTS     = "hsts"     // no or too short Strict-Transport-Security
	KindVersions = "versions" // a header names a backend component's version
	KindCORS     = "cors"     // a foreign origin is allowed with credentials
)

// Nosniff: the response says X-Content-Type-Options: nosniff, as a browser reads it (the
// Fetch standard's "determine nosniff": the header's first value, any letter case), so a
// gateway that repeats the provider's header ("nosniff, nosniff") passes.
func (r Rules) Nosniff(v *Verdict) *Verdict {
	got := v.Exchange.ResponseHeader.Values("X-Content-Type-Options")
	first := ""
	if len(got) > 0 {
		first, _, _ = strings.Cut(got[0], ",")
	}
	ok := strings.EqualFold(strings.TrimSpace(first), "nosniff")
	return v.Expect(ok, KindNosniff, "X-Content-Type-Options: expected nosniff, got %s", quoteOrMissing(got))
}

// HSTS: the response carries one Strict-Transport-Security whose max-age is at least
// minAge seconds. Other directives (includeSubDomains, preload) are welcome.
func (r Rules) HSTS(v *Verdict, minAge int) *Verdict {
	got := v.Exchange.ResponseHeader.Values("Strict-Transport-Security")
	if len(got) == 0 {
		return v.Expect(false, KindHSTS, "Strict-Transport-Security: missing on an https response (ASVS 3.4.1 asks max-age of at least %d seconds)", minAge)
	}
	// RFC 6797 6.1: a user agent processes only the first field.
	age, err := HSTSMaxAge(got[0])
	switch {
	case err != nil:
		v.Expect(false, KindHSTS, "Strict-Transport-Security: %q: %v", got[0], err)
	case age < minAge:
		v.Expect(false, KindHSTS, "Strict-Transport-Security: max-age=%d is less than %d seconds (AUTOSHARES_HSTS_MIN_AGE)", age, minAge)
	}
	return v
}

// HSTSMaxAge is the max-age of a Strict-Transport-Security value (RFC 6797 6.1: directive
// names in any case, the value a token or quoted string of digits, each directive once).
func HSTSMaxAge(value string) (int, error) {
	age, seen := -1, map[string]bool{}
	for _, part := range strings.Split(value, ";") {
		name, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		if seen[name] {
			return 0, fmt.Errorf("directive %s given twice (RFC 6797 makes the field invalid)", name)
		}
		seen[name] = true
		if name != "max-age" {
			continue
		}
		val = strings.Trim(strings.TrimSpace(val), `"`)
		n, err := strconv.ParseUint(val, 10, 63)
		if err != nil {
			return 0, fmt.Errorf("max-age %q is not a number of seconds", val)
		}
		age = int(min(n, 1<<31-1))
	}
	if age < 0 {
		return 0, fmt.Errorf("no max-age directive")
	}
	return age, nil
}

// versionHeaders are the fields in which backends and frameworks announce themselves.
var versionHeaders = []string{"Server", "X-Powered-By", "X-AspNet-Version", "X-AspNetMvc-Version"}

// versionNumber is a version in a product string: digits and a dot, or a product/digit
// ("nginx/1.25.3", "ASP.NET 4.0.30319", "Microsoft-IIS/10.0", "PHP/8").
var versionNumber = regexp.MustCompile(`\d+\.\d|/v?\d`)

// NoVersions: no field that names the backend carries a version number. A bare product
// name ("Server: nginx") passes.
func (r Rules) NoVersions(v *Verdict) *Verdict {
	for _, h := range versionHeaders {
		for _, val := range v.Exchange.ResponseHeader.Values(h) {
			v.Expect(!versionNumber.MatchString(val), KindVersions, "%s: %q names the version of a backend component (ASVS 13.4.6)", h, val)
		}
	}
	return v
}

// CORS: a response to a request from the foreign origin does not let that origin read it
// with credentials: Access-Control-Allow-Origin naming it, or "*", together with
// Access-Control-Allow-Credentials: true. (A browser refuses "*" with credentials anyway,
// but the pair says the server meant to allow every origin's credentialed reads.) what
// says which request it was.
func (r Rules) CORS(v *Verdict, origin, what string) *Verdict {
	h := v.Exchange.ResponseHeader
	allow := strings.TrimSpace(h.Get("Access-Control-Allow-Origin"))
	creds := strings.EqualFold(strings.TrimSpace(h.Get("Access-Control-Allow-Credentials")), "true")
	if !creds {
		return v
	}
	switch {
	case strings.EqualFold(allow, origin):
		v.Expect(false, KindCORS, "%s: Access-Control-Allow-Origin: %s with Access-Control-Allow-Credentials: true allows the foreign origin to read the answer with the user's credentials", what, allow)
	case allow == "*":
		v.Expect(false, KindCORS, "%s: Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true allows the foreign origin (any origin) credentialed reads", what)
	}
	return v
}

// quoteOrMissing shows a header's values, or says it is missing.
func quoteOrMissing(vals []string) string {
	if len(vals) == 0 {
		return "none"
	}
	return strconv.Quote(strings.Join(vals, ", "))
}
