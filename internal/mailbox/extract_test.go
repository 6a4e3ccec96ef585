package mailbox

import "testing"

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
