package results

import (
	"strings"
	"testing"
)

func TestSkipsAreGroupedByTheSettingThatEnablesThem(t *testing.T) {
	mailOrState := "set AUTOSHARES_STATE_URL, or AUTOSHARES_MAILBOX_URL with AUTOSHARES_TEST_TRADERS"
	lines := GroupSkips([]Skip{
		{"b spec", `needs the provider state "a trader has a valid reset token": ` + mailOrState},
		{"a spec", `needs the provider state "a trader with a secret question": ` + mailOrState},
		{"c spec", `needs the provider state "a trader has an expired password reset code": set AUTOSHARES_STATE_URL (the mail flow cannot make an expired code)`},
		{"d spec", `AUTOSHARES_GENERATED_CASES=0: no generated bodies`},
	})
	if len(lines) != 3 {
		t.Fatalf("want one line per setting, got %d:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	want := "- " + mailOrState + `: 2 spec(s) (needs the provider state "a trader has a valid reset token"; needs the provider state "a trader with a secret question")` + "\n    a spec; b spec"
	if lines[0] != want {
		t.Errorf("first line:\n%s\nwant\n%s", lines[0], want)
	}
	if !strings.Contains(strings.Join(lines, "\n"), "- AUTOSHARES_GENERATED_CASES=0: no generated bodies: 1 spec(s)\n    d spec") {
		t.Errorf("a reason without a need is its own group:\n%s", strings.Join(lines, "\n"))
	}
}
