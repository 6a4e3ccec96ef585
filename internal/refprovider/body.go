package refprovider

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
)

// bodyField is one string property of a request body, bound the way ASP.NET Web API's
// JSON model binding binds a string property (see bind).
type bodyField struct {
	name     string // canonical (documented) property name
	required bool   // missing or null is refused (the handler reports empty values)

	value string
	set   bool // present with a non-null value
	// first is the first non-null value of a property the body repeats (value is the
	// last); only a fault reads it.
	first    string
	firstSet bool
}

// field returns a body field to bind; required ones feed the missing-field-500 fault only,
// handlers still report missing and empty values themselves.
func field(name string, required bool) *bodyField { return &bodyField{name: name, required: required} }

// integerLiteral is a JSON number without fraction or exponent.
var integerLiteral = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

// bodyProblem is why a body could not be bound, by class; faults and quirks answer some
// classes differently.
type bodyProblem int

const (
	bodyOK bodyProblem = iota
	bodyNotJSON
	bodyNotObject
	bodyWrongType
	bodyTooLarge
	bodyUnreadable
)

// bind reads r's body and binds the fields from a JSON object. On failure it answers the
// request itself (the refuseBody hook) and returns false. The rules, as ASP.NET binds a
// string property:
//   - property names match case-insensitively; unknown properties are ignored; a repeated
//     property takes its last value;
//   - an empty body or a JSON null is an empty object (every field missing);
//   - null leaves a field missing; a JSON string is taken exactly as sent;
//   - an integer is taken as its decimal text (12345678 -> "12345678"), a boolean as
//     "True" or "False" (.NET's Boolean.ToString); other numbers (fractions, exponents,
//     integers beyond 64 bits) are refused rather than imitate .NET's float formatting;
//   - an object or array where a string belongs is refused (400, ModelState names it);
//   - anything that is not one JSON object is refused (400, ModelState "resource");
//   - over MaxBodyBytes is refused with 413.
//
// The Content-Type is not checked: clients differ, and a JSON body labelled text/plain is
// processed as JSON.
func (s *Server) bind(w http.ResponseWriter, r *http.Request, fields ...*bodyField) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.hook.bodyLimit))
	if err != nil {
		if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
			s.hook.refuseBody(s, w, bodyTooLarge, http.StatusRequestEntityTooLarge, []problem{{code: "ErrorRequestTooLarge",
				msg: fmt.Sprintf("The request body exceeds %d bytes.", MaxBodyBytes)}})
			return false
		}
		s.hook.refuseBody(s, w, bodyUnreadable, http.StatusBadRequest,
			[]problem{{codeValidation, "The request body could not be read.", "resource"}})
		return false
	}
	if s.hook.beforeBind(s, w, r, body) {
		return false
	}
	kind, probs := s.bindJSON(body, fields)
	switch kind {
	case bodyNotJSON, bodyNotObject:
		s.hook.refuseBody(s, w, kind, http.StatusBadRequest,
			[]problem{{codeValidation, "The request body is not a valid JSON object.", "resource"}})
		return false
	case bodyWrongType:
		s.hook.refuseBody(s, w, kind, http.StatusBadRequest, probs)
		return false
	}
	return !s.hook.boundFields(s, w, fields)
}

