// Package mutate generates request bodies from a request schema for the negative checks:
// mutations of a valid body that break the schema (a required property dropped, null, an
// object or array where a string belongs, a body that is not a JSON object), values the
// API may bind leniently (a number or boolean where a string belongs, an unknown extra
// property), and valid but unusual values (very long, non-ASCII, control characters).
//
// Generation and shrinking are pgregory.net/rapid's: a run is reproducible from its seed,
// and a failing run reports the smallest failing body rapid could shrink to. The package
// knows nothing of HTTP or of the suite; the caller judges each body.
package catalogue

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"unicode"

	"pgregory.net/rapid"
)

// Schema is what the generator needs of a request schema: its string properties.
type Schema struct {
	Name       string
	Properties []Property // in name order
}

// Property is one string property of a request body.
type Property struct {
	Name      string
	Required  bool
	MinLength int
	Enum      []string // allowed values; nil = any string
}

// Load reads the request schema name from fsys (the project's schemas/). Only flat objects
// of string properties are supported, which is what the documented requests are; anything
// else is an error rather than a silently partial generator.
func Load(fsys fs.FS, name string) (Schema, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Schema{}, err
	}
	var doc struct {
		Type       string   `json:"type"`
		Required   []string `json:"required"`
		Properties map[string]struct {
			Type      string   `json:"type"`
			MinLength int      `json:"minLength"`
			Enum      []string `json:"enum"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return Schema{}, fmt.Errorf("%s: %v", name, err)
	}
	if doc.Type != "object" || len(doc.Properties) == 0 {
		return Schema{}, fmt.Errorf("%s: not an object schema with properties", name)
	}
	s := Schema{Name: name}
	for n, p := range doc.Properties {
		if p.Type != "string" && p.Enum == nil {
			return Schema{}, fmt.Errorf("%s: property %s is not a string", name, n)
		}
		s.Properties = append(s.Properties, Property{Name: n, Required: slices.Contains(doc.Required, n), MinLength: p.MinLength, Enum: p.Enum})
	}
	sort.Slice(s.Properties, func(i, j int) bool { return s.Properties[i].Name < s.Properties[j].Name })
	return s, nil
}

// Class says what the API may answer to a generated body.
type Class string

const (
	// Broken breaks the schema: it must be refused as the client's fault (a 4xx).
	Broken Class = "broken"
	// Lenient breaks the schema in a way ASP.NET model binding may accept (a number or
	// boolean bound as its string form, an unknown property ignored): refused or
	// processed, never a 5xx.
	Lenient Class = "lenient"
	// Unusual is valid but unusual: never a 5xx.
	Unusual Class = "unusual"
)

// Case is one generated body.
type Case struct {
	Class Class
	What  string // how the valid body was changed, e.g. "Token: null"
	Body  []byte
}

// mutation is one way of changing a valid body; apply returns nil when it does not apply
// to the property (e.g. dropping an optional one would still be valid).
type mutation struct {
	class Class
	apply func(t *rapid.T, p Property, body map[string]any) (what string, ok bool)
}

// The order matters for shrinking: rapid shrinks towards the first mutation and the first
// property, so the simplest failing change is reported.
var mutations = []mutation{
	{Broken, func(_ *rapid.T, p Property, b map[string]any) (string, bool) {
		if !p.Required {
			return "", false
		}
		delete(b, p.Name)
		return "required " + p.Name + " dropped", true
	}},
	{Broken, func(_ *rapid.T, p Property, b map[string]any) (string, bool) {
		if !p.Required {
			return "", false
		}
		b[p.Name] = nil
		return p.Name + ": null", true
	}},
	{Broken, func(_ *rapid.T, p Property, b map[string]any) (string, bool) {
		if p.MinLength < 1 {
			return "", false
		}
		b[p.Name] = ""
		return p.Name + `: ""`, true
	}},
	{Broken, func(t *rapid.T, p Property, b map[string]any) (string, bool) {
		b[p.Name] = map[string]any{"value": b[p.Name], "n": rapid.IntRange(0, 9).Draw(t, "n")}
		return p.Name + ": an object", true
	}},
	{Broken, func(t *rapid.T, p Property, b map[string]any) (string, bool) {
		b[p.Name] = []any{b[p.Name], rapid.IntRange(0, 9).Draw(t, "n")}
		return p.Name + ": an array", true
	}},
	{Broken, func(t *rapid.T, p Property, b map[string]any) (string, bool) {
		if p.Enum == nil {
			return "", false
		}
		b[p.Name] = "Not" + rapid.SampledFrom(p.Enum).Draw(t, "enum")
		return p.Name + ": a value outside its enum", true
	}},
	{Lenient, func(t *rapid.T, p Property, b map[string]any) (string, bool) {
		b[p.Name] = rapid.Int64().Draw(t, "int")
		return p.Name + ": an integer", true
	}},
	{Lenient, func(t *rapid.T, p Property, b map[string]any) (string, bool) {
		b[p.Name] = rapid.Bool().Draw(t, "bool")
		return p.Name + ": a boolean", true
	}},
	{Lenient, func(t *rapid.T, p Property, b map[string]any) (string, bool) {
		b[p.Name] = rapid.Float64().Draw(t, "float")
		return p.Name + ": a fraction", true
	}},
	{Lenient, func(t *rapid.T, p Property, b map[string]any) (string, bool) {
		name := "Extra" + rapid.StringMatching(`[A-Za-z]{1,8}`).Draw(t, "name")
		b[name] = rapid.SampledFrom([]any{"x", 1, true, nil, map[string]any{}}).Draw(t, "value")
		return "an unknown property " + name, true
	}},
	{Unusual, unusual("very long", rapid.StringOfN(rapid.RuneFrom([]rune("abcXYZ019-_.")), 1000, 8000, -1))},
	{Unusual, unusual("non-ASCII", rapid.StringOfN(rapid.RuneFrom(nil, unicode.Han, unicode.Cyrillic, unicode.Greek, unicode.Arabic, unicode.So), 1, 64, -1))},
	{Unusual, unusual("control characters", rapid.StringOfN(rapid.RuneFrom([]rune("\x00\x01\x07\x08\t\n\r\x1b\x7f\u0085\u2028")), 1, 16, -1))},
}

// unusual replaces a free-text property with a generated value mixed into the valid one.
func unusual(what string, g *rapid.Generator[string]) func(*rapid.T, Property, map[string]any) (string, bool) {
	return func(t *rapid.T, p Property, b map[string]any) (string, bool) {
		if p.Enum != nil {
			return "", false
		}
		old, _ := b[p.Name].(string)
		b[p.Name] = old + g.Draw(t, "value")
		return p.Name + ": " + what, true
	}
}

// notAnObject are bodies that are not one JSON object at all.
var notAnObject = []struct{ what, body string }{
	{"a body that is not JSON", "User=trader&Code=1"},
	{"a truncated JSON object", `{"Token": "`},
	{"a JSON array", `[{}]`},
	{"a JSON string", `"text"`},
}

// Cases generates bodies from s and a valid body for it (every value a plain string the
// target will treat as unknown: the generated requests must change nothing).
func Cases(s Schema, valid map[string]string) *rapid.Generator[Case] {
	return rapid.Custom(func(t *rapid.T) Case {
		if rapid.IntRange(0, 9).Draw(t, "whole body") == 9 { // one case in ten
			b := rapid.SampledFrom(notAnObject).Draw(t, "not an object")
			return Case{Class: Broken, What: b.what, Body: []byte(b.body)}
		}
		for {
			m := mutations[rapid.IntRange(0, len(mutations)-1).Draw(t, "mutation")]
			p := s.Properties[rapid.IntRange(0, len(s.Properties)-1).Draw(t, "property")]
			body := make(map[string]any, len(valid))
			for k, v := range valid {
				body[k] = v
			}
			what, ok := m.apply(t, p, body)
			if !ok {
				continue // rapid bounds the draws; an inapplicable pair just draws again
			}
			b, err := json.Marshal(body)
			if err != nil {
				panic(err) // only strings, numbers, booleans, maps and slices: cannot fail
			}
			return Case{Class: m.class, What: what, Body: b}
		}
	})
}

// Describe is a case in one line for a report: the class, the change and the body, cut.
func (c Case) Describe() string {
	body := string(c.Body)
	if len(body) > 300 {
		body = body[:300] + fmt.Sprintf("… (%d bytes in all)", len(c.Body))
	}
	return fmt.Sprintf("%s (%s): %s", c.What, c.Class, strings.ToValidUTF8(body, "\uFFFD"))
}
