package catalogue_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/catalogue"
)

func TestEveryCheckHasOneKnownProfile(t *testing.T) {
	cat := catalogue.MustDefault()
	seen := map[string]int{}
	for _, c := range cat.Checks {
		p := catalogue.ProfileOf(c)
		if !slices.Contains(catalogue.Profiles, p) {
			t.Errorf("%s: profile %q", c.ID, p)
		}
		seen[p]++
	}
	for _, p := range catalogue.Profiles {
		if seen[p] == 0 {
			t.Errorf("no check belongs to the profile %s: it could never be shown conformant", p)
		}
	}
}

func TestProfileByKindUnlessExplicit(t *testing.T) {
	for kind, want := range map[catalogue.Kind]string{catalogue.Documented: "core", catalogue.Configurable: "core",
		catalogue.Baseline: "baseline", catalogue.Security: "security-l1"} {
		if got := catalogue.ProfileOf(catalogue.Check{Kind: kind}); got != want {
			t.Errorf("kind %s: profile %s, want %s", kind, got, want)
		}
	}
	if got := catalogue.ProfileOf(catalogue.Check{Kind: catalogue.Security, Profile: "security-l2"}); got != "security-l2" {
		t.Errorf("an explicit profile must win, got %s", got)
	}
}

func TestParseRefusesAnUnknownProfile(t *testing.T) {
	_, err := catalogue.Parse([]byte(`{"checks": [
		{"id": "a.one", "statement": "s", "kind": "security", "profile": "security-l9", "source": {"standard": "d", "section": "a", "says": "b"}, "labels": ["a"], "unproven": "r"}
	]}`))
	if err == nil || !strings.Contains(err.Error(), `profile "security-l9"`) {
		t.Fatalf("want the unknown profile refused, got %v", err)
	}
}

func TestParseWantsALevelForEverySecurityCheck(t *testing.T) {
	_, err := catalogue.Parse([]byte(`{"checks": [
		{"id": "a.none", "statement": "s", "kind": "security", "source": {"standard": "d", "section": "a", "says": "b"}, "labels": ["a"], "unproven": "r"},
		{"id": "a.why", "statement": "s", "kind": "security", "profile": "security-l2", "source": {"standard": "d", "section": "a", "says": "b"}, "labels": ["a"], "unproven": "r"},
		{"id": "a.both", "statement": "s", "kind": "security", "profile": "security-l2", "level_reason": "x", "source": {"standard": "OWASP ASVS 5.0.0", "section": "ASVS 6.2.9", "says": "b"}, "labels": ["asvs-6.2.9"], "unproven": "r"},
		{"id": "a.core", "statement": "s", "kind": "baseline", "profile": "security-l1", "source": {"standard": "d", "section": "a", "says": "b"}, "labels": ["a"], "unproven": "r"}
	]}`))
	for _, want := range []string{`"a.none": a security check must name its ASVS level`, `"a.why": cites no ASVS requirement`,
		`"a.both": the ASVS requirements it cites give its level`, `"a.core": only a security check has an ASVS level`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q among the problems, got %v", want, err)
		}
	}
}

func TestSecurityLevelsAreCumulative(t *testing.T) {
	if got := catalogue.SecurityLevelsBelow(catalogue.ProfileSecurityL3); !slices.Equal(got, []string{"security-l1", "security-l2"}) {
		t.Errorf("below l3: %v", got)
	}
	if got := catalogue.SecurityLevelsBelow(catalogue.ProfileSecurityL1); len(got) != 0 {
		t.Errorf("below l1: %v", got)
	}
	if got := catalogue.SecurityLevelsBelow(catalogue.ProfileCore); len(got) != 0 {
		t.Errorf("below core: %v", got)
	}
	if catalogue.SecurityProfile(2) != "security-l2" || catalogue.SecurityProfile(4) != "" {
		t.Error("SecurityProfile maps levels 1-3 only")
	}
}
