package refprovider

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode"
)

// Trader is an account to create at start (Options.Traders, or cmd/refprovider --traders).
// Password is plain text here and stored only as a hash. SecretQuestionAnswer is required
// when SecretQuestion is set: without it the account could never pass step 1.
type Trader struct {
	User                 string
	Email                string
	Password             string
	SecretQuestion       string
	SecretQuestionAnswer string
}

// Options configures a Server. Zero values mean the documented defaults.
type Options struct {
	AppKey   string           // required; the only accepted Et-App-Key
	TestMode bool             // mounts the provider-state endpoint at StatePath
	Faults   []string         // fault switch names (FaultNames); unknown -> New fails
	Quirks   []string         // quirk names (QuirkNames): tolerated deviations, not faults
	Now      func() time.Time // clock for expiry; nil = time.Now

	CodeTTL  time.Duration // confirmation code lifetime; 0 = DefaultCodeTTL (ASVS 6.5.5: at most 10 min)
	TokenTTL time.Duration // reset token lifetime; 0 = DefaultTokenTTL

	SMTPAddr string // host:port for confirmation mail; "" = mail is dropped (counted, never logged)
	MailFrom string // envelope and header sender; "" = DefaultMailFrom

	Traders []Trader // created by New

	MinPasswordLength int // step 4 minimum, in characters; 0 = DefaultMinPasswordLength
	HashIterations    int // PBKDF2-SHA256 iterations; 0 = DefaultHashIterations

	Log io.Writer // request log: method, path, status, duration only; nil = discard

	// RedirectTo is the origin the redirect-elsewhere fault sends clients to (an absolute
	// http or https URL); "" = DefaultRedirectTo. Unused without that fault.
	RedirectTo string
	// Latency delays every response served by Start, as a remote deployment's network
	// and load would (make bench measures the suite against 300ms); 0 = none.
	Latency time.Duration

	// RateLimit is requests per second per client (remote IP and Et-App-Key), as an API
	// gateway enforces it: a token bucket with a burst of RateLimit. A request over it is
	// answered 429 with Retry-After: 1 and not processed, on every path (the state
	// endpoint included); 0 = no limit.
	RateLimit int
	// LoginLockout is how many consecutive failed logins lock an account's login for
	// LockoutPeriod (401, Reason "Account locked", even with the right password), counted
	// per account whatever spelling of its login was sent (ASVS 6.3.1, 6.3.4; NIST SP
	// 800-63B-4 3.2.2); 0 = DefaultLoginLockout, negative = never.
	LoginLockout int
	// LoginLockoutNoReset makes LoginLockout a tripwire for the self-test: a success does
	// not reset the count, so LoginLockout failed logins of one account in total lock it,
	// and the failed login that locks it and every login after it answer 423 Locked
	// {"State":"Locked",...}, which no login expectation of the suite accepts.
	// Server.LoginLockouts counts the accounts locked.
	LoginLockoutNoReset bool
	// CodeAttempts is how many wrong codes step 3 tolerates while a confirmation code is
	// pending: step 3 takes a code alone, bound to no trader, so every wrong code is a
	// guess at every pending code, and a pending code that has seen CodeAttempts wrong
	// codes is revoked (ASVS 6.6.3, NIST SP 800-63B-4 3.2.2); 0 = DefaultCodeAttempts,
	// negative = unlimited.
	CodeAttempts int
	// MailLimit is how many pending confirmation codes one trader may have: a further step
	// 1 with the right answer is answered as usual but mails nothing and issues no code,
	// until a code is used, expires or a reset completes (the cheat sheet's "Forgot
	// Password Request": no mail flooding; whoever floods cannot read the codes, so at most
	// MailLimit mails reach the trader per code lifetime); 0 = DefaultMailLimit, negative =
	// unlimited.
	MailLimit int
	// LockoutPeriod is how long a lockout lasts: LoginLockout's, and step 1's after
	// DefaultAnswerAttempts consecutive wrong secret answers; 0 = DefaultLockoutPeriod.
	LockoutPeriod time.Duration

	// TLS makes Start serve HTTPS with a certificate (127.0.0.1 and localhost) issued by a
	// private CA generated at start; Running.CACertPEM is that CA, for clients to trust.
	TLS bool
	// ClientCA (PEM certificates), with TLS, makes Start require a client certificate
	// issued by one of them (mutual TLS).
	ClientCA []byte
	// HTMLMail sends the code mail as HTML only, without the documented "Confirmation
	// code" phrase: another deployment's template, for the suite's code recognition.
	HTMLMail bool
}

