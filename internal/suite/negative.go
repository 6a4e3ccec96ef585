package suite

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"sort"
	"strings"

	"github.com/autoshares/conformance/internal/client"
)

// NoRedirect: a reset endpoint answers at its documented path. A 3xx is not an answer (and
// the suite never follows one, so the app key and passwords go nowhere else).
func (r Rules) NoRedirect(v *Verdict) *Verdict {
	ex := v.Exchange
	if ex.Status < 300 || ex.Status > 399 {
		return v
	}
	loc := ex.ResponseHeader.Get("Location")
	if loc == "" {
		loc = "(no Location header)"
	}
	return v.Expect(false, KindRedirect, "status: %d: the endpoint did not answer at its documented path; it redirects to %s (not followed: nothing was sent there)", ex.Status, loc)
}

// Carried is one secret value a request carried, and what it is.
type Carried struct {
	What  string // "app key", "password", "token", "code", "secret answer"
	Value string
	Field string // where the request carried it: "Et-App-Key header", "Password property"
}

// echoMinLength: shorter values are too likely to occur by chance ("Passwo" is in
// "Password"); every secret the suite makes is longer, and a confirmation code is 6 digits.
const echoMinLength = 6

// bodySecretFields maps the request body properties that hold a secret (matched
// case-insensitively, as the API binds them) to what they hold.
var bodySecretFields = map[string]string{
	"password": "password", "passwordconfirmation": "password", "token": "token",
	"code": "code", "secretquestionanswer": "secret answer",
}

// CarriedSecrets lists the secrets the exchange's request carried: the Et-App-Key and
// Password headers and the secret properties of a JSON body.
func CarriedSecrets(header http.Header, body []byte) []Carried {
	var out []Carried
	add := func(what, v, field string) {
		if len(v) >= echoMinLength {
			out = append(out, Carried{What: what, Value: v, Field: field})
		}
	}
	add("app key", header.Get("Et-App-Key"), "Et-App-Key header")
	add("password", header.Get("Password"), "Password header")
	// Only the secret properties' values are decoded: the others may be large (the size
	// bound check pads a body past 1 MiB), and decoding them would cost for nothing.
	var props map[string]json.RawMessage
	if json.NewDecoder(bytes.NewReader(body)).Decode(&props) == nil {
		for k, raw := range props {
			what, ok := bodySecretFields[strings.ToLower(k)]
			if !ok {
				continue
			}
			var val any
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.UseNumber() // a code or password sent as a number is echoed as its digits
			if dec.Decode(&val) == nil {
				for _, s := range scalars(val) {
					add(what, s, k+" property")
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].What < out[j].What })
	return out
}

// scalars are the strings and numbers of a JSON value, inside arrays and objects too (a
// secret wrapped in a list is still carried).
func scalars(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case json.Number:
		return []string{t.String()}
	case []any:
		var out []string
		for _, e := range t {
			out = append(out, scalars(e)...)
		}
		return out
	case map[string]any:
		var out []string
		for _, e := range t {
			out = append(out, scalars(e)...)
		}
		return out
	}
	return nil
}

// Echo is a carried secret found in the response.
type Echo struct {
	Carried
	Where string // "body", or "header <Name>"
}

// Echoes finds every carried secret of the exchange in its response body and headers. A
// JSON body is also read with its strings decoded (as InternalsProblems does): an encoder
// may write a secret's characters as \uXXXX escapes (ASP.NET's System.Text.Json does for
// every non-ASCII one), which the raw bytes do not show.
func Echoes(v *Verdict) []Echo {
	ex := v.Exchange
	var out []Echo
	decoded := ""
	var doc any
	if json.Unmarshal(ex.ResponseBody, &doc) == nil {
		var b strings.Builder
		jsonStrings(doc, &b)
		decoded = b.String()
	}
	for _, c := range CarriedSecrets(ex.RequestHeader, ex.RequestBody) {
		if carries(string(ex.ResponseBody), c) || decoded != "" && carries(decoded, c) {
			out = append(out, Echo{c, "body"})
		}
		names := make([]string, 0, len(ex.ResponseHeader))
		for name := range ex.ResponseHeader {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if carries(strings.Join(ex.ResponseHeader[name], "\n"), c) {
				out = append(out, Echo{c, "header " + name})
			}
		}
	}
	return out
}

// carries reports whether text holds the secret. A code (a few digits) counts only as a
// whole word: inside a longer run of letters and digits, such as a new GUID token, six
// given digits turn up by chance about once in 600 000 tokens.
func carries(text string, c Carried) bool {
	if c.What != "code" {
		return strings.Contains(text, c.Value)
	}
	for i := 0; ; {
		j := strings.Index(text[i:], c.Value)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(c.Value)
		if (start == 0 || !isAlnum(text[start-1])) && (end == len(text) || !isAlnum(text[end])) {
			return true
		}
		i = start + 1
	}
}

