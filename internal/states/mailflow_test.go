package states

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	clientpkg "github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/refprovider"
)

// The flow against the reference provider mailing a real Mailpit.
func TestFlowThroughARealMailbox(t *testing.T) {
	mp := startMailpit(t)
	ctx := context.Background()
	traders := []refprovider.Trader{
		{User: "ann", Email: "ann@traders.example.test", Password: "Ann-Passw0rd-1"},
		{User: "bob", Email: "bob@traders.example.test", Password: "Bob-Passw0rd-1", SecretQuestion: "Street?", SecretQuestionAnswer: "Elm"},
	}
	p, err := refprovider.Start(ctx, refprovider.Options{AppKey: "k-123456", SMTPAddr: mp.SMTPAddr, Traders: traders, HashIterations: 1000}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	d := &Driver{API: &clientpkg.Client{BaseURL: p.BaseURL, AppKey: "k-123456", HTTP: &http.Client{Timeout: 5 * time.Second}},
		Mailbox: mp.Client(), Step3: clientpkg.Step3ETNA, MailTimeout: 5 * time.Second}

	if q, err := d.Question(ctx, "bob@traders.example.test"); err != nil || q != "Street?" {
		t.Fatalf("question = %q, %v", q, err)
	}
	if _, err := d.RequestCode(ctx, "bob", "", "bob@traders.example.test"); err == nil {
		t.Fatal("step 1 without the answer succeeded")
	} else if se := (*StepError)(nil); !errors.As(err, &se) || se.Exchange.Status != 400 {
		t.Fatalf("want a step error with the 400 exchange, got %v", err)
	}
	token, err := d.ResetToken(ctx, "bob", "Elm", "bob@traders.example.test")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SetPassword(ctx, token, "Changed-Passw0rd"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := d.CanLogIn(ctx, "bob", "Bob-Passw0rd-1"); ok {
		t.Fatal("old password still logs in")
	}
	if err := d.Restore(ctx, "bob", "Elm", "bob@traders.example.test", "Bob-Passw0rd-1"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := d.CanLogIn(ctx, "bob", "Bob-Passw0rd-1"); !ok {
		t.Fatal("restore did not bring the configured password back")
	}
	// Nothing to restore: no mail is sent.
	if err := d.Restore(ctx, "ann", "", "ann@traders.example.test", "Ann-Passw0rd-1"); err != nil {
		t.Fatal(err)
	}
	if n, _ := mp.Client().Count(ctx, "ann@traders.example.test"); n != 0 {
		t.Fatalf("restore of an unchanged trader sent %d mail(s)", n)
	}
}

// Step 1's documented success body says IsSucceed false: the driver takes a 2xx without
// errors as success unless told to require IsSucceed, and the mail is the proof.
func TestStep1DocumentedBodyIsASuccess(t *testing.T) {
	mp := startMailpit(t)
	ctx := context.Background()
	traders := []refprovider.Trader{{User: "cat", Email: "cat@traders.example.test", Password: "Cat-Passw0rd-1"}}
	p, err := refprovider.Start(ctx, refprovider.Options{AppKey: "k-123456", SMTPAddr: mp.SMTPAddr, Traders: traders, HashIterations: 1000,
		Quirks: []string{refprovider.QuirkStep1DocumentedBody}}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	d := &Driver{API: &clientpkg.Client{BaseURL: p.BaseURL, AppKey: "k-123456", HTTP: &http.Client{Timeout: 5 * time.Second}},
		Mailbox: mp.Client(), Step3: clientpkg.Step3AutoShares, MailTimeout: 5 * time.Second}
	if _, err := d.ResetToken(ctx, "cat", "", "cat@traders.example.test"); err != nil {
		t.Fatalf("the documented step 1 body was not taken as success: %v", err)
	}
	d.Step1IsSucceed = true
	if _, err := d.RequestCode(ctx, "cat", "", "cat@traders.example.test"); err == nil {
		t.Fatal("with Step1IsSucceed, IsSucceed false was taken as success")
	}
}
