package suite

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// A reset must not log the user in (OWASP Forgot Password Cheat Sheet, User Resets
// Password): step 4's success carries no session. What a session looks like in a reply,
// whatever the deployment's framework: a session or authentication cookie, a token header,
// a token field, or a token-looking value anywhere in the body.

// sessionFields are body property names (lower case, without '_' and '-') that carry a
// session or its token.
var sessionFields = []string{"token", "accesstoken", "refreshtoken", "idtoken", "authtoken",
	"sessiontoken", "sessionid", "session", "jwt", "bearer", "bearertoken", "authorization"}

// sessionCookie matches the names of session and authentication cookies (ASP.NET's
// .AspNetCore.Cookies and .ASPXAUTH, JSESSIONID, PHPSESSID, connect.sid, "auth_token"...);
// a load balancer's affinity cookie (AWSALB, ARRAffinity) is none of them.
var sessionCookie = regexp.MustCompile(`(?i)sess|sid|auth|token|jwt|identity|login|remember|aspnet`)

// sessionHeader matches response header names that hand out a token.
var sessionHeader = regexp.MustCompile(`(?i)^(authorization|x-[\w-]*token[\w-]*|[\w-]*-token|x-session[\w-]*)$`)

// tokenLike is a value shaped like a session token: 20 or more characters of the token
// alphabets (hex, base64, base64url, a JWT's dots), no spaces, letters and digits both.
var tokenLike = regexp.MustCompile(`^[A-Za-z0-9+/=_.\-]{20,}$`)

// SessionFound is one place a reply hands out a session: where (never the value) and the
// value, for the caller's redactor.
type SessionFound struct {
	Where, Value string
}

// SessionsIn lists the places a reply hands out a session.
func SessionsIn(h http.Header, body []byte) []SessionFound {
	var out []SessionFound
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if sessionCookie.MatchString(c.Name) && !antiForgery(c.Name) && c.Value != "" && c.MaxAge >= 0 {
			out = append(out, SessionFound{fmt.Sprintf("Set-Cookie %s", c.Name), c.Value})
		}
	}
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if sessionHeader.MatchString(k) && !antiForgery(k) && strings.TrimSpace(h.Get(k)) != "" {
			out = append(out, SessionFound{"header " + k, h.Get(k)})
		}
	}
	var v any
	if json.Unmarshal(body, &v) == nil {
		walkSession(v, "", false, &out)
	}
	return out
}

// walkSession finds, under the JSON Pointer at, the non-empty values of session fields
// (named) and token-looking strings anywhere.
func walkSession(v any, at string, named bool, out *[]SessionFound) {
	switch t := v.(type) {
	case string:
		switch {
		case named && strings.TrimSpace(t) != "":
			*out = append(*out, SessionFound{"body " + at + " (a session field)", t})
		case looksLikeToken(t):
			*out = append(*out, SessionFound{"body " + at + " (a token-looking value)", t})
		}
	case []any:
		for i, e := range t {
			walkSession(e, fmt.Sprintf("%s/%d", at, i), named, out)
		}
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			n := strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(k))
			walkSession(t[k], at+"/"+strings.NewReplacer("~", "~0", "/", "~1").Replace(k), slices.Contains(sessionFields, n), out)
		}
	}
}

// antiForgery: a CSRF token (XSRF-TOKEN, X-CSRF-Token) guards a form, it logs nobody in.
func antiForgery(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "csrf") || strings.Contains(n, "xsrf") || strings.Contains(n, "antiforgery")
}

func looksLikeToken(s string) bool {
	return tokenLike.MatchString(s) && strings.ContainsAny(s, "0123456789") &&
		strings.IndexFunc(s, func(r rune) bool { return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' }) >= 0
}

// NoSession: the reply hands out no session (its places named, never their values).
func (r Rules) NoSession(v *Verdict) *Verdict {
	for _, s := range SessionsIn(v.Exchange.ResponseHeader, v.Exchange.ResponseBody) {
		v.Expect(false, KindLoggedIn, "step 4 must not log the trader in: the reply hands out a session (%s)", s.Where)
	}
	return v
}
