package catalogue

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
)

// standards.json is the project's table of the standards the catalogue cites: every
// requirement of the OWASP ASVS 5.0.0 chapters that can apply to an HTTP API (V1-V4, V6,
// V7, V11, V13-V16) with its level and a title in the project's words, and each other
// cited document's section headings. The tests hold the catalogue and docs/ASVS.md
// against it, so a citation names a section that exists and a check's profile is the
// ASVS level of what it enforces.
//
//go:embed standards.json
var standardsJSON []byte

// ASVSName is how the catalogue names OWASP ASVS in a source's standard.
const ASVSName = "OWASP ASVS 5.0.0"

// Requirement is one ASVS requirement: its ID without the "V" ("6.2.9"), its level
// (1-3) and what it asks, in the project's words.
type Requirement struct {
	ID    string `json:"id"`
	Level int    `json:"level"`
	Title string `json:"title"`
}

// Heading is an ASVS chapter ("6") or section ("6.2") with the standard's own title.
type Heading struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Document is a cited standard other than ASVS, with the headings a source may cite.
type Document struct {
	Name     string   `json:"name"`
	Sections []string `json:"sections"`
}

// Standards is standards.json.
type Standards struct {
	ASVS struct {
		Name         string        `json:"name"`
		Chapters     []Heading     `json:"chapters"`
		Sections     []Heading     `json:"sections"`
		Requirements []Requirement `json:"requirements"`
	} `json:"asvs"`
	Documents []Document `json:"documents"`
}

var standardsLoaded = sync.OnceValues(func() (*Standards, error) {
	var s Standards
	dec := json.NewDecoder(strings.NewReader(string(standardsJSON)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("checks: standards.json: %w", err)
	}
	return &s, nil
})

// StandardsTable returns the embedded table of cited standards.
func StandardsTable() (*Standards, error) { return standardsLoaded() }

// Requirement returns the ASVS requirement with the given ID ("6.2.9").
func (s *Standards) Requirement(id string) (Requirement, bool) {
	for _, r := range s.ASVS.Requirements {
		if r.ID == id {
			return r, true
		}
	}
	return Requirement{}, false
}

// SectionTitle is the ASVS section's own title ("6.2" -> "Password Security"), "" if unknown.
func (s *Standards) SectionTitle(id string) string {
	for _, h := range s.ASVS.Sections {
		if h.ID == id {
			return h.Title
		}
	}
	return ""
}

// Document returns the cited document with the given name.
func (s *Standards) Document(name string) (Document, bool) {
	for _, d := range s.Documents {
		if d.Name == name {
			return d, true
		}
	}
	return Document{}, false
}

// Citation is one section of one standard that a source cites.
type Citation struct {
	Standard string
	Section  string // an ASVS requirement ID ("6.2.9"), or a heading of the document
}

// Citations splits a source into what it cites. A source of several standards lists them
// separated by "; " in Standard, and their sections in the same order separated by "; "
// in Section; several sections of one standard are separated by ", ". An ASVS
// requirement is written "ASVS 6.2.9" (so the section reads alone in a report); its
// Citation holds the ID.
func Citations(s Source) ([]Citation, error) {
	if s.Standard == "" {
		return nil, nil
	}
	stds, secs := strings.Split(s.Standard, "; "), strings.Split(s.Section, "; ")
	if len(stds) != len(secs) {
		return nil, fmt.Errorf("%d standard(s) (%q) but %d group(s) of sections (%q): separate both by \"; \", in the same order",
			len(stds), s.Standard, len(secs), s.Section)
	}
	var out []Citation
	for i, std := range stds {
		for _, sec := range strings.Split(secs[i], ", ") {
			if std == ASVSName {
				id, ok := strings.CutPrefix(sec, "ASVS ")
				if !ok {
					return nil, fmt.Errorf("ASVS section %q: write an ASVS requirement as \"ASVS 6.2.9\"", sec)
				}
				sec = id
			}
			out = append(out, Citation{Standard: std, Section: sec})
		}
	}
	return out, nil
}

// ASVSRequirements lists the ASVS requirement IDs a source cites.
func ASVSRequirements(s Source) []string {
	cs, _ := Citations(s)
	var out []string
	for _, c := range cs {
		if c.Standard == ASVSName {
			out = append(out, c.Section)
		}
	}
	return out
}
