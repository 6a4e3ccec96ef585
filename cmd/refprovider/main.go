// Command refprovider runs the reference provider of the AutoShares password-reset API
// standalone (`make sandbox`): a real, in-memory implementation of the documented flow,
// optionally with the Pact provider-state endpoint (--test-mode) and fault switches
// (--faults) that make it deliberately wrong.
//
// Every flag has an environment fallback, REFPROVIDER_<FLAG NAME IN CAPITALS>; a flag
// wins over its variable. Prefer REFPROVIDER_APP_KEY to --app-key for a real key: a
// command line is visible to every user of the machine.
package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/autoshares/conformance/internal/refprovider"
	"github.com/autoshares/conformance/internal/states"
)

// SandboxAppKey is the documented development app key used when none is configured.
const SandboxAppKey = "sandbox-app-key"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(report(err, os.Stderr))
}

// report prints err (if any) and returns the exit code: 2 for a bad command line, 1 for
// any other failure.
func report(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "refprovider: %v\n", err)
	if _, ok := errors.AsType[*usageError](err); ok {
		return 2
	}
	return 1
}

// usageError lists every problem with the command line and environment at once.
type usageError struct{ problems []string }

func (e *usageError) Error() string {
	return "invalid configuration:\n  - " + strings.Join(e.problems, "\n  - ") +
		"\nRun 'refprovider -h' for usage."
}

// flagSpec is one flag with its environment fallback and default.
type flagSpec struct {
	name, def, usage string
	isBool           bool
}

func (f flagSpec) env() string {
	return "REFPROVIDER_" + strings.ToUpper(strings.ReplaceAll(f.name, "-", "_"))
}

var flagSpecs = []flagSpec{
	{name: "listen", def: "127.0.0.1:8080", usage: "host:port to listen on"},
	{name: "app-key", def: SandboxAppKey, usage: "the only accepted Et-App-Key (default: the documented sandbox key)"},
	{name: "test-mode", def: "false", isBool: true, usage: "serve the Pact provider-state endpoint " + refprovider.StatePath},
	{name: "allow-non-loopback", def: "false", isBool: true, usage: "allow --test-mode on a non-loopback --listen address"},
	{name: "faults", usage: "comma-separated fault switches (see --list-faults)"},
	{name: "quirks", usage: "comma-separated quirks: documented oddities a client must tolerate, not faults (see --list-faults)"},
	{name: "redirect-to", def: refprovider.DefaultRedirectTo, usage: "absolute URL the redirect-elsewhere fault redirects every API request to"},
	{name: "smtp", usage: "host:port of the SMTP server for confirmation mail (default: mail is dropped)"},
	{name: "mailpit", def: "false", isBool: true, usage: "start a local Mailpit (make mailpit) on free loopback ports and mail it; prints its URL"},
	{name: "mailpit-api", usage: "with --mailpit: host:port of its web UI and API (default: a free loopback port)"},
	{name: "mailpit-smtp", usage: "with --mailpit: host:port of its SMTP server (default: a free loopback port)"},
	{name: "mail-from", def: refprovider.DefaultMailFrom, usage: "sender of the confirmation mail"},
	{name: "latency", def: "0s", usage: "delay every response this long, as a remote deployment would (e.g. 300ms)"},
	{name: "rate-limit", def: "0", usage: "requests per second per client (IP and app key); over it: 429 with Retry-After: 1 (0 = no limit)"},
	{name: "login-lockout", def: strconv.Itoa(refprovider.DefaultLoginLockout), usage: "consecutive failed logins (any spelling of the login) that lock an account's login for --lockout-period (0 = never)"},
	{name: "code-attempts", def: strconv.Itoa(refprovider.DefaultCodeAttempts), usage: "wrong step 3 codes a pending confirmation code survives (0 = unlimited)"},
	{name: "mail-limit", def: strconv.Itoa(refprovider.DefaultMailLimit), usage: "pending confirmation codes per trader; further requests mail nothing until one is used or expires (0 = unlimited)"},
	{name: "lockout-period", def: refprovider.DefaultLockoutPeriod.String(), usage: "how long a login or secret-answer lockout lasts"},
	{name: "tls", def: "false", isBool: true, usage: "serve HTTPS with a certificate from a private CA generated at start (see --tls-ca-out)"},
	{name: "tls-ca-out", usage: "with --tls: write that CA's PEM certificate to this file, for clients to trust"},
	{name: "client-ca", usage: "with --tls: PEM file of CAs whose client certificates are required (mutual TLS)"},
	{name: "traders", usage: "JSON file: array of {User, Email, Password, SecretQuestion, SecretQuestionAnswer}"},
	{name: "code-ttl", def: refprovider.DefaultCodeTTL.String(), usage: "confirmation code lifetime"},
	{name: "token-ttl", def: refprovider.DefaultTokenTTL.String(), usage: "password reset token lifetime"},
	{name: "min-password-length", def: strconv.Itoa(refprovider.DefaultMinPasswordLength), usage: "minimum new password length"},
	{name: "hash-iterations", def: strconv.Itoa(refprovider.DefaultHashIterations), usage: "PBKDF2-SHA256 iterations of the password hashes (fewer: less CPU per login, for benchmarks on a small machine)"},
	{name: "list-faults", def: "false", isBool: true, usage: "print the fault switches and the quirks, and exit"},
}

