package passwordreset

// The thin bridge between the specs and the suite's machinery in internal/: every helper
// here only turns a result of an internal package into Ginkgo's terms (Fail, Skip,
// DeferCleanup, labels), so the machinery itself stays testable without Ginkgo.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"

	cataloguepkg "github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/pacts"
	"github.com/autoshares/conformance/internal/states"
	suitepkg "github.com/autoshares/conformance/internal/suite"
)

// suite is this process's world; set once per process before any spec.
var suite *suitepkg.World

// catalogue is read while Ginkgo builds the spec tree, before any configuration.
var catalogue = cataloguepkg.MustDefault()

// treeConfig is the configuration as far as Ginkgo needs it while it builds the spec tree
// (timeouts are decorators, fixed before any spec runs): this process's one configuration
// (runConfig, config_test.go). A broken configuration fails the run in the BeforeSuite with
// every problem; the defaults stand in here until then.
var treeConfig = func() config.Config {
	if runConfigErr != nil {
		return config.Defaults()
	}
	return runConfig
}()

// Checks declares the checks a spec applies, as Ginkgo labels, so `LABELS=<check ID>` runs
// exactly the specs of that check, and gives the spec its timeout (AUTOSHARES_SPEC_TIMEOUT).
// An ID the catalogue lacks stops the run while the spec tree is built: a spec cannot claim
// a check nobody documented. Every spec also declares the checks send applies to each of
// its exchanges.
func Checks(ids ...string) []any {
	return checksWithin(treeConfig.SpecTimeout, ids...)
}

// SlowChecks is Checks for a spec that waits out the token lifetime on top.
func SlowChecks(ids ...string) []any {
	return checksWithin(treeConfig.SpecTimeout+treeConfig.Flow.TokenLifetime+timeSlack, ids...)
}

func checksWithin(timeout time.Duration, ids ...string) []any {
	if unknown := catalogue.Unknown(ids...); len(unknown) > 0 {
		panic(fmt.Sprintf("the spec names check(s) %v that internal/catalogue/catalogue.json lacks", unknown))
	}
	var labels []string // each once: a spec may also name an every-exchange check
	add := func(l string) {
		if !slices.Contains(labels, l) {
			labels = append(labels, l)
		}
	}
	for _, id := range ids {
		add(id)
		// The requirement labels of its checks (asvs-6.2.8, nist-800-63b, ...), so
		// LABELS=<requirement> runs the specs that test it.
		c, _ := catalogue.Get(id)
		for _, l := range c.Labels {
			if cataloguepkg.IsRequirementLabel(l) {
				add(l)
			}
		}
	}
	for _, id := range everyExchange {
		add(id)
	}
	return []any{Label(labels...), SpecTimeout(timeout)}
}

// verdictOn starts the judgement of ex for the check id, which the running spec must
// declare with Checks.
func verdictOn(id string, ex *client.Exchange) *suitepkg.Verdict {
	GinkgoHelper()
	c, ok := catalogue.Get(id)
	if !ok || !slices.Contains(CurrentSpecReport().Labels(), id) {
		Fail(fmt.Sprintf("the spec judges check %q without declaring it in Checks(...) (a bug in the suite)", id))
	}
	return suitepkg.For(c, ex)
}

// done records the verdict (outcomes_test.go) and tells whether the check held: passed, or
// failed, so far, exactly as its known-deviations entry records (then the spec goes on as
// if it had passed). A failed check does not stop the spec: when the spec ends, a listed
// check whose failures in it are exactly its entry's is a known deviation, and every other
// failed check fails the spec, each listed (endSpec).
func done(v *suitepkg.Verdict) bool {
	GinkgoHelper()
	if v.OK() {
		recordOutcome(v.Record(suite.Secrets))
		return true
	}
	v.Reproduction = reproduction([]string{v.Check.ID}, v.Exchange)
	takeFromLog(v.Exchange) // the failure quotes its transcript
	failedCheck(v)
	return acceptedSoFar(v.Check.ID)
}

// given produces the named provider state for the current spec from the first source the
// configuration enables, and undoes it after the spec (a state endpoint's teardown in the
// background: teardown_test.go); with none, the spec is skipped, naming the settings that
// would enable it.
func given(ctx context.Context, state string) states.Values {
	GinkgoHelper()
	return givenMade(ctx, state).Values
}

