// Package signoff holds the JSON Schemas (draft 2020-12) of the files a run writes or reads
// for a sign-off: conformance-report.json, comparison.json and the known-deviations file.
// They live apart from schemas/*.schema.json, which are the API's contract (the OpenAPI
// document is built from those).
package signoff

import "embed"

// FS holds every *.schema.json file of this directory.
//
//go:embed *.schema.json
var FS embed.FS

// File names of the schemas.
const (
	ConformanceReport = "conformance-report.schema.json"
	KnownDeviations   = "known-deviations.schema.json"
	Comparison        = "comparison.schema.json"
)
