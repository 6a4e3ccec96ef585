package pacts_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/pacts"
	"github.com/autoshares/conformance/internal/suite"
	"github.com/autoshares/conformance/internal/testkit"
)

// A pact claims only what was enforced: every value a recorded response pins exactly (a
// body field without a matching rule, a status without a status rule) must be one the
// suite's judgement of that reply refuses to see otherwise. The test derives this for
// every interaction: the response's own example passes its judgement, and each pinned
// value replaced (another value, another type, null, left out) fails it.

// pinned is a recorded response as the test sees it: its example, and what it pins.
type pinned struct {
	name         string
	method, path string
	status       int
	statusPinned bool
	body         map[string]any
	pins         []string         // body fields matched exactly
	contains     map[string]bool  // body fields with an array-contains rule (ErrorsCode, Errors)
	errorCase    config.ErrorCase // the case of a failure, when known
}

// judge is the judgement the suite applies to such a reply under rules (step1Required is
// AUTOSHARES_EXPECT_STEP1_IS_SUCCEED); it returns the problems found.
func judge(p pinned, rules suite.Rules, step1Required bool) func(status int, body map[string]any) []string {
	schemaFor := map[string]string{
		client.PathResetPassword: "reset-password.response.schema.json", client.PathSecretQuestion: "secret-question.response.schema.json",
		client.PathResetCode: "reset-code.response.schema.json", client.PathIdentifierResetCode: "reset-code.response.schema.json",
		client.PathUpdatePassword: "update-password.response.schema.json",
	}
	_, appKey := p.body["error"]
	isSucceed, _ := p.body["IsSucceed"].(bool)
	return func(status int, body map[string]any) []string {
		raw, _ := json.Marshal(body)
		ex := &client.Exchange{Method: p.method, URL: "http://127.0.0.1:1/api" + p.path, RequestHeader: http.Header{}, Status: status,
			ResponseHeader: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, ResponseBody: raw}
		v := suite.For(catalogue.Check{ID: "enforced", Statement: "test"}, ex)
		switch {
		case appKey:
			rules.AppKeyError(v)
		case p.path == client.PathLogin:
			rules.Login(v, p.status, p.body["State"].(string), "")
		case !isSucceed && p.body["IsSucceed"] != nil:
			rules.Failure(v, schemaFor[p.path], failureCase(p, rules))
		case p.path == client.PathResetPassword:
			rules.Step1Success(v, schemaFor[p.path], step1Required)
		default:
			env := rules.Success(v, schemaFor[p.path])
			if p.path == client.PathSecretQuestion && slices.Contains(p.pins, "Model") {
				suite.ModelIs(v, env, p.body["Model"].(string)) // the spec's question check
			}
		}
		return v.Texts()
	}
}

// failureCase is the error case whose expectations the response carries (an exact status,
// a configured ErrorsCode or message); where several are alike, any of them judges alike.
func failureCase(p pinned, rules suite.Rules) config.ErrorCase {
	if p.errorCase != "" {
		return p.errorCase
	}
	for _, c := range config.ErrorCases {
		e := rules.Expect.Errors[c]
		status := (e.Status == 0 && !p.statusPinned) || (e.Status != 0 && p.statusPinned && e.Status == p.status)
		if status && (e.ErrorsCode != "") == p.contains["ErrorsCode"] && (e.Message != "") == p.contains["Errors"] {
			return c
		}
	}
	return config.CaseMismatch
}

// alternatives are values that differ from v: another of its kind, another type, null.
func alternatives(v any) []any {
	out := []any{nil, 42.0, "another"}
	switch t := v.(type) {
	case bool:
		out = append(out, !t, fmt.Sprint(t))
	case string:
		out = append(out, t+" (another)", "", []any{t})
	case []any:
		out = append(out, append(slices.Clone(t), "another"), map[string]any{})
		if len(t) > 0 {
			out = append(out, []any{})
		}
	}
	return out
}

func expectEnforced(t *testing.T, responses []pinned, rules suite.Rules, step1Required bool) {
	t.Helper()
	if len(responses) == 0 {
		t.Fatal("no response to check")
	}
	for _, p := range responses {
		j := judge(p, rules, step1Required)
		if problems := j(p.status, p.body); len(problems) > 0 {
			t.Errorf("%s: its own example fails its judgement: %q", p.name, problems)
			continue
		}
		for _, field := range p.pins {
			for _, alt := range append(alternatives(p.body[field]), missing{}) {
				if show(alt) == show(p.body[field]) {
					continue // not another value
				}
				body := map[string]any{}
				for k, v := range p.body {
					body[k] = v
				}
				if _, gone := alt.(missing); gone {
					delete(body, field)
				} else {
					body[field] = alt
				}
				if len(j(p.status, body)) == 0 {
					t.Errorf("%s pins %s = %s, but a reply with %s there passes the suite: the pact claims what no check enforced", p.name, field, show(p.body[field]), show(alt))
				}
			}
		}
		if p.statusPinned {
			for _, other := range []int{p.status + 1, p.status - 1} {
				if len(j(other, p.body)) == 0 {
					t.Errorf("%s pins status %d, but %d passes the suite", p.name, p.status, other)
				}
			}
		}
	}
}

type missing struct{}

