// Package mailflow drives the documented reset flow as a trader's app does: step 1, the
// confirmation code from the trader's mailbox, step 3 for a token, step 4 for the new
// password. On deployments without a provider-state endpoint this is the only way to a
// fresh token, so the suite's token sources use it; it asserts nothing itself.
package states

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	clientpkg "github.com/autoshares/conformance/internal/client"
)

// Driver runs the flow against one deployment and one mailbox.
type Driver struct {
	API         *clientpkg.Client
	Mailbox     *MailboxClient
	Step3       string        // apiclient.Step3AutoShares or Step3ETNA
	MailTimeout time.Duration // longest wait for one confirmation email
	// Observe sees every exchange (the suite logs a masked transcript); may be nil.
	Observe func(*clientpkg.Exchange)
	// Step1IsSucceed requires IsSucceed true in step 1's success. Without it step 1
	// succeeds with a 2xx and no Errors, as the documentation's own example shows
	// ({"Errors": [], "IsSucceed": false}); the mail arriving is the proof.
	Step1IsSucceed bool
}

// StepError is a step that did not succeed; Exchange holds what was said, for a transcript.
type StepError struct {
	Step     string
	Exchange *clientpkg.Exchange
}

func (e *StepError) Error() string {
	if e.Exchange.Err != nil {
		return fmt.Sprintf("%s: %v", e.Step, e.Exchange.Err)
	}
	return fmt.Sprintf("%s: %s %s answered %d without success", e.Step, e.Exchange.Method, e.Exchange.URL, e.Exchange.Status)
}

type envelope struct {
	Model     json.RawMessage `json:"Model"`
	Errors    []string        `json:"Errors"`
	IsSucceed bool            `json:"IsSucceed"`
}

// do sends req and returns the envelope if the step succeeded: a 2xx, no Errors, and
// IsSucceed true unless tolerant (see Step1IsSucceed).
func (d *Driver) do(ctx context.Context, step string, req clientpkg.Request, tolerant bool) (envelope, error) {
	ex := d.API.Do(ctx, req)
	if d.Observe != nil {
		d.Observe(ex)
	}
	var env envelope
	if ex.Err != nil || ex.Status/100 != 2 || ex.JSON(&env) != nil || len(env.Errors) > 0 || !(env.IsSucceed || tolerant) {
		return env, &StepError{Step: step, Exchange: ex}
	}
	return env, nil
}

// RequestCode runs step 1 for user (with answer, if the trader has a secret question) and
// returns the confirmation code mailed to email.
func (d *Driver) RequestCode(ctx context.Context, user, answer, email string) (string, error) {
	since := time.Now()
	if _, err := d.do(ctx, "step 1 (request a confirmation code)", clientpkg.ResetPassword(user, answer), !d.Step1IsSucceed); err != nil {
		return "", err
	}
	return d.Code(ctx, email, since)
}

// Code waits, at most MailTimeout, for the newest confirmation code mailed to email since
// the given time.
func (d *Driver) Code(ctx context.Context, email string, since time.Time) (string, error) {
	mctx, cancel := context.WithTimeout(ctx, d.MailTimeout)
	defer cancel()
	code, err := d.Mailbox.WaitForCode(mctx, email, since)
	if err != nil {
		return "", fmt.Errorf("the confirmation email to %s: %w", email, err)
	}
	return code, nil
}

// Question runs step 2 and returns the trader's secret question ("" for none).
func (d *Driver) Question(ctx context.Context, username string) (string, error) {
	env, err := d.do(ctx, "step 2 (fetch the secret question)", clientpkg.SecretQuestion(username), false)
	if err != nil {
		return "", err
	}
	var q string
	if err := json.Unmarshal(env.Model, &q); err != nil {
		return "", fmt.Errorf("step 2: Model is not a string: %v", err)
	}
	return q, nil
}

// Token runs step 3 and returns the reset token.
func (d *Driver) Token(ctx context.Context, code string) (string, error) {
	env, err := d.do(ctx, "step 3 (trade the code for a token)", clientpkg.ResetCode(d.Step3, code), false)
	if err != nil {
		return "", err
	}
	var token string
	if err := json.Unmarshal(env.Model, &token); err != nil || token == "" {
		return "", fmt.Errorf("step 3: Model holds no token")
	}
	return token, nil
}

// SetPassword runs step 4.
func (d *Driver) SetPassword(ctx context.Context, token, password string) error {
	_, err := d.do(ctx, "step 4 (set the new password)", clientpkg.UpdatePassword(token, password, password), false)
	return err
}

// ResetToken runs steps 1 and 3: a fresh token for the trader.
func (d *Driver) ResetToken(ctx context.Context, user, answer, email string) (string, error) {
	code, err := d.RequestCode(ctx, user, answer, email)
	if err != nil {
		return "", err
	}
	return d.Token(ctx, code)
}

// CanLogIn reports whether the credentials log in (200, State Succeeded).
func (d *Driver) CanLogIn(ctx context.Context, user, password string) (bool, error) {
	ex := d.API.Do(ctx, clientpkg.Login(user, password))
	if d.Observe != nil {
		d.Observe(ex)
	}
	if ex.Err != nil {
		return false, &StepError{Step: "login", Exchange: ex}
	}
	var r struct{ State string }
	_ = ex.JSON(&r)
	return ex.Status == 200 && r.State == "Succeeded", nil
}

// Restore sets the trader's password back to password through the whole flow, unless it
// still logs in. The suite calls it after a spec changed a configured test trader's
// password, so the next spec and the next run find the trader as configured.
func (d *Driver) Restore(ctx context.Context, user, answer, email, password string) error {
	if ok, err := d.CanLogIn(ctx, user, password); err != nil || ok {
		return err
	}
	token, err := d.ResetToken(ctx, user, answer, email)
	if err != nil {
		return err
	}
	return d.SetPassword(ctx, token, password)
}
