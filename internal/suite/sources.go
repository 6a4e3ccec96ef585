// Package sources produces the provider states specs need (a trader with a valid token, a
// pending code, a secret question...) from the first source the configuration enables:
//
//  1. the provider-state endpoint (AUTOSHARES_STATE_URL): a fresh trader per spec;
//  2. the mail flow (AUTOSHARES_MAILBOX_URL + AUTOSHARES_TEST_TRADERS): a configured test
//     trader driven through steps 1 to 3 with the code read from the mailbox, its password
//     restored afterwards;
//  3. configured values (AUTOSHARES_EXPIRED_TOKEN).
//
// With none of them the state cannot be made, and the caller skips the spec with the
// reason Given returns, naming the settings that would enable it.
package suite

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/redact"
	"github.com/autoshares/conformance/internal/states"
)

// StateEndpoint is what sources needs of a provider-state client (states.Client).
type StateEndpoint interface {
	Setup(ctx context.Context, state string, params map[string]any) (states.Values, error)
	Teardown(ctx context.Context, state string, params map[string]any) error
}

// MailFlow is what sources needs of the mail flow driver (mailflow.Driver).
type MailFlow interface {
	Question(ctx context.Context, username string) (string, error)
	ResetToken(ctx context.Context, user, answer, email string) (string, error)
	RequestCode(ctx context.Context, user, answer, email string) (string, error)
	Restore(ctx context.Context, user, answer, email, password string) error
}

// Sources is one process's set of token sources.
type Sources struct {
	States       StateEndpoint   // nil: no state endpoint
	Flow         MailFlow        // nil: no mail flow (no mailbox or no test traders configured)
	Traders      []config.Trader // this process's share of the test traders (config.Flow.TradersFor)
	Procs        int             // parallel processes, for advice in skip reasons
	ExpiredToken string          // AUTOSHARES_EXPIRED_TOKEN
	Secrets      *redact.Redactor
}

// Made is a state made for one spec.
type Made struct {
	Values states.Values
	// Undo restores what making the state changed (a teardown, a trader's password). It is
	// nil when there is nothing to undo.
	Undo func(ctx context.Context) error
	// Via names the source, for reports: "state endpoint", "mail flow", "configuration".
	Via string
}

// SkipError says a state cannot be made with this configuration, and what would enable it.
type SkipError struct{ Need, Enable string }

func (e *SkipError) Error() string { return SkipReason(e.Need, e.Enable) }

// SkipReason is how a skip reads: "needs <need>: <enable>", or enable alone when a setting
// turned the spec off (need "").
func SkipReason(need, enable string) string {
	if need == "" {
		return enable
	}
	return "needs " + need + ": " + enable
}

// Via names of the sources.
const (
	ViaStateEndpoint = "state endpoint"
	ViaMailFlow      = "mail flow"
	ViaConfiguration = "configuration"
	ViaRandomName    = "random unknown name"
)

// Given makes the named state from the first source that can. The error is a *SkipError
// when no source can, and an ordinary error when a source failed.
func (s *Sources) Given(ctx context.Context, state string) (Made, error) {
	if s.States != nil {
		m, err := s.fromStateEndpoint(ctx, state)
		if err != nil {
			return m, err
		}
		// The absence states guarantee their fixed values are unknown: specs send exactly
		// those, so the pact records what was sent.
		switch state {
		case states.NoSuchUser:
			m.Values["User"] = states.UnknownUser
		case states.NoSuchCode:
			m.Values["Code"] = states.UnknownCode
		}
		return m, nil
	}
	switch state {
	case states.NoSuchUser:
		// Absence without a state endpoint: a fresh random name, absent from any deployment
		// in practice. Specs record no pact interaction for it (the pact's value is fixed).
		return Made{Values: states.Values{"User": RandomSecret("unknown-trader-")}, Via: ViaRandomName}, nil
	case states.NoSuchCode:
		return Made{Values: states.Values{"Code": RandomCode()}, Via: ViaRandomName}, nil
	}
	if m, ok, err := s.fromMailFlow(ctx, state); ok || err != nil {
		return m, err
	}
	if state == states.ExpiredToken && s.ExpiredToken != "" {
		// The owner of a configured token is unknown: specs check what they can without it.
		return Made{Values: states.Values{"Token": s.ExpiredToken}, Via: ViaConfiguration}, nil
	}
	return Made{}, &SkipError{fmt.Sprintf("the provider state %q", state), HowToEnable(state)}
}

// RandomCode is a 6-digit code no state made; a clash with a real pending code on a shared
// deployment is a one-in-a-million chance.
func RandomCode() string { return fmt.Sprintf("%06d", randomBelow(1_000_000)) }

// randomBelow is a random number from 0 to n-1 (n at most 2^32).
func randomBelow(n uint32) uint32 {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return binary.BigEndian.Uint32(b) % n
}

// AloneStep is the step a spec's report shows once it saw every other process done, before
// it does what must not run beside another spec (framework.WaitUntilAlone; the self-test
// times it against the other specs' ends).
const AloneStep = "every other spec is done: this one runs alone"

// FillerCode is a code for a step 3 request whose code only fills the body (a broken body,
// a header or method check): 9 digits, never the 6 a code has, so a target that counts a
// wrong code of a code's form against every pending code (step 3 takes the code alone;
// ASVS 6.6.3 allows it) does not count it against the pending codes of the specs running
// beside. The specs whose point is an unknown or wrong code send one of a code's form.
func FillerCode() string { return fmt.Sprintf("9%08d", randomBelow(100_000_000)) }

