// Package apiclient sends requests to the Trading API and keeps each exchange whole
// (request, response, timing, transport error) so a failing check can print a redacted
// transcript of exactly what was said.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The documented endpoints, relative to apiURL (docs/API.md).
const (
	PathResetPassword       = "/v1.0/users/password/reset"           // step 1
	PathSecretQuestion      = "/v1.0/users/password/secret-question" // step 2
	PathResetCode           = "/v1.0/users/password/reset/code"      // step 3, AutoShares
	PathIdentifierResetCode = "/v1.0/users/identifiers/reset/code"   // step 3, ETNA since 2021
	PathUpdatePassword      = "/v1.0/users/passwords/reset/"         // step 4: plural, trailing slash
	PathLogin               = "/token"                               // log in
	HeaderAppKey            = "Et-App-Key"
)

// maxBody bounds what is read of a response: enough for any envelope, small enough that a
// misbehaving target cannot exhaust memory.
const maxBody = 1 << 20

// Client talks to one deployment.
type Client struct {
	BaseURL string // apiURL, without trailing slash
	AppKey  string
	HTTP    *http.Client // carries the request timeout
	// TimeoutSetting names the setting behind HTTP.Timeout, for the timeout message.
	TimeoutSetting string
}

// Request is one call. By default the configured app key is sent.
type Request struct {
	Method string
	Path   string // relative to BaseURL
	Query  url.Values
	Header http.Header // extra headers, e.g. Username and Password for login
	Body   any         // marshalled as JSON; nil sends no body
	// RawBody, when not nil, is sent as it is, instead of Body: the negative checks send
	// bodies that are not what any schema allows (not JSON, too big, wrong types). Its
	// secrets must already be known to the redactor, since it is not parsed by field.
	RawBody []byte
	// ContentType labels RawBody; "" = application/json.
	ContentType string
	// Schema names the file in schemas/ the body must satisfy; the suite checks it
	// before sending, so a request that breaks the contract is the suite's own bug.
	Schema string
	// OmitAppKey sends no Et-App-Key; AppKey, when not empty, replaces the configured one.
	OmitAppKey bool
	AppKey     string
	// NoRateLimitRetry: a 429 is the answer itself, not a reason to wait and retry (the
	// brute-force check, where throttling is the evidence). The transport's 429 retry honours
	// it; a 503 with Retry-After is still waited out and resent (an overloaded moment is no
	// answer to the check).
	NoRateLimitRetry bool
}

// Exchange is a request and what came of it.
type Exchange struct {
	Method         string
	URL            string
	RequestHeader  http.Header
	RequestBody    []byte
	Status         int // 0 when no response arrived
	ResponseHeader http.Header
	ResponseBody   []byte
	Duration       time.Duration
	Err            error // transport failure, timeout, unreadable body; a *transport.NotProvenError when still rate-limited
	// RateLimitWaits is how many rate-limit waits the transport spent on this exchange.
	RateLimitWaits int
	// RateCeilingWait is how long the transport held the exchange for AUTOSHARES_MAX_RPS.
	RateCeilingWait time.Duration
	// LastSent is when the transport sent the request's last attempt; zero if none went out.
	LastSent time.Time
	// Earlier are the answers before this one (429s, 503s with Retry-After), each waited out
	// and the request sent again: the transcript shows them all (Resent).
	Earlier []Attempt
	// Repeated503 > 0: the answer is a 503 the target gave this request that many times in a
	// row while it answered other requests: its answer, judged as such.
	Repeated503 int
	// Paced is how long the transport held the request for the target's learned rate.
	Paced time.Duration
	// Took is how long the last attempt took, from its send to its whole answer: Duration
	// less the waits and holds before it.
	Took time.Duration
}

// Resent says whether the request went out more than once. Each earlier answer said "not
// processed" (a 429, a 503 with Retry-After), so for a request that changes state (steps 1,
// 3 and 4) only a target that processes a request and then answers so would have acted on
// it twice; a check that depends on a first use (a code, a token) can tell by this, and its
// transcript shows every attempt.
func (e *Exchange) Resent() bool { return len(e.Earlier) > 0 }

