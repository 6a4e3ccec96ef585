// Package states sets up and tears down provider states through the deployment's
// test-support endpoint, using the Pact provider-state protocol, so the same endpoint
// serves this suite and Pact verification.
package states

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/autoshares/conformance/fixtures"
	"github.com/autoshares/conformance/internal/catalogue"
	clientpkg "github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/redact"
)

// The states of fixtures/provider-states.json, as constants for the specs.
const (
	ValidToken   = "a trader has a valid password reset token"
	ExpiredToken = "a trader has an expired password reset token"
	NoQuestion   = "a trader without a secret question"
	WithQuestion = "a trader with a secret question"
	PendingCode  = "a trader has a pending password reset code"
	ExpiredCode  = "a trader has an expired password reset code"
	NoSuchUser   = "no trader has the login unknown-trader"
	NoSuchCode   = "no confirmation code 000000 is pending"
	// The fixed values the two absence states guarantee are unknown on the provider.
	UnknownUser = "unknown-trader"
	UnknownCode = "000000"
	// ParamCodeIssuedSecondsAgo is PendingCode's optional param: the code was issued that
	// many seconds ago. A state endpoint that honours it answers the key with the number.
	ParamCodeIssuedSecondsAgo = "CodeIssuedSecondsAgo"
	contractFile              = "provider-states.json"
	requestSchema             = "provider-state.request.schema.json"
	responseSchema            = "provider-state.response.schema.json"
	maxResponseBody           = 64 << 10
)

// Values is what a setup returns: User, Email, Password, Token, ...
type Values map[string]string

// Contract maps each state name to the keys its setup must return.
type Contract map[string][]string

// LoadContract reads fixtures/provider-states.json.
func LoadContract() (Contract, error) {
	data, err := fixtures.FS.ReadFile(contractFile)
	if err != nil {
		return nil, err
	}
	var doc struct {
		States []struct {
			Name string   `json:"name"`
			Keys []string `json:"keys"`
		} `json:"states"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("fixtures/%s: %v", contractFile, err)
	}
	c := Contract{}
	for _, s := range doc.States {
		c[s.Name] = s.Keys
	}
	return c, nil
}

// Names lists the states, sorted.
func (c Contract) Names() []string {
	out := make([]string, 0, len(c))
	for n := range c {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Client talks to one state endpoint.
type Client struct {
	URL      string
	HTTP     *http.Client
	Schemas  *catalogue.Set
	Contract Contract
	Redactor *redact.Redactor // every value a setup returns is registered as a secret
}

// Setup creates the named state and returns its values, checked against the contract.
func (c *Client) Setup(ctx context.Context, state string, params map[string]any) (Values, error) {
	keys, known := c.Contract[state]
	if !known {
		return nil, fmt.Errorf("state %q is not in fixtures/%s", state, contractFile)
	}
	body, err := c.post(ctx, "setup", state, params)
	if err != nil {
		return nil, err
	}
	if err := c.Schemas.Validate(responseSchema, body); err != nil {
		return nil, fmt.Errorf("AUTOSHARES_STATE_URL: setup of %q: %v", state, err)
	}
	var v Values
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, fmt.Errorf("AUTOSHARES_STATE_URL: setup of %q: %v", state, err)
	}
	for k, val := range v {
		if k != "User" && k != "Email" && k != "SecretQuestion" && k != ParamCodeIssuedSecondsAgo { // a number of seconds is no secret
			c.Redactor.Add(val)
		}
	}
	var missing []string
	for _, k := range keys {
		if v[k] == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("AUTOSHARES_STATE_URL: setup of %q returned no %s; the state contract (fixtures/%s) requires %s",
			state, strings.Join(missing, ", "), contractFile, strings.Join(keys, ", "))
	}
	return v, nil
}

// Teardown removes what Setup created; params should carry the setup's "User".
func (c *Client) Teardown(ctx context.Context, state string, params map[string]any) error {
	_, err := c.post(ctx, "teardown", state, params)
	return err
}

func (c *Client) post(ctx context.Context, action, state string, params map[string]any) ([]byte, error) {
	if params == nil {
		params = map[string]any{}
	}
	reqBody, err := json.Marshal(map[string]any{"action": action, "state": state, "params": params})
	if err != nil {
		return nil, err
	}
	if err := c.Schemas.Validate(requestSchema, reqBody); err != nil {
		return nil, err
	}
	ctx, outcome := clientpkg.WithOutcome(ctx)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(reqBody))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("AUTOSHARES_STATE_URL: %s of %q: %v", action, state, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		return nil, fmt.Errorf("AUTOSHARES_STATE_URL: %s of %q: reading the answer: %v", action, state, err)
	}
	if err := outcome.Err(); err != nil {
		return nil, fmt.Errorf("AUTOSHARES_STATE_URL: %s of %q: %w", action, state, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("AUTOSHARES_STATE_URL: %s of %q answered %d: %s", action, state, resp.StatusCode,
			c.Redactor.JSON(body))
	}
	return body, nil
}
