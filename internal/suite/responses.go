package suite

// Judgements of what an answer says about itself (ASVS 4.1.1, its Content-Type) and of the
// answer to TRACE (ASVS 13.4.4).

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"strings"
	"unicode/utf8"
)

// ContentTypeMatches: a response with a body carries one Content-Type that says what the
// body is (ASVS 4.1.1). JSON (application/json, */*+json) must be JSON, in UTF-8, the only
// encoding RFC 8259 8.1 allows; it needs no charset (RFC 8259 11 defines none), and one
// naming another encoding mislabels it. text/* and XML must name their charset, and a body
// in UTF-8 or US-ASCII must be what it names. A JSON object or array labelled as anything
// but JSON is mislabelled (a browser would render JSON labelled text/html). A body of no
// bytes (204, 304, HEAD) has nothing to label.
func (r Rules) ContentTypeMatches(v *Verdict) *Verdict {
	ex := v.Exchange
	body := ex.ResponseBody
	if len(body) == 0 {
		return v
	}
	got := ex.ResponseHeader.Values("Content-Type")
	if len(got) == 0 {
		return v.Expect(false, KindContentType, "Content-Type: missing on a response with a body of %d bytes (ASVS 4.1.1)", len(body))
	}
	for _, other := range got[1:] {
		if other != got[0] {
			return v.Expect(false, KindContentType, "Content-Type: given %d times with different values %s: the body's type is ambiguous (ASVS 4.1.1)", len(got), quoteOrMissing(got))
		}
	}
	ct := got[0]
	mt, params, err := mime.ParseMediaType(ct)
	if err == nil && !strings.Contains(mt, "/") {
		err = errors.New("no type/subtype")
	}
	if err != nil {
		return v.Expect(false, KindContentType, "Content-Type: %q is not a media type: %v (ASVS 4.1.1)", ct, err)
	}
	charset, named := params["charset"]
	jsonBody := isJSONDocument(body)
	switch {
	case isJSONMediaType(mt):
		v.Expect(json.Valid(body), KindContentType, "Content-Type: %q labels a body that is not JSON (ASVS 4.1.1)", ct)
		v.Expect(utf8.Valid(body), KindContentType, "Content-Type: %q labels a body that is not UTF-8, the only encoding of JSON (RFC 8259 8.1)", ct)
		v.Expect(!named || isUTF8Name(charset), KindContentType, "Content-Type: %q names charset %s, but JSON is UTF-8 (RFC 8259 8.1)", ct, charset)
	case strings.HasPrefix(mt, "text/") || isXMLMediaType(mt):
		v.Expect(!jsonBody, KindContentType, "Content-Type: %q labels a JSON body as %s (ASVS 4.1.1)", ct, mt)
		if !named {
			return v.Expect(false, KindContentType, "Content-Type: %q names no charset: a text or XML answer must name its encoding (ASVS 4.1.1)", ct)
		}
		switch {
		case isUTF8Name(charset):
			v.Expect(utf8.Valid(body), KindContentType, "Content-Type: %q, but the body is not UTF-8 (ASVS 4.1.1)", ct)
		case strings.EqualFold(charset, "us-ascii"):
			v.Expect(!bytes.ContainsFunc(body, func(c rune) bool { return c >= utf8.RuneSelf }), KindContentType, "Content-Type: %q, but the body is not US-ASCII (ASVS 4.1.1)", ct)
		}
	default:
		v.Expect(!jsonBody, KindContentType, "Content-Type: %q labels a JSON body as %s (ASVS 4.1.1)", ct, mt)
	}
	return v
}

// isJSONMediaType: application/json or a structured syntax suffix +json (RFC 6839), such as
// RFC 9457's application/problem+json.
func isJSONMediaType(mt string) bool {
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// isXMLMediaType: application/xml, text/xml or a +xml suffix (RFC 7303).
func isXMLMediaType(mt string) bool {
	return mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml")
}

func isUTF8Name(charset string) bool {
	return strings.EqualFold(charset, "utf-8") || strings.EqualFold(charset, "utf8")
}

// isJSONDocument: the body is a JSON object or array, what the API answers. A bare string
// or number is left out: "400 Bad Request" in text/plain is no JSON document.
func isJSONDocument(body []byte) bool {
	b := bytes.TrimSpace(body)
	return len(b) > 0 && (b[0] == '{' || b[0] == '[') && json.Valid(b)
}

// MediaTypeHTTP is the media type of a TRACE echo (RFC 9110 9.3.8).
const MediaTypeHTTP = "message/http"

// TraceRefused: a TRACE request is not served (ASVS 13.4.4): a refusal, a 4xx (405, 403 at
// a gateway) or a 5xx (501 Not Implemented), and no echo of the request as message/http,
// whatever the status.
func (r Rules) TraceRefused(v *Verdict) *Verdict {
	ex := v.Exchange
	v.Expect(ex.Status >= 400, KindStatus, "status: TRACE %s: expected a refusal (405, 501 or another 4xx or 5xx): TRACE must not be served, got %d", ex.URL, ex.Status)
	mt, _, _ := mime.ParseMediaType(ex.ResponseHeader.Get("Content-Type"))
	return v.Expect(mt != MediaTypeHTTP, KindEcho, "Content-Type: TRACE %s answered %s: the request echoed back, with any credential it carried", ex.URL, MediaTypeHTTP)
}
