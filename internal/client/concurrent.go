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
	if limit < 1 {
		limit = 1
	}
	slots := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i, r := range reqs {
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-slots; wg.Done() }()
			out[i] = c.Do(ctx, r)
		}()
	}
	wg.Wait()
	return out
}