// rawFlag records a flag's text; values are checked after parsing so that every problem
// is reported, not just the first.
type rawFlag struct {
	val    string
	set    bool
	isBool bool
}

func (f *rawFlag) String() string     { return f.val }
func (f *rawFlag) Set(s string) error { f.val, f.set = s, true; return nil }
func (f *rawFlag) IsBoolFlag() bool   { return f.isBool }

// setting is a resolved value and where it came from, for messages.
type setting struct{ val, from string }

type config struct {
	opts        refprovider.Options
	listen      string
	mailpitAPI  string
	mailpitSMTP string
	tlsCAOut    string
	appKeyFrom  string
	tradersSrc  string
	listFaults  bool
	mailpit     bool
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, help, err := parseConfig(args, getenv)
	if help {
		printUsage(stdout)
		return nil
	}
	if err != nil {
		return err
	}
	if cfg.listFaults {
		for _, n := range refprovider.FaultNames() {
			fmt.Fprintf(stdout, "%-30s %s\n", n, refprovider.FaultDescription(n))
		}
		fmt.Fprintln(stdout, "\nQuirks (--quirks; tolerated oddities of the documentation, not faults):")
		for _, n := range refprovider.QuirkNames() {
			fmt.Fprintf(stdout, "%-30s %s\n", n, refprovider.QuirkDescription(n))
		}
		return nil
	}
	cfg.opts.Log = stderr
	var mp *states.Server
	if cfg.mailpit {
		bin, err := states.BinaryPath()
		if err != nil {
			return err
		}
		if cfg.mailpitAPI != "" || cfg.mailpitSMTP != "" {
			mp, err = states.StartServerAt(ctx, bin, cfg.mailpitAPI, cfg.mailpitSMTP)
		} else {
			mp, err = states.StartServer(ctx, bin)
		}
		if err != nil {
			return err
		}
		defer mp.Stop()
		cfg.opts.SMTPAddr = mp.SMTPAddr
	}
	r, err := refprovider.Start(ctx, cfg.opts, cfg.listen)
	if err != nil {
		return err
	}
	// What is printed is safe to paste anywhere: URLs and where settings came from, never
	// the app key or a password.
	fmt.Fprintf(stdout, "refprovider: serving the AutoShares password-reset API at %s\n", r.BaseURL)
	if r.StateURL != "" {
		fmt.Fprintf(stdout, "refprovider: provider states at %s\n", r.StateURL)
	}
	fmt.Fprintf(stdout, "refprovider: app key from %s\n", cfg.appKeyFrom)
	if mp != nil {
		fmt.Fprintf(stdout, "refprovider: confirmation mail goes to Mailpit: %s (AUTOSHARES_MAILBOX_URL)\n", mp.APIURL)
	} else if cfg.opts.SMTPAddr != "" {
		fmt.Fprintf(stdout, "refprovider: confirmation mail via SMTP %s\n", cfg.opts.SMTPAddr)
	} else {
		fmt.Fprintln(stdout, "refprovider: confirmation mail is dropped (no --smtp)")
	}
	if cfg.tradersSrc != "" {
		fmt.Fprintf(stdout, "refprovider: %d traders from %s\n", len(cfg.opts.Traders), cfg.tradersSrc)
	}
	if len(cfg.opts.Faults) > 0 {
		fmt.Fprintf(stdout, "refprovider: FAULTS ON, deliberately wrong: %s\n", strings.Join(cfg.opts.Faults, ", "))
	}
	if len(cfg.opts.Quirks) > 0 {
		fmt.Fprintf(stdout, "refprovider: quirks on: %s\n", strings.Join(cfg.opts.Quirks, ", "))
	}
	if cfg.opts.Latency > 0 {
		fmt.Fprintf(stdout, "refprovider: every response delayed by %s\n", cfg.opts.Latency)
	}
	if cfg.opts.RateLimit > 0 {
		fmt.Fprintf(stdout, "refprovider: rate limit %d requests per second per client (429 with Retry-After: 1 above it)\n", cfg.opts.RateLimit)
	}
	if cfg.opts.LoginLockout > 0 {
		fmt.Fprintf(stdout, "refprovider: %d consecutive failed logins lock an account's login for %s\n", cfg.opts.LoginLockout, cfg.opts.LockoutPeriod)
	} else {
		fmt.Fprintln(stdout, "refprovider: login lockout OFF (--login-lockout 0)")
	}
	if cfg.opts.CodeAttempts < 0 {
		fmt.Fprintln(stdout, "refprovider: step 3 code guessing unlimited (--code-attempts 0)")
	}
	if cfg.opts.MailLimit < 0 {
		fmt.Fprintln(stdout, "refprovider: no limit on code mails per trader (--mail-limit 0)")
	}
	if cfg.opts.TLS {
		if cfg.tlsCAOut != "" {
			if err := os.WriteFile(cfg.tlsCAOut, r.CACertPEM(), 0o644); err != nil {
				_ = r.Close()
				return fmt.Errorf("--tls-ca-out: %w", err)
			}
			fmt.Fprintf(stdout, "refprovider: HTTPS; the private CA's certificate is in %s\n", cfg.tlsCAOut)
		} else {
			fmt.Fprintln(stdout, "refprovider: HTTPS with a private CA (give --tls-ca-out to trust it)")
		}
		if len(cfg.opts.ClientCA) > 0 {
			fmt.Fprintln(stdout, "refprovider: client certificates required (--client-ca)")
		}
	}
	fmt.Fprint(stdout, settingsBlock(r, mp, cfg.appKeyFrom))
	if path := getenv(SettingsFileEnv); path != "" {
		if err := writeSettingsFile(path, r, mp, cfg.appKeyFrom, stdout); err != nil {
			fmt.Fprintf(stderr, "refprovider: %v\n", err)
		}
	}
	fmt.Fprintln(stdout, "refprovider: Ctrl-C stops it")
	err = r.Wait()
	fmt.Fprintln(stdout, "refprovider: stopped")
	return err
}

