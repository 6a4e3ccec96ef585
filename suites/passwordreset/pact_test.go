package passwordreset

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/contract"
)

// Placeholders written into the pact instead of real values: a pact file is shared with
// consumer teams and brokers, so it holds no key, password, token or code, and nothing a
// target returned. Verification swaps the app-key placeholder for the real key and takes
// tokens, users and passwords from the provider state (FromState).
const (
	wrongAppKey        = "wrong-app-key"
	exampleToken       = "reset-token-from-provider-state"
	exampleNewPassword = "New-Passw0rd!"
	exampleOtherPass   = "Other-Passw0rd!"
	exampleMessage     = "a message saying what went wrong"
)

// recorded holds the current spec's interactions; specs run one at a time per process.
var recorded []contract.Interaction

// record adds an interaction the current spec has just shown the target to honour. It is
// written only if the whole spec passes.
func record(i contract.Interaction) {
	GinkgoHelper()
	if err := i.Validate(); err != nil {
		Fail("the suite declared an invalid pact interaction (a bug in the suite): " + err.Error())
	}
	recorded = append(recorded, i)
}

func writeFragment(specID string) error {
	return contract.WriteFragment(suite.fragments, specID, recorded)
}

func inState(name string) []contract.State {
	return []contract.State{{Name: name, Params: map[string]any{}}}
}

// Request headers.

// validAppKey is matched exactly: a stub then answers a request with another key (the
// wrong one) by the interaction about that key, as the provider would, whatever the order.
func validAppKey() map[string]contract.Field {
	return map[string]contract.Field{"Et-App-Key": {Example: contract.AppKeyPlaceholder}}
}

func wrongAppKeyHeader() map[string]contract.Field {
	return map[string]contract.Field{"Et-App-Key": {Example: wrongAppKey}}
}

func noAppKey() map[string]contract.Field { return map[string]contract.Field{} }

func withJSON(h map[string]contract.Field) map[string]contract.Field {
	h["Content-Type"] = contract.Field{Example: "application/json", Match: contract.MatchRegex, Regex: `^application/json.*$`}
	return h
}

// Responses.

var jsonResponse = map[string]contract.Field{"Content-Type": {Example: "application/json; charset=utf-8", Match: contract.MatchRegex, Regex: `^application/json.*$`}}

// succeeded: the configured success status, IsSucceed exactly true, Errors exactly empty.
func succeeded(extra map[string]contract.Field) contract.Response {
	body := map[string]contract.Field{"Errors": {Example: []any{}}, "IsSucceed": {Example: true}}
	for k, f := range extra {
		body[k] = f
	}
	return contract.Response{Status: suite.cfg.Expect.SuccessStatus, Headers: jsonResponse, Body: body}
}

// failed: a client error (or the configured status), IsSucceed exactly false, at least one
// message in Errors.
func failed(c config.ErrorCase) contract.Response {
	r := contract.Response{Status: 400, StatusClass: "clientError", Headers: jsonResponse, Body: map[string]contract.Field{
		"Errors":    {Example: []any{exampleMessage}, Match: contract.MatchMinType, Min: 1},
		"IsSucceed": {Example: false},
	}}
	if exp := suite.cfg.Expect.Errors[c]; exp.Status != 0 {
		r.Status, r.StatusClass = exp.Status, ""
	}
	return r
}

// appKeyRejected: any accepted status, exactly the documented body.
func appKeyRejected() contract.Response {
	statuses := suite.cfg.Expect.AppKeyStatuses
	return contract.Response{Status: statuses[len(statuses)-1], StatusIn: statuses, Headers: jsonResponse,
		Body: map[string]contract.Field{"error": {Example: suite.cfg.Expect.AppKeyMessage}}}
}

// mergePact writes the run's pact from every passing spec's fragment. A partial run (a
// failure, a skip, a filter) never overwrites an explicitly configured pact directory:
// that is where the committed pacts live.
func mergePact(cfg config.Config, r types.Report, fragments string) string {
	out, explicit := cfg.Pact.OutDir, cfg.Pact.OutDir != ""
	if !explicit {
		out = filepath.Join(cfg.ReportDir, "pacts")
	}
	if why := partial(r); why != "" {
		if explicit {
			return fmt.Sprintf("Pact: not written to %s because %s; run the whole suite, passing, to record it.", out, why)
		}
		out = filepath.Join(out, "partial")
	}
	interactions, err := contract.ReadFragments(fragments)
	if err != nil {
		return "Pact: " + err.Error()
	}
	if len(interactions) == 0 {
		return "Pact: no interaction recorded (no spec passed)."
	}
	path := filepath.Join(out, cfg.Pact.Consumer+"-"+cfg.Pact.Provider+".json")
	if err := contract.WritePact(path, contract.Pact{Consumer: cfg.Pact.Consumer, Provider: cfg.Pact.Provider, Interactions: interactions}); err != nil {
		return "Pact: " + err.Error()
	}
	return fmt.Sprintf("Pact: %d interaction(s) written to %s", len(interactions), path)
}

// partial says why a run does not cover the whole suite, or "" if it does.
func partial(r types.Report) string {
	var why []string
	if !r.SuiteSucceeded {
		why = append(why, "the run failed")
	}
	c := r.SuiteConfig
	if c.LabelFilter != "" || len(c.FocusStrings) > 0 || len(c.SkipStrings) > 0 || len(c.FocusFiles) > 0 || len(c.SkipFiles) > 0 || r.SuiteHasProgrammaticFocus {
		why = append(why, "a label filter or focus left specs out")
	}
	skipped := 0
	for _, s := range r.SpecReports {
		// Slow specs record no interaction (they re-prove what a provider state proves by
		// waiting), so skipping them leaves the pact whole.
		if s.LeafNodeType == types.NodeTypeIt && s.State == types.SpecStateSkipped && !slices.Contains(s.Labels(), "slow") {
			skipped++
		}
	}
	if skipped > 0 {
		why = append(why, fmt.Sprintf("%d spec(s) were skipped", skipped))
	}
	return strings.Join(why, ", ")
}
