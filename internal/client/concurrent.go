package client

import (
	"context"
	"sync"
)

// DoAll sends independent requests concurrently, at most limit at a time (limit < 1 means
// one at a time), and returns their exchanges in the order of reqs. Against a distant
// target a spec's independent requests then cost about one round trip per limit of them,
// not one each. Judging the exchanges is left to the caller, in order, so a failure
// names the same request whatever order the replies came back in.
func (c *Client) DoAll(ctx context.Context, reqs []Request, limit int) []*Exchange {
	out := make([]*Exchange, len(reqs))
	Bounded(len(reqs), limit, func(i int) { out[i] = c.Do(ctx, reqs[i]) })
	return out
}

// Bounded runs f(0) .. f(n-1) concurrently, at most limit at a time (limit < 1 means one at
// a time), started in order, and returns when all are done.
func Bounded(n, limit int, f func(i int)) {
	slots := make(chan struct{}, max(limit, 1))
	var wg sync.WaitGroup
	for i := range n {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			f(i)
		})
	}
	wg.Wait()
}
