package suite_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/outcome"
	"github.com/autoshares/conformance/internal/redact"
	"github.com/autoshares/conformance/internal/suite"
)

// Each problem carries the kind of what was wrong, so a failure has a signature: a 200 to
// a mismatch with IsSucceed a string is status, schema, content-type and is-succeed.
func TestProblemsCarryKinds(t *testing.T) {
	v := suite.For(check, reply(200, "text/plain", `{"Errors": [], "IsSucceed": "false"}`))
	rules(t).Failure(v, "update-password.response.schema.json", config.CaseMismatch)
	got := outcome.SignatureOf(v.Exchange.Status, v.Problems)
	want := outcome.Signature{Status: 200, Kinds: []string{suite.KindContentType, suite.KindErrors, suite.KindIsSucceed, suite.KindSchema, suite.KindStatus}}
	if !got.Equal(want) {
		t.Errorf("signature %+v, want %+v (problems %q)", got, want, v.Texts())
	}
	for _, p := range v.Problems {
		if p.Kind == "" || p.Text == "" {
			t.Errorf("problem without a kind or a text: %+v", p)
		}
	}
}

// A login that must be refused but succeeds is "logged-in"; one that must succeed but is
// refused is "not-logged-in"; a refusal in the wrong shape is "login-refusal".
func TestLoginProblemKinds(t *testing.T) {
	for _, c := range []struct {
		status int
		body   string
		want   int
		state  string
		kind   string
	}{
		{200, `{"State":"Succeeded","Token":"t0ken-value"}`, 401, "Failed", suite.KindLoggedIn},
		{401, `{"State":"Failed"}`, 200, "Succeeded", suite.KindNotLoggedIn},
		{403, `{"State":"Failed"}`, 401, "Failed", suite.KindLoginRefusal},
	} {
		v := suite.For(check, reply(c.status, "application/json", c.body))
		rules(t).Login(v, c.want, c.state, "with the attempted password")
		if len(v.Problems) == 0 || !slices.ContainsFunc(v.Problems, func(p outcome.Problem) bool { return p.Kind == c.kind }) {
			t.Errorf("%d %s: want a %s problem, got %+v", c.status, c.body, c.kind, v.Problems)
		}
	}
}

// A verdict's record: passed with the reply's status and no text; failed with every
// problem, the reproduction and the transcript, every secret masked.
func TestRecordIsMasked(t *testing.T) {
	ok := suite.For(check, reply(400, "application/json", `{}`))
	if r := ok.Record(redact.New()); r.State != outcome.Passed || r.Check != check.ID || r.Status != 400 || r.Transcript != "" || len(r.Problems) != 0 {
		t.Errorf("passed record %+v", r)
	}
	const secret = "s3cret-Passw0rd"
	ex := reply(200, "application/json", `{"Errors": ["your password `+secret+` is wrong"]}`)
	ex.RequestBody = []byte(`{"Password": "` + secret + `"}`)
	v := suite.For(check, ex).Expect(false, suite.KindEcho, "body: carries back %s", secret)
	v.Reproduction = "curl -d '" + secret + "'"
	r := v.Record(redact.New(secret))
	if r.State != outcome.Failed || r.Status != 200 || len(r.Problems) != 1 || r.Problems[0].Kind != suite.KindEcho || r.Transcript == "" || r.Reproduction == "" {
		t.Errorf("failed record %+v", r)
	}
	all := r.Problems[0].Text + r.Transcript + r.Reproduction
	if strings.Contains(all, secret) || !strings.Contains(all, "[REDACTED]") {
		t.Errorf("the record leaks the secret or masks nothing: %+v", r)
	}
	if nilEx := suite.For(check, nil).Expect(false, suite.KindWinners, "two winners").Record(redact.New()); nilEx.Status != 0 || nilEx.Transcript != "" {
		t.Errorf("a verdict about no reply: %+v", nilEx)
	}
}
