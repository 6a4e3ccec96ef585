// Package contract turns the exchanges that passing conformance specs describe into a
// deterministic Pact V4 file for consumer teams.
//
// It has no cgo and does not import pact-go: the conformance suite imports it and must
// build on machines without the native pact library. Interactions are declared with
// matchers and placeholder examples only; values a deployment returned (tokens, passwords,
// app keys) never belong in a Field. Where verification needs a real value, a Field names
// it with FromState and the verifier injects what the provider-state endpoint returned.
//
// Parallel Ginkgo processes must not share one pact file (pact-go's read-modify-write merge
// loses interactions there), so each passing spec writes its own fragment (WriteFragment)
// and one process merges them after all have finished (ReadFragments, WritePact).
package pacts

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
)

// AppKeyPlaceholder is the Et-App-Key example of interactions sent with a valid key. A pact
// never carries a real key: verification replaces exactly this value with the real one and
// leaves any other value (a deliberately wrong key) alone.
const AppKeyPlaceholder = "example-app-key"

// WrongAppKey is the Et-App-Key example of interactions about a wrong key. Verification
// sends the configured key wherever a pact's request has an Et-App-Key (consumer teams use
// placeholders of their own), except where it is exactly this value.
const WrongAppKey = "wrong-app-key"

// MatchKind says how the contract matches a Field.
type MatchKind int

const (
	// MatchExact is equality with the example (no matching rule is written).
	MatchExact MatchKind = iota
	// MatchType accepts any value of the example's JSON type.
	MatchType
	// MatchRegex accepts a string that Field.Regex matches as a whole: pact's matcher
	// (Oniguruma is_match) is anchored at both ends, "^json" does not accept "json; x".
	MatchRegex
	// MatchMinType accepts an array of at least Field.Min items, each like Example[0].
	MatchMinType
	// MatchArrayContains accepts an array that contains every item of Example (equal to
	// it), in any order, among any others: what "Errors contains the documented message"
	// promises, no more.
	MatchArrayContains
)

var matchNames = [...]string{"exact", "type", "regex", "minType", "arrayContains"}

func (k MatchKind) String() string {
	if k >= 0 && int(k) < len(matchNames) {
		return matchNames[k]
	}
	return fmt.Sprintf("MatchKind(%d)", int(k))
}

// MarshalText names the kind in fragment files, so they stay readable and stable.
func (k MatchKind) MarshalText() ([]byte, error) {
	if k < 0 || int(k) >= len(matchNames) {
		return nil, fmt.Errorf("contract: unknown %v", k)
	}
	return []byte(matchNames[k]), nil
}

// UnmarshalText accepts the names MarshalText writes.
func (k *MatchKind) UnmarshalText(b []byte) error {
	i := slices.Index(matchNames[:], string(b))
	if i < 0 {
		return fmt.Errorf("contract: unknown match kind %q", b)
	}
	*k = MatchKind(i)
	return nil
}

// Field is one value in a request or response: an example plus how the contract matches it.
type Field struct {
	Example   any       // placeholder example written into the pact
	Match     MatchKind // MatchExact (zero value: equality, no matching rule), MatchType, MatchRegex, MatchMinType, MatchArrayContains
	Regex     string    `json:",omitempty"` // for MatchRegex
	Min       int       `json:",omitempty"` // for MatchMinType (array with at least Min items each like Example[0])
	FromState string    `json:",omitempty"` // if set, e.g. "${Token}": a ProviderState generator (verification injects the state value)
}

// State is a provider state an interaction needs; Params go to the state endpoint.
type State struct {
	Name   string
	Params map[string]any `json:",omitempty"`
}

// Request is what the consumer sends.
type Request struct {
	Method, Path string
	Query        map[string]Field `json:",omitempty"`
	Headers      map[string]Field `json:",omitempty"`
	Body         map[string]Field `json:",omitempty"` // flat JSON object; nil = no body
}

// Response is what the consumer may rely on getting back.
type Response struct {
	Status      int              // example status
	StatusIn    []int            `json:",omitempty"` // optional: status matcher accepting any of these
	StatusClass string           `json:",omitempty"` // optional: "info", "success", "redirect", "clientError", "serverError", "nonError", "error" (V4 statusCode matcher)
	Headers     map[string]Field `json:",omitempty"`
	Body        map[string]Field `json:",omitempty"` // flat JSON object; nil = no body expectation
}

