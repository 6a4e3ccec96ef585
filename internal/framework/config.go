package framework

import (
	"os"

	"github.com/autoshares/conformance/internal/config"
)

// runConfig is this process's configuration, loaded once, while Ginkgo builds the spec tree
// (the timeouts are decorators of the tree), and used by every part of the run: the setup,
// the specs, the reports. Loading it again could read a changed file or environment and
// judge the run by other settings than it ran with. runConfigErr holds every problem; the
// BeforeSuite fails the run with it.
var runConfig, runConfigErr = config.Load(os.Getenv)
