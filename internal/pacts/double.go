// Package broker is a Pact Broker double for tests: an HTTP server on 127.0.0.1 that serves
// the HAL resources pact-go's verifier and the pact CLI navigate (index, pacts for
// verification, pacts, pacticipants, versions, environments, the matrix) and records every
// request, so a test can assert exactly what a target asked the broker.
//
// A real broker needs Ruby and gems these machines cannot fetch; `make broker-smoke` runs the
// same flows against one. The double keeps only what the flows need: it is not a broker.
package pacts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// Request is one request the double received.
type BrokerRequest struct {
	Method, Path, Query string
	// Auth is how the request authenticated: "bearer <token>", "basic <user>" or "".
	Auth string
	// Body is the JSON body, compacted ("" when there was none).
	Body string
}

func (r BrokerRequest) String() string {
	s := r.Method + " " + r.Path
	if r.Query != "" {
		s += "?" + r.Query
	}
	if r.Body != "" {
		s += " " + r.Body
	}
	return s
}

// Pact is a pact the double serves for verification.
type BrokerPact struct {
	Consumer string
	Content  []byte // the pact JSON
	Pending  bool   // the broker marks it pending for this provider version
	WIP      bool   // it comes in as work in progress (only when WIP pacts are asked for)
}

// Environment is a deployment environment the broker knows.
type Environment struct{ Name, UUID string }

// Double is a running broker double. Its methods are safe for concurrent use.
type Double struct {
	URL string // base URL, http://127.0.0.1:port

	srv *httptest.Server

	mu           sync.Mutex
	requests     []BrokerRequest
	pacts        []BrokerPact
	environments []Environment
	refuse       int
	matrix       []string // can-i-deploy answers, in turn: "yes", "no", "unknown"
	provider     string
}

// Start starts a double for provider. Close stops it.
func Start(provider string) *Double {
	d := &Double{provider: provider, environments: []Environment{
		{Name: "staging", UUID: "00000000-0000-4000-8000-000000000001"},
		{Name: "production", UUID: "00000000-0000-4000-8000-000000000002"},
	}}
	d.srv = httptest.NewUnstartedServer(http.HandlerFunc(d.serve))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("broker double: listening on 127.0.0.1: %v", err))
	}
	d.srv.Listener = l
	d.URL = "http://" + l.Addr().String() // before serving: the handlers read it
	d.srv.Start()
	return d
}

// Close stops the server.
func (d *Double) Close() { d.srv.Close() }

// AddPact serves p in answers to "pacts for verification".
func (d *Double) AddPact(p BrokerPact) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pacts = append(d.pacts, p)
}

// Refuse makes every request but the index answer status (e.g. 401, 500): a broker that
// refuses the credentials or fails.
func (d *Double) Refuse(status int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.refuse = status
}

// AnswerCanIDeploy sets the matrix answers, one per query in turn ("yes", "no",
// "unknown"); the last repeats.
func (d *Double) AnswerCanIDeploy(answers ...string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.matrix = answers
}

// Requests returns the requests received so far, except the index (GET /), which every
// client fetches first and which says nothing about the flow.
func (d *Double) Requests() []BrokerRequest {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []BrokerRequest
	for _, r := range d.requests {
		if !(r.Method == http.MethodGet && r.Path == "/") {
			out = append(out, r)
		}
	}
	return out
}

func (d *Double) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	rec := BrokerRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Auth: auth(r)}
	if len(bytes.TrimSpace(body)) > 0 {
		var b bytes.Buffer
		if json.Compact(&b, body) == nil {
			rec.Body = b.String()
		} else {
			rec.Body = string(body)
		}
	}
	d.mu.Lock()
	d.requests = append(d.requests, rec)
	refuse := d.refuse
	d.mu.Unlock()

	if r.URL.Path == "/" && r.Method == http.MethodGet {
		d.hal(w, http.StatusOK, d.index())
		return
	}
	if refuse != 0 {
		d.hal(w, refuse, map[string]any{"error": fmt.Sprintf("the broker double refuses this request (%d)", refuse)})
		return
	}
	for _, route := range d.routes() {
		if route.method != r.Method {
			continue
		}
		if m := route.path.FindStringSubmatch(r.URL.Path); m != nil {
			route.handle(w, r, m[1:], body)
			return
		}
	}
	d.hal(w, http.StatusNotFound, map[string]any{"error": "the broker double does not serve " + r.Method + " " + r.URL.Path})
}

