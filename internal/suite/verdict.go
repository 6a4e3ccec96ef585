// Package verdict judges one exchange against one check of the catalogue: it collects every
// problem with the reply (not just the first), so a failure says at once everything that is
// wrong, names the check that failed and shows the masked transcript.
//
// It knows nothing of Ginkgo: the spec package turns a verdict with problems into a spec
// failure, and unit tests read the problems directly.
package suite

import (
	"fmt"
	"mime"
	"strings"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/redact"
)

// Verdict is the judgement of one exchange (or none, for checks about state) for one check.
type Verdict struct {
	Check    catalogue.Check
	Exchange *client.Exchange // nil when the check is not about one reply
	Problems []outcome.Problem
	// Reproduction, when set, is how to reproduce the failure (internal/results): written after
	// the problem lines, under ReproduceMark, before the transcript.
	Reproduction string
}

// For starts a verdict on ex for the given check.
func For(c catalogue.Check, ex *client.Exchange) *Verdict { return &Verdict{Check: c, Exchange: ex} }

// The kinds of problem: short, stable names of what was wrong with a reply, so a known
// deviation can name the failure it accepts and a comparison can tell a new failure from an
// old one. A new kind is a new constant here.
const (
	KindStatus       = "status"       // the HTTP status
	KindContentType  = "content-type" // the Content-Type
	KindSchema       = "schema"       // the body against its JSON Schema
	KindBody         = "body"         // the body is not the expected JSON shape at all
	KindIsSucceed    = "is-succeed"
	KindErrors       = "errors"      // Errors empty or not, as expected
	KindErrorsCode   = "errors-code" // the configured ErrorsCode
	KindMessage      = "message"     // the configured error message in Errors
	KindAppKeyError  = "app-key-error"
	KindModel        = "model"
	KindLoggedIn     = "logged-in"     // a login that must be refused succeeded
	KindNotLoggedIn  = "not-logged-in" // a login that must succeed was refused
	KindLoginRefusal = "login-refusal" // a login was refused, but not as documented
	KindRedirect     = "redirect"
	KindEcho         = "echo"      // a secret came back in the response
	KindInternals    = "internals" // an error shows the provider's internals
	KindCaching      = "caching"   // a shared cache may store the response
	KindNoMail       = "no-mail"   // no confirmation code reached the mailbox
	KindWinners      = "winners"   // not exactly one of simultaneous requests succeeded
	KindCodePattern  = "code-pattern"
	KindCodeLength   = "code-length" // a code carries too few bits
	KindGenerated    = "generated"   // a generated body was not refused as it must be
	KindNoAnswer     = "no-answer"   // a generated body's exchange got no answer
)

// Expect records a problem of the given kind, formatted like fmt.Sprintf, unless ok.
func (v *Verdict) Expect(ok bool, kind, format string, args ...any) *Verdict {
	if !ok {
		v.Problems = append(v.Problems, outcome.Problem{Kind: kind, Text: fmt.Sprintf(format, args...)})
	}
	return v
}

// Texts are the problems' lines, for people.
func (v *Verdict) Texts() []string {
	out := make([]string, len(v.Problems))
	for i, p := range v.Problems {
		out[i] = p.Text
	}
	return out
}

// JSONBody checks that the reply is labelled as JSON (the docs promise "a JSON file";
// clients pick their parser by Content-Type) and that its body satisfies the named schema.
func (v *Verdict) JSONBody(set *catalogue.Set, name string) *Verdict {
	ct := v.Exchange.ResponseHeader.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	v.Expect(err == nil && mt == "application/json", KindContentType, "Content-Type: expected application/json, got %q", ct)
	if err := set.Validate(name, v.Exchange.ResponseBody); err != nil {
		v.Expect(false, KindSchema, "%s", err.Error())
	}
	return v
}

// OK reports whether the check held.
func (v *Verdict) OK() bool { return len(v.Problems) == 0 }

// transcriptHeading separates a failure's problem lines from the masked transcript it quotes.
const transcriptHeading = "\n\nTranscript:\n"

// ReproduceMark starts a failure's reproduction block (the re-run and curl commands), after
// its problem lines and before the transcript, so a person reads it with the problems.
const ReproduceMark = "\n\nReproduce:\n"

// Header is the first line of a failure: the check's ID in brackets, then its statement.
// It is for people: the reports take the check from the outcome record.
func Header(c catalogue.Check) string { return "[" + c.ID + "] " + c.Statement }

// Message is the failure text, every secret the redactor knows masked: the check, every
// problem, and the transcript of the exchange. It is "" when the check held.
func (v *Verdict) Message(r *redact.Redactor) string {
	if v.OK() {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%d problem(s):\n- %s", Header(v.Check), len(v.Problems), strings.Join(v.Texts(), "\n- "))
	if v.Reproduction != "" {
		b.WriteString(ReproduceMark + v.Reproduction)
	}
	if v.Exchange != nil {
		b.WriteString(transcriptHeading)
		b.WriteString(v.Exchange.Transcript(r))
	}
	return r.String(b.String())
}

// Record is the verdict as an outcome record (Spec and Process are the caller's): passed, or
// failed with every problem, the reproduction and the transcript, all masked by r.
func (v *Verdict) Record(r *redact.Redactor) outcome.Record {
	rec := outcome.Record{Check: v.Check.ID, State: outcome.Passed}
	if v.Exchange != nil {
		rec.Status = v.Exchange.Status
		rec.RateLimitWaits = v.Exchange.RateLimitWaits
	}
	if v.OK() {
		return rec
	}
	rec.State = outcome.Failed
	for _, p := range v.Problems {
		rec.Problems = append(rec.Problems, outcome.Problem{Kind: p.Kind, Text: r.String(p.Text)})
	}
	rec.Reproduction = r.String(v.Reproduction)
	if v.Exchange != nil {
		rec.Transcript = r.String(v.Exchange.Transcript(r))
	}
	return rec
}
