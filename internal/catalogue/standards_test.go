package catalogue_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/catalogue"
)

// asvsChapterSizes: how many requirements each chapter walked here holds in OWASP ASVS
// 5.0.0 (252 in all), so neither standards.json nor docs/ASVS.md can lose or gain one.
var asvsChapterSizes = map[string]int{"1": 30, "2": 13, "3": 31, "4": 16, "6": 47, "7": 19,
	"11": 24, "13": 21, "14": 13, "15": 21, "16": 17}

func table(t *testing.T) *catalogue.Standards {
	t.Helper()
	s, err := catalogue.StandardsTable()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func chapterOf(id string) string { c, _, _ := strings.Cut(id, "."); return c }

func sectionOf(id string) string {
	p := strings.Split(id, ".")
	return p[0] + "." + p[1]
}

func TestStandardsTableIsWhole(t *testing.T) {
	s := table(t)
	if s.ASVS.Name != catalogue.ASVSName {
		t.Errorf("ASVS is named %q, the catalogue cites %q", s.ASVS.Name, catalogue.ASVSName)
	}
	count := map[string]int{}
	seen := map[string]bool{}
	for _, r := range s.ASVS.Requirements {
		if seen[r.ID] {
			t.Errorf("ASVS %s listed twice", r.ID)
		}
		seen[r.ID] = true
		count[chapterOf(r.ID)]++
		if r.Level < 1 || r.Level > 3 || strings.TrimSpace(r.Title) == "" {
			t.Errorf("ASVS %s: level %d, title %q", r.ID, r.Level, r.Title)
		}
		if s.SectionTitle(sectionOf(r.ID)) == "" {
			t.Errorf("ASVS %s: its section %s has no title", r.ID, sectionOf(r.ID))
		}
	}
	for ch, n := range asvsChapterSizes {
		if count[ch] != n {
			t.Errorf("ASVS chapter V%s: %d requirements in standards.json, ASVS 5.0.0 has %d", ch, count[ch], n)
		}
	}
	if len(count) != len(asvsChapterSizes) {
		t.Errorf("chapters in standards.json: %v, want those of %v", count, asvsChapterSizes)
	}
}

type source struct {
	who string
	src catalogue.Source
}

func citingSources(cat *catalogue.Catalogue) []source {
	var out []source
	for _, ch := range cat.Checks {
		out = append(out, source{"check " + ch.ID, ch.Source})
	}
	for _, f := range cat.Findings {
		out = append(out, source{"finding " + f.ID, f.Source})
	}
	return out
}

// Every source names sections that exist: an ASVS requirement ID of the table, or a
// heading of the cited document; and its "says" gives each cited ASVS requirement with its
// level ("ASVS 6.2.9 (L2)") and each NIST section by number, so a reader can check it.
func TestEveryCitedSectionExists(t *testing.T) {
	s := table(t)
	for _, x := range citingSources(catalogue.MustDefault()) {
		cs, err := catalogue.Citations(x.src)
		if err != nil {
			t.Errorf("%s: %v", x.who, err)
			continue
		}
		for _, c := range cs {
			if c.Standard == catalogue.ASVSName {
				r, ok := s.Requirement(c.Section)
				if !ok {
					t.Errorf("%s cites ASVS %q, which is no requirement of standards.json", x.who, c.Section)
					continue
				}
				if want := fmt.Sprintf("ASVS %s (L%d)", r.ID, r.Level); !strings.Contains(x.src.Says, want) {
					t.Errorf("%s: its says must state %q (the requirement and its level in ASVS 5.0.0): %q", x.who, want, x.src.Says)
				}
				continue
			}
			d, ok := s.Document(c.Standard)
			if !ok {
				t.Errorf("%s cites %q, which standards.json does not list", x.who, c.Standard)
				continue
			}
			if !slices.Contains(d.Sections, c.Section) {
				t.Errorf("%s cites %s section %q, which is not one of its headings %q", x.who, c.Standard, c.Section, d.Sections)
			}
			if num, _, _ := strings.Cut(c.Section, " "); strings.HasPrefix(c.Standard, "NIST") && !strings.Contains(x.src.Says, "NIST "+num) {
				t.Errorf("%s: its says must state what NIST %s asks, as \"NIST %s: ...\": %q", x.who, num, num, x.src.Says)
			}
		}
	}
}

// A check's asvs-* labels are the ASVS requirements its source cites (so LABELS=asvs-6.2.8
// selects its specs), and a security check's profile is the lowest ASVS level among them
// (Parse makes one citing none say why in level_reason). A check judged on every exchange
// may leave them out: every spec judges it, and the specs carry only the labels of the
// checks they declare.
func TestProfilesAreTheLevelsOfTheRequirementsEnforced(t *testing.T) {
	s := table(t)
	for _, ch := range catalogue.MustDefault().Checks {
		var labels []string
		for _, l := range ch.Labels {
			if id, ok := strings.CutPrefix(l, "asvs-"); ok {
				labels = append(labels, id)
			}
		}
		cited := catalogue.ASVSRequirements(ch.Source)
		sameIDs := slices.Equal(slices.Sorted(slices.Values(labels)), slices.Sorted(slices.Values(cited)))
		if ch.EveryExchange {
			sameIDs = !slices.ContainsFunc(labels, func(id string) bool { return !slices.Contains(cited, id) })
		}
		if !sameIDs {
			t.Errorf("check %s: asvs labels %v, but its source cites ASVS %v", ch.ID, labels, cited)
		}
		if ch.Kind != catalogue.Security || len(cited) == 0 {
			continue
		}
		lowest := 3
		for _, id := range cited {
			if r, ok := s.Requirement(id); ok {
				lowest = min(lowest, r.Level)
			}
		}
		if want := catalogue.SecurityProfile(lowest); ch.Profile != want {
			t.Errorf("check %s enforces ASVS %v, lowest level %d: profile %q, want %q", ch.ID, cited, lowest, ch.Profile, want)
		}
	}
}

func TestCitationsSplitsPerStandard(t *testing.T) {
	got, err := catalogue.Citations(catalogue.Source{Standard: "A; B", Section: "1, 2; x y"})
	want := []catalogue.Citation{{"A", "1"}, {"A", "2"}, {"B", "x y"}}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Citations = %v, %v; want %v", got, err, want)
	}
	if _, err := catalogue.Citations(catalogue.Source{Standard: "A; B", Section: "1, 2"}); err == nil {
		t.Error("two standards with one group of sections must be refused")
	}
	got, err = catalogue.Citations(catalogue.Source{Standard: catalogue.ASVSName + "; N", Section: "ASVS 6.2.9, ASVS 15.4.2; 3 x"})
	want = []catalogue.Citation{{catalogue.ASVSName, "6.2.9"}, {catalogue.ASVSName, "15.4.2"}, {"N", "3 x"}}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Citations = %v, %v; want %v", got, err, want)
	}
	if _, err := catalogue.Citations(catalogue.Source{Standard: catalogue.ASVSName, Section: "6.2.9"}); err == nil {
		t.Error("an ASVS section without \"ASVS \" must be refused")
	}
}

func TestSourceStringNamesEachStandardWithItsSections(t *testing.T) {
	s := catalogue.Source{Standard: catalogue.ASVSName + "; NIST SP 800-63B-4", Section: "ASVS 6.2.8, ASVS 6.2.9; 3.1.1.2 Password Verifiers"}
	if got, want := s.String(), "OWASP ASVS 5.0.0 6.2.8, 6.2.9; NIST SP 800-63B-4 3.1.1.2 Password Verifiers"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
