package pacts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
)

// The V4 shapes below follow pact_models (pact-reference, rust/pact_models: v4/http_parts.rs,
// matchingrules, generators), which is what pact-go's native library, the verifier and the
// stub server read and write. The round-trip test in suites/pactverify checks it against the
// library itself.

// MarshalV4 renders the pact as Pact Specification V4 JSON. The bytes depend only on the
// pact's content: interactions sorted by path and method, then most specific request first
// (see specificity), then by (description, state names); object keys sorted,
// 2-space indent, trailing newline, and no timestamps or tool versions in metadata, so
// regenerating an unchanged contract changes no byte. The same (description, states) twice
// is accepted when identical and an error otherwise.
func (p Pact) MarshalV4() ([]byte, error) {
	var errs []error
	if strings.TrimSpace(p.Consumer) == "" {
		errs = append(errs, errors.New("consumer name is empty"))
	}
	if strings.TrimSpace(p.Provider) == "" {
		errs = append(errs, errors.New("provider name is empty"))
	}
	type entry struct {
		path, method string
		specificity  int
		key          []string // description, then state names
		json         map[string]any
		text         []byte // canonical bytes, to tell identical duplicates from conflicting ones
	}
	var entries []entry
	byKey := map[string]int{}
	for _, in := range p.Interactions {
		if err := in.Validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		v := interactionV4(in)
		text, err := encode(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("interaction %q: %w", in.Description, err))
			continue
		}
		key := []string{in.Description}
		for _, s := range in.States {
			key = append(key, s.Name)
		}
		id := strings.Join(key, "\x00")
		if n, dup := byKey[id]; dup {
			if !bytes.Equal(entries[n].text, text) {
				errs = append(errs, fmt.Errorf("interaction %q (states %q) is declared twice with different content",
					in.Description, key[1:]))
			}
			continue
		}
		byKey[id] = len(entries)
		entries = append(entries, entry{in.Request.Path, in.Request.Method, specificity(in.Request), key, v, text})
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("contract: %w", errors.Join(errs...))
	}
	slices.SortFunc(entries, func(a, b entry) int {
		if c := strings.Compare(a.path, b.path); c != 0 {
			return c
		}
		if c := strings.Compare(a.method, b.method); c != 0 {
			return c
		}
		if c := b.specificity - a.specificity; c != 0 {
			return c
		}
		return slices.Compare(a.key, b.key)
	})

	interactions := make([]any, len(entries))
	for n, e := range entries {
		interactions[n] = e.json
	}
	return encode(map[string]any{
		"consumer":     map[string]any{"name": p.Consumer},
		"provider":     map[string]any{"name": p.Provider},
		"interactions": interactions,
		"metadata":     map[string]any{"pactSpecification": map[string]any{"version": "4.0"}},
	})
}

// specificity counts what a request pins down: one for each query parameter, header and body
// field it names, and one more for each it names exactly (no matcher).
//
// It orders the interactions because of how stub servers choose: pact's stub server takes,
// among the interactions whose method, path, query and body match a request, the one with
// the fewest header mismatches, and of those the first in the file. A header the request has
// but the interaction does not name is no mismatch, and pact has no rule for "this header
// is absent". So "a request without Et-App-Key" matches every request its keyed twin does,
// and only order makes the keyed request get the keyed answer: the interaction that names
// more (the key, an exact wrong value) must come first. The pact CLI and brokers rewrite a
// pact sorted by description, so the committed descriptions work in that order too;
// suites/pactstub checks both orders for every interaction of the committed pacts.
func specificity(r Request) int {
	n := 0
	count := func(fields map[string]Field) {
		for _, f := range fields {
			n++
			if f.Match == MatchExact {
				n++
			}
		}
	}
	count(r.Query)
	count(r.Headers)
	count(r.Body)
	if r.Body != nil && !hasHeader(r.Headers, "Content-Type") {
		n += 2 // the exact JSON Content-Type requestV4 adds
	}
	return n
}

// encode is json with sorted keys (maps only), 2-space indent, no HTML escaping (the pact is
// not embedded in HTML, and "<" reads better than "\u003c"), and a trailing newline.
func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func interactionV4(in Interaction) map[string]any {
	v := map[string]any{
		"type":        "Synchronous/HTTP",
		"description": in.Description,
		"request":     requestV4(in.Request),
		"response":    responseV4(in.Response),
		"pending":     false,
	}
	if len(in.States) > 0 {
		states := make([]any, len(in.States))
		for n, s := range in.States {
			st := map[string]any{"name": s.Name}
			// pact_models writes params only when there are some; so do we, so a file
			// read and rewritten by pact tools stays the same.
			if len(s.Params) > 0 {
				st["params"] = s.Params
			}
			states[n] = st
		}
		v["providerStates"] = states
	}
	return v
}

