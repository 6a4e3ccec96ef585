// Package openapi builds the provider contract as an OpenAPI 3.1 document from what the
// suite already proves: the JSON Schemas in schemas/ (draft 2020-12, the dialect OpenAPI 3.1
// uses) and the table of endpoints below (paths, methods, the Et-App-Key header, bodies per
// status as the API documentation states them and the suite's defaults expect them).
//
// The committed document is openapi/autoshares-password-reset.openapi.json; `make openapi`
// rewrites it and a test fails when it is stale. Consumer teams, Schemathesis or Dredd read
// it; `make check-consumer-pact` compares a consumer's pact with it.
package pacts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
)

// File is where the document lives in the repository.
const File = "openapi/autoshares-password-reset.openapi.json"

// Endpoint is one documented operation.
type Endpoint struct {
	Method, Path string
	OperationID  string
	Summary      string
	Request      string   // request body schema file, "" = no body
	Query        []string // required string query parameters
	Headers      []string // required string request headers besides Et-App-Key
	Success      string   // schema of the 200 body
	// Failure is the schema of a 4xx body other than the app-key error ("" = none documented).
	Failure string
	// FailureStatus is the documented failure status ("4XX": any client error, as the
	// docs leave it open and the suite accepts any by default).
	FailureStatus string
}

// Endpoints is the API the suite checks, paths as in internal/client (relative to the
// environment's apiURL, e.g. https://host/api).
var Endpoints = []Endpoint{
	{Method: "post", Path: "/v1.0/users/password/reset", OperationID: "requestPasswordReset",
		Summary: "Step 1: ask for a confirmation code by email (with the secret answer, if the trader has a question)",
		Request: "reset-password.request.schema.json", Success: "reset-password.response.schema.json",
		Failure: "reset-password.response.schema.json", FailureStatus: "4XX"},
	{Method: "get", Path: "/v1.0/users/password/secret-question", OperationID: "getSecretQuestion",
		Summary: "Step 2: the trader's secret question (empty when there is none); username is a login or an email",
		Query:   []string{"username"}, Success: "secret-question.response.schema.json",
		Failure: "secret-question.response.schema.json", FailureStatus: "4XX"},
	{Method: "post", Path: "/v1.0/users/password/reset/code", OperationID: "tradeResetCode",
		Summary: "Step 3 (AutoShares): trade the emailed code for a reset token",
		Request: "reset-code.request.schema.json", Success: "reset-code.response.schema.json",
		Failure: "reset-code.response.schema.json", FailureStatus: "4XX"},
	{Method: "post", Path: "/v1.0/users/identifiers/reset/code", OperationID: "tradeIdentifierResetCode",
		Summary: "Step 3 (ETNA variant): trade the emailed code for a reset token",
		Request: "identifiers-reset-code.request.schema.json", Success: "reset-code.response.schema.json",
		Failure: "reset-code.response.schema.json", FailureStatus: "4XX"},
	{Method: "put", Path: "/v1.0/users/passwords/reset/", OperationID: "updatePassword",
		Summary: "Step 4: set the new password with the reset token (plural path, trailing slash)",
		Request: "update-password.request.schema.json", Success: "update-password.response.schema.json",
		Failure: "update-password.response.schema.json", FailureStatus: "4XX"},
	{Method: "post", Path: "/token", OperationID: "login",
		Summary: "Log in with the credentials in the Username and Password headers",
		Headers: []string{"Username", "Password"}, Success: "login.response.schema.json",
		Failure: "login.response.schema.json", FailureStatus: "401"},
}

// AppKeyStatuses are the statuses of the app-key error: the documentation says 403 on the
// reference pages and 401 on the error-code page; the suite accepts both by default.
var AppKeyStatuses = []string{"401", "403"}

const appKeyError = "app-key-error.schema.json"