// Interaction is one request/response exchange, in the provider states it needs.
type Interaction struct {
	Description string
	States      []State `json:",omitempty"`
	Request     Request
	Response    Response
}

// Pact is a consumer/provider pair and their interactions.
type Pact struct {
	Consumer, Provider string
	Interactions       []Interaction
}

// statusClasses are the classes the V4 statusCode matcher knows (pact_models HttpStatus
// spells them so), with their ranges.
var statusClasses = map[string][2]int{
	"info":        {100, 199},
	"success":     {200, 299},
	"redirect":    {300, 399},
	"clientError": {400, 499},
	"serverError": {500, 599},
	"nonError":    {100, 399},
	"error":       {400, 599},
}

var methods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

// Validate reports every problem with the interaction at once, each naming where it is.
func (i Interaction) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if strings.TrimSpace(i.Description) == "" {
		add("description is empty")
	}
	seen := map[string]bool{}
	for n, s := range i.States {
		switch {
		case strings.TrimSpace(s.Name) == "":
			add("states[%d]: name is empty", n)
		case seen[s.Name]:
			add("states[%d]: state %q given twice", n, s.Name)
		}
		seen[s.Name] = true
		if _, err := json.Marshal(s.Params); err != nil {
			add("state %q: params are not JSON: %v", s.Name, err)
		}
	}

	rq := i.Request
	if !slices.Contains(methods, rq.Method) {
		add("request: method %q is not one of %s", rq.Method, strings.Join(methods, ", "))
	}
	switch {
	case !strings.HasPrefix(rq.Path, "/"):
		add("request: path %q does not start with /", rq.Path)
	case strings.ContainsAny(rq.Path, "?#"):
		add("request: path %q holds a query or fragment: use Request.Query", rq.Path)
	}
	errs = append(errs, validateStringFields("request query", rq.Query)...)
	errs = append(errs, validateHeaders("request header", rq.Headers)...)
	errs = append(errs, validateBody("request body", rq.Body)...)

	rs := i.Response
	if rs.Status < 100 || rs.Status > 599 {
		add("response: status %d is not an HTTP status", rs.Status)
	}
	if len(rs.StatusIn) > 0 && rs.StatusClass != "" {
		add("response: StatusIn and StatusClass are both set; use one")
	}
	for _, s := range rs.StatusIn {
		if s < 100 || s > 599 {
			add("response: StatusIn holds %d, not an HTTP status", s)
		}
	}
	if len(rs.StatusIn) > 0 && !slices.Contains(rs.StatusIn, rs.Status) {
		add("response: example status %d is not in StatusIn %v", rs.Status, rs.StatusIn)
	}
	if rs.StatusClass != "" {
		r, ok := statusClasses[rs.StatusClass]
		switch {
		case !ok:
			add("response: StatusClass %q is not one of %s", rs.StatusClass, strings.Join(sortedKeys(statusClasses), ", "))
		case rs.Status < r[0] || rs.Status > r[1]:
			add("response: example status %d is not %s", rs.Status, rs.StatusClass)
		}
	}
	errs = append(errs, validateHeaders("response header", rs.Headers)...)
	errs = append(errs, validateBody("response body", rs.Body)...)

	if len(errs) > 0 {
		return fmt.Errorf("interaction %q: %w", i.Description, errors.Join(errs...))
	}
	return nil
}

// validateStringFields checks fields whose values travel as strings (query, headers).
func validateStringFields(where string, fields map[string]Field) []error {
	var errs []error
	for _, name := range sortedKeys(fields) {
		f := fields[name]
		at := fmt.Sprintf("%s %q", where, name)
		if name == "" {
			errs = append(errs, fmt.Errorf("%s: name is empty", where))
		}
		if err := f.validate(at); err != nil {
			errs = append(errs, err)
			continue
		}
		if _, ok := f.Example.(string); !ok {
			errs = append(errs, fmt.Errorf("%s: example must be a string, is %T", at, f.Example))
		}
		if f.Match == MatchMinType || f.Match == MatchArrayContains {
			errs = append(errs, fmt.Errorf("%s: %v applies to body arrays only", at, f.Match))
		}
	}
	return errs
}

// headerName is an HTTP token (RFC 9110), which is what a header name must be.
var headerName = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

