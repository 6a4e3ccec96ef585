package pacts

import (
	"testing"

	"github.com/autoshares/conformance/internal/client"
)

// A value left as a stand-in without a placeholder would write a suite value into the pact.
func TestAStandInWithoutAPlaceholderPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("fromRequest accepted a stand-in without a placeholder")
		}
	}()
	fromRequest(client.Login(standIn, standIn), ValidAppKey(), nil)
}
