package catalogue_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/testkit"
)

// docs/ASVS.md is the requirement matrix: its tables are data, read here.

var matrixStatuses = []string{"tested", "finding", "planned", "n/a", "outside"}

type matrixRow struct {
	part  string   // the "## " heading it sits under
	cells []string // unescaped
	line  int
}

func (r matrixRow) String() string { return fmt.Sprintf("docs/ASVS.md:%d (%s)", r.line, r.cells[0]) }

// readMatrix returns the table rows under each "## " heading, header rows left out.
func readMatrix(t *testing.T) []matrixRow {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testkit.RootFor(t), "docs", "ASVS.md"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	var out []matrixRow
	part := ""
	for i, l := range lines {
		if h, ok := strings.CutPrefix(l, "## "); ok {
			part = h
			continue
		}
		if part == "" || !strings.HasPrefix(l, "|") || strings.HasPrefix(l, "|---") ||
			(i+1 < len(lines) && strings.HasPrefix(lines[i+1], "|---")) {
			continue
		}
		out = append(out, matrixRow{part: part, cells: splitRow(l), line: i + 1})
	}
	return out
}

// splitRow splits a Markdown table row on the pipes that are not escaped.
func splitRow(l string) []string {
	l = strings.TrimSpace(l)
	l = strings.TrimSuffix(strings.TrimPrefix(l, "|"), "|")
	var cells []string
	var b strings.Builder
	for i := 0; i < len(l); i++ {
		switch {
		case l[i] == '\\' && i+1 < len(l) && l[i+1] == '|':
			b.WriteByte('|')
			i++
		case l[i] == '|':
			cells = append(cells, strings.TrimSpace(b.String()))
			b.Reset()
		default:
			b.WriteByte(l[i])
		}
	}
	return append(cells, strings.TrimSpace(b.String()))
}

var backticked = regexp.MustCompile("`([^`]+)`")

// named: the IDs in backticks of an evidence cell, before any "Planned" note.
func named(evidence string) []string {
	before, _, _ := strings.Cut(evidence, "Planned")
	var out []string
	for _, m := range backticked.FindAllStringSubmatch(before, -1) {
		out = append(out, m[1])
	}
	return out
}

// cites: the sources of a check or finding, by standard, the sections each cites.
func cites(s catalogue.Source) map[string][]string {
	cs, _ := catalogue.Citations(s)
	out := map[string][]string{}
	for _, c := range cs {
		out[c.Standard] = append(out[c.Standard], c.Section)
	}
	return out
}

// checkRow holds one row's status and evidence against the catalogue: a tested row names
// existing checks, and a security check it names cites the row's ASVS requirement; a
// finding row names findings (that cite its ASVS requirement). It returns the check and finding IDs the row credits.
func checkRow(t *testing.T, cat *catalogue.Catalogue, r matrixRow, standard, section, status, evidence string) []string {
	t.Helper()
	if !slices.Contains(matrixStatuses, status) {
		t.Errorf("%s: status %q is not one of %v", r, status, matrixStatuses)
	}
	if strings.TrimSpace(evidence) == "" {
		t.Errorf("%s: %s with no checks, finding or reason", r, status)
	}
	ids := named(evidence)
	switch status {
	case "tested":
		if len(ids) == 0 {
			t.Errorf("%s: tested, but names no check in backticks", r)
		}
		for _, id := range ids {
			c, ok := cat.Get(id)
			if !ok {
				t.Errorf("%s: tested by %q, which the catalogue lacks", r, id)
				continue
			}
			// A security check's level follows the ASVS requirements it cites, so an ASVS
			// row may credit only a check citing it; NIST and cheat sheet rows may credit
			// any check that enforces the point.
			if standard == catalogue.ASVSName && c.Kind == catalogue.Security && !slices.Contains(cites(c.Source)[standard], section) {
				t.Errorf("%s: tested by security check %s, whose source does not cite %s %s (its level would not follow)", r, id, standard, section)
			}
		}
	case "finding":
		for _, id := range ids {
			f, ok := cat.Finding(id)
			if !ok {
				t.Errorf("%s: finding %q, which the catalogue lacks", r, id)
			} else if standard == catalogue.ASVSName && !slices.Contains(cites(f.Source)[standard], section) {
				t.Errorf("%s: finding %s does not cite %s %s", r, id, standard, section)
			}
		}
		if len(ids) == 0 {
			t.Errorf("%s: finding, but names none in backticks", r)
		}
	case "planned":
		if !strings.Contains(evidence, "Planned") {
			t.Errorf("%s: planned, but does not say which check or finding it will be (\"Planned check `...`\")", r)
		}
	}
	if status == "tested" || status == "finding" {
		return ids
	}
	return nil
}

