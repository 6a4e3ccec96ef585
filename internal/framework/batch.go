package framework

// Judgements over several independent exchanges, sent at once through SendAll and judged
// in the order given, so a failure names the same request whatever order the replies
// came back in.

import (
	"context"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/client"
)

// Login is one login a spec expects to succeed (200, State "Succeeded") or fail (the
// documented 401, State "Failed"), for its check.
type Login struct {
	check, user, password string
	succeeds              bool
	why                   string
}

func LoginSucceeds(check, user, password, why string) Login {
	return Login{check, user, password, true, "should succeed " + why}
}

func LoginFails(check, user, password, why string) Login {
	return Login{check, user, password, false, "should fail " + why}
}

// ExpectLogins sends the logins at once (a login changes nothing) and judges each in turn.
func ExpectLogins(ctx context.Context, logins ...Login) {
	GinkgoHelper()
	reqs := make([]client.Request, len(logins))
	for i, l := range logins {
		reqs[i] = client.Login(l.user, l.password)
	}
	for i, ex := range SendAll(ctx, reqs) {
		l := logins[i]
		status, state := 401, "Failed"
		if l.succeeds {
			status, state = 200, "Succeeded"
		}
		v := VerdictOn(l.check, ex)
		World.Secrets.Add(World.Rules.Login(v, status, state, l.why))
		Conclude(v)
	}
}

// Labelled is a request with what it is, for the failure that names it.
type Labelled struct {
	What string
	Req  client.Request
}

// SendLabelled sends the requests at once and returns their exchanges in order.
func SendLabelled(ctx context.Context, ls []Labelled) []*client.Exchange {
	GinkgoHelper()
	reqs := make([]client.Request, len(ls))
	for i, l := range ls {
		reqs[i] = l.Req
	}
	return SendAll(ctx, reqs)
}

// LongSpec goes on the specs with the longest chains of round trips: they are handed out
// to the parallel processes first, so no process starts one when the others are done.
var LongSpec = SpecPriority(1)

// LongestSpec is for the few specs whose chain is longer still (the secret-answer guesses):
// first of all.
var LongestSpec = SpecPriority(2)
