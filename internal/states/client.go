// Package mailbox reads password-reset confirmation codes from a Mailpit mailbox over
// Mailpit's HTTP API, and runs a local Mailpit for tests and runs.
//
// It never prints a confirmation code or a message body: errors carry message counts,
// HTTP statuses and the mailbox URL with any password redacted.
package states

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	clientpkg "github.com/autoshares/conformance/internal/client"
)

// ClockTolerance is how far before `since` a message may have been received (by Mailpit's
// clock) and still count as new in WaitForCode: Mailpit and the suite may run on different
// hosts whose clocks disagree a little.
const ClockTolerance = 2 * time.Second

// Poll intervals of WaitForCode: quick first, since a local provider mails within
// milliseconds, then slower so a remote Mailpit is not hammered.
const (
	firstPoll = 100 * time.Millisecond
	maxPoll   = 500 * time.Millisecond
)

// pageSize is the search page size; Mailpit keeps 500 messages by default, so one page
// usually holds every message to an address. A variable so tests can page with less.
var pageSize = 200

// maxPages bounds paging, so a misbehaving server cannot keep WaitForCode busy forever
// within one poll.
const maxPages = 50

// maxBody bounds what is read from one API response (a confirmation mail is a few KB).
const maxBody = 16 << 20

// defaultHTTP is used when Client.HTTP is nil; its timeout keeps one hung request from
// eating a whole wait.
var defaultHTTP = &http.Client{Timeout: 10 * time.Second}

// Client talks to one Mailpit HTTP API.
type MailboxClient struct {
	// BaseURL is Mailpit's web UI root, e.g. http://127.0.0.1:8025 (a trailing "/" or
	// "/api/v1" is tolerated). Credentials for --ui-auth-file may be given as user:pass@.
	BaseURL string
	// HTTP is the client used for every request; nil means a client with a 10s timeout.
	HTTP *http.Client
	// CodePattern, when set, is how a code mail shows its code (AUTOSHARES_CODE_PATTERN):
	// its first group, or the whole match; nil recognises the documented phrase, else a
	// mail with exactly one 6-digit number (FindCode).
	CodePattern *regexp.Regexp
}

// address is one entry of Mailpit's To list.
type address struct {
	Name    string `json:"Name"`
	Address string `json:"Address"`
}

// summary is one message of a Mailpit search result.
type summary struct {
	ID      string    `json:"ID"`
	Created time.Time `json:"Created"` // when Mailpit received it, by Mailpit's clock
	To      []address `json:"To"`
	Subject string    `json:"Subject"`
	Snippet string    `json:"Snippet"`
}

// searchResult is the body of GET /api/v1/search.
type searchResult struct {
	MessagesCount int       `json:"messages_count"` // matches of the query, all pages
	Messages      []summary `json:"messages"`
}

// message is the part of GET /api/v1/message/{ID} this package reads.
type message struct {
	Text string `json:"Text"`
	HTML string `json:"HTML"`
}

// WaitForCode polls until a message to `to` received at or after `since` holds a
// confirmation code, and returns the code of the newest such message.
//
// Old codes: a code is taken only from the newest message to `to` that holds one, never
// from an older message while a newer one exists. `since` is compared with Mailpit's
// receive time (its Created field, by Mailpit's clock) with ClockTolerance for clock skew
// between hosts. A message received at or after `since` is returned at once. One received
// within the tolerance before `since` may be an earlier mail: it is returned only when it is
// the newest mail to the address and nothing newer arrived for ClockTolerance. So take
// `since` just before the request that makes the provider send the mail.
//
// The wait is bounded by ctx only (the suite bounds it by AUTOSHARES_MAIL_TIMEOUT). The
// timeout error wraps ctx.Err() and says how many messages to `to` were seen, never a code
// or a message body.
func (c *MailboxClient) WaitForCode(ctx context.Context, to string, since time.Time) (string, error) {
	addr, err := normalizeAddress(to)
	if err != nil {
		return "", err
	}
	// Mailpit keeps Created in milliseconds: a mail received in the same millisecond as
	// since must not look older than it.
	since = since.Truncate(time.Millisecond)
	w := &wait{c: c, addr: addr, since: since, cutoff: since.Add(-ClockTolerance), codes: map[string]string{}}
	began := time.Now()
	interval := firstPoll
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return "", w.timeoutError(ctx, time.Since(began))
		case <-timer.C:
		}
		code, err := w.poll(ctx)
		if err == nil && code != "" {
			return code, nil
		}
		if ctx.Err() == nil { // an aborted request says nothing about the mailbox
			w.lastErr = err
		}
		timer.Reset(interval)
		interval = min(interval*3/2, maxPoll)
	}
}