// Throttled says whether the answer handed over is itself a "come back later" (a 429, or a
// 503 with Retry-After): the target refused the request without processing it.
func (e *Exchange) Throttled() bool {
	if e.Status != http.StatusTooManyRequests && e.Status != http.StatusServiceUnavailable {
		return false
	}
	_, limited := RetryAfter(&http.Response{StatusCode: e.Status, Header: e.ResponseHeader}, time.Now())
	return limited
}

// Do sends req. It always returns an Exchange; a transport failure is in Exchange.Err.
func (c *Client) Do(ctx context.Context, req Request) *Exchange {
	ex := &Exchange{Method: req.Method, URL: c.BaseURL + req.Path, RequestHeader: http.Header{}}
	if len(req.Query) > 0 {
		ex.URL += "?" + req.Query.Encode()
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			ex.RequestHeader.Add(k, v)
		}
	}
	switch {
	case req.OmitAppKey:
	case req.AppKey != "":
		ex.RequestHeader.Set(HeaderAppKey, req.AppKey)
	default:
		ex.RequestHeader.Set(HeaderAppKey, c.AppKey)
	}
	ex.RequestHeader.Set("Accept", "application/json")
	switch {
	case req.RawBody != nil:
		ex.RequestBody = req.RawBody
		ct := req.ContentType
		if ct == "" {
			ct = "application/json"
		}
		ex.RequestHeader.Set("Content-Type", ct)
	case req.Body != nil:
		b, err := json.Marshal(req.Body)
		if err != nil {
			ex.Err = fmt.Errorf("encoding the request body: %w", err)
			return ex
		}
		ex.RequestBody = b
		ex.RequestHeader.Set("Content-Type", "application/json")
	}

	if req.NoRateLimitRetry {
		ctx = WithoutRetry(ctx)
	}
	ctx, outcome := WithOutcome(ctx)
	hreq, err := http.NewRequestWithContext(ctx, req.Method, ex.URL, bytes.NewReader(ex.RequestBody))
	if err != nil {
		ex.Err = err
		return ex
	}
	hreq.Header = ex.RequestHeader.Clone()
	if req.Body == nil && req.RawBody == nil {
		hreq.Body, hreq.ContentLength = http.NoBody, 0 // login is documented with Content-Length: 0
	}
	start := time.Now()
	sent.Add(1)
	resp, err := c.HTTP.Do(hreq)
	if err != nil {
		ex.Duration = time.Since(start)
		ex.Err = c.describeTransportError(err)
		return ex
	}
	defer resp.Body.Close()
	ex.Status = resp.StatusCode
	ex.ResponseHeader = resp.Header
	ex.ResponseBody, err = io.ReadAll(io.LimitReader(resp.Body, maxBody))
	ex.Duration = time.Since(start)
	if err != nil {
		ex.Err = fmt.Errorf("reading the response body: %w", c.describeTransportError(err))
	}
	ex.RateLimitWaits, ex.RateCeilingWait, ex.LastSent = outcome.Waits, outcome.Throttled, outcome.LastSent
	ex.Earlier, ex.Repeated503, ex.Paced = outcome.Earlier, outcome.Repeated503, outcome.Paced
	if !outcome.LastSent.IsZero() {
		ex.Took = time.Since(outcome.LastSent)
	}
	if err := outcome.Err(); err != nil && ex.Err == nil {
		// The target never answered the request: its last 429 stays in the exchange, for the
		// transcript, but is no verdict on any check.
		ex.Err = err
	}
	return ex
}

// describeTransportError turns net/http's wrapped errors into one actionable sentence.
func (c *Client) describeTransportError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "Client.Timeout") {
		if c.TimeoutSetting != "" {
			return fmt.Errorf("no response within %s (%s): %w", TimeoutOf(c.HTTP), c.TimeoutSetting, err)
		}
		return fmt.Errorf("no response within the timeout: %w", err)
	}
	if hint := TLSHint(err); hint != "" {
		return fmt.Errorf("%w; %s", err, hint)
	}
	return err
}

// JSON decodes the response body into v.
func (e *Exchange) JSON(v any) error {
	if len(e.ResponseBody) == 0 {
		return errors.New("the response has no body")
	}
	return json.Unmarshal(e.ResponseBody, v)
}