// Defaults for zero Options fields.
const (
	DefaultCodeTTL           = 10 * time.Minute // ASVS 6.5.5: an out-of-band code lives at most 10 minutes
	DefaultTokenTTL          = 30 * time.Minute
	DefaultMailFrom          = "no-reply@autoshares.example.test"
	DefaultMinPasswordLength = 8
	DefaultLockoutPeriod     = 15 * time.Minute

	// DefaultAnswerAttempts is how many consecutive wrong (or missing) secret answers lock
	// step 1 for a trader for LockoutPeriod (ASVS 6.3.1, NIST SP 800-63B-4 3.2.2 allow at
	// most 100); a right answer before that resets the count.
	DefaultAnswerAttempts = 10

	// DefaultLoginLockout is how many consecutive failed logins lock an account (NIST SP
	// 800-63B-4 3.2.2: at most 100). Far above the 3 failed logins per trader the suite
	// promises never to exceed, and above the 10 a unit test makes without expecting a
	// lock.
	DefaultLoginLockout = 20

	// DefaultCodeAttempts is how many wrong step 3 codes a pending code survives.
	DefaultCodeAttempts = 10

	// DefaultMailLimit is how many pending codes a trader may have: at most 20 code mails
	// per code lifetime reach a trader whose codes go unused. It counts pending codes, not
	// mails, and is not lower, because a conformance run with configured test traders (no
	// state endpoint) mails one trader some 60 codes in seconds, using most and resetting
	// the password as it goes, with up to 8 pending at once (its generated step 1 bodies
	// each mail one).
	DefaultMailLimit = 20

	// DefaultHashIterations is far below the ~600k OWASP suggests for PBKDF2-SHA256 on
	// purpose: this is a test double, and a login, a step 4 or a provider-state setup each
	// hash once. 50k costs ~12 ms on the project's 2-core machines, keeping every request
	// well under ~20 ms, while still being a real, salted, slow hash rather than a stub.
	DefaultHashIterations = 50_000

	// MaxBodyBytes bounds every request body (413 above it); the documented bodies are a
	// few hundred bytes. 1 MiB is the bound the conformance suite probes by default.
	MaxBodyBytes = 1 << 20

	// faultBodyCap bounds what the no-body-limit fault reads, so even a faulty sandbox
	// cannot be made to buffer unbounded input.
	faultBodyCap = 64 << 20

	// DefaultRedirectTo is where redirect-elsewhere points when Options.RedirectTo is
	// unset: a loopback port nothing listens on (9, discard), so a client that follows
	// the redirect fails instead of reaching a real service.
	DefaultRedirectTo = "http://127.0.0.1:9"
)

// APIPrefix is the path of the API base ("apiURL" in the docs): http://host:port/api.
const APIPrefix = "/api"

// StatePath is where the Pact provider-state endpoint is mounted when Options.TestMode is
// set. It is outside APIPrefix so it can never be mistaken for part of the API.
const StatePath = "/test-support/provider-states"

// config is Options after defaults and validation.
type config struct {
	appKey   string
	testMode bool
	faults   map[string]bool
	quirks   map[string]bool
	redirect *url.URL
	now      func() time.Time
	codeTTL  time.Duration
	tokenTTL time.Duration
	smtpAddr string
	mailFrom *mail.Address
	minLen   int
	iter     int
	log      io.Writer
	latency  time.Duration

	rateLimit    int
	loginLockout int
	codeAttempts int
	mailLimit    int
	lockoutNoRst bool
	lockout      time.Duration
	tls          bool
	clientCA     []byte
	htmlMail     bool
}

// Validate reports every problem with o, as New would, without creating anything (no
// password is hashed), so a caller can report configuration errors up front.
func (o Options) Validate() error {
	_, err := o.validate()
	return err
}

