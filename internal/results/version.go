package results

import (
	"context"
	"os/exec"
	"runtime/debug"
	"strings"
	"time"
)

// Version says which build of the suite ran: what a sign-off must quote to be repeatable.
type Version struct {
	Module   string `json:"module"`   // Go module path
	Version  string `json:"version"`  // module version; "devel" for a build from a work tree
	Commit   string `json:"commit"`   // VCS revision; "unknown" when neither the build nor git says
	Modified bool   `json:"modified"` // the work tree had uncommitted changes
	From     string `json:"from"`     // where Commit came from: "build info", "build stamp", "git" or "none"
}

// SuiteVersion reads the running binary's build information. Test binaries (which the
// suite is) carry no VCS stamp, so the commit then comes from git in the working
// directory, which `go test` and `ginkgo` set to the suite's package inside the repo.
func SuiteVersion() Version {
	v := Version{Module: "unknown", Version: "devel", Commit: "unknown", From: "none"}
	bi, ok := debug.ReadBuildInfo()
	if ok {
		if bi.Main.Path != "" {
			v.Module = bi.Main.Path
		} else if bi.Path != "" {
			v.Module = strings.TrimSuffix(bi.Path, ".test")
		}
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Commit, v.From = s.Value, "build info"
			case "vcs.modified":
				v.Modified = s.Value == "true"
			}
		}
	}
	if v.From == "none" && !stamped(&v) {
		if commit, modified, ok := gitCommit(); ok {
			v.Commit, v.Modified, v.From = commit, modified, "git"
		}
	}
	return v
}

func gitCommit() (commit string, modified bool, ok bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "git", "rev-parse", "HEAD").Output()
	if err != nil {
		return "", false, false
	}
	status, err := exec.CommandContext(ctx, "git", "status", "--porcelain", "--untracked-files=no").Output()
	return strings.TrimSpace(string(out)), err == nil && len(strings.TrimSpace(string(status))) > 0, true
}

// String is the version as one line, e.g. "github.com/x/y devel 0123abc (modified)".
func (v Version) String() string {
	s := v.Module + " " + v.Version + " " + v.Commit
	if v.Modified {
		s += " (modified)"
	}
	return s
}
