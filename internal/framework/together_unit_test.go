package framework

import (
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/client"
)

// Which racing requests did not go out together: held by the ceiling, or split by
// rate-limit waits; all refused once and resent together after the same wait still race.
func TestHeldBack(t *testing.T) {
	t0 := time.Now()
	ex := func(waits int, sent time.Duration, ceiling time.Duration) *client.Exchange {
		return &client.Exchange{RateLimitWaits: waits, LastSent: t0.Add(sent), RateCeilingWait: ceiling}
	}
	for _, c := range []struct {
		name             string
		exs              []*client.Exchange
		held             int
		limited, ceiling bool
	}{
		{"no waits", []*client.Exchange{ex(0, 0, 0), ex(0, time.Millisecond, 0)}, 0, false, false},
		{"all resent together", []*client.Exchange{ex(1, time.Second, 0), ex(1, time.Second+5*time.Millisecond, 0)}, 0, false, false},
		{"some resent", []*client.Exchange{ex(0, 0, 0), ex(1, time.Second, 0), ex(0, 0, 0)}, 1, true, false},
		{"resent apart", []*client.Exchange{ex(1, time.Second, 0), ex(1, 2*time.Second, 0)}, 2, true, false},
		{"ceiling", []*client.Exchange{ex(0, 0, 0), ex(0, 500*time.Millisecond, 500*time.Millisecond)}, 1, false, true},
	} {
		held, limited, ceiling := heldBack(c.exs)
		if len(held) != c.held || limited != c.limited || ceiling != c.ceiling {
			t.Errorf("%s: held %q, limited %v, ceiling %v", c.name, held, limited, ceiling)
		}
	}
}
