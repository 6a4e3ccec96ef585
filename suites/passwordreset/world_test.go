package passwordreset

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/apiclient"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/harness"
	"github.com/autoshares/conformance/internal/schema"
	"github.com/autoshares/conformance/internal/states"
)

// world is one process's view of the run: configuration, clients and compiled schemas.
type world struct {
	cfg       config.Config
	target    harness.Target
	api       *apiclient.Client
	states    *states.Client // nil: no state endpoint configured
	schemas   *schema.Set
	fragments string
}

// suite is read by every helper; set once per process before any spec.
var suite *world

func newWorld(cfg config.Config, sh shared) *world {
	set, err := schema.Default()
	if err != nil {
		Fail(err.Error())
	}
	hc := newHTTPClient(cfg.RequestTimeout)
	w := &world{
		cfg:       cfg,
		target:    sh.Target,
		api:       &apiclient.Client{BaseURL: sh.Target.BaseURL, AppKey: sh.Target.AppKey, HTTP: hc, TimeoutSetting: "AUTOSHARES_REQUEST_TIMEOUT"},
		schemas:   set,
		fragments: sh.Fragments,
	}
	if sh.Target.StateURL != "" {
		contract, err := states.LoadContract()
		if err != nil {
			Fail(err.Error())
		}
		w.states = &states.Client{URL: sh.Target.StateURL, HTTP: hc, Schemas: set, Contract: contract, Redactor: secrets}
	}
	return w
}

// newHTTPClient bounds every exchange, so a hanging target fails a spec instead of
// hanging the run.
func newHTTPClient(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout}
}

// given sets up a provider state for the current spec and tears it down after it.
// Without a state endpoint the spec is skipped with the setting that would enable it.
func given(ctx context.Context, state string) states.Values {
	if suite.states == nil {
		Skip(fmt.Sprintf("needs the provider state %q; set AUTOSHARES_STATE_URL to the deployment's provider-state endpoint", state))
	}
	v, err := suite.states.Setup(ctx, state, nil)
	if err != nil {
		Fail(err.Error())
	}
	DeferCleanup(func(ctx SpecContext) {
		if err := suite.states.Teardown(ctx, state, map[string]any{"User": v["User"]}); err != nil {
			GinkgoWriter.Printf("teardown of %q: %v\n", state, err)
		}
	}, NodeTimeout(suite.cfg.RequestTimeout+time.Second))
	return v
}

// newPassword returns a fresh password that satisfies common policies (length, classes)
// and registers it as a secret.
func newPassword() string {
	p := harness.RandomSecret("Nw-") + "!Aa1"
	secrets.Add(p)
	return p
}

// send validates the request body against its schema, sends it, and logs the masked
// transcript. A transport failure (unreachable, timeout) fails the spec here.
func send(ctx context.Context, requestSchema string, req apiclient.Request) *apiclient.Exchange {
	GinkgoHelper()
	if req.Body != nil && requestSchema != "" {
		body := mustJSON(req.Body)
		if err := suite.schemas.Validate(requestSchema, body); err != nil {
			Fail("the suite built a request that breaks its own schema (a bug in the suite): " + err.Error())
		}
	}
	ex := suite.api.Do(ctx, req)
	GinkgoWriter.Print(ex.Transcript(secrets) + "\n")
	if ex.Err != nil {
		Fail(fmt.Sprintf("%s %s: %v\n\n%s", req.Method, req.Path, ex.Err, ex.Transcript(secrets)))
	}
	return ex
}

// verdict collects every problem with one exchange, so a failure says everything that is
// wrong with the reply at once, with what was expected and the transcript.
type verdict struct {
	ex       *apiclient.Exchange
	problems []string
}

func check(ex *apiclient.Exchange) *verdict { return &verdict{ex: ex} }

func (v *verdict) expect(ok bool, format string, args ...any) *verdict {
	if !ok {
		v.problems = append(v.problems, fmt.Sprintf(format, args...))
	}
	return v
}

// schema checks the body against its schema, and that it is labelled as JSON (the docs
// promise "a JSON file"; clients pick their parser by Content-Type).
func (v *verdict) schema(name string) *verdict {
	ct := v.ex.ResponseHeader.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		v.problems = append(v.problems, fmt.Sprintf("Content-Type: expected application/json, got %q", ct))
	}
	if err := suite.schemas.Validate(name, v.ex.ResponseBody); err != nil {
		v.problems = append(v.problems, err.Error())
	}
	return v
}

// done fails the spec if any expectation was not met.
func (v *verdict) done(what string) {
	GinkgoHelper()
	if len(v.problems) == 0 {
		return
	}
	Fail(fmt.Sprintf("%s: %d problem(s):\n- %s\n\nTranscript:\n%s", what, len(v.problems),
		strings.Join(v.problems, "\n- "), v.ex.Transcript(secrets)))
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		Fail("encoding a request body: " + err.Error())
	}
	return b
}