// wait is the state of one WaitForCode call.
type wait struct {
	c             *MailboxClient
	addr          string
	since, cutoff time.Time
	codes         map[string]string // message ID -> its code, "" for none; messages never change

	// What the last successful poll saw, for the timeout error.
	polled        bool
	total, recent int  // messages to addr: all, and received after cutoff
	pending       bool // the newest mail has a code but is in the tolerance window
	passedOver    bool // the newest code is in the tolerance window, and newer mail followed it
	lastErr       error

	pendingID   string
	pendingSeen time.Time // when pendingID was first seen
}

// poll searches once; it returns the code once one is certain, "" to poll again.
func (w *wait) poll(ctx context.Context) (string, error) {
	msgs, err := w.c.messagesTo(ctx, w.addr)
	if err != nil {
		return "", err
	}
	w.polled, w.total, w.recent, w.pending, w.passedOver = true, len(msgs), 0, false, false
	for _, m := range msgs { // newest first
		if m.Created.Before(w.cutoff) {
			break
		}
		w.recent++
		code, known := w.codes[m.ID]
		if !known {
			if code, err = w.c.codeOf(ctx, m); err != nil {
				// Never fall back to an older message: this newer one may hold the
				// expected code. Retry at the next poll.
				return "", err
			}
			w.codes[m.ID] = code
		}
		if code == "" {
			continue // e.g. another notification to the same trader
		}
		if !m.Created.Before(w.since) {
			return code, nil
		}
		// Received within the tolerance before since: an earlier mail, or this one on a
		// skewed clock. Take it only if it is the newest mail to the address and nothing
		// newer turns up for ClockTolerance.
		if w.recent > 1 {
			w.passedOver = true
			return "", nil
		}
		w.pending = true
		if m.ID != w.pendingID {
			w.pendingID, w.pendingSeen = m.ID, time.Now()
		}
		if time.Since(w.pendingSeen) >= ClockTolerance {
			return code, nil
		}
		return "", nil
	}
	return "", nil
}

// timeoutError describes an unsuccessful wait without any code or message content.
func (w *wait) timeoutError(ctx context.Context, waited time.Duration) error {
	var b strings.Builder
	fmt.Fprintf(&b, "mailbox: no confirmation code in mail to %s after %s", w.addr, waited.Round(time.Millisecond))
	if w.polled {
		fmt.Fprintf(&b, ": saw %s to that address, %d of them received since %s (minus %s clock tolerance)",
			plural(w.total, "message"), w.recent, w.since.UTC().Format(time.RFC3339Nano), ClockTolerance)
		switch {
		case w.pending:
			b.WriteString("; the newest, with a code, arrived just before since, within the tolerance, and was still being held back for a newer one")
		case w.passedOver:
			b.WriteString("; the newest code arrived just before since, within the tolerance, and later mail without a code followed it, so it was not taken")
		}
	} else {
		fmt.Fprintf(&b, ": the Mailpit search at %s never answered", w.c.redactedBase())
	}
	if w.lastErr != nil {
		fmt.Fprintf(&b, " (last error: %v)", w.lastErr)
	}
	b.WriteString("; AUTOSHARES_MAIL_TIMEOUT bounds this wait")
	return fmt.Errorf("%s: %w", b.String(), ctx.Err())
}

// Count returns how many messages in the mailbox are addressed (To) to `to`.
func (c *MailboxClient) Count(ctx context.Context, to string) (int, error) {
	addr, err := normalizeAddress(to)
	if err != nil {
		return 0, err
	}
	msgs, err := c.messagesTo(ctx, addr)
	return len(msgs), err
}

