package framework

import (
	"net/http"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/client"
)

// A race with a few requests late after a 503 (not processed) still raced among the
// others; late after a 429, or too many of them, it did not.
func TestRacedDespite(t *testing.T) {
	ok := func() *client.Exchange { return &client.Exchange{Status: 200} }
	late := func(status int) *client.Exchange {
		return &client.Exchange{Status: 400, RateLimitWaits: 1, Earlier: []client.Attempt{{Status: status}}}
	}
	eight := func(exs ...*client.Exchange) []*client.Exchange {
		for len(exs) < 8 {
			exs = append(exs, ok())
		}
		return exs
	}
	for _, c := range []struct {
		name  string
		exs   []*client.Exchange
		raced bool
	}{
		{"one late after a 503", eight(late(503)), true},
		{"two of eight late after a 503", eight(late(503), late(503)), true},
		{"three of eight late after a 503", eight(late(503), late(503), late(503)), false},
		{"one late after a 429", eight(late(429)), false},
		{"one of two late", []*client.Exchange{ok(), late(503)}, false},
	} {
		if got := racedDespite(c.exs) != ""; got != c.raced {
			t.Errorf("%s: raced %v, want %v", c.name, got, c.raced)
		}
	}
}

// A race whose answers include a throttle's refusal, or whose every request was refused at
// first with no success after, proves nothing.
func TestThrottledAnswers(t *testing.T) {
	throttled := &client.Exchange{Status: http.StatusServiceUnavailable, ResponseHeader: http.Header{"Retry-After": {"1"}}, Repeated503: 3}
	outage := &client.Exchange{Status: http.StatusServiceUnavailable, ResponseHeader: http.Header{}}
	resent := func(status int) *client.Exchange {
		return &client.Exchange{Status: status, Earlier: []client.Attempt{{Status: 429}}}
	}
	for _, c := range []struct {
		name string
		exs  []*client.Exchange
		want string
	}{
		{"a 503 handed over", []*client.Exchange{{Status: 200}, throttled}, "request 2 (503) got a throttle's refusal"},
		{"a 503 without Retry-After is an answer", []*client.Exchange{{Status: 200}, outage}, ""},
		{"all resent, none succeeded", []*client.Exchange{resent(400), resent(400)}, "none succeeded when resent"},
		{"all resent, one succeeded", []*client.Exchange{resent(200), resent(400)}, ""},
		{"none resent, none succeeded: a finding", []*client.Exchange{{Status: 400}, {Status: 400}}, ""},
	} {
		got := throttledAnswers(c.exs)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
