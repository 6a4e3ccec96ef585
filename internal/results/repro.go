// Package repro writes how to reproduce a failure: the command that re-runs just the failed
// check with the same seed, and a curl command for the failing exchange in which every
// secret is a shell variable, with a note of where those values come from. Nothing secret is
// ever written: secret headers, fields and query parameters become variables by name, and
// the result goes through the redactor as well.
package results

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/redact"
)

// Labels is the label filter that selects the specs of a check; specs labelled slow run
// only when the filter names slow (internal/config).
func Labels(checks []string, slow bool) string {
	f := strings.Join(checks, " && ")
	if slow {
		f = "slow && " + f
	}
	return f
}

// Command is the launcher's name when the launcher did not say (config.InvokedAsEnv).
const Command = "autoshares-conformance"

// Rerun is the command that re-runs the specs selected by labels with the same seed of
// generated bodies, from the same settings. invokedAs is how the run was started: the
// launcher's file name, or a make command ("make conformance"); "" names Command.
func Rerun(labels string, seed int64, invokedAs string) string {
	const same = "with this run's AUTOSHARES_* settings or AUTOSHARES_CONFIG"
	if strings.HasPrefix(invokedAs, "make ") {
		return fmt.Sprintf("AUTOSHARES_SEED=%d %s LABELS=%s\n  (%s; or the release binary: AUTOSHARES_SEED=%d %s-<os>-<arch> --labels %s)",
			seed, invokedAs, quote(labels), same, seed, Command, quote(labels))
	}
	if invokedAs == "" || strings.ContainsAny(invokedAs, " \t\n'\"$`\\") {
		invokedAs = Command
	}
	return fmt.Sprintf("AUTOSHARES_SEED=%d %s --labels %s\n"+
		"  (from a checkout: AUTOSHARES_SEED=%d make conformance LABELS=%s; both %s)",
		seed, invokedAs, quote(labels), seed, quote(labels), same)
}

// vars maps secret header and field names to the shell variable that stands for them.
var vars = map[string]string{
	"et-app-key": "AUTOSHARES_APP_KEY", "password": "PASSWORD", "passwordconfirmation": "PASSWORD_CONFIRMATION",
	"token": "TOKEN", "code": "CODE", "secretquestionanswer": "ANSWER", "authorization": "AUTHORIZATION",
	"cookie": "COOKIE", "pincode": "PIN_CODE", "verificationcode": "VERIFICATION_CODE",
}

func varFor(name string) (string, bool) {
	v, ok := vars[strings.ToLower(name)]
	if !ok && (slices.ContainsFunc(redact.SecretHeaders, func(h string) bool { return strings.EqualFold(h, name) }) ||
		slices.ContainsFunc(redact.SecretFields, func(f string) bool { return strings.EqualFold(f, name) })) {
		v, ok = strings.ToUpper(name), true
	}
	return v, ok
}

// skipHeaders are set by curl itself, or only describe the Go client.
var skipHeaders = map[string]bool{"Content-Length": true, "User-Agent": true, "Accept-Encoding": true}

// piece is a literal or a shell variable; a word is pieces joined without spaces.
type piece struct {
	lit  string
	name string // a variable when not empty
}

func word(ps ...piece) string {
	// Adjacent literals are quoted together: 'a''b' reads worse than 'ab'.
	var merged []piece
	for _, p := range ps {
		if n := len(merged); n > 0 && p.name == "" && merged[n-1].name == "" {
			merged[n-1].lit += p.lit
			continue
		}
		merged = append(merged, p)
	}
	var b strings.Builder
	for _, p := range merged {
		if p.name != "" {
			b.WriteString(`"$` + p.name + `"`)
		} else if p.lit != "" {
			b.WriteString(quote(p.lit))
		}
	}
	return b.String()
}

// quote single-quotes s for a POSIX shell.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// Curl is a curl command for the exchange, with the variables it uses. masked says its body
// holds a secret no variable could stand for, masked: the command cannot be run as is.
func Curl(ex *client.Exchange, r *redact.Redactor) (cmd string, used []string, masked bool) {
	seen := map[string]bool{}
	use := func(v string) piece {
		if !seen[v] {
			seen[v] = true
			used = append(used, v)
		}
		return piece{name: v}
	}
	args := []string{"curl", "-sS", "-i", "-X", ex.Method}
	// The URL, with secret query parameters as variables.
	u, err := url.Parse(ex.URL)
	if err != nil {
		args = append(args, quote(r.String(ex.URL)))
	} else {
		base := *u
		base.RawQuery = ""
		ps := []piece{{lit: r.String(base.String())}}
		q := u.Query()
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			for j, val := range q[k] {
				sep := "&"
				if i == 0 && j == 0 {
					sep = "?"
				}
				ps = append(ps, piece{lit: sep + url.QueryEscape(k) + "="})
				if v, secret := varFor(k); secret {
					ps = append(ps, use(v))
				} else {
					ps = append(ps, piece{lit: url.QueryEscape(r.String(val))})
				}
			}
		}
		args = append(args, word(ps...))
	}
	names := make([]string, 0, len(ex.RequestHeader))
	for k := range ex.RequestHeader {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if skipHeaders[k] {
			continue
		}
		for _, val := range ex.RequestHeader[k] {
			// The app key is the run's one configured secret of its header, known to the
			// redactor: any other value there (a wrong key of a negative spec) is no secret,
			// and the command must send it as the run did, or it reproduces another answer.
			if strings.EqualFold(k, "Et-App-Key") && r.String(val) == val {
				args = append(args, "-H", word(piece{lit: k + ": " + val}))
				continue
			}
			if v, secret := varFor(k); secret {
				args = append(args, "-H", word(piece{lit: k + ": "}, use(v)))
			} else {
				args = append(args, "-H", word(piece{lit: k + ": " + r.String(val)}))
			}
		}
	}
	if len(ex.RequestBody) > 0 {
		b, m := body(ex.RequestBody, r, use)
		args = append(args, "--data-raw", b)
		masked = masked || m
	}
	return r.String(strings.Join(args, " ")), used, masked
}

