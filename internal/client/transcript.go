package client

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/autoshares/conformance/internal/redact"
)

// transcriptBodyLimit cuts bodies in transcripts: enough for any envelope, short enough
// that an HTML error page does not bury the failure.
const transcriptBodyLimit = 4 << 10

// Transcript renders the exchange for a failure message or a log, with every secret
// masked: secret headers and JSON fields by name, known secret values anywhere. Secrets
// the response itself carries under a neutral name (step 3's token in Model) are added to
// the redactor first, so this and every later output masks them.
func (e *Exchange) Transcript(r *redact.Redactor) string {
	r.Add(e.ResponseSecrets()...)
	var b strings.Builder
	fmt.Fprintf(&b, "> %s %s\n", e.Method, r.String(e.URL))
	writeHeaders(&b, "> ", r.Header(e.RequestHeader))
	if len(e.RequestBody) > 0 {
		fmt.Fprintf(&b, ">\n> %s\n", cut(r.JSON(e.RequestBody)))
	}
	// Every answer the transport waited out and resent, then the one handed over: the same
	// request went out each time.
	total := len(e.Earlier) + 1
	for i, a := range e.Earlier {
		fmt.Fprintf(&b, "< %d %s (%s) [attempt %d of %d: not processed, sent again after %s]\n",
			a.Status, http.StatusText(a.Status), a.Duration.Round(100*time.Microsecond), i+1, total, a.Wait.Round(time.Millisecond))
		writeHeaders(&b, "< ", r.Header(a.Header))
		if len(a.Body) > 0 {
			body := cut(r.JSON(a.Body))
			if a.Truncated {
				body += " …"
			}
			fmt.Fprintf(&b, "<\n< %s\n", body)
		}
	}
	last := ""
	switch {
	case e.Repeated503 > 0:
		last = fmt.Sprintf(" [attempt %d of %d: the %d%s 503 in a row to this request while the target answered others: its answer]",
			total, total, e.Repeated503, ordinal(e.Repeated503))
	case total > 1:
		last = fmt.Sprintf(" [attempt %d of %d]", total, total)
	}
	took := e.Duration.Round(100 * time.Microsecond).String()
	if e.Took > 0 && e.Took < e.Duration-time.Millisecond {
		// The rest of Duration went on waits and holds, not on the target.
		took = fmt.Sprintf("%s; %s in all, with the waits and the rate ceiling", e.Took.Round(100*time.Microsecond), e.Duration.Round(time.Millisecond))
	}
	switch {
	case e.Status == 0 && e.Err != nil:
		fmt.Fprintf(&b, "< no response after %s%s: %s\n", e.Duration.Round(100*time.Microsecond), last, r.String(e.Err.Error()))
		return b.String()
	default:
		fmt.Fprintf(&b, "< %d %s (%s)%s\n", e.Status, http.StatusText(e.Status), took, last)
	}
	writeHeaders(&b, "< ", r.Header(e.ResponseHeader))
	if len(e.ResponseBody) > 0 {
		fmt.Fprintf(&b, "<\n< %s\n", cut(r.JSON(e.ResponseBody)))
	}
	if e.Err != nil {
		fmt.Fprintf(&b, "< (%s)\n", r.String(e.Err.Error()))
	}
	return b.String()
}

func writeHeaders(b *strings.Builder, prefix string, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(b, "%s%s: %s\n", prefix, k, strings.Join(h[k], ", "))
	}
}

func cut(s string) string {
	if len(s) <= transcriptBodyLimit {
		return s
	}
	return s[:transcriptBodyLimit] + fmt.Sprintf("… (%d more bytes)", len(s)-transcriptBodyLimit)
}

// ResponseSecrets returns the secret values the response carries in fields whose name does
// not say so: the reset token that step 3 returns in Model.
func (e *Exchange) ResponseSecrets() []string {
	u, err := url.Parse(e.URL)
	if err != nil || !(strings.HasSuffix(u.Path, PathResetCode) || strings.HasSuffix(u.Path, PathIdentifierResetCode)) {
		return nil
	}
	var body struct {
		Model any `json:"Model"`
	}
	if json.Unmarshal(e.ResponseBody, &body) != nil {
		return nil
	}
	if s, ok := body.Model.(string); ok {
		return []string{s}
	}
	return nil
}

func ordinal(n int) string {
	switch {
	case n%100 >= 11 && n%100 <= 13:
		return "th"
	case n%10 == 1:
		return "st"
	case n%10 == 2:
		return "nd"
	case n%10 == 3:
		return "rd"
	}
	return "th"
}