// part collects one request's or response's matching rules and generators by category.
type part struct {
	rules map[string]map[string]any // category -> key -> {"combine","matchers"}
	gens  map[string]map[string]any // category -> key -> generator
}

func newPart() *part {
	return &part{rules: map[string]map[string]any{}, gens: map[string]map[string]any{}}
}

// add records the matcher and generator of field f at key in category.
func (p *part) add(category, key string, f Field) {
	var m map[string]any
	switch f.Match {
	case MatchType:
		m = map[string]any{"match": "type"}
	case MatchRegex:
		m = map[string]any{"match": "regex", "regex": f.Regex}
	case MatchMinType:
		m = map[string]any{"match": "type", "min": f.Min}
	case MatchArrayContains:
		// One variant per required item, each matched by equality with its example item.
		items := reflect.ValueOf(f.Example)
		variants := make([]any, items.Len())
		for i := range variants {
			variants[i] = map[string]any{"index": i, "rules": map[string]any{
				"$": map[string]any{"combine": "AND", "matchers": []any{map[string]any{"match": "equality"}}},
			}}
		}
		m = map[string]any{"match": "arrayContains", "variants": variants}
	}
	if m != nil {
		p.rule(category, key, m)
	}
	if f.FromState != "" {
		dt, _ := dataType(f.Example) // checked by Validate
		if p.gens[category] == nil {
			p.gens[category] = map[string]any{}
		}
		p.gens[category][key] = map[string]any{"type": "ProviderState", "expression": f.FromState, "dataType": dt}
	}
}

func (p *part) rule(category, key string, matcher map[string]any) {
	if p.rules[category] == nil {
		p.rules[category] = map[string]any{}
	}
	p.rules[category][key] = map[string]any{"combine": "AND", "matchers": []any{matcher}}
}

// into adds the collected matchingRules and generators to a request or response object.
func (p *part) into(v map[string]any) {
	if len(p.rules) > 0 {
		rules := map[string]any{}
		for c, r := range p.rules {
			rules[c] = r
		}
		v["matchingRules"] = rules
	}
	if len(p.gens) > 0 {
		gens := map[string]any{}
		for c, g := range p.gens {
			gens[c] = g
		}
		v["generators"] = gens
	}
}

func requestV4(r Request) map[string]any {
	p := newPart()
	v := map[string]any{"method": r.Method, "path": r.Path}
	if len(r.Query) > 0 {
		q := map[string]any{}
		for k, f := range r.Query {
			q[k] = []any{f.Example}
			p.add("query", k, f)
		}
		v["query"] = q
	}
	headers := r.Headers
	if r.Body != nil && !hasHeader(headers, "Content-Type") {
		// The verifier sends the pact's headers only; a JSON API needs to be told the body is
		// JSON, and a consumer sending a body sends this header too.
		headers = clone(headers)
		headers["Content-Type"] = Field{Example: "application/json"}
	}
	if h := headersV4(headers, p); h != nil {
		v["headers"] = h
	}
	if r.Body != nil {
		v["body"] = bodyV4(r.Body, p)
	}
	p.into(v)
	return v
}

func responseV4(r Response) map[string]any {
	p := newPart()
	v := map[string]any{"status": r.Status}
	switch {
	case len(r.StatusIn) > 0:
		p.rule("status", "$", map[string]any{"match": "statusCode", "status": r.StatusIn})
	case r.StatusClass != "":
		p.rule("status", "$", map[string]any{"match": "statusCode", "status": r.StatusClass})
	}
	if h := headersV4(r.Headers, p); h != nil {
		v["headers"] = h
	}
	if r.Body != nil {
		v["body"] = bodyV4(r.Body, p)
	}
	p.into(v)
	return v
}

// headersV4 writes each header as a list of values, as pact_models does for V4.
func headersV4(fields map[string]Field, p *part) map[string]any {
	if len(fields) == 0 {
		return nil
	}
	h := map[string]any{}
	for name, f := range fields {
		h[name] = []any{f.Example}
		p.add("header", name, f)
	}
	return h
}

func bodyV4(fields map[string]Field, p *part) map[string]any {
	content := map[string]any{}
	for k, f := range fields {
		content[k] = f.Example
		p.add("body", jsonPath(k), f)
	}
	return map[string]any{"content": content, "contentType": "application/json", "encoded": false}
}

var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// jsonPath is the pact path of a top-level body key: $.Key, or $['odd key'] when the key is
// not a plain identifier.
func jsonPath(key string) string {
	if plainKey.MatchString(key) {
		return "$." + key
	}
	return "$['" + key + "']"
}

func hasHeader(fields map[string]Field, name string) bool {
	for k := range fields {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

func clone(m map[string]Field) map[string]Field {
	c := make(map[string]Field, len(m)+1)
	for k, v := range m {
		c[k] = v
	}
	return c
}
