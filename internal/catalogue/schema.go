// Package schema validates request and response bodies against the JSON Schemas in
// schemas/ (draft 2020-12). Every schema is compiled once per process; the compiled set is
// safe to share across goroutines.
package catalogue

import (
	"bytes"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/autoshares/conformance/schemas"
)

// baseURL gives every schema an absolute location so relative $refs between the files
// resolve; messages print the bare file name instead.
const baseURL = "file:///schemas/"

// Set is a compiled set of schemas, by file name (e.g. "update-password.response.schema.json").
type Set struct {
	byName map[string]*jsonschema.Schema
}

var (
	defaultOnce sync.Once
	defaultSet  *Set
	defaultErr  error
)

// Default returns the project's schemas, compiled on first use.
func DefaultSchemas() (*Set, error) {
	defaultOnce.Do(func() { defaultSet, defaultErr = Compile(schemas.FS) })
	return defaultSet, defaultErr
}

// Compile loads and compiles every *.schema.json file at the root of fsys.
func Compile(fsys fs.FS) (*Set, error) {
	names, err := fs.Glob(fsys, "*.schema.json")
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("schemas/%s: %v", name, err)
		}
		if err := c.AddResource(baseURL+name, doc); err != nil {
			return nil, fmt.Errorf("schemas/%s: %v", name, err)
		}
	}
	set := &Set{byName: map[string]*jsonschema.Schema{}}
	for _, name := range names {
		sch, err := c.Compile(baseURL + name)
		if err != nil {
			return nil, fmt.Errorf("schemas/%s: %v", name, strings.ReplaceAll(err.Error(), baseURL, "schemas/"))
		}
		set.byName[name] = sch
	}
	return set, nil
}

// Names lists the compiled schemas.
func (s *Set) Names() []string {
	out := make([]string, 0, len(s.byName))
	for n := range s.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Error is a body that does not match its schema. Its message names the schema file and
// the JSON Pointer of every violation, never the offending values.
type Error struct {
	Schema     string
	Violations []string // "at '/IsSucceed': got string, want boolean"
}

func (e *Error) Error() string {
	return fmt.Sprintf("body does not match schemas/%s:\n  %s", e.Schema, strings.Join(e.Violations, "\n  "))
}

// Validate checks body (raw JSON) against the named schema.
func (s *Set) Validate(name string, body []byte) error {
	sch, ok := s.byName[name]
	if !ok {
		return fmt.Errorf("no schema schemas/%s (known: %s)", name, strings.Join(s.Names(), ", "))
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return &Error{Schema: name, Violations: []string{"at '': not JSON (" + firstLine(err.Error()) + ")"}}
	}
	err = sch.Validate(inst)
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return fmt.Errorf("schemas/%s: %v", name, err)
	}
	return &Error{Schema: name, Violations: violations(ve)}
}

// violations flattens the error tree to its leaves: the messages that say what is wrong,
// not the "allOf failed" wrappers around them.
func violations(ve *jsonschema.ValidationError) []string {
	var out []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, fmt.Sprintf("at '%s': %s", pointer(e.InstanceLocation), e.ErrorKind.LocalizedString(printer)))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	sort.Strings(out)
	return dedupe(out)
}

func pointer(loc []string) string {
	if len(loc) == 0 {
		return ""
	}
	esc := make([]string, len(loc))
	for i, l := range loc {
		esc[i] = strings.ReplaceAll(strings.ReplaceAll(l, "~", "~0"), "/", "~1")
	}
	return "/" + strings.Join(esc, "/")
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
