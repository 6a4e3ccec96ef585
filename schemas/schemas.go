// Package schemas holds the JSON Schemas (draft 2020-12) of every request and response
// body the suite sends or receives. The .json files are the contract; this file only
// embeds them so compiled suites carry them along.
package schemas

import "embed"

// FS holds every *.schema.json file of this directory.
//
//go:embed *.schema.json
var FS embed.FS
