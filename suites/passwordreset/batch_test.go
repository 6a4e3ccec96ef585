package passwordreset

// Judgements over several independent exchanges, sent at once through sendAll and judged
// in the order given, so a failure names the same request whatever order the replies
// came back in.

import (
	"context"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/client"
)

// login is one login a spec expects to succeed (200, State "Succeeded") or fail (the
// documented 401, State "Failed"), for its check.
type login struct {
	check, user, password string
	succeeds              bool
	why                   string
}

func loginSucceeds(check, user, password, why string) login {
	return login{check, user, password, true, "should succeed " + why}
}

func loginFails(check, user, password, why string) login {
	return login{check, user, password, false, "should fail " + why}
}

// expectLogins sends the logins at once (a login changes nothing) and judges each in turn.
func expectLogins(ctx context.Context, logins ...login) {
	GinkgoHelper()
	reqs := make([]client.Request, len(logins))
	for i, l := range logins {
		reqs[i] = client.Login(l.user, l.password)
	}
	for i, ex := range sendAll(ctx, reqs) {
		l := logins[i]
		status, state := 401, "Failed"
		if l.succeeds {
			status, state = 200, "Succeeded"
		}
		v := verdictOn(l.check, ex)
		suite.Secrets.Add(suite.Rules.Login(v, status, state, l.why))
		done(v)
	}
}

// labelled is a request with what it is, for the failure that names it.
type labelled struct {
	what string
	req  client.Request
}

// sendLabelled sends the requests at once and returns their exchanges in order.
func sendLabelled(ctx context.Context, ls []labelled) []*client.Exchange {
	GinkgoHelper()
	reqs := make([]client.Request, len(ls))
	for i, l := range ls {
		reqs[i] = l.req
	}
	return sendAll(ctx, reqs)
}

// longSpec goes on the specs with the longest chains of round trips: they are handed out
// to the parallel processes first, so no process starts one when the others are done.
var longSpec = SpecPriority(1)

// longestSpec is for the few specs whose chain is longer still (the secret-answer guesses):
// first of all.
var longestSpec = SpecPriority(2)
