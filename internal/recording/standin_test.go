package recording

import (
	"testing"

	"github.com/autoshares/conformance/internal/apiclient"
)

// A value left as a stand-in without a placeholder would write a suite value into the pact.
func TestAStandInWithoutAPlaceholderPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("fromRequest accepted a stand-in without a placeholder")
		}
	}()
	fromRequest(apiclient.Login(standIn, standIn), ValidAppKey(), nil)
}