// givenMade is given, also saying which source made the state.
func givenMade(ctx context.Context, state string) suitepkg.Made {
	GinkgoHelper()
	noteState(state)
	m, err := suite.Sources.Given(ctx, state)
	switch {
	case m.Undo != nil && m.Via == suitepkg.ViaStateEndpoint && suite.Cfg.MaxInFlight > 1:
		spec := CurrentSpecReport().FullText()
		DeferCleanup(func() { teardownLater(spec, m.Undo) })
	case m.Undo != nil:
		DeferCleanup(func(ctx SpecContext) {
			err := m.Undo(ctx)
			judgeObserved()
			if err != nil {
				Fail(suite.Secrets.String(err.Error()))
			}
		}, NodeTimeout(suite.Cfg.Flow.MailTimeout+4*suite.Cfg.RequestTimeout))
	}
	judgeObserved()
	var skip *suitepkg.SkipError
	switch {
	case errors.As(err, &skip):
		Skip(skip.Reason)
	case err != nil:
		msg := suite.Secrets.String(err.Error())
		errored("the provider state "+state+" could not be set up: "+msg, nil)
		Fail(msg)
	}
	return m
}

// needMailbox skips a spec that reads the target's mail when no mailbox is configured.
func needMailbox() {
	if suite.Mailbox != nil {
		return
	}
	why := "set AUTOSHARES_MAILBOX_URL to the Mailpit API that receives the target's mail"
	if suite.Target.Embedded {
		why = "run make mailpit, so the embedded provider mails a local Mailpit (" + suite.Target.NoMailboxWhy + ")"
	}
	Skip("needs the trader's mailbox: " + why)
}

// send validates the request body against its schema (req.Schema), sends it, and logs the
// masked transcript. A transport failure (unreachable, timeout) fails the spec here.
func send(ctx context.Context, req client.Request) *client.Exchange {
	GinkgoHelper()
	checkRequest(req)
	ex := suite.API.Do(ctx, req)
	received(ex)
	return ex
}

// sendAll is send for independent requests: they go concurrently, at most
// AUTOSHARES_MAX_IN_FLIGHT at a time, and their exchanges come back in the order of reqs,
// each logged and judged on the spec's own goroutine (Ginkgo's Fail must not be called from
// another), in that order, as send would.
func sendAll(ctx context.Context, reqs []client.Request) []*client.Exchange {
	GinkgoHelper()
	for _, r := range reqs {
		checkRequest(r)
	}
	exs := suite.API.DoAll(oneRound(ctx), reqs, suite.Cfg.MaxInFlight)
	for _, ex := range exs {
		received(ex)
	}
	return exs
}

// checkRequest fails the spec when the suite built a body its own schema refuses.
func checkRequest(req client.Request) {
	GinkgoHelper()
	if req.Body != nil {
		if req.Schema == "" {
			Fail("the suite built a request body without a schema (a bug in the suite)")
		}
		if err := suite.Schemas.Validate(req.Schema, mustJSON(req.Body)); err != nil {
			Fail(suite.Secrets.String("the suite built a request that breaks its own schema (a bug in the suite): " + err.Error()))
		}
	}
}

// received logs an exchange's masked transcript, fails the spec on a transport failure, and
// applies the checks every exchange gets.
func received(ex *client.Exchange) {
	GinkgoHelper()
	logExchange(ex)
	if ex.Err != nil {
		takeFromLog(ex)
		why := suite.Secrets.String(fmt.Sprintf("%s %s: %v", ex.Method, ex.URL, ex.Err))
		repro := reproduction(declaredChecks(), ex)
		var notProven *client.NotProvenError
		if errors.As(ex.Err, &notProven) {
			inconclusive(why, ex)
		} else {
			errored(why, ex)
		}
		Fail(suite.Secrets.String(why + suitepkg.ReproduceMark + repro + "\n\nTranscript:\n" + ex.Transcript(suite.Secrets)))
	}
	judgeExchange(ex)
}

// observedExchanges are the exchanges the mail flow made for the spec's state (made, or
// undone), not judged yet: they get the checks every exchange gets once the flow's work is
// over, so a failure never leaves a test trader half-way through a reset, before its Undo.
var observedExchanges []*client.Exchange

// observed logs an exchange of the mail flow (world.New's observer) and keeps it for
// judgeObserved.
func observed(ex *client.Exchange) {
	flushLog()
	GinkgoWriter.Print(ex.Transcript(secrets) + "\n")
	observedExchanges = append(observedExchanges, ex)
}

// judgeObserved applies the checks every exchange gets to the mail flow's exchanges.
func judgeObserved() {
	GinkgoHelper()
	exs := observedExchanges
	observedExchanges = nil
	for _, ex := range exs {
		if ex.Err == nil { // the flow reports its own transport failures
			judgeExchange(ex)
		}
	}
}

// The spec's log holds every exchange's masked transcript, except the one its failure
// quotes: a failure shows its transcript once. The latest transcript waits until the next
// exchange, or the end of the spec, to be sure its verdict did not fail.
var pendingLog struct {
	ex   *client.Exchange
	text string
}