func auth(r *http.Request) string {
	h := r.Header.Get("Authorization")
	switch {
	case strings.HasPrefix(h, "Bearer "):
		return "bearer " + strings.TrimPrefix(h, "Bearer ")
	case strings.HasPrefix(h, "Basic "):
		if u, _, ok := r.BasicAuth(); ok {
			return "basic " + u
		}
	}
	return ""
}

func (d *Double) hal(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/hal+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (d *Double) link(path string) map[string]any { return map[string]any{"href": d.URL + path} }

func (d *Double) template(path string) map[string]any {
	return map[string]any{"href": d.URL + path, "templated": true}
}

func (d *Double) index() map[string]any {
	return map[string]any{"_links": map[string]any{
		"self":                               d.link("/"),
		"pb:provider-pacts-for-verification": d.template("/pacts/provider/{provider}/for-verification"),
		"pb:publish-contracts":               d.link("/contracts/publish"),
		// PactFlow's bi-directional contract testing: a provider contract (an OpenAPI document)
		// published with its self-verification results.
		"pf:publish-provider-contract": d.template("/provider-contracts/provider/{provider}/publish"),
		"pb:pacticipant":               d.template("/pacticipants/{pacticipant}"),
		"pb:pacticipant-version":       d.template("/pacticipants/{pacticipant}/versions/{version}"),
		"pb:pacticipants":              d.link("/pacticipants"),
		"pb:environments":              d.link("/environments"),
		"pb:environment":               d.template("/environments/{uuid}"),
		"pb:latest-pact-versions":      d.link("/pacts/latest"),
		"pb:can-i-deploy-pacticipant-version-to-environment": d.template(
			"/can-i-deploy?pacticipant={pacticipant}&version={version}&environment={environment}"),
	}}
}

type route struct {
	method string
	path   *regexp.Regexp
	handle func(w http.ResponseWriter, r *http.Request, parts []string, body []byte)
}

const seg = `([^/]+)`

func (d *Double) routes() []route {
	re := func(s string) *regexp.Regexp { return regexp.MustCompile("^" + s + "$") }
	return []route{
		{"GET", re("/pacts/provider/" + seg + "/for-verification"), d.forVerificationIndex},
		{"POST", re("/pacts/provider/" + seg + "/for-verification"), d.forVerification},
		{"GET", re("/pacts/provider/" + seg + "/consumer/" + seg + "/pact-version/([0-9]+)"), d.pact},
		{"POST", re("/pacts/provider/" + seg + "/consumer/" + seg + "/pact-version/([0-9]+)/verification-results"), d.created},
		{"GET", re("/pacticipants/" + seg), d.pacticipant},
		{"PUT", re("/pacticipants/" + seg + "/branches/" + seg + "/versions/" + seg), d.ok},
		{"PUT", re("/pacticipants/" + seg + "/versions/" + seg + "/tags/" + seg), d.ok},
		{"GET", re("/pacticipants/" + seg + "/versions/" + seg), d.version},
		{"POST", re("/pacticipants/" + seg + "/versions/" + seg + "/deployed-versions/environment/" + seg), d.created},
		{"POST", re("/pacticipants/" + seg + "/versions/" + seg + "/released-versions/environment/" + seg), d.created},
		{"POST", re("/contracts/publish"), d.published},
		{"POST", re("/provider-contracts/provider/" + seg + "/publish"), d.providerContractPublished},
		{"GET", re("/environments"), d.environmentList},
		{"GET", re("/environments/" + seg), d.environment},
		{"GET", re("/can-i-deploy"), d.canIDeploy},
		{"GET", re("/matrix"), d.canIDeploy},
	}
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

func (d *Double) ok(w http.ResponseWriter, _ *http.Request, _ []string, _ []byte) {
	d.hal(w, http.StatusOK, map[string]any{})
}

func (d *Double) created(w http.ResponseWriter, _ *http.Request, _ []string, _ []byte) {
	d.hal(w, http.StatusCreated, map[string]any{})
}

func (d *Double) forVerificationIndex(w http.ResponseWriter, r *http.Request, _ []string, _ []byte) {
	d.hal(w, http.StatusOK, map[string]any{"_links": map[string]any{"self": d.link(r.URL.Path)}})
}

// forVerification answers the pacts the request asks for: every added pact that is not WIP,
// and the WIP ones when includeWipPactsSince is set. Pending is reported only when asked for.
func (d *Double) forVerification(w http.ResponseWriter, _ *http.Request, parts []string, body []byte) {
	var q struct {
		IncludePendingStatus bool
		IncludeWipPactsSince string
	}
	if err := json.Unmarshal(body, &q); err != nil {
		d.hal(w, http.StatusBadRequest, map[string]any{"errors": []string{"body is not JSON: " + err.Error()}})
		return
	}
	provider := unescape(parts[0])
	d.mu.Lock()
	pacts := append([]BrokerPact(nil), d.pacts...)
	d.mu.Unlock()
	var list []any
	for n, p := range pacts {
		if p.WIP && q.IncludeWipPactsSince == "" {
			continue
		}
		props := map[string]any{"notices": []any{map[string]any{"when": "before_verification", "text": "selected by the broker double"}}}
		if q.IncludePendingStatus {
			props["pending"] = p.Pending
		}
		if p.WIP {
			props["wip"] = true
		}
		list = append(list, map[string]any{
			"shortDescription":       "pact of " + p.Consumer,
			"verificationProperties": props,
			"_links": map[string]any{"self": map[string]any{
				"href": fmt.Sprintf("%s/pacts/provider/%s/consumer/%s/pact-version/%d", d.URL, url.PathEscape(provider), url.PathEscape(p.Consumer), n),
				"name": "pact of " + p.Consumer,
			}},
		})
	}
	d.hal(w, http.StatusOK, map[string]any{"_embedded": map[string]any{"pacts": list}})
}

func (d *Double) pact(w http.ResponseWriter, r *http.Request, parts []string, _ []byte) {
	var n int
	fmt.Sscan(parts[2], &n)
	d.mu.Lock()
	ok := n < len(d.pacts)
	var p BrokerPact
	if ok {
		p = d.pacts[n]
	}
	d.mu.Unlock()
	if !ok {
		d.hal(w, http.StatusNotFound, map[string]any{"error": "no such pact"})
		return
	}
	var doc map[string]any
	if err := json.Unmarshal(p.Content, &doc); err != nil {
		d.hal(w, http.StatusInternalServerError, map[string]any{"error": "the test gave the double a pact that is not JSON"})
		return
	}
	doc["_links"] = map[string]any{
		"self":                            d.link(r.URL.Path),
		"pb:publish-verification-results": d.link(r.URL.Path + "/verification-results"),
		"pb:provider":                     d.link("/pacticipants/" + parts[0]),
		"pb:consumer":                     d.link("/pacticipants/" + parts[1]),
	}
	d.hal(w, http.StatusOK, doc)
}

func (d *Double) pacticipant(w http.ResponseWriter, _ *http.Request, parts []string, _ []byte) {
	name := parts[0]
	d.hal(w, http.StatusOK, map[string]any{"name": unescape(name), "_links": map[string]any{
		"self":              d.link("/pacticipants/" + name),
		"pb:branch-version": d.template("/pacticipants/" + name + "/branches/{branch}/versions/{version}"),
		"pb:version-tag":    d.template("/pacticipants/" + name + "/versions/{version}/tags/{tag}"),
		"pb:version":        d.template("/pacticipants/" + name + "/versions/{version}"),
	}})
}

func (d *Double) version(w http.ResponseWriter, _ *http.Request, parts []string, _ []byte) {
	base := "/pacticipants/" + parts[0] + "/versions/" + parts[1]
	links := map[string]any{"self": d.link(base)}
	d.mu.Lock()
	envs := append([]Environment(nil), d.environments...)
	d.mu.Unlock()
	var deploy, release []any
	for _, e := range envs {
		deploy = append(deploy, map[string]any{"href": d.URL + base + "/deployed-versions/environment/" + e.UUID, "name": e.Name, "title": "Record deployment to " + e.Name})
		release = append(release, map[string]any{"href": d.URL + base + "/released-versions/environment/" + e.UUID, "name": e.Name, "title": "Record release to " + e.Name})
	}
	links["pb:record-deployment"] = deploy
	links["pb:record-release"] = release
	d.hal(w, http.StatusOK, map[string]any{"number": unescape(parts[1]), "_links": links})
}

func (d *Double) published(w http.ResponseWriter, _ *http.Request, _ []string, _ []byte) {
	d.hal(w, http.StatusOK, map[string]any{"notices": []any{map[string]any{"type": "success", "text": "published to the broker double"}},
		"_links": map[string]any{"pb:contracts": []any{}}})
}

// providerContractPublished answers a provider contract publication as PactFlow does: notices
// and links to what it created.
func (d *Double) providerContractPublished(w http.ResponseWriter, _ *http.Request, parts []string, body []byte) {
	var req struct {
		PacticipantVersionNumber string `json:"pacticipantVersionNumber"`
	}
	_ = json.Unmarshal(body, &req)
	provider := unescape(parts[0])
	d.hal(w, http.StatusOK, map[string]any{
		"notices":   []any{map[string]any{"type": "success", "text": "published the provider contract to the broker double"}},
		"_embedded": map[string]any{"version": map[string]any{"number": req.PacticipantVersionNumber}},
		"_links": map[string]any{
			"pb:pacticipant-version":      d.link("/pacticipants/" + url.PathEscape(provider) + "/versions/" + url.PathEscape(req.PacticipantVersionNumber)),
			"pb:pacticipant-version-tags": []any{},
			"pf:provider-contract":        d.link("/provider-contracts/provider/" + url.PathEscape(provider) + "/version/" + url.PathEscape(req.PacticipantVersionNumber)),
		},
	})
}

func (d *Double) environmentList(w http.ResponseWriter, _ *http.Request, _ []string, _ []byte) {
	d.mu.Lock()
	envs := append([]Environment(nil), d.environments...)
	d.mu.Unlock()
	var list []any
	for _, e := range envs {
		list = append(list, map[string]any{"uuid": e.UUID, "name": e.Name, "displayName": e.Name, "production": e.Name == "production",
			"_links": map[string]any{"self": d.link("/environments/" + e.UUID)}})
	}
	d.hal(w, http.StatusOK, map[string]any{"_embedded": map[string]any{"environments": list}, "_links": map[string]any{"self": d.link("/environments")}})
}

func (d *Double) environment(w http.ResponseWriter, _ *http.Request, parts []string, _ []byte) {
	d.mu.Lock()
	envs := append([]Environment(nil), d.environments...)
	d.mu.Unlock()
	for _, e := range envs {
		if e.UUID == parts[0] {
			d.hal(w, http.StatusOK, map[string]any{"uuid": e.UUID, "name": e.Name, "_links": map[string]any{"self": d.link("/environments/" + e.UUID)}})
			return
		}
	}
	d.hal(w, http.StatusNotFound, map[string]any{"error": "no such environment"})
}

// canIDeploy answers the next configured answer: deployable, not, or unknown (a missing
// verification, which can-i-deploy retries on).
func (d *Double) canIDeploy(w http.ResponseWriter, r *http.Request, _ []string, _ []byte) {
	d.mu.Lock()
	answer := "yes"
	if len(d.matrix) > 0 {
		answer = d.matrix[0]
		if len(d.matrix) > 1 {
			d.matrix = d.matrix[1:]
		}
	}
	d.mu.Unlock()
	summary := map[string]any{"success": 1, "failed": 0, "unknown": 0}
	var deployable any = true
	reason := "All required verification results are published and successful"
	switch answer {
	case "no":
		deployable, reason = false, "The verification between the versions failed"
		summary = map[string]any{"success": 0, "failed": 1, "unknown": 0}
	case "unknown":
		deployable, reason = nil, "There is no verified pact between the versions"
		summary = map[string]any{"success": 0, "failed": 0, "unknown": 1}
	}
	d.hal(w, http.StatusOK, map[string]any{
		"summary": map[string]any{"deployable": deployable, "reason": reason, "success": summary["success"], "failed": summary["failed"], "unknown": summary["unknown"]},
		"matrix":  []any{},
		"notices": []any{},
		"_links":  map[string]any{"self": d.link(r.URL.RequestURI())},
	})
}
