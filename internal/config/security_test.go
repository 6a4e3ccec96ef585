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
	if s.PasswordMaxLengthRequired != 64 || !s.CheckBlocklist || len(s.Blocklist) != 4 || s.MaxFailedAnswers != 100 || s.CodeSamples != 6 {
		t.Fatalf("defaults: %+v", s)
	}
}

func TestSecuritySettingsRefuseWhatProvesNothing(t *testing.T) {
	for setting, value := range map[string]string{
		"AUTOSHARES_BLOCKLIST":                    "password1, 123456", // 6 characters: refused for length alone
		"AUTOSHARES_CODE_SAMPLES":                 "3",                 // a random generator would fail too often
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