// creditedBoth: every check and finding citing a section of standard is credited by a
// tested or finding row of that section.
func creditedBoth(t *testing.T, cat *catalogue.Catalogue, standard string, credited map[string][]string) {
	t.Helper()
	for _, x := range citingSources(cat) {
		id := strings.Fields(x.who)[1]
		for _, sec := range cites(x.src)[standard] {
			if !slices.Contains(credited[sec], id) {
				t.Errorf("%s cites %s %s, but docs/ASVS.md has no tested or finding row of it naming %s", x.who, standard, sec, id)
			}
		}
	}
}

func TestTheASVSMatrixWalksEveryRequirement(t *testing.T) {
	cat, std := catalogue.MustDefault(), table(t)
	credited := map[string][]string{}
	perChapter := map[string]int{}
	for _, r := range readMatrix(t) {
		if r.part != "OWASP ASVS 5.0.0" {
			continue
		}
		if len(r.cells) != 5 {
			t.Errorf("%s: %d cells, want ID | Level | Requirement | Status | Checks, finding or why", r, len(r.cells))
			continue
		}
		id, level, title, status, evidence := r.cells[0], r.cells[1], r.cells[2], r.cells[3], r.cells[4]
		req, ok := std.Requirement(id)
		if !ok {
			t.Errorf("%s: no requirement %s in ASVS 5.0.0 (standards.json)", r, id)
			continue
		}
		if _, dup := credited[id]; dup {
			t.Errorf("%s: requirement listed twice", r)
		}
		perChapter[chapterOf(id)]++
		if want := fmt.Sprintf("L%d", req.Level); level != want || title != req.Title {
			t.Errorf("%s: %s %q, standards.json has %s %q", r, level, title, want, req.Title)
		}
		credited[id] = checkRow(t, cat, r, catalogue.ASVSName, id, status, evidence)
	}
	for ch, n := range asvsChapterSizes {
		if perChapter[ch] != n {
			t.Errorf("docs/ASVS.md walks %d requirements of V%s; ASVS 5.0.0 has %d", perChapter[ch], ch, n)
		}
	}
	creditedBoth(t, cat, catalogue.ASVSName, credited)
}

func TestTheNISTAndCheatSheetMatricesHoldTheCatalogue(t *testing.T) {
	cat, std := catalogue.MustDefault(), table(t)
	for part, standard := range map[string]string{"NIST SP 800-63B-4": "NIST SP 800-63B-4",
		"OWASP Forgot Password Cheat Sheet": "OWASP Forgot Password Cheat Sheet"} {
		doc, ok := std.Document(standard)
		if !ok {
			t.Fatalf("standards.json lacks %s", standard)
		}
		credited := map[string][]string{}
		rows := 0
		for _, r := range readMatrix(t) {
			if r.part != part {
				continue
			}
			rows++
			if len(r.cells) != 4 {
				t.Errorf("%s: %d cells, want Section | Asks | Status | Checks, finding or why", r, len(r.cells))
				continue
			}
			sec := r.cells[0]
			if !slices.Contains(doc.Sections, sec) {
				t.Errorf("%s: %s has no section %q (standards.json: %q)", r, standard, sec, doc.Sections)
			}
			credited[sec] = append(credited[sec], checkRow(t, cat, r, standard, sec, r.cells[2], r.cells[3])...)
		}
		if rows == 0 {
			t.Errorf("docs/ASVS.md has no rows under \"## %s\"", part)
		}
		creditedBoth(t, cat, standard, credited)
	}
}