func isAlnum(b byte) bool {
	return '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

// NoEcho: no response carries back a secret of the given kinds that its request carried
// (a reflected secret ends up in logs, caches and error trackers). The problem names the
// field that carried it, never the value.
func (r Rules) NoEcho(v *Verdict, kinds ...string) *Verdict {
	for _, e := range Echoes(v) {
		for _, k := range kinds {
			if e.What == k {
				v.Expect(false, KindEcho, "%s: carries back the %s the request sent (in its %s)", e.Where, e.What, e.Field)
			}
		}
	}
	return v
}

// Refused: a malformed request is refused as the client's fault, and says so in JSON: a
// 4xx (not a 2xx, not a 5xx), a JSON Content-Type, and either the error envelope
// (IsSucceed false), the API's documented validation shape {"Message", "ModelState"}, or
// RFC 9457 problem details (what a framework answers before the application runs).
func (r Rules) Refused(v *Verdict, what string) *Verdict {
	ex := v.Exchange
	v.Expect(ex.Status >= 400 && ex.Status < 500, KindStatus, "status: %s: expected a 4xx client error, got %d%s", what, ex.Status, StatusHint(ex.Status))
	return r.jsonError(v, what)
}

// NotServerError: like Refused, but a request the API may also process (a JSON body
// labelled text/plain) may get a 2xx; never a 5xx.
func (r Rules) NotServerError(v *Verdict, what string) *Verdict {
	ex := v.Exchange
	v.Expect(ex.Status < 500, KindStatus, "status: %s: expected a 4xx or a processed request, got %d%s", what, ex.Status, StatusHint(ex.Status))
	if ex.Status >= 400 {
		r.jsonError(v, what)
	}
	return v
}

// ProblemJSON is the media type of RFC 9457 problem details.
const ProblemJSON = "application/problem+json"

// problemDetailsSchema is RFC 9457's object, in schemas/.
const problemDetailsSchema = "problem-details.schema.json"

// jsonError: a framework-level refusal in JSON, in one of the shapes a client can read.
func (r Rules) jsonError(v *Verdict, what string) *Verdict {
	ex := v.Exchange
	ct := ex.ResponseHeader.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && mt == ProblemJSON {
		return r.problemDetails(v, what)
	}
	if err != nil || mt != "application/json" {
		return v.Expect(false, KindContentType, "Content-Type: %s: expected application/json or %s, got %q", what, ProblemJSON, ct)
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(ex.ResponseBody, &body); err != nil {
		return v.Expect(false, KindBody, "body: %s: expected a JSON object, got %v", what, err)
	}
	_, hasMessage := body["Message"]
	if _, hasEnvelope := body["IsSucceed"]; hasEnvelope {
		var env Envelope
		_ = json.Unmarshal(ex.ResponseBody, &env)
		v.Expect(string(env.IsSucceed) == "false", KindIsSucceed, "IsSucceed: %s: expected false, got %s", what, OrMissing(env.IsSucceed))
		v.Expect(len(env.Errors) > 0, KindErrors, "Errors: %s: expected at least one message, got none", what)
		return v
	}
	return v.Expect(hasMessage, KindBody, "body: %s: expected the error envelope or {\"Message\", \"ModelState\"}, got %s", what, cutBody(ex.ResponseBody))
}

// IsProblemDetails reports whether the response says it is RFC 9457 problem details.
func IsProblemDetails(ex *client.Exchange) bool {
	mt, _, err := mime.ParseMediaType(ex.ResponseHeader.Get("Content-Type"))
	return err == nil && mt == ProblemJSON
}

// problemDetails: an RFC 9457 body is a JSON object whose standard members have their
// defined types (extensions such as errors and traceId are allowed), and whose status, if
// given, is the response's own (RFC 9457 section 3.1.3).
func (r Rules) problemDetails(v *Verdict, what string) *Verdict {
	ex := v.Exchange
	var body map[string]json.RawMessage
	if err := json.Unmarshal(ex.ResponseBody, &body); err != nil || body == nil {
		return v.Expect(false, KindBody, "body: %s: %s must be a JSON object (RFC 9457), got %s", what, ProblemJSON, cutBody(ex.ResponseBody))
	}
	if err := r.Schemas.Validate(problemDetailsSchema, ex.ResponseBody); err != nil {
		return v.Expect(false, KindSchema, "body: %s: %v", what, err)
	}
	var pd struct {
		Status *int `json:"status"`
	}
	_ = json.Unmarshal(ex.ResponseBody, &pd) // the schema has made sure status is an integer
	if pd.Status != nil {
		v.Expect(*pd.Status == ex.Status, KindStatus, "status: %s: the problem details say %d, the response is %d", what, *pd.Status, ex.Status)
	}
	return v
}

// Step1Success: step 1's success is a 2xx (the configured status), the schema and an empty
// Errors; IsSucceed must be a boolean, and true only when required (the documentation's
// own success example says false).
func (r Rules) Step1Success(v *Verdict, schemaName string, requireIsSucceed bool) Envelope {
	return r.success(v, schemaName, requireIsSucceed)
}

func cutBody(b []byte) string {
	const n = 200
	if len(b) > n {
		return fmt.Sprintf("%q…", b[:n])
	}
	return fmt.Sprintf("%q", b)
}
