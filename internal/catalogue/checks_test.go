package catalogue_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/testkit"
)

func TestTheCatalogueIsValid(t *testing.T) {
	if _, err := catalogue.Default(); err != nil {
		t.Fatal(err)
	}
}

func TestParseReportsEveryProblemAtOnce(t *testing.T) {
	_, err := catalogue.Parse([]byte(`{"checks": [
		{"id": "Step4 Bad", "statement": "", "kind": "strict", "source": {"section": "x", "says": "y"}, "labels": []},
		{"id": "step4.ok", "statement": "s", "kind": "security", "source": {"document": "docs/API.md", "section": "a", "says": "b"}, "labels": ["step4"], "unproven": "r"},
		{"id": "step4.ok", "statement": "s", "kind": "configurable", "source": {"standard": "NIST", "section": "a", "says": "b"}, "labels": ["step4"]}
	]}`))
	if err == nil {
		t.Fatal("want problems")
	}
	for _, want := range []string{"dot-separated", "no statement", `kind "strict"`, "either a document or a standard", "no labels",
		"needs a fault switch", "must name the standard", "listed twice", "must name the settings"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the problems do not say %q:\n%v", want, err)
		}
	}
}

func TestParseRefusesUnknownFields(t *testing.T) {
	if _, err := catalogue.Parse([]byte(`{"checks": [], "faults_not_checked": {}, "extra": 1}`)); err == nil {
		t.Fatal("an unknown key must be refused: it is most likely a typo")
	}
}

func TestByFaultInvertsTheProofs(t *testing.T) {
	c, err := catalogue.Parse([]byte(`{"checks": [
		{"id": "a.one", "statement": "s", "kind": "baseline", "source": {"document": "d", "section": "a", "says": "b"}, "labels": ["a"], "proofs": {"f1": "x", "f2": ""}},
		{"id": "a.two", "statement": "s", "kind": "baseline", "source": {"document": "d", "section": "a", "says": "b"}, "labels": ["a"], "proofs": {"f1": "y"}}
	], "faults_not_checked": {"f3": "why"}}`))
	if err != nil {
		t.Fatal(err)
	}
	got := c.ByFault()
	if len(got["f1"]) != 2 || got["f1"]["a.two"] != "y" || len(got["f2"]) != 1 {
		t.Errorf("ByFault = %v", got)
	}
	if f := c.Faults(); strings.Join(f, ",") != "f1,f2,f3" {
		t.Errorf("Faults = %v", f)
	}
	if u := c.Unknown("a.one", "a.three"); len(u) != 1 || u[0] != "a.three" {
		t.Errorf("Unknown = %v", u)
	}
}

// The catalogue names only settings, faults and document sections that exist.
func TestTheCatalogueNamesWhatExists(t *testing.T) {
	cat := catalogue.MustDefault()
	settings := map[string]bool{}
	for _, s := range config.Settings() {
		settings[s.Env] = true
	}
	faults := map[string]bool{}
	for _, f := range refprovider.FaultNames() {
		faults[f] = true
	}
	for _, ch := range cat.Checks {
		for _, s := range ch.Settings {
			if !settings[s] {
				t.Errorf("check %s names setting %s, which internal/config does not have", ch.ID, s)
			}
		}
		for f := range ch.Proofs {
			if !faults[f] {
				t.Errorf("check %s is proven by fault %q, which the reference provider does not have", ch.ID, f)
			}
		}
		if doc := ch.Source.Document; doc != "" {
			anchors := documentAnchors(t, doc)
			if !anchors[ch.Source.Section] {
				t.Errorf("check %s cites %s#%s, which has no such heading", ch.ID, doc, ch.Source.Section)
			}
		}
	}
}

// docs/CHECKS.md is what the catalogue generates: `make checks-doc` after a change.
func TestChecksDocIsCurrent(t *testing.T) {
	want := catalogue.Markdown(catalogue.MustDefault(), refprovider.FaultDescription)
	got, err := os.ReadFile(filepath.Join(testkit.RootFor(t), "docs", "CHECKS.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("docs/CHECKS.md is stale: run make checks-doc and commit it")
	}
}

var heading = regexp.MustCompile(`(?m)^#{1,6} (.+)$`)

// documentAnchors lists the anchors GitHub gives the headings of a Markdown file.
func documentAnchors(t *testing.T, doc string) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testkit.RootFor(t), doc))
	if err != nil {
		t.Fatalf("a check cites %s: %v", doc, err)
	}
	out := map[string]bool{}
	for _, m := range heading.FindAllStringSubmatch(string(data), -1) {
		out[githubAnchor(m[1])] = true
	}
	return out
}

func githubAnchor(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9'):
			b.WriteRune(r)
		}
	}
	return b.String()
}
