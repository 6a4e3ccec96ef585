package redact

import (
	"net/url"
	"regexp"
	"strings"
)

// userinfo matches the credentials part of a URL (scheme://user:password@host): masked
// by pattern, so a password too short to be masked by value is masked anyway.
var userinfo = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://)([^/?#\s@"'<>]+)@`)

// secretParamName says which query parameter names carry a secret (?apikey=, &token=,
// ?access_token=, ?X-Amz-Signature=, ?code=...). Matched on the name, because a query
// secret's value has no shape of its own; a false positive masks a harmless value.
const secretParamName = `[^=&#?\s"'<>]*(?:key|token|secret|pass|pwd|auth|sig|code|credential|session|cookie|otp|pin)[^=&#?\s"'<>]*`

// querySecret matches a secret-looking query parameter and its value, after "?", "&" (also
// written "&amp;" in HTML or "\u0026" in JSON) or ";".
var querySecret = regexp.MustCompile(`(?i)((?:[?&;]|\\u0026)` + secretParamName + `=)([^&#;\s"'<>\\]+)`)

// secretNameParts are the words of secretParamName.
var secretNameParts = []string{"key", "token", "secret", "pass", "pwd", "auth", "sig", "code", "credential", "session", "cookie", "otp", "pin"}

// mayHoldQuerySecret says whether some "name=" in s has a name with a word of
// secretParamName: a pass over s that spares the regular expression almost every string.
// It may say yes where querySecret then finds nothing (it ignores what precedes the name).
func mayHoldQuerySecret(s string) bool {
	for i := strings.IndexByte(s, '='); i >= 0; {
		j := i
		for j > 0 && !strings.ContainsRune(nameEnds, rune(s[j-1])) {
			j--
		}
		name := strings.ToLower(s[j:i])
		for _, w := range secretNameParts {
			if strings.Contains(name, w) {
				return true
			}
		}
		next := strings.IndexByte(s[i+1:], '=')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return false
}

// nameEnds are the bytes a query parameter's name cannot hold (secretParamName's class).
const nameEnds = "=&#?\t\n\v\f\r \"'<>"

var secretParam = regexp.MustCompile(`(?i)^` + secretParamName + `$`)

// mayHoldUserinfo says whether some "://" in s is followed by an "@" before the end of a
// URL's authority: a pass over s that spares the regular expression the transcripts, which
// hold URLs and mail addresses but hardly ever both in one URL.
func mayHoldUserinfo(s string) bool {
	for i := strings.Index(s, "://"); i >= 0; {
		rest := s[i+3:]
		if j := strings.IndexAny(rest, authorityEnds); j > 0 && rest[j] == '@' {
			return true
		}
		next := strings.Index(rest, "://")
		if next < 0 {
			break
		}
		i += 3 + next
	}
	return false
}

// authorityEnds are the bytes that end userinfo's class in the userinfo pattern, and "@".
const authorityEnds = "/?#@\t\n\f\r \"'<>"

func maskUserinfo(s string) string {
	if len(s) > longText && strings.Contains(s, "\n") {
		// Line by line: neither pattern spans a line, and a spec's whole log would otherwise
		// be scanned by an expression for one line that may hold a URL.
		lines := strings.SplitAfter(s, "\n")
		changed := false
		for i, l := range lines {
			if m := maskLine(l); m != l {
				lines[i], changed = m, true
			}
		}
		if changed {
			return strings.Join(lines, "")
		}
		return s
	}
	return maskLine(s)
}

// longText: a text longer than this, with several lines, is masked line by line.
const longText = 512

func maskLine(s string) string {
	// The cheap tests first: the reports hold tens of thousands of strings, few of them URLs.
	if mayHoldUserinfo(s) {
		s = userinfo.ReplaceAllString(s, "${1}"+Mask+"@")
	}
	if mayHoldQuerySecret(s) {
		s = querySecret.ReplaceAllString(s, "${1}"+Mask)
	}
	return s
}

// URL returns raw with its credentials (user:password@) and the values of its
// secret-looking query parameters (?apikey=...), if any, masked: what to print wherever a
// configured URL is shown.
func URL(raw string) string {
	return maskUserinfo(raw)
}

// URLSecrets returns the credentials the given URLs carry (the password, decoded and as
// written, and the whole userinfo; each secret-looking query parameter's value, decoded
// and as written), for Redactor.Add: a password sent as basic auth or a key sent in the
// query is a secret like any other, and may turn up elsewhere, e.g. echoed in an error.
func URLSecrets(urls ...string) []string {
	var out []string
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil {
			continue
		}
		for _, kv := range strings.FieldsFunc(u.RawQuery, func(r rune) bool { return r == '&' || r == ';' }) {
			name, value, _ := strings.Cut(kv, "=")
			if n, err := url.QueryUnescape(name); err == nil && secretParam.MatchString(n) && value != "" {
				out = append(out, value)
				if v, err := url.QueryUnescape(value); err == nil && v != value {
					out = append(out, v)
				}
			}
		}
		if u.User == nil {
			continue
		}
		if p, ok := u.User.Password(); ok {
			out = append(out, p)
		}
		written := u.User.String() // user:password, percent-encoded as in the URL
		out = append(out, written)
		if _, p, ok := strings.Cut(written, ":"); ok {
			out = append(out, p)
		}
	}
	return out
}