// logExchange writes the previous exchange's transcript and holds back this one's.
func logExchange(ex *client.Exchange) {
	flushLog()
	pendingLog.ex, pendingLog.text = ex, ex.Transcript(suite.Secrets)+"\n"
}

// takeFromLog drops ex's transcript from the log: the failure about to be raised quotes it.
func takeFromLog(ex *client.Exchange) {
	if pendingLog.ex == ex {
		pendingLog.ex, pendingLog.text = nil, ""
	}
}

func flushLog() {
	if pendingLog.text != "" {
		GinkgoWriter.Print(pendingLog.text)
	}
	pendingLog.ex, pendingLog.text = nil, ""
}

// Every spec starts with an empty log and writes what is held back when it ends, after its
// cleanups.
var _ = BeforeEach(func() {
	pendingLog.ex, pendingLog.text, observedExchanges = nil, "", nil
	DeferCleanup(flushLog)
})

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		Fail("encoding a request body: " + err.Error())
	}
	return b
}

// newPassword returns a fresh password that satisfies common policies (length, classes)
// and registers it as a secret.
func newPassword() string {
	p := "Nw-" + suitepkg.RandomSecret("")[:16] + "!Aa1" // 23 characters: within common maximums too
	suite.Secrets.Add(p)
	return p
}

// record declares an interaction the current spec has just shown the target to honour. It
// is written to the pact only if the whole spec passes.
func record(i pacts.Interaction) {
	GinkgoHelper()
	if err := suite.Recorder.Add(i); err != nil {
		Fail(err.Error())
	}
}

// recordAbsence records an interaction of an absence state (an unknown user or code) only
// when the state endpoint made it: only then did the spec send the pact's fixed value.
func recordAbsence(m suitepkg.Made, i pacts.Interaction) {
	GinkgoHelper()
	if m.Via == suitepkg.ViaStateEndpoint {
		record(i)
	}
}

// Expectations, judged for one check each.

func expectSuccess(ex *client.Exchange, check, schemaName string) suitepkg.Envelope {
	GinkgoHelper()
	v := verdictOn(check, ex)
	env := suite.Rules.Success(v, schemaName)
	// What follows a success relies on it (its token, its new password, its answer).
	need(done(v), "the success of "+check+" failed, and the rest of the spec needs it")
	return env
}

func expectFailure(ex *client.Exchange, check, schemaName string, c config.ErrorCase) suitepkg.Envelope {
	GinkgoHelper()
	v := verdictOn(check, ex)
	env := suite.Rules.Failure(v, schemaName, c)
	done(v)
	return env
}

func expectAppKeyError(ex *client.Exchange, check string) {
	GinkgoHelper()
	v := verdictOn(check, ex)
	suite.Rules.AppKeyError(v)
	done(v)
}

// expectLoginSucceeds: 200 and State "Succeeded" with a token, at POST apiURL/token.
func expectLoginSucceeds(ctx context.Context, check, user, password, why string) {
	GinkgoHelper()
	expectLogin(ctx, check, user, password, 200, "Succeeded", "should succeed "+why)
}

// expectLoginFails: the documented 401 with State "Failed".
func expectLoginFails(ctx context.Context, check, user, password, why string) {
	GinkgoHelper()
	expectLogin(ctx, check, user, password, 401, "Failed", "should fail "+why)
}

func expectLogin(ctx context.Context, check, user, password string, status int, state, why string) {
	GinkgoHelper()
	ex := send(ctx, client.Login(user, password))
	v := verdictOn(check, ex)
	suite.Secrets.Add(suite.Rules.Login(v, status, state, why))
	done(v)
}

// expectPasswordUnchanged: the old password still works and the attempted one does not
// (both logins at once: neither changes anything).
func expectPasswordUnchanged(ctx context.Context, check, user, oldPassword, attempted string) {
	GinkgoHelper()
	logins := []login{loginSucceeds(check, user, oldPassword, "with the old password: a rejected request must change nothing")}
	if attempted != "" {
		logins = append(logins, loginFails(check, user, attempted, "with the password of the rejected request: a rejected request must change nothing"))
	}
	expectLogins(ctx, logins...)
}

// parallelTotal is how many Ginkgo processes run this suite (1 when not in parallel).
func parallelTotal() int {
	c, _ := GinkgoConfiguration()
	return max(c.ParallelTotal, 1)
}

// timeSlack is added to a waited-out lifetime: clocks and rounding on the target.
const timeSlack = time.Second

// waitFor bounds a wait by the spec's context.
func waitFor(ctx context.Context, d time.Duration) bool {
	select {
	case <-time.After(d):
		return true
	case <-ctx.Done():
		return false
	}
}
