package suite_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/redact"
	"github.com/autoshares/conformance/internal/states"
	"github.com/autoshares/conformance/internal/suite"
)

type fakeEndpoint struct {
	mu        sync.Mutex
	teardowns []string
	fail      error
}

func (f *fakeEndpoint) Setup(_ context.Context, state string, _ map[string]any) (states.Values, error) {
	if f.fail != nil {
		return nil, f.fail
	}
	return states.Values{"User": "u-" + state[:5], "Token": "t"}, nil
}

func (f *fakeEndpoint) Teardown(_ context.Context, state string, params map[string]any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.teardowns = append(f.teardowns, fmt.Sprint(state, "/", params["User"]))
	return nil
}

type fakeFlow struct {
	restored []string
	fail     error
}

func (f *fakeFlow) Question(context.Context, string) (string, error) { return "Which street?", f.fail }
func (f *fakeFlow) ResetToken(context.Context, string, string, string) (string, error) {
	return "token-from-mail", f.fail
}
func (f *fakeFlow) RequestCode(context.Context, string, string, string) (string, error) {
	return "123456", f.fail
}
func (f *fakeFlow) Restore(_ context.Context, user, _, _, _ string) error {
	f.restored = append(f.restored, user)
	return nil
}

var (
	ann = config.Trader{User: "ann", Email: "ann@example.test", Password: "Ann-Passw0rd"}
	bob = config.Trader{User: "bob", Email: "bob@example.test", Password: "Bob-Passw0rd", SecretQuestionAnswer: "Peterson"}
)

