package states

import (
	"regexp"
	"testing"
)

func TestExtractCode(t *testing.T) {
	for _, tc := range []struct {
		name, text, want string
		ok               bool
	}{
		{"documented form", "Confirmation code: 231408", "231408", true},
		{"in a mail", "Hello bob,\r\n\r\nEnter this code to continue:\r\n\r\nConfirmation code: 123456\r\n\r\nThe code expires", "123456", true},
		{"lower case, is", "Your confirmation code is 741175.", "741175", true},
		{"is with colon", "Your Confirmation Code is: 000123", "000123", true},
		{"no space after colon", "Confirmation code:654321", "654321", true},
		{"line break before digits", "Confirmation code:\n  987654\n", "987654", true},
		{"upper case", "CONFIRMATION CODE: 112233", "112233", true},
		{"five digits", "Confirmation code: 12345", "", false},
		{"seven digits", "Confirmation code: 1234567", "", false},
		{"digits with a space", "Confirmation code: 123 456", "", false},
		{"letters", "Confirmation code: 12a456", "", false},
		{"no label", "Your code: 123456", "", false},
		{"label only", "Confirmation code:", "", false},
		{"empty", "", "", false},
		{"label inside a word", "Noconfirmation code: 123456", "", false},
		{"first valid one wins", "Confirmation code: 1234567\nConfirmation code: 222333\nConfirmation code: 444555", "222333", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ExtractCode(tc.text)
			if got != tc.want || ok != tc.ok {
				t.Errorf("ExtractCode(%q) = %q, %v; want %q, %v", tc.text, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestHTMLToText(t *testing.T) {
	code, ok := ExtractCode(htmlToText(`<p>Confirmation&nbsp;code: <b>246810</b></p><style>p{}</style>`))
	if !ok || code != "246810" {
		t.Errorf("code from HTML = %q, %v; want 246810", code, ok)
	}
}

func TestNormalizeAddress(t *testing.T) {
	for in, want := range map[string]string{
		"bob@example.test":           "bob@example.test",
		"  bob@example.test ":        "bob@example.test",
		"Bob <bob@example.test>":     "bob@example.test",
		`"Bob B" <bob@example.test>`: "bob@example.test",
	} {
		if got, err := normalizeAddress(in); err != nil || got != want {
			t.Errorf("normalizeAddress(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", `bo"b@example.test`, "bob smith"} {
		if got, err := normalizeAddress(in); err == nil {
			t.Errorf("normalizeAddress(%q) = %q, want an error", in, got)
		}
	}
}

func TestFindCodeWhateverTheTemplate(t *testing.T) {
	custom := regexp.MustCompile(`PIN\s+(\d{6})`)
	for _, tc := range []struct {
		name, text string
		pattern    *regexp.Regexp
		want       string
	}{
		{"the documented phrase", "Confirmation code: 231408, ref 999999", nil, "231408"},
		{"one 6-digit number, no phrase", "Use 482913 to go on. It expires in 10 minutes, 2026-12-07.", nil, "482913"},
		{"the same number twice", "Code 482913. Again: 482913", nil, "482913"},
		{"two 6-digit numbers: no code", "Ticket 123456, code 654321", nil, ""},
		{"a notification: no 6-digit number", "Your password was changed on 2026-12-07 at 03:04.", nil, ""},
		{"7 digits are no code", "Ref 1234567", nil, ""},
		{"a login's digits are no code", "Hello trader-f930864d561d, enter 4821 to go on.", nil, ""},
		{"an address's digits are no code", "Sent to 930864@traders.example.test: your code 246810.", nil, "246810"},
		{"the phrase names another code", "Confirmation code: 4821\nHello trader-930864", nil, ""},
		{"the pattern decides", "Ticket 123456, PIN 654321", custom, "654321"},
		{"the pattern finds nothing", "Confirmation code: 231408", custom, ""},
		{"a pattern without a group", "Ticket 12, x987654", regexp.MustCompile(`\d{6}`), "987654"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := FindCode(tc.text, tc.pattern)
			if got != tc.want || ok != (tc.want != "") {
				t.Errorf("FindCode(%q) = %q, %v; want %q", tc.text, got, ok, tc.want)
			}
		})
	}
	code, ok := FindCode(htmlToText(`<html><style>.c{color:#123456}</style><p>Your code <b>246810</b></p></html>`), nil)
	if !ok || code != "246810" {
		t.Errorf("code from an HTML-only mail = %q, %v; want 246810", code, ok)
	}
}