// Build returns the document, deterministic (sorted keys, 2-space indent, trailing newline),
// from the schema files in schemas.
func Build(schemas fs.FS) ([]byte, error) {
	components := map[string]any{}
	names, err := fs.Glob(schemas, "*.schema.json")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if strings.HasPrefix(n, "provider-state.") {
			continue // the test-support state endpoint is not part of the API
		}
		data, err := fs.ReadFile(schemas, n)
		if err != nil {
			return nil, err
		}
		var s map[string]any
		if err := json.Unmarshal(data, &s); err != nil {
			return nil, fmt.Errorf("schemas/%s: %w", n, err)
		}
		// The document is the base: the files' own $id and $schema would re-base their refs.
		delete(s, "$id")
		delete(s, "$schema")
		components[component(n)] = rewriteRefs(s)
	}
	// The envelope allows fields it does not name; Model is one the API documents (the
	// payload: a token, a question). Comparators of pacts with the document treat a field the
	// document does not name as one the consumer must not rely on, so it is named here.
	if env, ok := components["envelope"].(map[string]any); ok {
		if props, ok := env["properties"].(map[string]any); ok {
			if _, named := props["Model"]; !named {
				props["Model"] = map[string]any{"description": "the payload of a success, per endpoint"}
			}
		}
	}

	paths := map[string]any{}
	for _, e := range Endpoints {
		for _, s := range []string{e.Request, e.Success, e.Failure} {
			if _, ok := components[component(s)]; s != "" && !ok {
				return nil, fmt.Errorf("endpoint %s %s: schema %s is not in schemas/", e.Method, e.Path, s)
			}
		}
		op := map[string]any{
			"operationId": e.OperationID,
			"summary":     e.Summary,
			"security":    []any{map[string]any{"EtAppKey": []any{}}},
			"responses":   responses(e),
		}
		var params []any
		for _, q := range e.Query {
			params = append(params, map[string]any{"name": q, "in": "query", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, h := range e.Headers {
			params = append(params, map[string]any{"name": h, "in": "header", "required": true, "schema": map[string]any{"type": "string"}})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if e.Request != "" {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": ref(e.Request)}}}
		}
		item, _ := paths[e.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[e.Path] = item
		}
		item[e.Method] = op
	}

	doc := map[string]any{
		"openapi":           "3.1.0",
		"jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
		"info": map[string]any{
			"title":   "AutoShares Trading API: password reset",
			"version": "1.0",
			"description": "The password reset flow and login as the conformance suite checks them. " +
				"Paths are relative to the environment's apiURL (e.g. https://host/api). " +
				"Built by `make openapi` from schemas/ (JSON Schema 2020-12) and internal/pacts; do not edit by hand.",
		},
		"servers": []any{map[string]any{"url": "{apiURL}", "variables": map[string]any{
			"apiURL": map[string]any{"default": "https://staging.example.com/api", "description": "the environment's apiURL"}}}},
		"paths": paths,
		"components": map[string]any{
			"schemas": components,
			"securitySchemes": map[string]any{"EtAppKey": map[string]any{
				"type": "apiKey", "in": "header", "name": "Et-App-Key",
				"description": "The application key issued for the environment; a missing or unknown key is refused with the app-key error."}},
		},
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func responses(e Endpoint) map[string]any {
	r := map[string]any{"200": body("Success", e.Success)}
	if e.Failure != "" {
		r[e.FailureStatus] = body("A client error, with the reason", e.Failure)
	}
	for _, s := range AppKeyStatuses {
		if _, taken := r[s]; taken {
			// One status, two documented bodies (login's 401): either.
			r[s] = map[string]any{"description": "The app-key error, or " + strings.ToLower(r[s].(map[string]any)["description"].(string)),
				"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
					"oneOf": []any{ref(appKeyError), ref(e.Failure)}}}}}
			continue
		}
		r[s] = body("A missing or unknown Et-App-Key", appKeyError)
	}
	return r
}

func body(desc, schema string) map[string]any {
	return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": ref(schema)}}}
}

func component(file string) string { return strings.TrimSuffix(file, ".schema.json") }

func ref(file string) map[string]any {
	return map[string]any{"$ref": "#/components/schemas/" + component(file)}
}

var fileRef = regexp.MustCompile(`^([a-z0-9.-]+)\.schema\.json(#.*)?$`)

// rewriteRefs points references between schema files at the document's components.
func rewriteRefs(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "$ref" {
				if m := fileRef.FindStringSubmatch(s); m != nil {
					x[k] = "#/components/schemas/" + m[1] + strings.TrimPrefix(m[2], "#")
				}
				continue
			}
			x[k] = rewriteRefs(e)
		}
	case []any:
		for i, e := range x {
			x[i] = rewriteRefs(e)
		}
	}
	return v
}

// Operations lists "METHOD path" of the document's endpoints, sorted.
func Operations() []string {
	var ops []string
	for _, e := range Endpoints {
		ops = append(ops, strings.ToUpper(e.Method)+" "+e.Path)
	}
	slices.Sort(ops)
	return ops
}