func validateHeaders(where string, fields map[string]Field) []error {
	errs := validateStringFields(where, fields)
	lower := map[string]string{}
	for _, name := range sortedKeys(fields) {
		if name != "" && !headerName.MatchString(name) {
			errs = append(errs, fmt.Errorf("%s %q: not a valid header name", where, name))
		}
		// Header names are case-insensitive: two spellings would be one header twice.
		if prev, dup := lower[strings.ToLower(name)]; dup {
			errs = append(errs, fmt.Errorf("%s %q: same header as %q", where, name, prev))
		}
		lower[strings.ToLower(name)] = name
	}
	return errs
}

func validateBody(where string, fields map[string]Field) []error {
	var errs []error
	for _, name := range sortedKeys(fields) {
		at := fmt.Sprintf("%s %q", where, name)
		if name == "" {
			errs = append(errs, fmt.Errorf("%s: key is empty", where))
		}
		// Keys become JSON paths ($['key']); these characters would need escaping there.
		if strings.ContainsAny(name, `'\`) {
			errs = append(errs, fmt.Errorf("%s: key must not contain ' or \\", at))
		}
		if err := fields[name].validate(at); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// validate checks a field on its own: its example, its matcher, its generator.
func (f Field) validate(at string) error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(at+": "+format, args...)) }

	if f.Example == nil {
		add("has no Example (every field needs a placeholder example)")
	} else if _, err := json.Marshal(f.Example); err != nil {
		add("example is not JSON: %v", err)
	}
	if f.Match != MatchRegex && f.Regex != "" {
		add("Regex is set but Match is %v", f.Match)
	}
	if f.Match != MatchMinType && f.Min != 0 {
		add("Min is set but Match is %v", f.Match)
	}
	switch f.Match {
	case MatchExact, MatchType:
	case MatchRegex:
		// Anchored, as pact anchors it, so an example that pact would reject is caught here.
		re, err := regexp.Compile(`^(?:` + f.Regex + `)$`)
		switch {
		case f.Regex == "":
			add("MatchRegex needs a Regex")
		case err != nil:
			add("Regex %q does not compile: %v", f.Regex, err)
		default:
			// The example is what a stub serves: it must satisfy its own matcher.
			if s, ok := f.Example.(string); !ok {
				add("MatchRegex needs a string example, not %T", f.Example)
			} else if !re.MatchString(s) {
				add("example %q does not match Regex %q as a whole (pact regexes are anchored)", s, f.Regex)
			}
		}
	case MatchMinType:
		v := reflect.ValueOf(f.Example)
		switch {
		case f.Example == nil:
		case v.Kind() != reflect.Slice && v.Kind() != reflect.Array:
			add("MatchMinType needs an array example, not %T", f.Example)
		case v.Len() == 0:
			add("MatchMinType needs at least one example item (items are matched like the first)")
		case f.Min < 0:
			add("Min %d is negative", f.Min)
		case v.Len() < f.Min:
			add("example has %d items, fewer than Min %d", v.Len(), f.Min)
		}
	case MatchArrayContains:
		v := reflect.ValueOf(f.Example)
		switch {
		case f.Example == nil:
		case v.Kind() != reflect.Slice && v.Kind() != reflect.Array:
			add("MatchArrayContains needs an array example, not %T", f.Example)
		case v.Len() == 0:
			add("MatchArrayContains needs at least one item that the array must contain")
		}
	default:
		add("unknown %v", f.Match)
	}
	if f.FromState != "" {
		if !stateExpr.MatchString(f.FromState) {
			add("FromState %q has no ${name} expression", f.FromState)
		}
		if f.Example != nil {
			if _, err := dataType(f.Example); err != nil {
				add("FromState: %v", err)
			}
		}
	}
	return errors.Join(errs...)
}

var stateExpr = regexp.MustCompile(`\$\{[^}]+\}`)

// dataType is the ProviderState generator's dataType for an example value: it tells the
// verifier what JSON type to give the injected value.
func dataType(example any) (string, error) {
	switch v := example.(type) {
	case string:
		return "STRING", nil
	case bool:
		return "BOOLEAN", nil
	case json.Number:
		if strings.ContainsAny(v.String(), ".eE") {
			return "DECIMAL", nil
		}
		return "INTEGER", nil
	case float32, float64:
		return "DECIMAL", nil
	}
	switch reflect.ValueOf(example).Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "INTEGER", nil
	}
	return "", fmt.Errorf("injected values need a string, number or boolean example, not %T", example)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
