package refprovider

import (
	"crypto/sha256"
	"net"
	"net/http"
	"sync"
	"time"
)

// rateLimiter is Options.RateLimit: a token bucket per client, as an API gateway keeps.
// A client is the remote IP and the Et-App-Key, which is kept only as a hash.
type rateLimiter struct {
	rate float64 // tokens per second, and the burst

	mu      sync.Mutex
	buckets map[[sha256.Size]byte]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newRateLimiter(perSecond int) *rateLimiter {
	return &rateLimiter{rate: float64(perSecond), buckets: map[[sha256.Size]byte]*bucket{}}
}

// allow takes a token from r's client's bucket; false = over the limit.
func (l *rateLimiter) allow(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	k := sha256.Sum256([]byte(host + "\x00" + r.Header.Get("Et-App-Key")))
	// Wall time, not Options.Now: a test's frozen clock must not freeze the refill.
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute { // forget idle clients (their buckets are full)
		for k, b := range l.buckets {
			if now.Sub(b.at) > time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[k]
	if b == nil {
		b = &bucket{tokens: l.rate, at: now}
		l.buckets[k] = b
	}
	b.tokens = min(l.rate, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// tooManyRequests is the gateway's refusal: 429, Retry-After: 1, a small JSON body.
func (s *Server) tooManyRequests(w http.ResponseWriter) {
	// Written directly: the gateway answers, not the API, so no fault changes it.
	h := w.Header()
	h.Set("Retry-After", "1")
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = w.Write([]byte(`{"Message":"Too many requests. Retry after 1 second."}`))
}
