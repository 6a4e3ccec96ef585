package suite_test

import (
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/suite"
)

// What ASP.NET Core answers a body it cannot bind, before any application code runs.
const aspNetProblem = `{"type": "https://tools.ietf.org/html/rfc9110#section-15.5.1", "title": "One or more validation errors occurred.",
	"status": 400, "errors": {"$": ["'U' is an invalid start of a value."]}, "traceId": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}`

// RFC 9457 problem details are a JSON error wherever a framework-level refusal is accepted
// (Refused, NotServerError), with or without their optional members and extensions.
func TestProblemDetailsAreAJSONRefusal(t *testing.T) {
	r := rules(t)
	for _, c := range []struct {
		status int
		body   string
	}{
		{400, aspNetProblem},
		{413, `{"title": "Request body too large.", "status": 413}`},
		{415, `{"type": "about:blank", "title": "Unsupported Media Type", "status": 415, "instance": "/api/v1.0/users/passwords/reset/"}`},
		{400, `{}`}, // every member is optional
	} {
		ex := reply(c.status, "application/problem+json; charset=utf-8", c.body)
		if v := r.Refused(suite.For(check, ex), "x"); !v.OK() {
			t.Errorf("Refused(%d %s): %q", c.status, c.body, v.Problems)
		}
		if v := r.NotServerError(suite.For(check, ex), "x"); !v.OK() {
			t.Errorf("NotServerError(%d %s): %q", c.status, c.body, v.Problems)
		}
	}
}

// Problem details do not excuse what a refusal must not be: a 5xx, a body that is not an
// object, members of the wrong type, a status that contradicts the response's; nor does an
// HTML page pass as a refusal.
func TestProblemDetailsStillJudged(t *testing.T) {
	r := rules(t)
	for _, c := range []struct {
		status      int
		contentType string
		body, want  string
	}{
		{500, "application/problem+json", `{"title": "boom", "status": 500}`, "expected a 4xx client error, got 500"},
		{400, "application/problem+json", `[{"title": "x"}]`, "must be a JSON object"},
		{400, "application/problem+json", `null`, "must be a JSON object"},
		{400, "application/problem+json", `<html>`, "must be a JSON object"},
		{400, "application/problem+json", `{"status": "400"}`, "/status"},
		{400, "application/problem+json", `{"title": 3}`, "/title"},
		{400, "application/problem+json", `{"type": "https://example.test/%zz"}`, "/type"},
		{400, "application/problem+json", `{"status": 404}`, "the problem details say 404, the response is 400"},
		{400, "text/html", `<html><body>Bad Request</body></html>`, `expected application/json or application/problem+json, got "text/html"`},
	} {
		v := r.Refused(suite.For(check, reply(c.status, c.contentType, c.body)), "x")
		if got := strings.Join(v.Texts(), "\n"); !strings.Contains(got, c.want) {
			t.Errorf("%d %s %s: want a problem with %q, got %q", c.status, c.contentType, c.body, c.want, v.Problems)
		}
	}
}

// The documented error envelope stays required where the docs give it: a documented
// business error or the app-key error in problem details fails.
func TestProblemDetailsDoNotReplaceTheDocumentedErrors(t *testing.T) {
	r := rules(t)
	v := suite.For(check, reply(400, "application/problem+json", aspNetProblem))
	r.Failure(v, "update-password.response.schema.json", config.CaseMismatch)
	if got := strings.Join(v.Texts(), "\n"); !strings.Contains(got, "Content-Type: expected application/json") {
		t.Errorf("a business error in problem details: problems = %q", v.Problems)
	}
	v = suite.For(check, reply(403, "application/problem+json", `{"title": "Forbidden", "status": 403}`))
	r.AppKeyError(v)
	if v.OK() {
		t.Error("an app-key error in problem details passed")
	}
}