// Ping checks that BaseURL is a reachable Mailpit API, for a preflight check.
func (c *MailboxClient) Ping(ctx context.Context) error {
	// /api/v1/messages rather than /api/v1/info: info makes Mailpit look up the latest
	// release online, unless its version check is disabled.
	var probe struct {
		Total    *int             `json:"total"`
		Messages *json.RawMessage `json:"messages"`
	}
	const path = "/api/v1/messages"
	err := c.getJSON(ctx, path, url.Values{"limit": {"1"}}, &probe)
	var notJSON *notJSONError
	switch {
	case errors.As(err, &notJSON):
		return fmt.Errorf("mailbox: %s is not a Mailpit API: GET %s answered %s; give the Mailpit web UI root, e.g. http://127.0.0.1:8025",
			c.redactedBase(), path, notJSON.what)
	case err != nil:
		return fmt.Errorf("mailbox: %s is not a usable Mailpit API: %w", c.redactedBase(), err)
	case probe.Total == nil || probe.Messages == nil:
		return fmt.Errorf("mailbox: %s is not a Mailpit API: GET %s answered JSON without Mailpit's \"total\" and \"messages\" fields",
			c.redactedBase(), path)
	}
	return nil
}

// messagesTo returns the messages whose To holds addr exactly, newest first.
func (c *MailboxClient) messagesTo(ctx context.Context, addr string) ([]summary, error) {
	// Mailpit's to: matches a substring of the To header (bob@x also finds jbob@x), so the
	// results are filtered on the exact address below. Quoting keeps the address one term.
	q := url.Values{"query": {`to:"` + addr + `"`}, "limit": {strconv.Itoa(pageSize)}}
	var out []summary
	seen := map[string]bool{} // mail arriving while paging shifts the pages by one
	for page, start := 0, 0; page < maxPages; page++ {
		q.Set("start", strconv.Itoa(start))
		var res searchResult
		if err := c.getJSON(ctx, "/api/v1/search", q, &res); err != nil {
			return nil, err
		}
		for _, m := range res.Messages {
			if sentTo(m, addr) && !seen[m.ID] {
				seen[m.ID] = true
				out = append(out, m)
			}
		}
		start += len(res.Messages)
		if len(res.Messages) < pageSize || start >= res.MessagesCount {
			break
		}
	}
	// Mailpit sorts by Created already; sorting again keeps "newest first" a local guarantee.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out, nil
}

func sentTo(m summary, addr string) bool {
	for _, a := range m.To {
		if strings.EqualFold(strings.TrimSpace(a.Address), addr) {
			return true
		}
	}
	return false
}

// codeOf returns the confirmation code of a message, "" when it holds none. The full text
// comes first; the HTML part (tags stripped) and the search snippet are fallbacks.
func (c *MailboxClient) codeOf(ctx context.Context, m summary) (string, error) {
	var msg message
	if err := c.getJSON(ctx, "/api/v1/message/"+url.PathEscape(m.ID), nil, &msg); err != nil {
		return "", err
	}
	for _, text := range []string{msg.Text, htmlToText(msg.HTML), m.Snippet} {
		if code, ok := FindCode(text, c.CodePattern); ok {
			return code, nil
		}
	}
	return "", nil
}

// notJSONError is an answer that is not a JSON API response (an HTML page, a 404, ...).
type notJSONError struct{ what string }

func (e *notJSONError) Error() string { return "not a JSON API response: " + e.what }

// getJSON GETs BaseURL+path and decodes a 200 JSON answer into v. Error texts never
// include the response body: a message body may hold a code.
func (c *MailboxClient) getJSON(ctx context.Context, path string, query url.Values, v any) error {
	u, err := c.base()
	if err != nil {
		return err
	}
	u = u.JoinPath(path)
	if query != nil {
		u.RawQuery = query.Encode()
	}
	ctx, outcome := clientpkg.WithOutcome(ctx)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = defaultHTTP
	}
	resp, err := hc.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // url.Error repeats the URL, credentials included
		}
		return fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	ctype := resp.Header.Get("Content-Type")
	switch {
	case outcome.Err() != nil:
		return fmt.Errorf("GET %s: %w", path, outcome.Err())
	case resp.StatusCode == http.StatusUnauthorized:
		return fmt.Errorf("GET %s: 401 Unauthorized (Mailpit --ui-auth-file: put user:password@ in the URL)", path)
	case resp.StatusCode != http.StatusOK:
		return &notJSONError{what: fmt.Sprintf("%s (%s)", resp.Status, orNone(ctype))}
	case !strings.Contains(ctype, "json"):
		return &notJSONError{what: fmt.Sprintf("%s with %s, not JSON", resp.Status, orNone(ctype))}
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxBody)).Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return fmt.Errorf("GET %s: malformed JSON at offset %d", path, syn.Offset)
		case errors.As(err, &typ):
			return fmt.Errorf("GET %s: unexpected JSON: field %q is a %s", path, typ.Field, typ.Value)
		}
		return fmt.Errorf("GET %s: reading the answer: %w", path, err)
	}
	return nil
}

