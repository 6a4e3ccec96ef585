package refprovider

// Quirk names. A quirk is not a fault: it makes the provider behave the way the public
// documentation literally shows where that is odd but tolerable, so a test can prove the
// suite tolerates it. Options.Quirks switches them on.
const (
	// QuirkStep1DocumentedBody answers step 1's success with the documentation's own
	// example body, whose IsSucceed is false.
	QuirkStep1DocumentedBody = "step1-documented-body"
	// QuirkExtraErrorEntries puts a general message (and code) before the specific ones in
	// every error envelope, as deployments that wrap errors do: Errors and ErrorsCode still
	// contain what the suite checks, among others.
	QuirkExtraErrorEntries = "extra-error-entries"
)

// The general entry QuirkExtraErrorEntries adds.
const (
	extraErrorMessage = "The request could not be completed."
	extraErrorCode    = "ErrorRequestFailed"
)

// step1DocumentedBody is the documented step 1 success body, byte for byte.
const step1DocumentedBody = `{"Errors": [], "IsSucceed": false}`

var quirkDescriptions = map[string]string{
	QuirkStep1DocumentedBody: "step 1 success answers 200 " + step1DocumentedBody + ", the documentation's example, verbatim",
	QuirkExtraErrorEntries:   "error envelopes carry a general message and code (" + extraErrorCode + ") before the specific ones",
}

// QuirkNames returns every quirk name, sorted.
func QuirkNames() []string { return sortedNames(quirkDescriptions) }

// QuirkDescription returns the one-line description of a quirk, "" if unknown.
func QuirkDescription(name string) string { return quirkDescriptions[name] }

func parseQuirks(names []string) (map[string]bool, error) {
	return parseSwitches("quirk", names, quirkDescriptions)
}