func show(v any) string {
	if _, ok := v.(missing); ok {
		return "nothing"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func rulesFor(t *testing.T, env map[string]string) (suite.Rules, config.Config) {
	t.Helper()
	set, err := catalogue.DefaultSchemas()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return suite.Rules{Expect: cfg.Expect, Schemas: set}, cfg
}

// The committed pact, recorded with the default settings (make pacts), claims nothing the
// default judgement does not enforce: every interaction, step 1's IsSucceed included.
func TestTheCommittedPactPinsOnlyWhatWasEnforced(t *testing.T) {
	root, err := testkit.Root()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(root, "pacts", "*.json"))
	if len(files) == 0 {
		t.Fatal("no pact in pacts/")
	}
	rules, cfg := rulesFor(t, nil)
	for _, f := range files {
		responses, err := fromPactFile(f)
		if err != nil {
			t.Fatal(err)
		}
		expectEnforced(t, responses, rules, cfg.Negative.Step1IsSucceedRequired)
	}
}

// Every response the suite can record, under the default settings and under settings that
// pin more (exact statuses, codes, messages, step 1's IsSucceed), pins only what those
// settings enforce.
func TestEveryShapePinsOnlyWhatItsSettingsEnforce(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"defaults": nil,
		"pinned": {"AUTOSHARES_EXPECT_STEP1_IS_SUCCEED": "true", "AUTOSHARES_EXPECT_MISMATCH_STATUS": "400",
			"AUTOSHARES_EXPECT_MISMATCH_ERRORS_CODE": "ErrorPasswordMismatch", "AUTOSHARES_EXPECT_EXPIRED_TOKEN_MESSAGE": "Expired.",
			"AUTOSHARES_EXPECT_APP_KEY_STATUS": "403"},
	} {
		t.Run(name, func(t *testing.T) {
			rules, cfg := rulesFor(t, env)
			s := pacts.Shapes{Expect: cfg.Expect, Step1IsSucceedRequired: cfg.Negative.Step1IsSucceedRequired}
			var rs []pinned
			add := func(name, method, path string, r pacts.Response) {
				rs = append(rs, fromResponse(name, method, path, r))
			}
			add("step 1 success", "POST", client.PathResetPassword, s.Step1Succeeded())
			add("step 2 question", "GET", client.PathSecretQuestion, s.Succeeded(map[string]pacts.Field{"Model": {Example: "What street?", Match: pacts.MatchType}}))
			add("step 2 no question", "GET", client.PathSecretQuestion, s.Succeeded(map[string]pacts.Field{"Model": {Example: ""}}))
			add("step 4 success", "PUT", client.PathUpdatePassword, s.Succeeded(nil))
			for _, c := range config.ErrorCases {
				add("failure "+string(c), "PUT", client.PathUpdatePassword, s.Failed(c))
				rs[len(rs)-1].errorCase = c
			}
			add("app key", "PUT", client.PathUpdatePassword, s.AppKeyRejected())
			add("login", "POST", client.PathLogin, s.LoginSucceeded())
			add("login refused", "POST", client.PathLogin, s.LoginFailed())
			for _, i := range pacts.Interactions { // every interaction a spec records
				req := i.Request(cfg.Flow.Step3Path)
				add(i.Description, req.Method, req.Path, s.Response(i.Answer))
				rs[len(rs)-1].errorCase = i.Answer.Case
			}
			expectEnforced(t, rs, rules, cfg.Negative.Step1IsSucceedRequired)
		})
	}
}

func fromResponse(name, method, path string, r pacts.Response) pinned {
	p := pinned{name: name, method: method, path: path, status: r.Status, statusPinned: r.StatusIn == nil && r.StatusClass == "",
		body: map[string]any{}, contains: map[string]bool{}}
	for k, f := range r.Body {
		p.body[k] = normalize(f.Example)
		switch {
		case f.Match == pacts.MatchExact && f.FromState == "":
			p.pins = append(p.pins, k)
		case f.Match == pacts.MatchArrayContains:
			p.contains[k] = true
		}
	}
	sort.Strings(p.pins)
	return p
}

// normalize gives an example the types it has after a JSON round trip.
func normalize(v any) any {
	b, _ := json.Marshal(v)
	var out any
	json.Unmarshal(b, &out)
	return out
}

// fromPactFile reads the responses of a V4 pact file with what each pins.
func fromPactFile(path string) ([]pinned, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var pact struct {
		Interactions []struct {
			Description string
			Request     struct{ Method, Path string }
			Response    struct {
				Status int
				Body   struct {
					Content map[string]any
				}
				MatchingRules map[string]map[string]struct {
					Matchers []struct{ Match string }
				}
			}
		}
	}
	if err := json.Unmarshal(raw, &pact); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []pinned
	for _, it := range pact.Interactions {
		r := it.Response
		p := pinned{name: fmt.Sprintf("%s: %q", filepath.Base(path), it.Description), method: it.Request.Method, path: it.Request.Path,
			status: r.Status, body: r.Body.Content, contains: map[string]bool{}}
		_, statusRule := r.MatchingRules["status"]
		p.statusPinned = !statusRule
		if p.body == nil {
			p.body = map[string]any{}
		}
		for k := range p.body {
			rule, ruled := r.MatchingRules["body"]["$."+k]
			switch {
			case !ruled:
				p.pins = append(p.pins, k)
			case len(rule.Matchers) > 0 && strings.Contains(strings.ToLower(rule.Matchers[0].Match), "contain"):
				p.contains[k] = true
			}
		}
		sort.Strings(p.pins)
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s has no interactions", path)
	}
	return out, nil
}
