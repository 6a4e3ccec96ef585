package framework

import (
	"sync"

	. "github.com/onsi/ginkgo/v2"
)

// thisSpec is the running spec's name and labels, taken once as it starts: CurrentSpecReport
// copies the spec's whole output so far on every call, and every verdict and record asks
// for them: in specs that log dozens of exchanges, those copies took about a tenth of the
// suite's CPU on loopback.
var thisSpec struct {
	mu         sync.Mutex
	known      bool // from the spec's start to its cleanups' end
	text       string
	labels     []string // its containers' and its own
	leafLabels []string // its own: the checks it declares
}

var _ = BeforeEach(func() {
	r := CurrentSpecReport()
	thisSpec.mu.Lock()
	thisSpec.known, thisSpec.text, thisSpec.labels, thisSpec.leafLabels = true, r.FullText(), r.Labels(), r.LeafNodeLabels
	thisSpec.mu.Unlock()
	DeferCleanup(func() {
		thisSpec.mu.Lock()
		thisSpec.known = false
		thisSpec.mu.Unlock()
	})
})

// runningSpec is the running spec's full text, labels and own labels; outside a spec's
// setup, body and cleanups (a suite node), Ginkgo's own answer.
func runningSpec() (text string, labels, leafLabels []string) {
	thisSpec.mu.Lock()
	defer thisSpec.mu.Unlock()
	if thisSpec.known {
		return thisSpec.text, thisSpec.labels, thisSpec.leafLabels
	}
	r := CurrentSpecReport()
	return r.FullText(), r.Labels(), r.LeafNodeLabels
}
