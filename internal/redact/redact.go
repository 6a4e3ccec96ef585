// Package redact removes secrets (app keys, passwords, tokens, confirmation codes) from
// anything the suite prints or writes: transcripts, failure messages, reports.
//
// Two layers, because neither is enough alone: by name (headers and JSON fields that
// carry secrets by definition, whatever their value) and by value (every secret the run
// has seen, wherever it turns up, e.g. echoed inside an error message).
package redact

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// Mask replaces every secret.
const Mask = "[REDACTED]"

// wholeWordBelow: a secret shorter than this (a 4-digit code, a 5-character password) is
// masked only where it stands alone, not touching a letter or digit (a code of digits: not
// touching another digit), so that "7" or "ok" does not shred "17" or "token". Longer ones
// are masked wherever they appear. Only registered secrets are masked at all, so a short
// one standing alone elsewhere (a count of 1234 when a code was 1234) is masked too: the
// price of never printing the code.
const wholeWordBelow = 6

// SecretHeaders are request and response headers whose values are always secret.
var SecretHeaders = []string{"Et-App-Key", "Password", "Authorization", "Cookie", "Set-Cookie", "PinCode", "VerificationCode"}

// SecretFields are JSON object keys whose string values are always secret.
var SecretFields = []string{"Password", "PasswordConfirmation", "Token", "Code", "SecretQuestionAnswer", "VerificationCode", "PinCode"}

// Redactor holds the secret values seen so far. Safe for concurrent use.
type Redactor struct {
	mu      sync.RWMutex
	secrets map[string]struct{}
	sorted  []string            // longest first, so a secret containing another is masked whole
	escaped map[string][]string // each secret's escapedForms, worked out once
	// What candidates looks for, each naming the secrets it may begin: codes (all digits)
	// whole; the first prefixLen bytes of longer secrets and forms; the first three of the
	// others. short: a secret or form shorter than three bytes is known, and every string
	// is searched for every secret.
	codes    map[string]struct{}
	prefixes map[string][]string
	grams    map[[3]byte][]string
	starts   pairSet // the first two bytes of every prefix and gram: most positions need no lookup
	short    bool
	share    *os.File // see Share; nil = not sharing
	shareErr error
}

// New returns a Redactor that already knows the given secrets.
func New(secrets ...string) *Redactor {
	r := &Redactor{secrets: map[string]struct{}{}, escaped: map[string][]string{}, codes: map[string]struct{}{}, prefixes: map[string][]string{}, grams: map[[3]byte][]string{}}
	r.Add(secrets...)
	return r
}

// Add registers secret values the run learned (tokens, codes, passwords), masked whatever
// their length (see wholeWordBelow); empty values are ignored.
func (r *Redactor) Add(secrets ...string) { r.add(secrets) }

// AddConfigured registers secrets the user configured (the app key, a test trader's
// password or answer, an expired token). The same rule as Add: kept apart for the callers'
// sake, which say where a secret came from.
func (r *Redactor) AddConfigured(secrets ...string) { r.add(secrets) }

func (r *Redactor) add(secrets []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	changed := false
	for _, s := range secrets {
		if s == "" {
			continue
		}
		if _, ok := r.secrets[s]; !ok {
			r.secrets[s] = struct{}{}
			if !isDigits(s) {
				r.escaped[s] = escapedForms(s)
			}
			if isDigits(s) {
				r.codes[s] = struct{}{}
			}
			for _, form := range append([]string{s}, r.escaped[s]...) {
				switch {
				case isDigits(form):
				case len(form) >= prefixLen:
					r.prefixes[form[:prefixLen]] = append(r.prefixes[form[:prefixLen]], s)
					r.starts.add(form[0], form[1])
				case len(form) >= 3:
					g := [3]byte{form[0], form[1], form[2]}
					r.grams[g] = append(r.grams[g], s)
					r.starts.add(form[0], form[1])
				default:
					r.short = true
				}
			}
			changed = true
			r.writeSharedLocked(s)
		}
	}
	if changed {
		r.sorted = r.sorted[:0]
		for s := range r.secrets {
			r.sorted = append(r.sorted, s)
		}
		sort.Slice(r.sorted, func(i, j int) bool { return len(r.sorted[i]) > len(r.sorted[j]) })
	}
}

// String masks every known secret value in s, raw and JSON-escaped, and the credentials
// of every URL in it (user:password@), whatever their length.
func (r *Redactor) String(s string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var only map[string]bool // nil: every secret
	if !r.short {
		if only = r.candidates(s); len(only) == 0 {
			return maskUserinfo(s)
		}
	}
	for _, secret := range r.sorted {
		if only != nil && !only[secret] {
			continue
		}
		if isDigits(secret) {
			// A confirmation code is only digits: masked where it stands alone, not inside a
			// longer number such as a timestamp's nanoseconds.
			s = replaceStandalone(s, secret, isDigit)
			continue
		}
		replace := func(s, v string) string { return strings.ReplaceAll(s, v, Mask) }
		if len(secret) < wholeWordBelow {
			replace = func(s, v string) string { return replaceStandalone(s, v, isAlnum) }
		}
		s = replace(s, secret)
		for _, esc := range r.escaped[secret] {
			s = replace(s, esc)
		}
	}
	return maskUserinfo(s)
}

