package config

import (
	"slices"
	"testing"

	"github.com/autoshares/conformance/internal/catalogue"
)

// A filter that names the slow check's ID, or one of its labels other than a broad area,
// runs the slow spec; a broad area alone does not.
func TestTheSlowSpecRunsWhenItsCheckOrTopicIsNamed(t *testing.T) {
	for _, user := range []string{catalogue.Step4TokenLifetimeEnforced, "expired-token", "slow", "step4 && expired-token", "step4.token-lifetime.enforced || step1"} {
		if got := Filter(user); got != user {
			t.Errorf("Filter(%q) = %q: the slow spec left out", user, got)
		}
	}
	for _, user := range []string{"step4", "update-password", "step4 || step3", catalogue.Step4MismatchRejected} {
		if got := Filter(user); got != "("+user+") && "+DefaultExclusion {
			t.Errorf("Filter(%q) = %q: the slow spec asked for", user, got)
		}
	}
	a := Askers(catalogue.MustDefault())
	for _, l := range BroadAreas {
		if slices.Contains(a, l) {
			t.Errorf("the broad area %q asks for the slow spec", l)
		}
	}
}
