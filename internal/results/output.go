package results

import (
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/redact"
)

// A spec's GinkgoWriter output is one string that its timeline (failures, report
// entries, progress reports, By steps) points into by byte offset. Anything that changes
// its length (masking, removing a repeated transcript) must move those offsets, or the
// JUnit system-err and any timeline view interleave events at the wrong places.

// timelineOffsets returns a pointer to every offset into the spec's GinkgoWriter output.
func timelineOffsets(sp *types.SpecReport) []*int {
	out := []*int{&sp.Failure.TimelineLocation.Offset}
	for i := range sp.ReportEntries {
		out = append(out, &sp.ReportEntries[i].TimelineLocation.Offset)
	}
	for i := range sp.ProgressReports {
		out = append(out, &sp.ProgressReports[i].TimelineLocation.Offset)
	}
	for i := range sp.SpecEvents {
		out = append(out, &sp.SpecEvents[i].TimelineLocation.Offset)
	}
	for i := range sp.AdditionalFailures {
		out = append(out, &sp.AdditionalFailures[i].Failure.TimelineLocation.Offset)
	}
	return out
}

// rewriteOutput applies f to the output piece by piece, between the offsets the timeline
// points at, and moves the offsets to where their piece boundaries went.
func rewriteOutput(sp *types.SpecReport, f func(string) string) {
	out := sp.CapturedGinkgoWriterOutput
	if out == "" {
		return
	}
	ptrs := timelineOffsets(sp)
	cuts := []int{0, len(out)}
	for _, p := range ptrs {
		if *p > 0 && *p < len(out) {
			cuts = append(cuts, *p)
		}
	}
	sort.Ints(cuts)
	moved := map[int]int{0: 0}
	var b strings.Builder
	for i := 1; i < len(cuts); i++ {
		if cuts[i] == cuts[i-1] {
			continue
		}
		b.WriteString(f(out[cuts[i-1]:cuts[i]]))
		moved[cuts[i]] = b.Len()
	}
	for _, p := range ptrs {
		switch {
		case *p >= len(out):
			*p = b.Len() + (*p - len(out))
		case *p > 0:
			*p = moved[*p]
		}
	}
	sp.CapturedGinkgoWriterOutput = b.String()
}

// maskOutput masks the output with offsets kept right. A secret cut in two by a timeline
// event (written in two pieces) is masked whole in a second pass; the offsets after it
// may then be off by a few bytes, which is the lesser evil.
func maskOutput(sp *types.SpecReport, r *redact.Redactor) {
	rewriteOutput(sp, r.String)
	if whole := r.String(sp.CapturedGinkgoWriterOutput); whole != sp.CapturedGinkgoWriterOutput {
		sp.CapturedGinkgoWriterOutput = whole
		for _, p := range timelineOffsets(sp) {
			*p = min(*p, len(whole))
		}
	}
}

// quotedTranscripts are the transcripts the spec's failure messages quote, by its records:
// a failed check's (endSpec quotes each one not decided a known deviation), and an errored
// or inconclusive one's, whose exchange the spec failed on. Masked by r, as the output is.
func quotedTranscripts(recs []outcome.Record, r *redact.Redactor) []string {
	var out []string
	for _, rec := range recs {
		switch rec.State {
		case outcome.Failed, outcome.Errored, outcome.Inconclusive:
			if rec.Transcript != "" {
				out = append(out, r.String(rec.Transcript))
			}
		}
	}
	return out
}

// dropQuotedTranscripts removes from a failed spec's GinkgoWriter output each transcript
// its failure messages quote in full (quoted: quotedTranscripts), leaving a one-line
// pointer: the failure shows the exchange once. Exchanges the failure does not quote stay
// in the output.
func dropQuotedTranscripts(sp *types.SpecReport, quoted []string) {
	if !sp.State.Is(types.SpecStateFailureStates) || len(quoted) == 0 {
		return
	}
	rewriteOutput(sp, func(piece string) string {
		for _, t := range quoted {
			i := strings.LastIndex(piece, t)
			if i < 0 {
				continue
			}
			end := i + len(t)
			if strings.HasPrefix(piece[end:], "\n") {
				end++ // the blank line that followed it in the log
			}
			first, _, _ := strings.Cut(t, "\n")
			piece = piece[:i] + "(" + first + ": transcript in the failure message)\n" + piece[end:]
		}
		return piece
	})
}