// settingsBlock is what to paste into a shell to run the suite against this provider.
// The app key itself is printed only when it is the documented sandbox key; a key given
// through REFPROVIDER_APP_KEY is referred to by that variable, never echoed.
func settingsBlock(r *refprovider.Running, mp *states.Server, appKeyFrom string) string {
	var b strings.Builder
	b.WriteString("\n# Settings for the conformance suite against this provider (paste into a shell):\n")
	fmt.Fprintf(&b, "export AUTOSHARES_BASE_URL=%s\n", r.BaseURL)
	switch {
	case strings.HasPrefix(appKeyFrom, "the documented sandbox default"):
		fmt.Fprintf(&b, "export AUTOSHARES_APP_KEY=%s\n", SandboxAppKey)
	case appKeyFrom == "REFPROVIDER_APP_KEY":
		b.WriteString("export AUTOSHARES_APP_KEY=\"$REFPROVIDER_APP_KEY\"\n")
	default:
		b.WriteString("export AUTOSHARES_APP_KEY=...  # the key given with --app-key\n")
	}
	if r.StateURL != "" {
		fmt.Fprintf(&b, "export AUTOSHARES_STATE_URL=%s\n", r.StateURL)
	}
	if mp != nil {
		fmt.Fprintf(&b, "export AUTOSHARES_MAILBOX_URL=%s\n", mp.APIURL)
	}
	b.WriteString("\n")
	return b.String()
}

