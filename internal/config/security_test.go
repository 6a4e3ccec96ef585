package config

import (
	"strings"
	"testing"
)

func TestSecurityDefaultsAreTheRequirements(t *testing.T) {
	c, err := load(env(map[string]string{}), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := c.Security
	if s.PasswordMaxLengthRequired != 64 || !s.CheckBlocklist || len(s.Blocklist) != 4 || s.MaxFailedAnswers != 100 || s.CodeSamples != 8 {
		t.Fatalf("defaults: %+v", s)
	}
}

func TestSecuritySettingsRefuseWhatProvesNothing(t *testing.T) {
	for setting, value := range map[string]string{
		"AUTOSHARES_BLOCKLIST":                    "password1, 123456", // 6 characters: refused for length alone
		"AUTOSHARES_CODE_SAMPLES":                 "5",                 // a random generator would fail too often
		"AUTOSHARES_MAX_FAILED_ANSWERS":           "101",               // above NIST's ceiling
		"AUTOSHARES_PASSWORD_MAX_LENGTH_REQUIRED": "12",                // not a long password
	} {
		if _, err := load(env(map[string]string{setting: value}), nil); err == nil || !strings.Contains(err.Error(), setting) {
			t.Errorf("%s=%q: want an error naming the setting, got %v", setting, value, err)
		}
	}
	c, err := load(env(map[string]string{"AUTOSHARES_BLOCKLIST": " letmein1 , ,sunshine1", "AUTOSHARES_PASSWORD_MAX_LENGTH_REQUIRED": "0"}), nil)
	if err != nil || strings.Join(c.Security.Blocklist, "|") != "letmein1|sunshine1" || c.Security.PasswordMaxLengthRequired != 0 {
		t.Fatalf("got %+v, %v", c.Security, err)
	}
}

// With a password minimum above 8, entries under it are refused for their length alone: a
// problem naming both settings and the entries' places, never the passwords.
func TestBlocklistEntriesMeetTheExpectedMinimum(t *testing.T) {
	_, err := load(env(map[string]string{"AUTOSHARES_EXPECT_MIN_PASSWORD_LENGTH": "12"}), nil)
	if err == nil {
		t.Fatal("the default blocklist (8- and 9-character entries) with a 12-character minimum: want a problem")
	}
	msg := err.Error()
	for _, want := range []string{"AUTOSHARES_BLOCKLIST", "AUTOSHARES_EXPECT_MIN_PASSWORD_LENGTH=12", "#1, #2, #3, #4"} {
		if !strings.Contains(msg, want) {
			t.Errorf("problem %q does not name %q", msg, want)
		}
	}
	for _, p := range strings.Split(DefaultBlocklist, ",") {
		if strings.Contains(msg, p) {
			t.Errorf("problem %q shows a blocklist password", msg)
		}
	}
	_, err = load(env(map[string]string{"AUTOSHARES_EXPECT_MIN_PASSWORD_LENGTH": "12", "AUTOSHARES_BLOCKLIST": "passwordpassword, ,password1"}), nil)
	if err == nil || !strings.Contains(err.Error(), "entries #3 are") {
		t.Errorf("want entry #3 (its place, counting the empty one) named, got %v", err)
	}
	for _, ok := range []map[string]string{
		{"AUTOSHARES_EXPECT_MIN_PASSWORD_LENGTH": "12", "AUTOSHARES_BLOCKLIST": "passwordpassword,qwertyuiop123"},
		{"AUTOSHARES_EXPECT_MIN_PASSWORD_LENGTH": "12", "AUTOSHARES_CHECK_BLOCKLIST": "false"},
		{"AUTOSHARES_EXPECT_MIN_PASSWORD_LENGTH": "0"},
	} {
		if _, err := load(env(ok), nil); err != nil {
			t.Errorf("%v: %v", ok, err)
		}
	}
}