// base parses BaseURL, tolerating a trailing "/" or "/api/v1".
func (c *MailboxClient) base() (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(c.BaseURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("mailbox: base URL %q is not an http(s) URL", c.redactedBase())
	}
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, "/api/v1")
	u.Path, u.RawPath = p, ""
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

// redactedBase is BaseURL fit for an error message (no password).
func (c *MailboxClient) redactedBase() string {
	if u, err := url.Parse(c.BaseURL); err == nil {
		return u.Redacted()
	}
	return "(unparsable URL)"
}

// normalizeAddress accepts "bob@x" or "Bob <bob@x>" and returns the bare address.
func normalizeAddress(to string) (string, error) {
	to = strings.TrimSpace(to)
	if a, err := mail.ParseAddress(to); err == nil {
		to = a.Address
	}
	// A quote or a blank cannot be put inside Mailpit's quoted search term.
	if to == "" || strings.ContainsAny(to, "\" \t\r\n") {
		return "", fmt.Errorf("mailbox: %q is not an address Mailpit can search for", to)
	}
	return to, nil
}

// codeRE finds "Confirmation code: 123456" and "confirmation code is 123456". The digits
// are captured whole so that a 7-digit number is rejected rather than cut to 6. Spaces
// include Unicode ones (a no-break space from an HTML &nbsp;).
var codeRE = regexp.MustCompile(
	`(?i)\bconfirmation[\s\p{Zs}]+code[\s\p{Zs}]*(?:is\b[\s\p{Zs}]*)?[:=]?[\s\p{Zs}]*(\d+)`)

// ExtractCode returns the first 6-digit confirmation code in a plain-text (HTML-free) mail.
func ExtractCode(text string) (string, bool) {
	for _, m := range codeRE.FindAllStringSubmatch(text, -1) {
		if len(m[1]) == 6 {
			return m[1], true
		}
	}
	return "", false
}

// digitsRE finds runs of digits, whole: a 6-digit code is a run of exactly six.
var digitsRE = regexp.MustCompile(`\d+`)

// FindCode recognises a code mail whatever its template: with a pattern, its first match
// (its first group when it has one); without, the documented phrase (ExtractCode), else,
// when no phrase names another code, the one run of exactly six digits in the text that
// stands as a number (not inside a name such as a login). A text with two such runs, or none, holds
// no code: a notification without a 6-digit number is never taken for a code mail, and a
// mail with several numbers needs the pattern to say which is the code.
func FindCode(text string, pattern *regexp.Regexp) (string, bool) {
	if pattern != nil {
		m := pattern.FindStringSubmatch(text)
		switch {
		case m == nil:
			return "", false
		case len(m) > 1:
			return m[1], m[1] != ""
		}
		return m[0], m[0] != ""
	}
	if code, ok := ExtractCode(text); ok {
		return code, true
	}
	if codeRE.MatchString(text) {
		// The mail names its code, and it is no 6-digit number: another number of the mail
		// (a date, digits of the trader's login) is not it.
		return "", false
	}
	code := ""
	for _, loc := range digitsRE.FindAllStringIndex(text, -1) {
		run := text[loc[0]:loc[1]]
		if len(run) != 6 || partOfWord(text, loc[0], loc[1]) {
			continue
		}
		if code != "" && code != run {
			return "", false
		}
		code = run
	}
	return code, code != ""
}

// partOfWord says whether the digits text[start:end] touch a letter, '_', '-' or '@': they
// are then part of a name (a login such as trader-f930864d, an address), not a number.
func partOfWord(text string, start, end int) bool {
	touches := func(r rune) bool { return unicode.IsLetter(r) || r == '_' || r == '-' || r == '@' }
	before, _ := utf8.DecodeLastRuneInString(text[:start])
	after, _ := utf8.DecodeRuneInString(text[end:])
	return start > 0 && touches(before) || end < len(text) && touches(after)
}

