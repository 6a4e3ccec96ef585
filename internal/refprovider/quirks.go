package refprovider

import (
	"net/http"
)

// Quirk names. A quirk is not a fault: it makes the provider behave the way the public
// documentation literally shows, or the way a common framework answers, where that is odd
// but tolerable, so a test can prove the suite tolerates it. Options.Quirks switches them
// on.
const (
	// QuirkStep1DocumentedBody answers step 1's success with the documentation's own
	// example body, whose IsSucceed is false.
	QuirkStep1DocumentedBody = "step1-documented-body"
	// QuirkExtraErrorEntries puts a general message (and code) before the specific ones in
	// every error envelope, as deployments that wrap errors do: Errors and ErrorsCode still
	// contain what the suite checks, among others.
	QuirkExtraErrorEntries = "extra-error-entries"
	// QuirkProblemDetails answers a request body that cannot be bound with RFC 9457
	// problem details, as ASP.NET Core's model binding does before any application code
	// runs (see problemDetails in body.go).
	QuirkProblemDetails = "problem-details"
	// QuirkGUIDToken binds step 4's Token as a .NET Guid, as a deployment whose request
	// model types it so does: a token that is no GUID (cut short, extended by a character)
	// gets ASP.NET Core's RFC 9457 problem details before any application code runs.
	QuirkGUIDToken = "guid-token"
)

// The general entry QuirkExtraErrorEntries adds.
const (
	extraErrorMessage = "The request could not be completed."
	extraErrorCode    = "ErrorRequestFailed"
)

// step1DocumentedBody is the documented step 1 success body, byte for byte.
const step1DocumentedBody = `{"Errors": [], "IsSucceed": false}`

// quirkTable is every quirk, in the form of faultTable.
var quirkTable = []switchDef{
	{QuirkStep1DocumentedBody, "step 1 success answers 200 " + step1DocumentedBody + ", the documentation's example, verbatim", func(h *hooks) {
		h.step1Success = func(s *Server, w http.ResponseWriter, _ string) {
			s.writeRaw(w, http.StatusOK, []byte(step1DocumentedBody))
		}
	}},
	{QuirkExtraErrorEntries, "error envelopes carry a general message and code (" + extraErrorCode + ") before the specific ones", func(h *hooks) {
		h.errorPrefix = []problem{{code: extraErrorCode, msg: extraErrorMessage}}
	}},
	{QuirkProblemDetails, "a request body that cannot be bound gets an RFC 9457 application/problem+json 400 (413 when too large), as ASP.NET Core answers", func(h *hooks) {
		h.refuseBody = func(s *Server, w http.ResponseWriter, kind bodyProblem, status int, probs []problem) {
			s.problemDetails(w, kind, status, probs)
		}
	}},
	{QuirkGUIDToken, "step 4 binds Token as a .NET Guid: a token that is no GUID gets an RFC 9457 application/problem+json 400, as ASP.NET Core answers", func(h *hooks) {
		h.guidToken = true
	}},
}

var quirkDescriptions = func() map[string]string {
	m := make(map[string]string, len(quirkTable))
	for _, q := range quirkTable {
		m[q.name] = q.description
	}
	return m
}()

// QuirkNames returns every quirk name, sorted.
func QuirkNames() []string { return sortedNames(quirkDescriptions) }

// QuirkDescription returns the one-line description of a quirk, "" if unknown.
func QuirkDescription(name string) string { return quirkDescriptions[name] }

func parseQuirks(names []string) (map[string]bool, error) {
	return parseSwitches("quirk", names, quirkDescriptions)
}
