package framework

// A spec's provider state is made while the process's previous spec runs: against a distant
// target that takes the state setup, one round trip, off every spec's chain. Only the
// states that make a fresh trader are made ahead (each is independent of every other spec,
// and of when it was made), at most one of each per process, and only when it is still
// fresh when taken; anything else is made when asked, as before. A state made ahead and
// never taken is torn down at the end, with the other teardowns.

import (
	"context"
	"fmt"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/suite"
)

// aheadMaxAge bounds how old a state made ahead may be when taken: a spec gets a state made
// moments before, as it would unprefetched (a process's next spec starts within seconds).
const aheadMaxAge = 10 * time.Second

// made is a state setup in the background.
type made struct {
	started time.Time
	done    chan struct{}
	values  states.Values
	err     error
}

// aheadEndpoint is the state endpoint with states made ahead.
type aheadEndpoint struct {
	suite.StateEndpoint
	maxAge  map[string]time.Duration // the states made ahead, and how old they may be when taken
	timeout time.Duration

	mu      sync.Mutex
	ahead   map[string]*made
	started bool
}

// freshKey marks a context whose states must be made when asked (FreshState).
type freshKey struct{}

// FreshState: the states given with the returned context are made now, never taken ahead,
// for a spec that times the state's age from when it gets it (a token's lifetime).
func FreshState(ctx context.Context) context.Context {
	return context.WithValue(ctx, freshKey{}, true)
}

// Setup hands out the state made ahead if it is fresh, and starts making the next one.
func (a *aheadEndpoint) Setup(ctx context.Context, state string, params map[string]any) (states.Values, error) {
	maxAge, ok := a.maxAge[state]
	if !ok || len(params) > 0 || ctx.Value(freshKey{}) != nil {
		return a.StateEndpoint.Setup(ctx, state, params)
	}
	a.mu.Lock()
	m := a.ahead[state]
	delete(a.ahead, state)
	if !a.started {
		// The first state this process asks for: make one of each kind ahead for the specs
		// that follow (this one's own kind below).
		a.started = true
		for s := range a.maxAge {
			if s != state {
				a.makeAhead(s)
			}
		}
	}
	a.makeAhead(state)
	a.mu.Unlock()
	if m != nil {
		select {
		case <-m.done:
			if m.err == nil && time.Since(m.started) <= maxAge {
				return m.values, nil
			}
			a.discard(state, m) // made, but too old by now: made again below
		case <-ctx.Done():
			a.discard(state, m)
			return nil, ctx.Err()
		}
	}
	return a.StateEndpoint.Setup(ctx, state, params)
}

// makeAhead starts making state in the background; a.mu is held.
func (a *aheadEndpoint) makeAhead(state string) {
	m := &made{started: time.Now(), done: make(chan struct{})}
	a.ahead[state] = m
	go func() {
		defer close(m.done)
		ctx, cancel := context.WithTimeout(offChain(context.Background()), a.timeout)
		defer cancel()
		m.values, m.err = a.StateEndpoint.Setup(ctx, state, nil)
	}()
}

// discard tears down a state made ahead and not used, in the background, once it is made.
func (a *aheadEndpoint) discard(state string, m *made) {
	teardownLater("(a state made ahead, not used)", func(ctx context.Context) error {
		<-m.done
		if m.err != nil {
			return nil // nothing was made
		}
		if err := a.StateEndpoint.Teardown(ctx, state, map[string]any{"User": m.values["User"]}); err != nil {
			return fmt.Errorf("teardown of the provider state %q (trader %q): %w", state, m.values["User"], err)
		}
		return nil
	})
}

// drain discards every state made ahead that no spec took.
func (a *aheadEndpoint) drain() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for state, m := range a.ahead {
		a.discard(state, m)
	}
	a.ahead = map[string]*made{}
}

// ahead is this process's state endpoint with states made ahead; nil when none is used.
var ahead *aheadEndpoint

var aheadOnce sync.Once

// makeStatesAhead puts states made ahead under this process's sources, once: for a target
// of its own (the embedded provider answers at once: nothing to hide), with a state
// endpoint, unless AUTOSHARES_MAX_IN_FLIGHT=1 asks for one exchange at a time. A valid
// token is made ahead only when the token lifetime is known to leave it fresh
// (AUTOSHARES_TOKEN_LIFETIME unset or long).
func makeStatesAhead() {
	aheadOnce.Do(func() {
		if World.Target.Embedded || World.Sources.States == nil || World.Cfg.MaxInFlight <= 1 {
			return
		}
		maxAge := map[string]time.Duration{states.PendingCode: aheadMaxAge, states.WithQuestion: aheadMaxAge, states.NoQuestion: aheadMaxAge, states.ValidToken: aheadMaxAge}
		if lt := World.Cfg.Flow.TokenLifetime; lt > 0 {
			if age := lt / 20; age < aheadMaxAge {
				maxAge[states.ValidToken] = age
			}
			if maxAge[states.ValidToken] < time.Second {
				delete(maxAge, states.ValidToken) // too short-lived to make ahead
			}
		}
		ahead = &aheadEndpoint{StateEndpoint: World.Sources.States, maxAge: maxAge, ahead: map[string]*made{},
			timeout: World.Cfg.Flow.MailTimeout + 4*World.Cfg.RequestTimeout}
		World.Sources.States = ahead
	})
}

var _ = BeforeEach(makeStatesAhead)

// DropCodesMadeAhead tears down a pending code made ahead for a later spec: the wrong codes
// may have voided it.
func DropCodesMadeAhead() {
	if ahead == nil {
		return
	}
	ahead.mu.Lock()
	defer ahead.mu.Unlock()
	if m := ahead.ahead[states.PendingCode]; m != nil {
		delete(ahead.ahead, states.PendingCode)
		ahead.discard(states.PendingCode, m)
	}
}
