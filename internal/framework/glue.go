package framework

// The thin bridge between the specs and the Ginkgo-free machinery (internal/suite,
// internal/states, internal/client, ...): every helper here only turns a result of one of
// those packages into Ginkgo's terms (Fail, Skip, DeferCleanup, labels), so the machinery
// itself stays testable without Ginkgo.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/catalogue"
	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/pacts"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/suite"
)

// World is this process's world; set once per process before any spec.
var World *suite.World

// Catalogue is read while Ginkgo builds the spec tree, before any configuration.
var Catalogue = catalogue.MustDefault()

// treeConfig is the configuration as far as Ginkgo needs it while it builds the spec tree
// (timeouts are decorators, fixed before any spec runs): this process's one configuration
// (runConfig, config.go). A broken configuration fails the run in the BeforeSuite with
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
	return checksWithin(treeConfig.SpecTimeout+treeConfig.Flow.TokenLifetime+TimeSlack, ids...)
}

func checksWithin(timeout time.Duration, ids ...string) []any {
	if unknown := Catalogue.Unknown(ids...); len(unknown) > 0 {
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
		c, _ := Catalogue.Get(id)
		for _, l := range c.Labels {
			if catalogue.IsRequirementLabel(l) {
				add(l)
			}
		}
	}
	for _, id := range everyExchange {
		add(id)
	}
	return []any{Label(labels...), SpecTimeout(timeout)}
}

// VerdictOn starts the judgement of ex for the check id, which the running spec must
// declare with Checks.
func VerdictOn(id string, ex *client.Exchange) *suite.Verdict {
	GinkgoHelper()
	c, ok := Catalogue.Get(id)
	_, labels, _ := runningSpec()
	if !ok || !slices.Contains(labels, id) {
		Fail(fmt.Sprintf("the spec judges check %q without declaring it in Checks(...) (a bug in the suite)", id))
	}
	return suite.For(c, ex)
}

// Conclude records the verdict (outcomes.go) and tells whether the check held: passed, or
// failed, so far, exactly as its known-deviations entry records (then the spec goes on as
// if it had passed). A failed check does not stop the spec: when the spec ends, a listed
// check whose failures in it are exactly its entry's is a known deviation, and every other
// failed check fails the spec, each listed (endSpec).
func Conclude(v *suite.Verdict) bool {
	GinkgoHelper()
	if v.OK() {
		RecordOutcome(v.Record(World.Secrets))
		return true
	}
	v.Reproduction = reproduction([]string{v.Check.ID}, v.Exchange)
	takeFromLog(v.Exchange) // the failure quotes its transcript
	failedCheck(v)
	return acceptedSoFar(v.Check.ID)
}

// Given produces the named provider state for the current spec from the first source the
// configuration enables, and undoes it after the spec (a state endpoint's teardown in the
// background: teardown.go); with none, the spec is skipped, naming the settings that
// would enable it.
func Given(ctx context.Context, state string) states.Values {
	GinkgoHelper()
	return GivenMade(ctx, state).Values
}

// GivenMade is given, also saying which source made the state.
func GivenMade(ctx context.Context, state string) suite.Made {
	GinkgoHelper()
	NoteState(state)
	m, err := World.Sources.Given(ctx, state)
	return adopt(state, m, err)
}

// GivenTogether makes n of the named state at the same moment, each made when asked (never
// one made ahead), for a spec that compares what the target issued in one moment (the
// code-pattern samples): against a distant target that is one round trip, not n. A source
// that serves the process's own test traders (the mail flow) makes them one after another,
// as it can only serve one state per trader at a time.
func GivenTogether(ctx context.Context, state string, n int) []states.Values {
	GinkgoHelper()
	NoteState(state)
	ctx = FreshState(ctx)
	made := make([]suite.Made, n)
	errs := make([]error, n)
	if World.Sources.States == nil {
		for i := range made {
			made[i], errs[i] = World.Sources.Given(ctx, state)
			if errs[i] != nil {
				break
			}
		}
	} else {
		ctx := OneRound(ctx) // made together: one round trip of the spec's chain
		client.Bounded(n, World.Cfg.MaxInFlight, func(i int) { made[i], errs[i] = World.Sources.Given(ctx, state) })
	}
	// Every state that was made is undone, even when another could not be made: the first
	// failure is told after all the rest are adopted.
	values := make([]states.Values, n)
	for i := range made {
		if errs[i] == nil && made[i].Values != nil {
			values[i] = adopt(state, made[i], nil).Values
		}
	}
	for i := range made {
		if errs[i] != nil {
			adopt(state, made[i], errs[i])
		}
	}
	return values
}

