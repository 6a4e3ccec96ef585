package framework

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autoshares/conformance/internal/states"
)

// countingStates makes each state with a serial number as its user.
type countingStates struct{ n atomic.Int64 }

func (c *countingStates) Setup(ctx context.Context, state string, params map[string]any) (states.Values, error) {
	return states.Values{"User": string(rune('0' + c.n.Add(1)))}, nil
}
func (c *countingStates) Teardown(context.Context, string, map[string]any) error { return nil }

// A spec asking for a fresh state gets one made when asked, never one made ahead: the slow
// spec times the token's lifetime from when it gets it.
func TestAFreshStateIsNeverTakenAhead(t *testing.T) {
	c := &countingStates{}
	a := &aheadEndpoint{StateEndpoint: c, maxAge: map[string]time.Duration{states.ValidToken: time.Minute},
		ahead: map[string]*made{}, timeout: time.Second}
	if _, err := a.Setup(context.Background(), states.ValidToken, nil); err != nil { // starts one ahead
		t.Fatal(err)
	}
	a.mu.Lock()
	m := a.ahead[states.ValidToken]
	a.mu.Unlock()
	<-m.done
	v, err := a.Setup(FreshState(context.Background()), states.ValidToken, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v["User"] == m.values["User"] || c.n.Load() != 3 {
		t.Errorf("got %v after %d setups; want a third state, made when asked, not the one made ahead (%v)", v, c.n.Load(), m.values)
	}
}