// parseConfig resolves flags, environment and defaults, and collects every problem.
func parseConfig(args []string, getenv func(string) string) (config, bool, error) {
	fs := flag.NewFlagSet("refprovider", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	raw := map[string]*rawFlag{}
	for _, s := range flagSpecs {
		raw[s.name] = &rawFlag{isBool: s.isBool}
		fs.Var(raw[s.name], s.name, s.usage)
	}
	var probs []string
	known, help, scanProbs := scanArgs(fs, args)
	if help {
		return config{}, true, nil
	}
	probs = append(probs, scanProbs...)
	if err := fs.Parse(known); err != nil { // scanArgs leaves nothing for Parse to reject
		probs = append(probs, err.Error())
	}

	get := func(name string) setting {
		for _, s := range flagSpecs {
			if s.name != name {
				continue
			}
			if f := raw[name]; f.set {
				return setting{f.val, "--" + name}
			}
			if v := getenv(s.env()); v != "" {
				return setting{v, s.env()}
			}
			return setting{s.def, "default"}
		}
		panic("no flag " + name)
	}
	boolean := func(name string) bool {
		s := get(name)
		b, err := strconv.ParseBool(s.val)
		if err != nil {
			probs = append(probs, fmt.Sprintf("%s: %q is not true or false", s.from, s.val))
		}
		return b
	}
	duration := func(name string) time.Duration {
		s := get(name)
		d, err := time.ParseDuration(s.val)
		if err != nil || d <= 0 {
			probs = append(probs, fmt.Sprintf("%s: %q is not a positive duration such as 15m or 90s", s.from, s.val))
		}
		return d
	}

	var c config
	c.listFaults = boolean("list-faults")
	c.mailpit = boolean("mailpit")
	c.opts.TestMode = boolean("test-mode")
	allowNonLoopback := boolean("allow-non-loopback")

	listen := get("listen")
	c.listen = listen.val
	if host, port, err := net.SplitHostPort(listen.val); err != nil {
		probs = append(probs, fmt.Sprintf("%s: %q is not host:port", listen.from, listen.val))
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		probs = append(probs, fmt.Sprintf("%s: port %q is not a number from 0 to 65535", listen.from, port))
	} else if c.opts.TestMode && !allowNonLoopback && !isLoopback(host) {
		probs = append(probs, fmt.Sprintf("%s: %q is not a loopback address, and --test-mode lets anyone who "+
			"reaches it create traders and read their passwords; listen on 127.0.0.1, or add "+
			"--allow-non-loopback if this is intended", listen.from, listen.val))
	}

	appKey := get("app-key")
	c.opts.AppKey = appKey.val
	c.appKeyFrom = appKey.from
	if appKey.from == "default" {
		c.appKeyFrom = "the documented sandbox default (set REFPROVIDER_APP_KEY to change it)"
	}
	if strings.TrimSpace(appKey.val) == "" {
		probs = append(probs, appKey.from+": the app key is empty") // never echo a key
	}

	var bad []string
	c.opts.Faults, bad = switchNames(get("faults"), "fault switch", refprovider.FaultDescription, refprovider.FaultNames)
	probs = append(probs, bad...)
	c.opts.Quirks, bad = switchNames(get("quirks"), "quirk", refprovider.QuirkDescription, refprovider.QuirkNames)
	probs = append(probs, bad...)
	redirect := get("redirect-to")
	if u, err := url.Parse(redirect.val); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		probs = append(probs, fmt.Sprintf("%s: %q is not an absolute http or https URL", redirect.from, redirect.val))
	}
	c.opts.RedirectTo = redirect.val

	smtp := get("smtp")
	if smtp.val != "" {
		if host, port, err := net.SplitHostPort(smtp.val); err != nil || host == "" || port == "" {
			probs = append(probs, fmt.Sprintf("%s: %q is not host:port", smtp.from, smtp.val))
		}
	}
	c.opts.SMTPAddr = smtp.val
	if c.mailpit && smtp.val != "" {
		probs = append(probs, fmt.Sprintf("%s and --mailpit both say where mail goes; give one", smtp.from))
	}

	for _, a := range []struct {
		name string
		dst  *string
	}{{"mailpit-api", &c.mailpitAPI}, {"mailpit-smtp", &c.mailpitSMTP}} {
		v := get(a.name)
		*a.dst = v.val
		if v.val == "" {
			continue
		}
		if !c.mailpit {
			probs = append(probs, fmt.Sprintf("%s is set without --mailpit", v.from))
		} else if host, port, err := net.SplitHostPort(v.val); err != nil || !isLoopback(host) || port == "" || port == "0" {
			probs = append(probs, fmt.Sprintf("%s: %q is not a loopback host:port such as 127.0.0.1:8025", v.from, v.val))
		}
	}
	if c.mailpit && (c.mailpitAPI == "") != (c.mailpitSMTP == "") {
		probs = append(probs, "give both --mailpit-api and --mailpit-smtp, or neither")
	}

	latency := get("latency")
	if d, err := time.ParseDuration(latency.val); err != nil || d < 0 {
		probs = append(probs, fmt.Sprintf("%s: %q is not a duration of 0 or more such as 300ms", latency.from, latency.val))
	} else {
		c.opts.Latency = d
	}

	from := get("mail-from")
	if _, err := mail.ParseAddress(from.val); err != nil {
		probs = append(probs, fmt.Sprintf("%s: %q is not an email address", from.from, from.val))
	}
	c.opts.MailFrom = from.val

	c.opts.CodeTTL = duration("code-ttl")
	c.opts.TokenTTL = duration("token-ttl")
	c.opts.LockoutPeriod = duration("lockout-period")

	count := func(name string) int {
		s := get(name)
		n, err := strconv.Atoi(s.val)
		if err != nil || n < 0 {
			probs = append(probs, fmt.Sprintf("%s: %q is not a whole number of 0 or more", s.from, s.val))
		}
		return n
	}
	c.opts.RateLimit = count("rate-limit")
	// On the command line 0 switches a limit off; in Options 0 is the default and a
	// negative value is off.
	off := func(n int) int {
		if n == 0 {
			return -1
		}
		return n
	}
	c.opts.LoginLockout = off(count("login-lockout"))
	c.opts.CodeAttempts = off(count("code-attempts"))
	c.opts.MailLimit = off(count("mail-limit"))

	c.opts.TLS = boolean("tls")
	caOut, clientCA := get("tls-ca-out"), get("client-ca")
	c.tlsCAOut = caOut.val
	if caOut.val != "" && !c.opts.TLS {
		probs = append(probs, fmt.Sprintf("%s is set without --tls", caOut.from))
	}
	if clientCA.val != "" {
		if !c.opts.TLS {
			probs = append(probs, fmt.Sprintf("%s is set without --tls", clientCA.from))
		}
		pemBytes, err := os.ReadFile(clientCA.val)
		switch {
		case err != nil:
			probs = append(probs, fmt.Sprintf("%s: %v", clientCA.from, err))
		case !x509.NewCertPool().AppendCertsFromPEM(pemBytes):
			probs = append(probs, fmt.Sprintf("%s: %s holds no PEM certificate", clientCA.from, clientCA.val))
		default:
			c.opts.ClientCA = pemBytes
		}
	}

	minLen := get("min-password-length")
	n, err := strconv.Atoi(minLen.val)
	if err != nil || n < 1 {
		probs = append(probs, fmt.Sprintf("%s: %q is not a whole number of at least 1", minLen.from, minLen.val))
	}
	c.opts.MinPasswordLength = n

	iter := get("hash-iterations")
	if n, err := strconv.Atoi(iter.val); err != nil || n < 1 {
		probs = append(probs, fmt.Sprintf("%s: %q is not a whole number of at least 1", iter.from, iter.val))
	} else {
		c.opts.HashIterations = n
	}

	if traders := get("traders"); traders.val != "" {
		c.tradersSrc = traders.val
		ts, err := readTraders(traders.val)
		if err != nil {
			probs = append(probs, fmt.Sprintf("%s: %v", traders.from, err))
		} else if err := (refprovider.Options{AppKey: "x", Traders: ts}).Validate(); err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				probs = append(probs, fmt.Sprintf("%s: %s: %s", traders.from, traders.val, line))
			}
		}
		c.opts.Traders = ts
	}

	if len(probs) > 0 {
		return config{}, false, &usageError{probs}
	}
	return c, false, nil
}