// adopt hands the spec a state a source made: its undo is scheduled after the spec, and a
// state that could not be made skips the spec (naming the settings that would enable it)
// or ends it errored.
func adopt(state string, m suite.Made, err error) suite.Made {
	GinkgoHelper()
	switch {
	case m.Undo != nil && m.Via == suite.ViaStateEndpoint && World.Cfg.MaxInFlight > 1:
		spec, _, _ := runningSpec()
		DeferCleanup(func() { teardownLater(spec, m.Undo) })
	case m.Undo != nil:
		DeferCleanup(func(ctx SpecContext) {
			err := m.Undo(ctx)
			judgeObserved()
			if err != nil {
				why, ex := flowFailure(err)
				Errored(why, ex)
				Fail(World.Secrets.String(err.Error()))
			}
		}, NodeTimeout(World.Cfg.Flow.MailTimeout+4*World.Cfg.RequestTimeout))
	}
	judgeObserved()
	var skip *suite.SkipError
	switch {
	case errors.As(err, &skip):
		SkipFor(skip.Need, skip.Enable)
	case err != nil:
		why, ex := flowFailure(err)
		Errored("the provider state "+state+" could not be set up: "+why, ex)
		Fail(World.Secrets.String(err.Error()))
	}
	return m
}

// flowFailure is what a state source's error says, masked, and the exchange it failed on
// when the mail flow failed on one: the errored record carries that exchange's transcript,
// which the failure message quotes, so the reports show it once.
func flowFailure(err error) (string, *client.Exchange) {
	var fe *suite.FlowError
	if errors.As(err, &fe) && fe.Exchange != nil {
		return World.Secrets.String(fe.What), fe.Exchange
	}
	return World.Secrets.String(err.Error()), nil
}

// SkipFor skips the spec for what the configuration cannot give it: need says what (""
// when a setting turned the spec off), enable what would enable it. Both go into the
// spec's record, by which the reports group skipped specs (never from the message).
func SkipFor(need, enable string) {
	GinkgoHelper()
	need, enable = World.Secrets.String(need), World.Secrets.String(enable)
	RecordOutcome(outcome.Record{State: outcome.Skipped, Reason: need, Enable: enable})
	Skip(suite.SkipReason(need, enable))
}

// NeedMailbox skips a spec that reads the target's mail when no mailbox is configured.
func NeedMailbox() {
	if World.Mailbox != nil {
		return
	}
	why := "set AUTOSHARES_MAILBOX_URL to the Mailpit API that receives the target's mail"
	if World.Target.Embedded {
		why = "run make mailpit, so the embedded provider mails a local Mailpit (" + World.Target.NoMailboxWhy + ")"
	}
	SkipFor("the trader's mailbox", why)
}

// Send validates the request body against its schema (req.Schema), sends it, and logs the
// masked transcript. A transport failure (unreachable, timeout) fails the spec here.
func Send(ctx context.Context, req client.Request) *client.Exchange {
	GinkgoHelper()
	CheckRequest(req)
	ex := World.API.Do(ctx, req)
	Received(ex)
	return ex
}

// SendAll is send for independent requests: they go concurrently, at most
// AUTOSHARES_MAX_IN_FLIGHT at a time, and their exchanges come back in the order of reqs,
// each logged and judged on the spec's own goroutine (Ginkgo's Fail must not be called from
// another), in that order, as send would.
func SendAll(ctx context.Context, reqs []client.Request) []*client.Exchange {
	GinkgoHelper()
	return SendAllWithin(ctx, reqs, World.Cfg.MaxInFlight)
}

// SendAllWithin is SendAll with another in-flight bound: for a spec that runs alone and may
// have the whole run's, or one whose requests must arrive at once.
func SendAllWithin(ctx context.Context, reqs []client.Request, inFlight int) []*client.Exchange {
	GinkgoHelper()
	for _, r := range reqs {
		CheckRequest(r)
	}
	exs := World.API.DoAll(OneRound(ctx), reqs, inFlight)
	for _, ex := range exs {
		Received(ex)
	}
	return exs
}

// CheckRequest fails the spec when the suite built a body its own schema refuses.
func CheckRequest(req client.Request) {
	GinkgoHelper()
	if req.Body != nil {
		if req.Schema == "" {
			Fail("the suite built a request body without a schema (a bug in the suite)")
		}
		if err := World.Schemas.Validate(req.Schema, mustJSON(req.Body)); err != nil {
			Fail(World.Secrets.String("the suite built a request that breaks its own schema (a bug in the suite): " + err.Error()))
		}
	}
}

