// Package checks is the catalogue of conformance checks: what the provider must do, why
// (the documentation section or published standard it comes from), how strict the suite is
// about it, which settings tune it, and which fault switches of the reference provider prove
// that the check can fail.
//
// The catalogue is data (catalogue.json, embedded); specs name their checks by ID, the
// self-test derives its fault table from it, and docs/CHECKS.md is generated from it.
package catalogue

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
)

//go:embed catalogue.json
var catalogueJSON []byte

// Kind says how strict a check is and where its authority comes from.
type Kind string

const (
	// Documented: the documentation states the behaviour; the suite is strict.
	Documented Kind = "documented"
	// Configurable: the docs are silent on the exact value; the suite asserts what every
	// client relies on, and the exact value is a setting.
	Configurable Kind = "configurable"
	// Baseline: robustness every client relies on (a failure never looks like success, a
	// client error is not a 5xx, a rejected request changes nothing).
	Baseline Kind = "baseline"
	// Security: a published standard (OWASP, NIST, an RFC), named in the source.
	Security Kind = "security"
)

var kinds = []Kind{Documented, Configurable, Baseline, Security}

// Source is where a check's authority comes from: a section of the project's own account of
// the API (docs/API.md), or a clause of a published standard, summarised in the project's
// own words.
type Source struct {
	Document string `json:"document,omitempty"` // a file of this repository, e.g. docs/API.md
	Standard string `json:"standard,omitempty"` // e.g. "OWASP Forgot Password Cheat Sheet"
	Section  string `json:"section"`            // the heading (document) or clause (standard)
	Says     string `json:"says"`               // what it says, in the project's words
}

// String names the source in one line, for reports: each standard with its sections
// ("OWASP ASVS 5.0.0 6.2.9; NIST SP 800-63B-4 3.1.1.2 Password Verifiers").
func (s Source) String() string {
	if s.Document != "" {
		return s.Document + ", " + s.Section
	}
	cs, err := Citations(s)
	if err != nil || len(cs) == 0 {
		return s.Standard + ", " + s.Section
	}
	var parts []string
	for i, c := range cs {
		if i > 0 && cs[i-1].Standard == c.Standard {
			parts[len(parts)-1] += ", " + c.Section
			continue
		}
		parts = append(parts, c.Standard+" "+c.Section)
	}
	return strings.Join(parts, "; ")
}

// Check is one verifiable statement about the provider.
type Check struct {
	ID        string   `json:"id"`
	Statement string   `json:"statement"` // what the provider must do, as a MUST
	Kind      Kind     `json:"kind"`
	Source    Source   `json:"source"`
	Settings  []string `json:"settings,omitempty"` // AUTOSHARES_* settings that tune it
	Labels    []string `json:"labels"`             // the area labels of the specs that apply it
	// Proofs: the fault switches of the reference provider that make this check fail, each
	// with a fragment its problem line must show ("" = any line), so the self-test can tell
	// "failed for the right reason" from "failed". A fragment starting with PreflightProof
	// says the fault breaks every endpoint, so the run stops at the preflight, once, with
	// the rest of the fragment in its message.
	Proofs map[string]string `json:"proofs,omitempty"`
	// Unproven says why no fault switch breaks this check, and how else it is proven.
	Unproven string `json:"unproven,omitempty"`
	// Profile, when set, overrides the profile the kind gives the check (see ProfileOf).
	// A security check must set it: its ASVS level ("security-l2"), the lowest level of
	// the ASVS requirements its source cites.
	Profile string `json:"profile,omitempty"`
	// LevelReason: for a security check that enforces no ASVS requirement (a NIST SHALL,
	// a cheat sheet point), why it is held to its level.
	LevelReason string `json:"level_reason,omitempty"`
	// EveryExchange: the check is judged on every exchange of every spec (every spec
	// declares it), so a fault that breaks it fails the specs whose exchanges meet the
	// fault, not every spec: the self-test wants some spec to fail on it, not all.
	EveryExchange bool `json:"every_exchange,omitempty"`
}

// Finding is an informational finding: a deviation from a published standard that the
// documented flow itself prescribes, so it is reported, never failed.
type Finding struct {
	ID        string   `json:"id"`
	Statement string   `json:"statement"` // what was observed and why a reviewer should know
	Source    Source   `json:"source"`    // the standard it deviates from
	Labels    []string `json:"labels"`
}

// Catalogue is every check, plus the fault switches no check catches and why.
type Catalogue struct {
	Checks []Check `json:"checks"`
	// FaultsNotChecked: fault switches whose behaviour the suite deliberately does not
	// assert, each with the reason.
	FaultsNotChecked map[string]string `json:"faults_not_checked"`
	// Findings: what a security reviewer must see but the run does not fail on (a design
	// the documentation itself prescribes), reported when a spec observed it.
	Findings []Finding `json:"findings,omitempty"`

	byID map[string]int
}

// PreflightProof marks a proof whose fault the preflight catches before any spec runs.
const PreflightProof = "preflight: "

var idPattern = regexp.MustCompile(`^[a-z0-9]+(\.[a-z0-9]+(-[a-z0-9]+)*)+$`)

var loaded = sync.OnceValues(func() (*Catalogue, error) { return Parse(catalogueJSON) })

// Default returns the embedded catalogue. It is validated on first use; an invalid
// catalogue is a bug in the repository, reported with every problem at once.
func Default() (*Catalogue, error) { return loaded() }

// MustDefault is Default for package-level use by specs: the catalogue is part of the
// build, and a broken one must stop the run before any spec.
func MustDefault() *Catalogue {
	c, err := Default()
	if err != nil {
		panic(err)
	}
	return c
}

