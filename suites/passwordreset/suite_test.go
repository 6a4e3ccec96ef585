// The conformance suite of the AutoShares password reset flow: its specs are the other
// files of this package; the machinery they call, and the suite's lifecycle, are
// internal/framework's (importing it registers its Ginkgo nodes).
package passwordreset

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/autoshares/conformance/internal/framework"
)

func TestPasswordReset(t *testing.T) {
	RegisterFailHandler(framework.MaskedFail)
	suiteConfig, reporterConfig := framework.SuiteConfiguration()
	RunSpecs(t, "AutoShares password reset conformance", suiteConfig, reporterConfig)
}
