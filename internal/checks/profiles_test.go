package checks_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/checks"
)

func TestEveryCheckHasOneKnownProfile(t *testing.T) {
	cat := checks.MustDefault()
	seen := map[string]int{}
	for _, c := range cat.Checks {
		p := checks.ProfileOf(c)
		if !slices.Contains(checks.Profiles, p) {
			t.Errorf("%s: profile %q", c.ID, p)
		}
		seen[p]++
	}
	for _, p := range checks.Profiles {
		if seen[p] == 0 {
			t.Errorf("no check belongs to the profile %s: it could never be shown conformant", p)
		}
	}
}

func TestProfileByKindUnlessExplicit(t *testing.T) {
	for kind, want := range map[checks.Kind]string{checks.Documented: "core", checks.Configurable: "core",
		checks.Baseline: "baseline", checks.Security: "security-l1"} {
		if got := checks.ProfileOf(checks.Check{Kind: kind}); got != want {
			t.Errorf("kind %s: profile %s, want %s", kind, got, want)
		}
	}
	if got := checks.ProfileOf(checks.Check{Kind: checks.Security, Profile: "security-l2"}); got != "security-l2" {
		t.Errorf("an explicit profile must win, got %s", got)
	}
}

func TestParseRefusesAnUnknownProfile(t *testing.T) {
	_, err := checks.Parse([]byte(`{"checks": [
		{"id": "a.one", "statement": "s", "kind": "security", "profile": "security-l9", "source": {"standard": "d", "section": "a", "says": "b"}, "labels": ["a"], "unproven": "r"}
	]}`))
	if err == nil || !strings.Contains(err.Error(), `profile "security-l9"`) {
		t.Fatalf("want the unknown profile refused, got %v", err)
	}
}
