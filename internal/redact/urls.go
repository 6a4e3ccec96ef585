package redact

import (
	"net/url"
	"regexp"
	"strings"
)

// userinfo matches the credentials part of a URL (scheme://user:password@host): masked
// by pattern, so a password too short to be masked by value is masked anyway.
var userinfo = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://)([^/?#\s@"'<>]+)@`)

func maskUserinfo(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	return userinfo.ReplaceAllString(s, "${1}"+Mask+"@")
}

// URL returns raw with its credentials (user:password@), if any, masked: what to print
// wherever a configured URL is shown.
func URL(raw string) string {
	return maskUserinfo(raw)
}

// URLSecrets returns the credentials the given URLs carry (the password, decoded and as
// written, and the whole userinfo), for Redactor.Add: a password sent as basic auth is a
// secret like any other, and may turn up elsewhere, e.g. echoed in an error.
func URLSecrets(urls ...string) []string {
	var out []string
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || u.User == nil {
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
