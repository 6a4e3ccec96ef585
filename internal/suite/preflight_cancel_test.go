package suite

import (
	"net/http"
	"testing"
	"time"
)

// When the API's probe fails, the state and mailbox probes still in flight are ended, not
// waited out: the failure is told at once.
func TestAFailedAPIProbeEndsTheOtherProbes(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	hanging := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	base := serve(t, fakeAPI("/api"))
	start := time.Now()
	mustFail(t, preflight(t, Target{BaseURL: base + "/api", AppKey: "wrong", StateURL: hanging, MailboxURL: hanging}),
		"the target rejected AUTOSHARES_APP_KEY")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s: the hanging probes were waited out (the client's timeout is 5s)", d)
	}
}
