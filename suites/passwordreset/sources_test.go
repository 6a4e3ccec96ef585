package passwordreset

import (
	"context"
	"errors"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/mailflow"
	"github.com/autoshares/conformance/internal/states"
)

// given produces the named provider state for the current spec from the first source
// the configuration allows, and undoes it after the spec:
//
//  1. the provider-state endpoint (AUTOSHARES_STATE_URL): a fresh trader per spec;
//  2. the mail flow (AUTOSHARES_MAILBOX_URL + AUTOSHARES_TEST_TRADERS): a configured test
//     trader driven through steps 1 to 3 with the code read from the mailbox, its password
//     restored afterwards;
//  3. configured values (AUTOSHARES_EXPIRED_TOKEN).
//
// With none of them the spec is skipped, naming the settings that would enable it; the
// run's summary lists every such skip.
func given(ctx context.Context, state string) states.Values {
	GinkgoHelper()
	if suite.states != nil {
		return fromStateEndpoint(ctx, state)
	}
	if state == states.NoSuchUser || state == states.NoSuchCode {
		// Absence: the specs use fresh random names, absent from any deployment in practice.
		return states.Values{}
	}
	if v, ok := fromMailFlow(ctx, state); ok {
		return v
	}
	if state == states.ExpiredToken && suite.cfg.Flow.ExpiredToken != "" {
		// The owner of a configured token is unknown: specs check what they can without it.
		return states.Values{"Token": suite.cfg.Flow.ExpiredToken}
	}
	Skip(fmt.Sprintf("needs the provider state %q: %s", state, howToEnable(state)))
	return nil
}

func howToEnable(state string) string {
	switch state {
	case states.ExpiredToken:
		return "set AUTOSHARES_STATE_URL, or AUTOSHARES_EXPIRED_TOKEN to a token known to be expired"
	case states.ExpiredCode:
		return "set AUTOSHARES_STATE_URL (the mail flow cannot make an expired code)"
	}
	return "set AUTOSHARES_STATE_URL, or AUTOSHARES_MAILBOX_URL with AUTOSHARES_TEST_TRADERS"
}

func fromStateEndpoint(ctx context.Context, state string) states.Values {
	GinkgoHelper()
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

// fromMailFlow makes the state with one of this process's test traders. ok is false when
// the mail flow is not configured or cannot make this state.
func fromMailFlow(ctx context.Context, state string) (v states.Values, ok bool) {
	GinkgoHelper()
	if suite.flow == nil || len(suite.cfg.Flow.Traders) == 0 {
		return nil, false
	}
	var needQuestion *bool // nil: any trader
	yes, no := true, false
	switch state {
	case states.NoQuestion:
		needQuestion = &no
	case states.WithQuestion:
		needQuestion = &yes
	case states.ValidToken, states.PendingCode:
	default:
		return nil, false
	}
	t, found := traderFor(needQuestion)
	if !found {
		Skip(fmt.Sprintf("needs the provider state %q: add a test trader %s to AUTOSHARES_TEST_TRADERS (each of the %d parallel processes needs its own traders)",
			state, questionWords(needQuestion), parallelTotal()))
	}
	secrets.Add(t.Password, t.SecretQuestionAnswer)
	// Whatever the spec does to the password, the next spec and the next run find the
	// trader as configured.
	DeferCleanup(func(ctx SpecContext) {
		if err := suite.flow.Restore(ctx, t.User, t.SecretQuestionAnswer, t.Email, t.Password); err != nil {
			Fail(fmt.Sprintf("restoring the configured password of test trader %s: %s", t.User, describeFlowError(err)))
		}
	}, NodeTimeout(suite.cfg.Flow.MailTimeout+4*suite.cfg.RequestTimeout))

	v = states.Values{"User": t.User, "Email": t.Email, "Password": t.Password}
	var err error
	switch state {
	case states.WithQuestion:
		v["SecretQuestionAnswer"] = t.SecretQuestionAnswer
		v["SecretQuestion"], err = suite.flow.Question(ctx, t.User)
	case states.ValidToken:
		v["Token"], err = suite.flow.ResetToken(ctx, t.User, t.SecretQuestionAnswer, t.Email)
	case states.PendingCode:
		v["Code"], err = suite.flow.RequestCode(ctx, t.User, t.SecretQuestionAnswer, t.Email)
	}
	secrets.Add(v["Token"], v["Code"])
	if err != nil {
		Fail(fmt.Sprintf("making the provider state %q through the mail flow with test trader %s: %s", state, t.User, describeFlowError(err)))
	}
	return v, true
}

// traderFor picks this process's first trader with (or without) a secret question.
func traderFor(needQuestion *bool) (config.Trader, bool) {
	for _, t := range suite.traders {
		if needQuestion == nil || (t.SecretQuestionAnswer != "") == *needQuestion {
			return t, true
		}
	}
	return config.Trader{}, false
}

func questionWords(needQuestion *bool) string {
	switch {
	case needQuestion == nil:
		return "(with or without a secret question)"
	case *needQuestion:
		return "with a secret question (and its SecretQuestionAnswer)"
	}
	return "without a secret question"
}

// describeFlowError adds the masked transcript of the step that failed.
func describeFlowError(err error) string {
	var se *mailflow.StepError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v\n\nTranscript:\n%s", secrets.String(err.Error()), se.Exchange.Transcript(secrets))
	}
	return secrets.String(err.Error())
}

// needMailbox skips a spec that reads the target's mail when no mailbox is configured.
func needMailbox() {
	if suite.mailbox != nil {
		return
	}
	why := "set AUTOSHARES_MAILBOX_URL to the Mailpit API that receives the target's mail"
	if suite.target.Embedded {
		why = "run make mailpit, so the embedded provider mails a local Mailpit (" + suite.target.NoMailboxWhy + ")"
	}
	Skip("needs the trader's mailbox: " + why)
}