// Received logs an exchange's masked transcript, fails the spec on a transport failure, and
// applies the checks every exchange gets.
func Received(ex *client.Exchange) {
	GinkgoHelper()
	LogExchange(ex)
	if ex.Err != nil {
		takeFromLog(ex)
		why := World.Secrets.String(fmt.Sprintf("%s %s: %v", ex.Method, ex.URL, ex.Err))
		repro := reproduction(declaredChecks(), ex)
		var notProven *client.NotProvenError
		if errors.As(ex.Err, &notProven) {
			inconclusive(why, ex)
		} else {
			Errored(why, ex)
		}
		Fail(World.Secrets.String(why + suite.ReproduceMark + repro + "\n\nTranscript:\n" + ex.Transcript(World.Secrets)))
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

// LogExchange writes the previous exchange's transcript and holds back this one's.
func LogExchange(ex *client.Exchange) {
	flushLog()
	pendingLog.ex, pendingLog.text = ex, ex.Transcript(World.Secrets)+"\n"
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

// NewPassword returns a fresh password that satisfies common policies (length, classes)
// and registers it as a secret.
func NewPassword() string {
	p := "Nw-" + suite.RandomSecret("")[:16] + "!Aa1" // 23 characters: within common maximums too
	World.Secrets.Add(p)
	return p
}

// Record declares an interaction the current spec has just shown the target to honour. It
// is written to the pact only if the whole spec passes.
func Record(i pacts.Interaction) {
	GinkgoHelper()
	if err := World.Recorder.Add(i); err != nil {
		Fail(err.Error())
	}
}

// RecordAbsence records an interaction of an absence state (an unknown user or code) only
// when the state endpoint made it: only then did the spec send the pact's fixed value.
func RecordAbsence(m suite.Made, i pacts.Interaction) {
	GinkgoHelper()
	if m.Via == suite.ViaStateEndpoint {
		Record(i)
	}
}

// Expectations, judged for one check each.

func ExpectSuccess(ex *client.Exchange, check, schemaName string) suite.Envelope {
	GinkgoHelper()
	v := VerdictOn(check, ex)
	env := World.Rules.Success(v, schemaName)
	// What follows a success relies on it (its token, its new password, its answer).
	Need(Conclude(v), "the success of "+check+" failed, and the rest of the spec needs it")
	return env
}

func ExpectFailure(ex *client.Exchange, check, schemaName string, c config.ErrorCase) suite.Envelope {
	GinkgoHelper()
	v := VerdictOn(check, ex)
	env := World.Rules.Failure(v, schemaName, c)
	Conclude(v)
	return env
}

func ExpectAppKeyError(ex *client.Exchange, check string) {
	GinkgoHelper()
	v := VerdictOn(check, ex)
	World.Rules.AppKeyError(v)
	Conclude(v)
}

// ExpectLoginSucceeds: 200 and State "Succeeded" with a token, at POST apiURL/token.
func ExpectLoginSucceeds(ctx context.Context, check, user, password, why string) {
	GinkgoHelper()
	expectLogin(ctx, check, user, password, 200, "Succeeded", "should succeed "+why)
}

// ExpectLoginFails: the documented 401 with State "Failed".
func ExpectLoginFails(ctx context.Context, check, user, password, why string) {
	GinkgoHelper()
	expectLogin(ctx, check, user, password, 401, "Failed", "should fail "+why)
}

func expectLogin(ctx context.Context, check, user, password string, status int, state, why string) {
	GinkgoHelper()
	ex := Send(ctx, client.Login(user, password))
	v := VerdictOn(check, ex)
	World.Secrets.Add(World.Rules.Login(v, status, state, why))
	Conclude(v)
}

// ExpectPasswordUnchanged: the old password still works and the attempted one does not
// (both logins at once: neither changes anything).
func ExpectPasswordUnchanged(ctx context.Context, check, user, oldPassword, attempted string) {
	GinkgoHelper()
	logins := []Login{LoginSucceeds(check, user, oldPassword, "with the old password: a rejected request must change nothing")}
	if attempted != "" {
		logins = append(logins, LoginFails(check, user, attempted, "with the password of the rejected request: a rejected request must change nothing"))
	}
	ExpectLogins(ctx, logins...)
}

// ParallelTotal is how many Ginkgo processes run this suite (1 when not in parallel).
func ParallelTotal() int {
	c, _ := GinkgoConfiguration()
	return max(c.ParallelTotal, 1)
}

// TimeSlack is added to a waited-out lifetime: clocks and rounding on the target.
const TimeSlack = time.Second

// WaitFor bounds a wait by the spec's context.
func WaitFor(ctx context.Context, d time.Duration) bool {
	select {
	case <-time.After(d):
		return true
	case <-ctx.Done():
		return false
	}
}

// SecretSessions registers every session a reply hands out as a secret, and masks it in
// the reply's transcript the log holds back (masked when it arrived, before the suite knew).
func SecretSessions(ex *client.Exchange) {
	for _, s := range suite.SessionsIn(ex.ResponseHeader, ex.ResponseBody) {
		World.Secrets.Add(s.Value)
	}
	if pendingLog.ex == ex {
		pendingLog.text = ex.Transcript(World.Secrets) + "\n"
	}
}
