package client

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// bucket is a token bucket: rate requests a second on average, bursts of at most one
// second's worth. (golang.org/x/time/rate is not in the module graph; this is all of it
// the suite needs.)
type bucket struct {
	mu     sync.Mutex
	rate   float64 // tokens a second
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(rate float64) *bucket {
	burst := max(rate, 1)
	return &bucket{rate: rate, burst: burst, tokens: burst, last: time.Now()}
}

// wait takes a token, sleeping until one is there or ctx ends; it returns how long it slept.
func (b *bucket) wait(ctx context.Context) (time.Duration, error) {
	b.mu.Lock()
	now := time.Now()
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	b.tokens-- // reserved now, even if it has to be waited for: callers queue in order
	var d time.Duration
	if b.tokens < 0 {
		d = time.Duration(-b.tokens / b.rate * float64(time.Second))
	}
	b.mu.Unlock()
	if d == 0 {
		return 0, nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return d, nil
	case <-ctx.Done():
		b.mu.Lock()
		b.tokens++ // give the reservation back
		b.mu.Unlock()
		return 0, ctx.Err()
	}
}

// Protocol names how resp came: "HTTP/2 over TLS 1.3", "HTTP/1.1 (cleartext)".
func Protocol(resp *http.Response) string {
	proto := resp.Proto
	if proto == "" {
		proto = "HTTP/" + map[bool]string{true: "2", false: "1.1"}[resp.ProtoMajor == 2]
	}
	if resp.TLS == nil {
		return proto + " (cleartext)"
	}
	return proto + " over " + tls.VersionName(resp.TLS.Version)
}

// Protocol is how the pool's first answer came, "" before any.
func (p *Pool) Protocol() string {
	p.protoMu.Lock()
	defer p.protoMu.Unlock()
	return p.proto
}

// ProtocolOf is how the first answer from host (host[:port]) came, "" before any: the
// target's protocol, whatever the mailbox beside it speaks.
func (p *Pool) ProtocolOf(host string) string {
	p.protoMu.Lock()
	defer p.protoMu.Unlock()
	return p.protoByHost[host]
}

func (p *Pool) noteProtocol(resp *http.Response) {
	p.protoMu.Lock()
	defer p.protoMu.Unlock()
	proto := Protocol(resp)
	if p.proto == "" {
		p.proto = proto
	}
	if resp.Request == nil || resp.Request.URL == nil {
		return
	}
	if p.protoByHost == nil {
		p.protoByHost = map[string]string{}
	}
	if _, seen := p.protoByHost[resp.Request.URL.Host]; !seen {
		p.protoByHost[resp.Request.URL.Host] = proto
	}
}

// ProxyName shows a proxy URL without its credentials: scheme, host and port only.
func ProxyName(p *url.URL) string {
	return (&url.URL{Scheme: p.Scheme, Host: p.Host}).String()
}