// HowToEnable names the settings that would let a run make the state.
func HowToEnable(state string) string {
	switch state {
	case states.ExpiredToken:
		return "set AUTOSHARES_STATE_URL, or AUTOSHARES_EXPIRED_TOKEN to a token known to be expired"
	case states.ExpiredCode:
		return "set AUTOSHARES_STATE_URL (the mail flow cannot make an expired code)"
	}
	return "set AUTOSHARES_STATE_URL, or AUTOSHARES_MAILBOX_URL with AUTOSHARES_TEST_TRADERS"
}

func (s *Sources) fromStateEndpoint(ctx context.Context, state string) (Made, error) {
	v, err := s.States.Setup(ctx, state, nil)
	if err != nil {
		return Made{}, err
	}
	undo := func(ctx context.Context) error {
		if err := s.States.Teardown(ctx, state, map[string]any{"User": v["User"]}); err != nil {
			return fmt.Errorf("teardown of the provider state %q (trader %q): %w", state, v["User"], err)
		}
		return nil
	}
	return Made{Values: v, Undo: undo, Via: ViaStateEndpoint}, nil
}

// fromMailFlow makes the state with one of this process's test traders. ok is false when
// the mail flow is not configured or cannot make this state.
func (s *Sources) fromMailFlow(ctx context.Context, state string) (m Made, ok bool, err error) {
	if s.Flow == nil {
		return Made{}, false, nil
	}
	var need Need
	switch state {
	case states.NoQuestion:
		need = WithoutQuestion
	case states.WithQuestion:
		need = NeedWithQuestion
	case states.ValidToken, states.PendingCode:
		need = AnyTrader
	default:
		return Made{}, false, nil
	}
	t, found := TraderFor(s.Traders, need)
	if !found {
		return Made{}, true, &SkipError{fmt.Sprintf("the provider state %q", state), fmt.Sprintf("add a test trader %s to AUTOSHARES_TEST_TRADERS (each of the %d parallel processes needs its own traders)",
			need, max(s.Procs, 1))}
	}
	s.Secrets.Add(t.Password, t.SecretQuestionAnswer)
	// Whatever the spec does to the password, the next spec and the next run find the
	// trader as configured.
	m = Made{Via: ViaMailFlow, Undo: func(ctx context.Context) error {
		if err := s.Flow.Restore(ctx, t.User, t.SecretQuestionAnswer, t.Email, t.Password); err != nil {
			return s.flowError(fmt.Sprintf("restoring the configured password of test trader %s", t.User), err)
		}
		return nil
	}}
	m.Values = states.Values{"User": t.User, "Email": t.Email, "Password": t.Password}
	switch state {
	case states.WithQuestion:
		m.Values["SecretQuestionAnswer"] = t.SecretQuestionAnswer
		m.Values["SecretQuestion"], err = s.Flow.Question(ctx, t.User)
	case states.ValidToken:
		m.Values["Token"], err = s.Flow.ResetToken(ctx, t.User, t.SecretQuestionAnswer, t.Email)
	case states.PendingCode:
		m.Values["Code"], err = s.Flow.RequestCode(ctx, t.User, t.SecretQuestionAnswer, t.Email)
	}
	s.Secrets.Add(m.Values["Token"], m.Values["Code"])
	if err != nil {
		// The trader may be half-way through a reset: the caller still runs Undo.
		return m, true, s.flowError(fmt.Sprintf("making the provider state %q through the mail flow with test trader %s", state, t.User), err)
	}
	return m, true, nil
}

// FlowError is a step of the mail flow that failed: what the suite was doing and why,
// masked, and the exchange the step failed on (nil when none), so that the spec's record
// carries its transcript and status as data. Its text quotes the transcript too.
type FlowError struct {
	What       string
	Exchange   *client.Exchange
	Transcript string // the exchange's, masked
}

func (e *FlowError) Error() string {
	if e.Exchange == nil {
		return e.What
	}
	return e.What + "\n\nTranscript:\n" + e.Transcript
}

// flowError is err, a mail-flow failure, under what the suite was doing, masked, with the
// exchange of the flow step that failed.
func (s *Sources) flowError(what string, err error) *FlowError {
	fe := &FlowError{What: s.Secrets.String(what + ": " + err.Error())}
	var se *states.StepError
	if errors.As(err, &se) && se.Exchange != nil {
		fe.Exchange, fe.Transcript = se.Exchange, se.Exchange.Transcript(s.Secrets)
	}
	return fe
}

// Need says which test trader a state needs.
type Need int

const (
	AnyTrader Need = iota
	NeedWithQuestion
	WithoutQuestion
)

func (n Need) String() string {
	switch n {
	case NeedWithQuestion:
		return "with a secret question (and its SecretQuestionAnswer)"
	case WithoutQuestion:
		return "without a secret question"
	}
	return "(with or without a secret question)"
}

// TraderFor picks the first trader that fits.
func TraderFor(traders []config.Trader, need Need) (config.Trader, bool) {
	for _, t := range traders {
		has := t.SecretQuestionAnswer != ""
		if need == AnyTrader || (need == NeedWithQuestion) == has {
			return t, true
		}
	}
	return config.Trader{}, false
}
