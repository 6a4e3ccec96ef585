package framework

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/results"
)

// reproduction is how to reproduce a failure of the running spec on the checks ids (the
// re-run command with this process's seed) and, when the failure is about one exchange, the
// curl command for it with every secret a shell variable.
func reproduction(ids []string, ex *client.Exchange) string {
	_, labels, _ := runningSpec()
	slow := slices.Contains(labels, "slow")
	rerun := results.Rerun(results.Labels(ids, slow), RunSeed(), os.Getenv(config.InvokedAsEnv))
	if ex == nil {
		return results.Block(rerun, "", "")
	}
	curl, used, masked := results.Curl(ex, World.Secrets)
	return World.Secrets.String(results.Block(rerun, curl, results.Note(used, statesOfSpec(), World.Target.Embedded, masked)))
}

// declaredChecks are the check IDs the running spec declares (its labels in the catalogue).
func declaredChecks() []string {
	var out []string
	_, _, own := runningSpec()
	for _, l := range own {
		if _, ok := Catalogue.Get(l); ok {
			out = append(out, l)
		}
	}
	return out
}

// specStates are the provider states the running spec asked for, for the reproduction's
// note on where the curl command's variables come from. Specs of one process run one after
// another, so one record, keyed by the spec, is enough.
var specStates struct {
	spec  string
	names []string
}

func specKey() string {
	r := CurrentSpecReport()
	return fmt.Sprintf("%s:%d %s", r.LeafNodeLocation.FileName, r.LeafNodeLocation.LineNumber, r.FullText())
}

func NoteState(name string) {
	if k := specKey(); specStates.spec != k {
		specStates.spec, specStates.names = k, nil
	}
	if !slices.Contains(specStates.names, name) {
		specStates.names = append(specStates.names, name)
	}
}

func statesOfSpec() []string {
	if specStates.spec != specKey() {
		return nil
	}
	return specStates.names
}

// RunSeed is this process's seed for generated bodies: AUTOSHARES_SEED, or one drawn
// once. Every generated spec prints it, and setting it replays the same bodies.
var RunSeed = sync.OnceValue(func() int64 {
	if s := World.Cfg.Negative.Seed; s != 0 {
		return s
	}
	return rand.Int64N(1<<62) + 1
})
