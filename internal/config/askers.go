package config

import (
	"slices"
	"sync"

	"github.com/autoshares/conformance/internal/catalogue"
)

// BroadAreas are labels of a whole step or of a concern that spans the suite: naming one
// selects dozens of specs, so it never asks for a spec of OnlyWhenAsked by itself
// (`LABELS=step4` must not wait out a token lifetime).
var BroadAreas = []string{
	"step1", "step2", "step3", "step4",
	"reset-request", "secret-question", "reset-code", "update-password", "login",
	"e2e", "negative", "security", "app-key",
}

// Askers are the names that, in a label filter, ask for the specs of OnlyWhenAsked: each
// of those labels, and for every catalogued check that carries one, its ID and each of its
// other labels that is not a broad area. So `LABELS=step4.token-lifetime.enforced` (the
// check's ID) and `LABELS=expired-token` (its topic) run the slow spec, `LABELS=step4`
// does not.
func Askers(cat *catalogue.Catalogue) []string {
	out := slices.Clone(OnlyWhenAsked)
	for _, id := range cat.IDs() {
		c, _ := cat.Get(id)
		asked := false
		for _, l := range c.Labels {
			asked = asked || slices.Contains(OnlyWhenAsked, l)
		}
		if !asked {
			continue
		}
		out = append(out, c.ID)
		for _, l := range c.Labels {
			if !slices.Contains(BroadAreas, l) && !slices.Contains(out, l) {
				out = append(out, l)
			}
		}
	}
	return out
}

// askers are the catalogue's, read once.
var askers = sync.OnceValue(func() []string { return Askers(catalogue.MustDefault()) })