// body is the request body as one shell word, byte for byte as sent: in a JSON object, the
// string values of secret fields become variables (PasswordConfirmation the same as
// Password when the values are equal); everything else is kept as sent, masked. masked
// says the masking changed something, a value the command cannot send as the run did.
func body(raw []byte, r *redact.Redactor, use func(string) piece) (w string, masked bool) {
	var ps []piece
	lit := func(s string) {
		m := r.String(s)
		masked = masked || m != s
		ps = append(ps, piece{lit: m})
	}
	at := 0
	for _, sp := range secretStrings(raw) {
		lit(string(raw[at:sp.start]))
		ps = append(ps, use(sp.name))
		at = sp.end
	}
	lit(string(raw[at:]))
	return word(ps...), masked
}

// span is the inside of a JSON string literal of the body (between its quotes) that a
// variable stands for.
type span struct {
	start, end int
	name       string
}

// secretStrings finds, in a JSON object body, the string values of its secret top-level
// fields, in order. Anything but one valid JSON object gives none: the body is then kept
// masked. The decoder reads numbers as written (UseNumber) and only locates the values:
// the body itself is never re-encoded.
func secretStrings(raw []byte) []span {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	type found struct {
		span
		key, value string
	}
	var all []found
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil
		}
		key, _ := kt.(string)
		before := int(dec.InputOffset())
		vt, err := dec.Token()
		if err != nil {
			return nil
		}
		switch v := vt.(type) {
		case json.Delim:
			if skipNested(dec) != nil {
				return nil
			}
		case string:
			name, secret := varFor(key)
			if !secret {
				continue
			}
			end := int(dec.InputOffset())
			// Between the key and the value come only ':' and white space.
			open := bytes.IndexByte(raw[before:end], '"')
			if open < 0 {
				return nil
			}
			all = append(all, found{span{before + open + 1, end - 1, name}, key, v})
		}
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return nil
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil // more after the object
	}
	password, hasPassword := "", false
	for _, f := range all {
		if strings.EqualFold(f.key, "Password") {
			password, hasPassword = f.value, true
		}
	}
	out := make([]span, len(all))
	for i, f := range all {
		if strings.EqualFold(f.key, "PasswordConfirmation") && hasPassword && f.value == password {
			f.name = "PASSWORD"
		}
		out[i] = f.span
	}
	return out
}

// skipNested reads the rest of an object or array whose opening token was just read.
func skipNested(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := t.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

// Note says where the variables' values come from, and whether the body holds masked
// values (Curl's masked). states are the provider states the spec set up; embedded says the
// target was the suite's own, gone after the run.
func Note(used []string, states []string, embedded, masked bool) string {
	var lines []string
	if masked {
		lines = append(lines, "The body contains masked values ("+redact.Mask+"): put the values the run sent in their place.")
	}
	var flow []string
	for _, v := range used {
		switch v {
		case "AUTOSHARES_APP_KEY":
			lines = append(lines, "$AUTOSHARES_APP_KEY is the app key of the run (the setting of that name).")
		default:
			flow = append(flow, "$"+v)
		}
	}
	if len(flow) > 0 {
		from := "the test trader's settings (AUTOSHARES_TEST_TRADERS) and the flow's earlier steps (step 3's reply holds the token, the mail the code)"
		if len(states) > 0 {
			qs := make([]string, len(states))
			for i, s := range states {
				qs[i] = fmt.Sprintf("%q", s)
			}
			from = fmt.Sprintf("the provider state %s: POST {\"action\":\"setup\",\"state\":...} to AUTOSHARES_STATE_URL returns them; or %s", strings.Join(qs, ", "), from)
		}
		verb := " come from "
		if len(flow) == 1 {
			verb = " comes from "
		}
		lines = append(lines, strings.Join(flow, ", ")+verb+from+".")
	}
	if embedded {
		lines = append(lines, "The run used the embedded reference provider, gone after the run: `make sandbox` serves the same API on 127.0.0.1:8080 (app key sandbox-app-key).")
	}
	return strings.Join(lines, "\n  ")
}

// Block is the whole reproduction block for a failure (without Mark).
func Block(rerun, curl, note string) string {
	var b strings.Builder
	b.WriteString("  " + strings.ReplaceAll(rerun, "\n", "\n  "))
	if curl != "" {
		b.WriteString("\n  " + curl)
	}
	if note != "" {
		b.WriteString("\n  " + note)
	}
	return b.String()
}
