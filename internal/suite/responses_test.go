package suite

import (
	"net/http"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
)

func answer(status int, body string, kv ...string) *Verdict {
	v := withHeaders(kv...)
	v.Exchange.Status, v.Exchange.ResponseBody = status, []byte(body)
	return v
}

func TestContentTypeMatches(t *testing.T) {
	var r Rules
	const env = `{"Errors":["Answer is incorrect, try again."],"IsSucceed":false}`
	for _, tc := range []struct {
		name string
		v    *Verdict
		want string // "" = passes
	}{
		{"json with charset", answer(400, env, "Content-Type", "application/json; charset=utf-8"), ""},
		{"json without charset", answer(400, env, "Content-Type", "application/json"), ""},
		{"json charset any case", answer(400, env, "Content-Type", "Application/JSON; Charset=UTF-8"), ""},
		{"problem details", answer(400, `{"title":"One or more validation errors occurred.","status":400}`, "Content-Type", "application/problem+json"), ""},
		{"framework text with charset", answer(400, "400 Bad Request", "Content-Type", "text/plain; charset=utf-8"), ""},
		{"html page with charset", answer(500, "<html><body>Server Error</body></html>", "Content-Type", "text/html; charset=utf-8"), ""},
		{"latin-1 text", answer(400, "Mauvaise requ\xeate", "Content-Type", "text/plain; charset=iso-8859-1"), ""},
		{"no body 204", answer(204, "", "Content-Type", "text/html"), ""},
		{"no body no type", answer(304, ""), ""},
		{"trace echo", answer(200, "TRACE /api/token HTTP/1.1\r\nHost: x\r\n\r\n", "Content-Type", "message/http"), ""},
		{"same type twice", answer(400, env, "Content-Type", "application/json", "Content-Type", "application/json"), ""},

		{"no content type", answer(400, env), "Content-Type: missing on a response with a body"},
		{"json as html", answer(405, env, "Content-Type", "text/html"), "labels a JSON body as text/html"},
		{"json as html names no charset", answer(405, env, "Content-Type", "text/html"), "names no charset"},
		{"json as text/plain", answer(400, env, "Content-Type", "text/plain; charset=utf-8"), "labels a JSON body as text/plain"},
		{"json as octet-stream", answer(400, env, "Content-Type", "application/octet-stream"), "labels a JSON body"},
		{"text without charset", answer(400, "Bad Request", "Content-Type", "text/plain"), "names no charset"},
		{"xml without charset", answer(400, "<error/>", "Content-Type", "application/xml"), "names no charset"},
		{"problem xml without charset", answer(400, "<problem/>", "Content-Type", "application/problem+xml"), "names no charset"},
		{"html as json", answer(500, "<html><body>Server Error</body></html>", "Content-Type", "application/json; charset=utf-8"), "labels a body that is not JSON"},
		{"json in latin-1", answer(400, env, "Content-Type", "application/json; charset=iso-8859-1"), "names charset iso-8859-1"},
		{"json not utf-8", answer(400, "{\"Errors\":[\"caf\xe9\"]}", "Content-Type", "application/json"), "not UTF-8"},
		{"text not utf-8", answer(400, "caf\xe9", "Content-Type", "text/plain; charset=utf-8"), "not UTF-8"},
		{"text not ascii", answer(400, "café", "Content-Type", "text/plain; charset=us-ascii"), "not US-ASCII"},
		{"not a media type", answer(400, env, "Content-Type", "json"), "is not a media type"},
		{"two types", answer(400, env, "Content-Type", "application/json", "Content-Type", "text/html"), "given 2 times"},
	} {
		if got := problems(r.ContentTypeMatches(tc.v)); (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: want %q, got %q", tc.name, tc.want, got)
		}
	}
}

func TestTraceRefused(t *testing.T) {
	var r Rules
	trace := func(status int, kv ...string) *Verdict {
		h := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			h.Add(kv[i], kv[i+1])
		}
		return For(catalogue.Check{ID: "x"}, &client.Exchange{Method: http.MethodTrace, URL: "http://127.0.0.1/api/token", Status: status, ResponseHeader: h})
	}
	for _, tc := range []struct {
		name string
		v    *Verdict
		want string
	}{
		{"405", trace(405, "Content-Type", "application/json; charset=utf-8"), ""},
		{"501", trace(501, "Content-Type", "text/plain; charset=utf-8"), ""},
		{"gateway 403", trace(403, "Content-Type", "text/html; charset=utf-8"), ""},
		{"app key error", trace(403, "Content-Type", "application/json"), ""},
		{"echoed", trace(200, "Content-Type", "message/http"), "expected a refusal"},
		{"echo is named", trace(200, "Content-Type", "message/http"), "answered message/http"},
		{"2xx without echo", trace(204), "got 204"},
		{"refused but echoed", trace(400, "Content-Type", "message/http"), "the request echoed back"},
	} {
		if got := problems(r.TraceRefused(tc.v)); (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: want %q, got %q", tc.name, tc.want, got)
		}
	}
}