// prefixLen: a secret this long is looked for by its first prefixLen bytes, which hardly
// any other text shares (its first three would be shared by every token's and password's
// hex digits, and by every timestamp).
const prefixLen = 8

// candidates are the secrets s may hold, raw or in an escaped form: a code as a whole run
// of digits, a secret whose form's first prefixLen bytes (first three, for a shorter form)
// appear in s. One pass over s: looking for each secret in turn costs a pass per secret,
// and the reports hold tens of thousands of strings, most of them without any.
func (r *Redactor) candidates(s string) map[string]bool {
	var found map[string]bool
	add := func(secrets ...string) {
		if found == nil {
			found = map[string]bool{}
		}
		for _, x := range secrets {
			found[x] = true
		}
	}
	for i := 0; i < len(s); i++ {
		if len(r.codes) > 0 && isDigit(s[i]) && (i == 0 || !isDigit(s[i-1])) {
			j := i
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			if _, ok := r.codes[s[i:j]]; ok {
				add(s[i:j])
			}
		}
		if i+3 > len(s) || !r.starts.has(s[i], s[i+1]) {
			continue
		}
		if i+prefixLen <= len(s) {
			if secrets, ok := r.prefixes[s[i:i+prefixLen]]; ok {
				add(secrets...)
			}
		}
		if len(r.grams) > 0 {
			if secrets, ok := r.grams[[3]byte{s[i], s[i+1], s[i+2]}]; ok {
				add(secrets...)
			}
		}
	}
	return found
}

// pairSet is a set of two-byte sequences, one bit each.
type pairSet [1 << 16 / 64]uint64

func (p *pairSet) add(a, b byte)      { n := uint(a)<<8 | uint(b); p[n/64] |= 1 << (n % 64) }
func (p *pairSet) has(a, b byte) bool { n := uint(a)<<8 | uint(b); return p[n/64]&(1<<(n%64)) != 0 }

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func isAlnum(b byte) bool { return isDigit(b) || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// replaceStandalone replaces the occurrences of v in s that no byte of the given class
// touches on either side (for a code: no other digit; for a short secret: no letter or
// digit).
func replaceStandalone(s, v string, touches func(byte) bool) string {
	var b strings.Builder
	for {
		i := strings.Index(s, v)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(v)
		b.WriteString(s[:i])
		if (i > 0 && touches(s[i-1])) || (end < len(s) && touches(s[end])) {
			b.WriteString(v)
		} else {
			b.WriteString(Mask)
		}
		s = s[end:]
	}
}

// Header returns a copy of h with secret headers masked and known values masked.
func (r *Redactor) Header(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		masked := isSecretHeader(k)
		for _, v := range vs {
			if masked {
				v = Mask
			}
			out[k] = append(out[k], r.String(v))
		}
	}
	return out
}

// JSON masks the values of secret fields at any depth, then known values anywhere. A body
// that is not JSON is masked by value only.
func (r *Redactor) JSON(body []byte) string {
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return r.String(string(body))
	}
	out, err := json.Marshal(maskFields(v))
	if err != nil {
		return r.String(string(body))
	}
	return r.String(string(out))
}

func maskFields(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if _, isString := val.(string); isString && isSecretField(k) {
				t[k] = Mask
			} else {
				t[k] = maskFields(val)
			}
		}
	case []any:
		for i := range t {
			t[i] = maskFields(t[i])
		}
	}
	return v
}

func isSecretHeader(name string) bool {
	for _, h := range SecretHeaders {
		if strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}

func isSecretField(name string) bool {
	for _, f := range SecretFields {
		if strings.EqualFold(f, name) {
			return true
		}
	}
	return false
}

func jsonEscaped(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// escapedForms are the other ways a URL or a JSON body may write s: percent-encoded, and as
// JSON encoders do: Go's (HTML
// characters as \u003c), and \uXXXX for every non-ASCII character, with or without the
// HTML-sensitive ones ("<>&'+`), in upper- or lower-case hex (ASP.NET's System.Text.Json
// writes "\u00E8" for è by default). Only the forms that differ from s.
func escapedForms(s string) []string {
	var out []string
	add := func(f string) {
		if f != s && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	add(jsonEscaped(s))
	// In a URL (a query string, a path) a secret is percent-encoded.
	add(url.QueryEscape(s))
	add(url.PathEscape(s))
	for _, hex := range []string{`\u%04X`, `\u%04x`} {
		for _, html := range []bool{false, true} {
			add(unicodeEscaped(s, hex, html))
		}
	}
	return out
}

// unicodeEscaped writes s as a JSON string's content with every non-ASCII character (and,
// with html, every HTML-sensitive one) as \uXXXX, in UTF-16 as JSON has it.
func unicodeEscaped(s, hex string, html bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"':
			if html {
				fmt.Fprintf(&b, hex, r)
			} else {
				b.WriteString(`\"`)
			}
		case r == '\\':
			b.WriteString(`\\`)
		case r < 0x20 || r >= 0x7f || html && strings.ContainsRune("<>&'+`", r):
			if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
				fmt.Fprintf(&b, hex+hex, r1, r2)
			} else {
				fmt.Fprintf(&b, hex, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
