// Package verdict judges one exchange against one check of the catalogue: it collects every
// problem with the reply (not just the first), so a failure says at once everything that is
// wrong, names the check that failed and shows the masked transcript.
//
// It knows nothing of Ginkgo: the spec package turns a verdict with problems into a spec
// failure, and unit tests read the problems directly.
package verdict

import (
	"fmt"
	"mime"
	"strings"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/checks"
	"github.com/autoshares/conformance/internal/redact"
	"github.com/autoshares/conformance/internal/schema"
)

// Verdict is the judgement of one exchange (or none, for checks about state) for one check.
type Verdict struct {
	Check    checks.Check
	Exchange *apiclient.Exchange // nil when the check is not about one reply
	Problems []string
	// Reproduction, when set, is how to reproduce the failure (internal/repro): written after
	// the problem lines, under ReproduceMark, before the transcript.
	Reproduction string
}

// For starts a verdict on ex for the given check.
func For(c checks.Check, ex *apiclient.Exchange) *Verdict { return &Verdict{Check: c, Exchange: ex} }

// Expect records a problem, formatted like fmt.Sprintf, unless ok.
func (v *Verdict) Expect(ok bool, format string, args ...any) *Verdict {
	if !ok {
		v.Problems = append(v.Problems, fmt.Sprintf(format, args...))
	}
	return v
}

// JSONBody checks that the reply is labelled as JSON (the docs promise "a JSON file";
// clients pick their parser by Content-Type) and that its body satisfies the named schema.
func (v *Verdict) JSONBody(set *schema.Set, name string) *Verdict {
	ct := v.Exchange.ResponseHeader.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		v.Problems = append(v.Problems, fmt.Sprintf("Content-Type: expected application/json, got %q", ct))
	}
	if err := set.Validate(name, v.Exchange.ResponseBody); err != nil {
		v.Problems = append(v.Problems, err.Error())
	}
	return v
}

// OK reports whether the check held.
func (v *Verdict) OK() bool { return len(v.Problems) == 0 }

// TranscriptMark separates a failure's problem lines from the masked transcript it quotes;
// reports split a failure there.
const TranscriptMark = "\n\nTranscript:\n"

// ReproduceMark starts a failure's reproduction block (the re-run and curl commands), after
// its problem lines and before TranscriptMark, so every report shows it with the problems.
const ReproduceMark = "\n\nReproduce:\n"

// Header is the first line of a failure: the check's ID in brackets, then its statement.
// The self-test and the reports find the failed check by this prefix.
func Header(c checks.Check) string { return "[" + c.ID + "] " + c.Statement }

// Message is the failure text, every secret the redactor knows masked: the check, every
// problem, and the transcript of the exchange. It is "" when the check held.
func (v *Verdict) Message(r *redact.Redactor) string {
	if v.OK() {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%d problem(s):\n- %s", Header(v.Check), len(v.Problems), strings.Join(v.Problems, "\n- "))
	if v.Reproduction != "" {
		b.WriteString(ReproduceMark + v.Reproduction)
	}
	if v.Exchange != nil {
		b.WriteString(TranscriptMark)
		b.WriteString(v.Exchange.Transcript(r))
	}
	return r.String(b.String())
}

// CheckID finds the check a failure message names, "" if none.
func CheckID(message string) string {
	if !strings.HasPrefix(message, "[") {
		return ""
	}
	end := strings.IndexByte(message, ']')
	if end < 0 {
		return ""
	}
	return message[1:end]
}