// bindJSON binds body into fields; see bind for the rules.
func (s *Server) bindJSON(body []byte, fields []*bodyField) (bodyProblem, []problem) {
	if len(bytes.TrimSpace(body)) == 0 {
		return bodyOK, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	first, err := dec.Token()
	if err != nil {
		return bodyNotJSON, nil
	}
	switch first {
	case json.Delim('{'):
	case nil: // a JSON null: no model, as ASP.NET binds it
		if _, err := dec.Token(); err != io.EOF {
			return bodyNotJSON, nil
		}
		return bodyOK, nil
	default:
		// Other JSON values (arrays, strings, numbers) are JSON but not an object; the
		// rest of the body is not even read, so a syntax error later on does not matter.
		return bodyNotObject, nil
	}
	wrong := map[*bodyField]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return bodyNotJSON, nil
		}
		name, _ := t.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return bodyNotJSON, nil
		}
		f := s.matchField(fields, name)
		if f == nil {
			continue // unknown properties are ignored
		}
		raw = bytes.TrimSpace(raw)
		f.value, f.set, wrong[f] = "", false, false
		switch raw[0] {
		case '"':
			_ = json.Unmarshal(raw, &f.value) // valid: the decoder has checked it
			f.set = true
		case 'n': // null
		case 't':
			f.value, f.set = "True", true
		case 'f':
			f.value, f.set = "False", true
		case '{', '[':
			wrong[f] = true
		default: // a number
			v, ok := s.hook.numberAsString(string(raw))
			f.value, f.set, wrong[f] = v, ok, !ok
		}
		if f.set && !f.firstSet {
			f.first, f.firstSet = f.value, true
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return bodyNotJSON, nil
	}
	if _, err := dec.Token(); err != io.EOF {
		return bodyNotJSON, nil // trailing data after the object
	}
	var probs []problem
	for _, f := range fields { // in field order, so the answer is deterministic
		if wrong[f] {
			probs = append(probs, problem{codeValidation, fmt.Sprintf("The %s field must be a string.", f.name), f.name})
		}
	}
	if len(probs) > 0 {
		return bodyWrongType, probs
	}
	return bodyOK, nil
}

func (s *Server) matchField(fields []*bodyField, name string) *bodyField {
	for _, f := range fields {
		if s.hook.propertyMatches(f.name, name) {
			return f
		}
	}
	return nil
}

// integerAsString converts a JSON number literal to the string .NET binds it as; false
// means it is refused (see bind).
func integerAsString(lit string) (string, bool) {
	if !integerLiteral.MatchString(lit) {
		return "", false
	}
	n, err := strconv.ParseInt(lit, 10, 64)
	if err != nil {
		return "", false
	}
	return strconv.FormatInt(n, 10), true // -0 -> "0", as .NET's Int64 does
}

// htmlServerError is an IIS/ASP.NET-style error page; only the non-json-body-500 fault
// answers it.
func (s *Server) htmlServerError(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = io.WriteString(w, "<!DOCTYPE html>\n<html><head><title>Runtime Error</title></head>\n"+
		"<body><h1>Server Error in '/' Application.</h1><p>An unhandled exception occurred.</p></body></html>\n")
}

// problemDetails answers a body refusal as ASP.NET Core's model binding does (the
// problem-details quirk): RFC 9457 application/problem+json, errors keyed by JSON path.
func (s *Server) problemDetails(w http.ResponseWriter, kind bodyProblem, status int, probs []problem) {
	errs := map[string][]string{}
	for _, p := range probs {
		path := "$"
		if p.field != "" && p.field != "resource" {
			path = "$." + p.field
		}
		msg := p.msg
		switch kind {
		case bodyWrongType:
			target := "System.String"
			if p.field == "Token" && s.hook.guidToken {
				target = "System.Guid"
			}
			msg = "The JSON value could not be converted to " + target + ". Path: " + path + "."
		case bodyNotJSON, bodyNotObject:
			msg = "The JSON value could not be converted to the request model. Path: $."
		}
		errs[path] = append(errs[path], msg)
	}
	typ, title := "https://tools.ietf.org/html/rfc9110#section-15.5.1", "One or more validation errors occurred."
	if status == http.StatusRequestEntityTooLarge {
		typ, title = "https://tools.ietf.org/html/rfc9110#section-15.5.14", "Request body too large."
	}
	trace, _ := randomHex(16)
	span, _ := randomHex(8)
	body, _ := json.Marshal(struct {
		Type    string              `json:"type"`
		Title   string              `json:"title"`
		Status  int                 `json:"status"`
		Errors  map[string][]string `json:"errors"`
		TraceID string              `json:"traceId"`
	}{typ, title, status, errs, "00-" + trace + "-" + span + "-00"})
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