func TestTheStateEndpointComesFirstAndIsTornDown(t *testing.T) {
	ep := &fakeEndpoint{}
	s := &suite.Sources{States: ep, Flow: &fakeFlow{}, Traders: []config.Trader{ann}, Secrets: redact.New()}
	m, err := s.Given(context.Background(), states.ValidToken)
	if err != nil || m.Via != suite.ViaStateEndpoint || m.Values["Token"] != "t" {
		t.Fatalf("Given = %+v, %v", m, err)
	}
	if err := m.Undo(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(ep.teardowns) != 1 || !strings.HasSuffix(ep.teardowns[0], "/u-a tra") {
		t.Errorf("teardowns = %q", ep.teardowns)
	}
}

func TestAStateEndpointFailureIsAnErrorNotASkip(t *testing.T) {
	s := &suite.Sources{States: &fakeEndpoint{fail: errors.New("boom")}, Secrets: redact.New()}
	_, err := s.Given(context.Background(), states.ValidToken)
	var skip *suite.SkipError
	if err == nil || errors.As(err, &skip) {
		t.Fatalf("want a plain error, got %v", err)
	}
}

func TestTheMailFlowMakesWhatItCanAndRestores(t *testing.T) {
	flow := &fakeFlow{}
	secrets := redact.New()
	s := &suite.Sources{Flow: flow, Traders: []config.Trader{ann, bob}, Secrets: secrets, Procs: 1}
	for state, want := range map[string]string{states.ValidToken: "Token", states.PendingCode: "Code", states.WithQuestion: "SecretQuestion"} {
		m, err := s.Given(context.Background(), state)
		if err != nil || m.Via != suite.ViaMailFlow || m.Values[want] == "" {
			t.Errorf("%s: Given = %+v, %v", state, m, err)
			continue
		}
		if err := m.Undo(context.Background()); err != nil {
			t.Error(err)
		}
	}
	m, _ := s.Given(context.Background(), states.WithQuestion)
	if m.Values["User"] != "bob" {
		t.Errorf("a state with a secret question must use the trader who has one, got %q", m.Values["User"])
	}
	if got := secrets.String("Bob-Passw0rd token-from-mail 123456"); strings.Contains(got, "Passw0rd") || strings.Contains(got, "token-from") {
		t.Errorf("the trader's secrets were not registered: %q", got)
	}
	if len(flow.restored) != 3 {
		t.Errorf("restored = %q", flow.restored)
	}
}

func TestAFailedMailFlowStillRestoresTheTrader(t *testing.T) {
	s := &suite.Sources{Flow: &fakeFlow{fail: errors.New("no mail")}, Traders: []config.Trader{ann}, Secrets: redact.New()}
	m, err := s.Given(context.Background(), states.ValidToken)
	if err == nil || m.Undo == nil {
		t.Fatalf("want an error and an Undo, got %+v, %v", m, err)
	}
}

// A flow step that failed on an exchange hands that exchange over as data (the spec's
// errored record carries its transcript); the error's text still quotes it, masked.
func TestAFailedFlowStepKeepsItsExchange(t *testing.T) {
	ex := &client.Exchange{Method: "POST", URL: "http://127.0.0.1:1/api/v1.0/users/password/reset/code", Status: 400,
		RequestBody: []byte(`{"Code":"654321"}`), ResponseBody: []byte(`{"IsSucceed":false}`)}
	s := &suite.Sources{Flow: &fakeFlow{fail: &states.StepError{Step: "step 3", Exchange: ex}}, Traders: []config.Trader{ann}, Secrets: redact.New()}
	_, err := s.Given(context.Background(), states.ValidToken)
	var fe *suite.FlowError
	if !errors.As(err, &fe) || fe.Exchange != ex || !strings.Contains(fe.What, "test trader ann") || strings.Contains(fe.What, "Transcript") {
		t.Fatalf("want a FlowError with the exchange, got %#v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "Transcript:\n> POST ") || strings.Contains(msg, "654321") {
		t.Errorf("the text does not quote the masked transcript: %s", msg)
	}
	_, err = (&suite.Sources{Flow: &fakeFlow{fail: errors.New("no mail")}, Traders: []config.Trader{ann}, Secrets: redact.New()}).Given(context.Background(), states.ValidToken)
	if !errors.As(err, &fe) || fe.Exchange != nil || strings.Contains(err.Error(), "Transcript") {
		t.Errorf("a failure with no exchange: %#v", err)
	}
}

func TestSkipsNameWhatWouldEnableTheState(t *testing.T) {
	cases := []struct {
		s     *suite.Sources
		state string
		want  string
	}{
		{&suite.Sources{}, states.ValidToken, "AUTOSHARES_MAILBOX_URL with AUTOSHARES_TEST_TRADERS"},
		{&suite.Sources{}, states.ExpiredToken, "AUTOSHARES_EXPIRED_TOKEN"},
		{&suite.Sources{}, states.ExpiredCode, "the mail flow cannot make an expired code"},
		{&suite.Sources{Flow: &fakeFlow{}, Traders: []config.Trader{ann}, Procs: 2}, states.WithQuestion, "add a test trader with a secret question"},
		{&suite.Sources{Flow: &fakeFlow{}, Traders: nil, Procs: 4}, states.ValidToken, "each of the 4 parallel processes needs its own traders"},
		{&suite.Sources{Flow: &fakeFlow{}, Traders: []config.Trader{ann}}, states.ExpiredCode, "AUTOSHARES_STATE_URL"},
	}
	for _, c := range cases {
		c.s.Secrets = redact.New()
		_, err := c.s.Given(context.Background(), c.state)
		var skip *suite.SkipError
		if !errors.As(err, &skip) || !strings.Contains(skip.Error(), c.want) || !strings.Contains(skip.Error(), c.state) {
			t.Errorf("%s: want a skip naming %q, got %v", c.state, c.want, err)
		}
	}
}

func TestAbsenceAndConfiguredValues(t *testing.T) {
	s := &suite.Sources{ExpiredToken: "expired-one", Secrets: redact.New()}
	if m, err := s.Given(context.Background(), states.NoSuchUser); err != nil || m.Via != suite.ViaRandomName {
		t.Errorf("absence: %+v, %v", m, err)
	}
	if m, err := s.Given(context.Background(), states.ExpiredToken); err != nil || m.Values["Token"] != "expired-one" || m.Values["User"] != "" {
		t.Errorf("configured expired token: %+v, %v", m, err)
	}
}

func TestTraderFor(t *testing.T) {
	ts := []config.Trader{ann, bob}
	for need, want := range map[suite.Need]string{suite.AnyTrader: "ann", suite.NeedWithQuestion: "bob", suite.WithoutQuestion: "ann"} {
		if got, ok := suite.TraderFor(ts, need); !ok || got.User != want {
			t.Errorf("%v: got %q", need, got.User)
		}
	}
	if _, ok := suite.TraderFor([]config.Trader{ann}, suite.NeedWithQuestion); ok {
		t.Error("no trader with a question")
	}
}