// validate applies defaults and collects every problem, so one error says all that is
// wrong with a configuration.
func (o Options) validate() (config, error) {
	var errs []error
	c := config{
		appKey:   o.AppKey,
		testMode: o.TestMode,
		now:      o.Now,
		codeTTL:  o.CodeTTL,
		tokenTTL: o.TokenTTL,
		smtpAddr: o.SMTPAddr,
		minLen:   o.MinPasswordLength,
		iter:     o.HashIterations,
		log:      o.Log,
		latency:  o.Latency,

		rateLimit:    o.RateLimit,
		loginLockout: o.LoginLockout,
		codeAttempts: o.CodeAttempts,
		mailLimit:    o.MailLimit,
		lockoutNoRst: o.LoginLockoutNoReset,
		lockout:      o.LockoutPeriod,
		tls:          o.TLS,
		clientCA:     o.ClientCA,
		htmlMail:     o.HTMLMail,
	}
	if strings.TrimSpace(o.AppKey) == "" {
		errs = append(errs, errors.New("AppKey is required"))
	}
	faults, err := parseFaults(o.Faults)
	if err != nil {
		errs = append(errs, err)
	}
	c.faults = faults
	quirks, err := parseQuirks(o.Quirks)
	if err != nil {
		errs = append(errs, err)
	}
	c.quirks = quirks
	redirect := o.RedirectTo
	if redirect == "" {
		redirect = DefaultRedirectTo
	}
	if u, err := url.Parse(redirect); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("RedirectTo %q is not an absolute http or https URL", redirect))
	} else {
		c.redirect = u
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.log == nil {
		c.log = io.Discard
	}
	errs = append(errs,
		defaultIfZero(&c.codeTTL, DefaultCodeTTL, "CodeTTL"),
		defaultIfZero(&c.tokenTTL, DefaultTokenTTL, "TokenTTL"),
		defaultIfZero(&c.minLen, DefaultMinPasswordLength, "MinPasswordLength"),
		defaultIfZero(&c.iter, DefaultHashIterations, "HashIterations"),
		defaultIfZero(&c.lockout, DefaultLockoutPeriod, "LockoutPeriod"))
	if c.rateLimit < 0 {
		errs = append(errs, fmt.Errorf("RateLimit %d is negative", c.rateLimit))
	}
	// Zero is the default, negative is none: a limit is on unless switched off.
	for _, l := range []struct {
		v   *int
		def int
	}{{&c.loginLockout, DefaultLoginLockout}, {&c.codeAttempts, DefaultCodeAttempts}, {&c.mailLimit, DefaultMailLimit}} {
		switch {
		case *l.v == 0:
			*l.v = l.def
		case *l.v < 0:
			*l.v = 0
		}
	}
	if len(c.clientCA) > 0 {
		if !c.tls {
			errs = append(errs, errors.New("ClientCA needs TLS"))
		} else if !x509.NewCertPool().AppendCertsFromPEM(c.clientCA) {
			errs = append(errs, errors.New("ClientCA holds no PEM certificate"))
		}
	}
	if c.latency < 0 {
		errs = append(errs, fmt.Errorf("Latency %v is negative", c.latency))
	}
	if c.smtpAddr != "" {
		if host, port, err := net.SplitHostPort(c.smtpAddr); err != nil || host == "" || port == "" {
			errs = append(errs, fmt.Errorf("SMTPAddr %q is not host:port", c.smtpAddr))
		}
	}
	from := o.MailFrom
	if from == "" {
		from = DefaultMailFrom
	}
	if a, err := mail.ParseAddress(from); err != nil {
		errs = append(errs, fmt.Errorf("MailFrom %q is not an email address", from))
	} else {
		c.mailFrom = a
	}
	errs = append(errs, validateTraders(o.Traders)...)
	return c, errors.Join(errs...)
}

// validateTraders checks seed traders without echoing passwords or answers.
func validateTraders(ts []Trader) []error {
	var errs []error
	logins, emails := map[string]int{}, map[string]int{}
	for i, t := range ts {
		where := fmt.Sprintf("Traders[%d]", i)
		if err := checkLogin(t.User); err != nil {
			errs = append(errs, fmt.Errorf("%s: User %w", where, err))
		} else if j, dup := logins[key(t.User)]; dup {
			errs = append(errs, fmt.Errorf("%s: User %q repeats Traders[%d]", where, t.User, j))
		} else {
			logins[key(t.User)] = i
		}
		if err := checkEmail(t.Email); err != nil {
			errs = append(errs, fmt.Errorf("%s: Email %w", where, err))
		} else if j, dup := emails[key(t.Email)]; dup {
			errs = append(errs, fmt.Errorf("%s: Email %q repeats Traders[%d]", where, t.Email, j))
		} else {
			emails[key(t.Email)] = i
		}
		if t.Password == "" {
			errs = append(errs, fmt.Errorf("%s: Password is required", where))
		}
		if strings.TrimSpace(t.SecretQuestion) != "" && strings.TrimSpace(t.SecretQuestionAnswer) == "" {
			errs = append(errs, fmt.Errorf("%s: SecretQuestionAnswer is required when SecretQuestion is set", where))
		}
	}
	return errs
}

// checkLogin rejects logins that could break a mail header or the request log.
func checkLogin(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("is required")
	}
	if strings.ContainsFunc(s, unicode.IsControl) {
		return errors.New("contains control characters")
	}
	return nil
}

// checkEmail accepts a bare address only: it becomes an SMTP recipient and a To header.
func checkEmail(s string) error {
	if s == "" {
		return errors.New("is required")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return fmt.Errorf("%q is not a bare email address", s)
	}
	return nil
}

// defaultIfZero sets *v to def when it is zero (the option was left out) and refuses a
// negative value.
func defaultIfZero[T int | time.Duration](v *T, def T, name string) error {
	switch {
	case *v < 0:
		return fmt.Errorf("%s %v is negative", name, *v)
	case *v == 0:
		*v = def
	}
	return nil
}
