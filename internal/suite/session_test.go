package suite

import (
	"net/http"
	"strings"
	"testing"
)

func TestSessionsIn(t *testing.T) {
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			out.Add(kv[i], kv[i+1])
		}
		return out
	}
	const envelope = `{"Errors":[],"ErrorsCode":[],"StatusCode":"OK","IsSucceed":true,"Model":null}`
	cases := []struct {
		name   string
		header http.Header
		body   string
		want   []string // the places found, in order
	}{
		{"the documented success", h("Content-Type", "application/json"), envelope, nil},
		{"a load balancer's affinity cookie and a CSRF cookie", h("Set-Cookie", "AWSALB=abc123; Path=/", "Set-Cookie", "XSRF-TOKEN=q1w2e3r4t5y6u7i8o9p0; Path=/"), envelope, nil},
		{"a logout cookie", h("Set-Cookie", ".AspNetCore.Cookies=; Max-Age=0"), envelope, nil},
		{"a session cookie", h("Set-Cookie", ".AspNetCore.Cookies=CfDJ8abc; Path=/; HttpOnly"), envelope, []string{"Set-Cookie .AspNetCore.Cookies"}},
		{"a token header", h("X-Auth-Token", "abc"), envelope, []string{"header X-Auth-Token"}},
		{"a Model token", nil, `{"IsSucceed":true,"Model":{"Token":"00ff"}}`, []string{"body /Model/Token (a session field)"}},
		{"an access_token", nil, `{"access_token":"x","refresh-token":"y"}`, []string{"body /access_token (a session field)", "body /refresh-token (a session field)"}},
		{"a JWT under another name", nil, `{"Model":{"Value":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-123"}}`, []string{"body /Model/Value (a token-looking value)"}},
		{"words, a URL and an empty token", nil, `{"Message":"Password changed successfully","Next":"https://example.test/login","Token":""}`, nil},
	}
	for _, c := range cases {
		var got []string
		for _, s := range SessionsIn(c.header, []byte(c.body)) {
			got = append(got, s.Where)
			if s.Value == "" {
				t.Errorf("%s: %s: no value for the redactor", c.name, s.Where)
			}
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%s: found %q, want %q", c.name, got, c.want)
		}
	}
}
