package results

// Stamped by the release build (scripts/dist.sh: go test -c -ldflags -X): the suite inside
// the release binary runs from a temporary directory, with no VCS stamp (test binaries get
// none) and no git to ask, yet every report must name the suite's version and commit.
var (
	stampedVersion string // e.g. v1.2.0, or git describe's output ("-dirty" for a modified tree)
	stampedCommit  string // the full commit
)

// stamped fills v from the build's stamp, if it has one.
func stamped(v *Version) bool {
	if stampedCommit == "" {
		return false
	}
	v.Commit, v.From = stampedCommit, "build stamp"
	if stampedVersion != "" {
		v.Version = stampedVersion
	}
	v.Modified = len(stampedVersion) > 6 && stampedVersion[len(stampedVersion)-6:] == "-dirty"
	return true
}