var tagRE = regexp.MustCompile(`(?is)<(script|style)\b.*?</(script|style)\s*>|<[^>]*>`)

// htmlToText is a crude tag stripper, enough for "Confirmation code: <b>123456</b>".
func htmlToText(s string) string {
	if s == "" {
		return ""
	}
	return html.UnescapeString(tagRE.ReplaceAllString(s, " "))
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func orNone(s string) string {
	if s == "" {
		return "no Content-Type"
	}
	return s
}

// Mail is one message to a trader, read for the checks on what mail carries. Its Body may
// hold secrets: callers look for them in it and never print it.
type Mail struct {
	ID      string
	Subject string
	Body    string // the text part, then the HTML part without its tags
	Code    string // the code FindCode recognises in it; "" for none
}

// Seen is the set of message IDs to one address at one moment (Snapshot): what a spec's
// mail arrived on top of. IDs, not times, so the clocks of Mailpit and the suite never matter.
type Seen map[string]bool

// Snapshot returns the messages to `to` so far.
func (c *MailboxClient) Snapshot(ctx context.Context, to string) (Seen, error) {
	addr, err := normalizeAddress(to)
	if err != nil {
		return nil, err
	}
	msgs, err := c.messagesTo(ctx, addr)
	if err != nil {
		return nil, err
	}
	seen := Seen{}
	for _, m := range msgs {
		seen[m.ID] = true
	}
	return seen, nil
}

// NewMails returns the messages to `to` that the snapshot lacks, newest first, each read
// whole.
func (c *MailboxClient) NewMails(ctx context.Context, to string, before Seen) ([]Mail, error) {
	addr, err := normalizeAddress(to)
	if err != nil {
		return nil, err
	}
	msgs, err := c.messagesTo(ctx, addr)
	if err != nil {
		return nil, err
	}
	var out []Mail
	for _, m := range msgs {
		if before[m.ID] {
			continue
		}
		var msg message
		if err := c.getJSON(ctx, "/api/v1/message/"+url.PathEscape(m.ID), nil, &msg); err != nil {
			return nil, err
		}
		ml := Mail{ID: m.ID, Subject: m.Subject, Body: msg.Text + "\n" + htmlToText(msg.HTML)}
		for _, text := range []string{msg.Text, htmlToText(msg.HTML), m.Snippet} {
			if code, ok := FindCode(text, c.CodePattern); ok {
				ml.Code = code
				break
			}
		}
		out = append(out, ml)
	}
	return out, nil
}

// CountNew returns how many messages to `to` the snapshot lacks, without reading them.
func (c *MailboxClient) CountNew(ctx context.Context, to string, before Seen) (int, error) {
	addr, err := normalizeAddress(to)
	if err != nil {
		return 0, err
	}
	msgs, err := c.messagesTo(ctx, addr)
	n := 0
	for _, m := range msgs {
		if !before[m.ID] {
			n++
		}
	}
	return n, err
}

// WaitForNew polls until at least `want` messages to `to` are new since the snapshot, or
// ctx ends, and returns how many were new at the last poll; an error only when no poll
// answered. With want 0 it polls until ctx ends: a wait for mail that must not come
// (stop early by cancelling ctx, or when more than `most` arrived; most < 0: no bound).
func (c *MailboxClient) WaitForNew(ctx context.Context, to string, before Seen, want, most int) (int, error) {
	interval := firstPoll
	n, polled := 0, false
	var lastErr error
	for {
		got, err := c.CountNew(ctx, to, before)
		if err == nil {
			n, polled = got, true
			if (want > 0 && n >= want) || (most >= 0 && n > most) {
				return n, nil
			}
		} else if ctx.Err() == nil {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			if !polled {
				if lastErr == nil {
					lastErr = ctx.Err()
				}
				return 0, fmt.Errorf("mailbox: the Mailpit search at %s never answered: %w", c.redactedBase(), lastErr)
			}
			return n, nil
		case <-time.After(interval):
		}
		interval = min(interval*3/2, maxPoll)
	}
}
