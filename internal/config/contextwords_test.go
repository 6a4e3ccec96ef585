package config

import (
	"strings"
	"testing"
)

func TestContextWords(t *testing.T) {
	c, err := load(env(map[string]string{}), nil)
	if err != nil || strings.Join(c.Security.ContextWords, "|") != "AutoShares|ETNA" {
		t.Fatalf("default: %q, %v", c.Security.ContextWords, err)
	}
	c, err = load(env(map[string]string{"AUTOSHARES_PASSWORD_CONTEXT_WORDS": " Acme , ,AutoShares,ETNA"}), nil)
	if err != nil || strings.Join(c.Security.ContextWords, "|") != "Acme|AutoShares|ETNA" {
		t.Fatalf("got %q, %v", c.Security.ContextWords, err)
	}
	c, err = load(env(map[string]string{"AUTOSHARES_PASSWORD_CONTEXT_WORDS": "none"}), nil)
	if err != nil || len(c.Security.ContextWords) != 0 {
		t.Fatalf("none: got %q, %v", c.Security.ContextWords, err)
	}
	// A two-letter word would match ordinary letters: refused, naming the setting.
	if _, err := load(env(map[string]string{"AUTOSHARES_PASSWORD_CONTEXT_WORDS": "AutoShares,AS"}), nil); err == nil || !strings.Contains(err.Error(), "AUTOSHARES_PASSWORD_CONTEXT_WORDS") {
		t.Errorf("a 2-letter word: want an error naming the setting, got %v", err)
	}
	var s Setting
	for _, x := range Settings() {
		if x.Env == "AUTOSHARES_PASSWORD_CONTEXT_WORDS" {
			s = x
		}
	}
	for value, loosened := range map[string]bool{
		"AutoShares,ETNA":      false,
		"etna, autoshares":     false, // any letter case, any order
		"AutoShares,ETNA,Acme": false, // more words refuse more
		"AutoShares":           true,
		"none":                 true,
		"Acme":                 true,
	} {
		if got := s.Loosens(value); got != loosened {
			t.Errorf("Loosens(%q) = %v, want %v", value, got, loosened)
		}
	}
}
