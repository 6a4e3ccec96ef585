// Package docs holds the project's documents, embedded so that the release binary can
// print them (autoshares-conformance --docs) for a user who has only the binary.
package docs

import "embed"

// Files are the documents of this directory (*.md).
//
//go:embed *.md
var Files embed.FS