// Parse reads and validates a catalogue.
func Parse(data []byte) (*Catalogue, error) {
	var c Catalogue
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("checks: catalogue.json: %w", err)
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

func (c *Catalogue) validate() error {
	var errs []error
	bad := func(id, format string, args ...any) {
		errs = append(errs, fmt.Errorf("check %q: "+format, append([]any{id}, args...)...))
	}
	c.byID = map[string]int{}
	for i, ch := range c.Checks {
		if !idPattern.MatchString(ch.ID) {
			bad(ch.ID, "the ID must be dot-separated lower-case words, e.g. step4.mismatch.rejected")
		}
		if _, dup := c.byID[ch.ID]; dup {
			bad(ch.ID, "listed twice")
		}
		c.byID[ch.ID] = i
		if strings.TrimSpace(ch.Statement) == "" {
			bad(ch.ID, "has no statement")
		}
		if !slices.Contains(kinds, ch.Kind) {
			bad(ch.ID, "kind %q is not one of %v", ch.Kind, kinds)
		}
		s := ch.Source
		switch {
		case (s.Document == "") == (s.Standard == ""):
			bad(ch.ID, "the source must name either a document or a standard")
		case s.Section == "" || s.Says == "":
			bad(ch.ID, "the source needs a section and what it says")
		case ch.Kind == Security && s.Standard == "":
			bad(ch.ID, "a security check must name the standard it enforces")
		}
		if ch.Kind == Configurable && len(ch.Settings) == 0 {
			bad(ch.ID, "a configurable check must name the settings that tune it")
		}
		if len(ch.Labels) == 0 {
			bad(ch.ID, "has no labels")
		}
		if ch.Profile != "" && !slices.Contains(Profiles, ch.Profile) {
			bad(ch.ID, "profile %q is not one of %v", ch.Profile, Profiles)
		}
		validateLevel(ch, bad)
		if len(ch.Proofs) == 0 && ch.Unproven == "" {
			bad(ch.ID, "needs a fault switch that proves it can fail, or the reason there is none (unproven)")
		}
	}
	for _, f := range c.Findings {
		if !idPattern.MatchString(f.ID) || f.Statement == "" || f.Source.Standard == "" || f.Source.Section == "" || len(f.Labels) == 0 {
			errs = append(errs, fmt.Errorf("finding %q: needs a dotted ID, a statement, a standard with its section, and labels", f.ID))
		}
		if _, dup := c.byID[f.ID]; dup {
			errs = append(errs, fmt.Errorf("finding %q: shares its ID with a check", f.ID))
		}
	}
	return errors.Join(errs...)
}

// validateLevel: a security check names its ASVS level, and says why when it cites no
// ASVS requirement to give it one; a check of another kind has no ASVS level.
func validateLevel(ch Check, bad func(id, format string, args ...any)) {
	asvs := len(ASVSRequirements(ch.Source)) > 0
	switch {
	case ch.Kind != Security && (slices.Contains(SecurityProfiles, ch.Profile) || ch.LevelReason != ""):
		bad(ch.ID, "only a security check has an ASVS level (profile %q, level_reason)", ch.Profile)
	case ch.Kind != Security:
	case !slices.Contains(SecurityProfiles, ch.Profile):
		bad(ch.ID, "a security check must name its ASVS level as its profile, one of %v", SecurityProfiles)
	case !asvs && strings.TrimSpace(ch.LevelReason) == "":
		bad(ch.ID, "cites no ASVS requirement (standard %q, section \"ASVS 6.2.9\"): level_reason must say why it is held to %s", ASVSName, ch.Profile)
	case asvs && ch.LevelReason != "":
		bad(ch.ID, "the ASVS requirements it cites give its level: level_reason is only for a check citing none")
	}
}

// Finding returns the informational finding with the given ID.
func (c *Catalogue) Finding(id string) (Finding, bool) {
	for _, f := range c.Findings {
		if f.ID == id {
			return f, true
		}
	}
	return Finding{}, false
}

// Get returns the check with the given ID.
func (c *Catalogue) Get(id string) (Check, bool) {
	i, ok := c.byID[id]
	if !ok {
		return Check{}, false
	}
	return c.Checks[i], true
}

// IDs returns every check ID, in catalogue order.
func (c *Catalogue) IDs() []string {
	ids := make([]string, len(c.Checks))
	for i, ch := range c.Checks {
		ids[i] = ch.ID
	}
	return ids
}

// Unknown returns those of ids the catalogue lacks.
func (c *Catalogue) Unknown(ids ...string) []string {
	var out []string
	for _, id := range ids {
		if _, ok := c.byID[id]; !ok {
			out = append(out, id)
		}
	}
	return out
}

// ByFault inverts the proofs: for each fault switch, the checks it must make fail, with the
// fragment each failure must show.
func (c *Catalogue) ByFault() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, ch := range c.Checks {
		for fault, says := range ch.Proofs {
			if out[fault] == nil {
				out[fault] = map[string]string{}
			}
			out[fault][ch.ID] = says
		}
	}
	return out
}

// Faults returns every fault switch the catalogue names, in proofs or as not checked, sorted.
func (c *Catalogue) Faults() []string {
	set := maps.Clone(c.FaultsNotChecked)
	if set == nil {
		set = map[string]string{}
	}
	for f := range c.ByFault() {
		set[f] = ""
	}
	return slices.Sorted(maps.Keys(set))
}

// IsRequirementLabel: the label names a published requirement (asvs-6.2.8, nist-800-63b,
// rfc-9111, owasp-api3), so specs carry it and LABELS=<requirement> selects them.
func IsRequirementLabel(l string) bool {
	for _, p := range []string{"asvs-", "nist-", "rfc-", "owasp-"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}