// scanArgs splits args into what flag.Parse may see and problems, so that an unknown flag
// does not hide the problems after it. Values of unknown flags and stray arguments are
// never echoed: they may be keys or passwords typed in the wrong place.
func scanArgs(fs *flag.FlagSet, args []string) (known []string, help bool, probs []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			if rest := len(args) - i - 1; rest > 0 {
				probs = append(probs, fmt.Sprintf("%d unexpected argument(s) after --; refprovider takes flags only", rest))
			}
			break
		}
		name, ok := strings.CutPrefix(a, "--")
		if !ok {
			name, ok = strings.CutPrefix(a, "-")
		}
		if !ok || name == "" || name[0] == '-' || name[0] == '=' {
			probs = append(probs, fmt.Sprintf("unexpected argument #%d; refprovider takes flags only "+
				"(a boolean flag takes its value as --flag=false)", i+1))
			continue
		}
		name, _, hasValue := strings.Cut(name, "=")
		if name == "h" || name == "help" {
			return nil, true, nil
		}
		f := fs.Lookup(name)
		if f == nil {
			probs = append(probs, fmt.Sprintf("unknown flag --%s", name))
			if !hasValue && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				i++ // most likely its value
			}
			continue
		}
		if rf, _ := f.Value.(*rawFlag); (rf != nil && rf.isBool) || hasValue {
			known = append(known, a)
			continue
		}
		if i+1 >= len(args) {
			probs = append(probs, fmt.Sprintf("flag --%s needs a value", name))
			continue
		}
		known = append(known, a, args[i+1])
		i++
	}
	return known, false, probs
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// readTraders reads a JSON array of traders. Errors name the file and the JSON problem,
// never the file's content.
func readTraders(path string) ([]refprovider.Trader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := json.NewDecoder(io.LimitReader(f, 16<<20))
	dec.DisallowUnknownFields()
	var ts []refprovider.Trader
	if err := dec.Decode(&ts); err != nil {
		return nil, fmt.Errorf("%s: not a JSON array of traders: %v", path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: unexpected data after the JSON array", path)
	}
	return ts, nil
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `Usage: refprovider [flags]

Serves the reference implementation of the AutoShares password-reset API
(base URL http://LISTEN/api). Stops cleanly on SIGINT or SIGTERM.

Flags (each falls back to the environment variable shown, then to the default):
`)
	for _, s := range flagSpecs {
		arg := " VALUE"
		if s.isBool {
			arg = ""
		}
		def := ""
		if s.def != "" && s.def != "false" && s.name != "app-key" {
			def = " (default " + s.def + ")"
		}
		fmt.Fprintf(w, "  --%s%s\n      %s%s [%s]\n", s.name, arg, s.usage, def, s.env())
	}
	fmt.Fprint(w, `
Prefer REFPROVIDER_APP_KEY to --app-key: command lines are visible to other users.
Exit status: 0 after a clean stop, 2 for a bad command line or environment, 1 otherwise.
`)
}

// switchNames splits a comma-separated list of fault or quirk names and names every unknown
// one, with the setting it came from and the known names, so one message lists them all.
func switchNames(v setting, kind string, describe func(string) string, known func() []string) (names, problems []string) {
	for _, n := range strings.Split(v.val, ",") {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		if describe(n) == "" {
			problems = append(problems, fmt.Sprintf("%s: unknown %s %q; known: %s", v.from, kind, n, strings.Join(known(), ", ")))
			continue
		}
		names = append(names, n)
	}
	return names, problems
}
