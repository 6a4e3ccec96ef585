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
	"github.com/autoshares/conformance/internal/mailbox"
	"github.com/autoshares/conformance/internal/mailflow"
	"github.com/autoshares/conformance/internal/schema"
	"github.com/autoshares/conformance/internal/states"
)

// world is one process's view of the run: configuration, clients and compiled schemas.
type world struct {
	cfg       config.Config
	target    harness.Target
	api       *apiclient.Client
	states    *states.Client   // nil: no state endpoint configured
	mailbox   *mailbox.Client  // nil: no mailbox configured
	flow      *mailflow.Driver // drives steps 1 to 4; nil without a mailbox
	traders   []config.Trader  // this process's share of AUTOSHARES_TEST_TRADERS
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
	if sh.Target.MailboxURL != "" {
		w.mailbox = &mailbox.Client{BaseURL: sh.Target.MailboxURL, HTTP: hc}
		w.flow = &mailflow.Driver{API: w.api, Mailbox: w.mailbox, Step3: cfg.Flow.Step3Path, MailTimeout: cfg.Flow.MailTimeout,
			Observe: func(ex *apiclient.Exchange) { GinkgoWriter.Print(ex.Transcript(secrets) + "\n") }}
	}
	// Each parallel process resets its own test traders (the launcher starts no more
	// processes than they can serve).
	w.traders = cfg.Flow.TradersFor(GinkgoParallelProcess(), parallelTotal())
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

// newPassword returns a fresh password that satisfies common policies (length, classes)
// and registers it as a secret.
func newPassword() string {
	p := "Nw-" + harness.RandomSecret("")[:16] + "!Aa1" // 23 characters: within common maximums too
	secrets.Add(p)
	return p
}

// send validates the request body against its schema (req.Schema), sends it, and logs the masked
// transcript. A transport failure (unreachable, timeout) fails the spec here.
func send(ctx context.Context, req apiclient.Request) *apiclient.Exchange {
	GinkgoHelper()
	if req.Body != nil {
		if req.Schema == "" {
			Fail("the suite built a request body without a schema (a bug in the suite)")
		}
		if err := suite.schemas.Validate(req.Schema, mustJSON(req.Body)); err != nil {
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

// parallelTotal is how many Ginkgo processes run this suite (1 when not in parallel).
func parallelTotal() int {
	c, _ := GinkgoConfiguration()
	return max(c.ParallelTotal, 1)
}
