package suite

// Judgements of the credential-recovery security profile (docs/SECURITY.md): OWASP ASVS
// 5.0, NIST SP 800-63B-4 and RFC 9111, each about what a black-box client can observe.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/autoshares/conformance/internal/client"
)

// Refusal: the request was refused, whatever the reason: a 4xx that does not claim success
// (a lock, a rate limit with 429, a plain wrong-answer error). Used where any refusal is the
// right answer, e.g. the right secret answer after too many wrong ones.
func (r Rules) Refusal(v *Verdict, what string) *Verdict {
	ex := v.Exchange
	if ex.Status == http.StatusTooManyRequests {
		return v
	}
	v.Expect(ex.Status >= 400 && ex.Status < 500, KindStatus, "status: %s: expected a refusal (a 4xx, or 429), got %d%s", what, ex.Status, StatusHint(ex.Status))
	var env Envelope
	if json.Unmarshal(ex.ResponseBody, &env) == nil {
		v.Expect(string(env.IsSucceed) != "true", KindIsSucceed, "IsSucceed: %s: expected a refusal, got true", what)
	}
	return v
}

// NotLoggedIn: a login that must not succeed did not: no 2xx and no token. The exact shape
// of a refused login is the login checks' business; a security check that sends wrong
// passwords accepts any refusal, since an account may be locked after a few failures
// (423, 403, another State) and a lock is never a defect. It returns the token, if any,
// for the redactor.
func (r Rules) NotLoggedIn(v *Verdict, why string) string {
	ex := v.Exchange
	var body struct{ Token string }
	_ = json.Unmarshal(ex.ResponseBody, &body)
	v.Expect(ex.Status/100 != 2, KindLoggedIn, "login %s: status: expected a refusal, got %d", why, ex.Status).
		Expect(body.Token == "", KindLoggedIn, "login %s: Token: expected none, got one", why)
	return body.Token
}

// RefusalKind is how a refusal reads to a client: its status and its ErrorsCode entries.
// When wrong answers start to be refused in another way than the first was (another
// status, another code: most often a lock), the brute-force check tries the right answer
// early instead of sending every guess it may.
func RefusalKind(ex *client.Exchange) string {
	var env struct{ ErrorsCode []string }
	_ = json.Unmarshal(ex.ResponseBody, &env)
	codes := slices.Clone(env.ErrorsCode)
	slices.Sort(codes)
	return fmt.Sprintf("%d %s", ex.Status, strings.Join(codes, ","))
}

// CodePatternProblems says what pattern, if any, confirmation codes show. The codes are a
// set, not a sequence: they are issued together, each to a trader of its own, so the order
// the target issued them in is unknown, and other clients' codes may fall among them (the
// spec runs beside the others, and staging has other users). Each rule is one that a
// random generator of codes meets by chance far less than once in a million runs of the
// fewest codes the setting allows (docs/SECURITY.md works out the odds), so a single
// repeat is allowed: 8 random 6-digit codes repeat one of them once in about 36 000 runs.
//   - half or more of the codes repeat another one (all equal included);
//   - the codes are clustered: all within a stretch of (codes-1) thousandths of the code
//     space (modulo 10^digits: a counter that wraps is still one stretch), ±1000 a code
//     for 6 digits, ±10 for 4: a counter, even one other traders' codes advance meanwhile;
//   - the codes lie on one arithmetic progression, modulo 10^digits, with at most
//     2×codes steps between any two: a generator that adds a constant, however large,
//     even with a few codes of other clients between.
//
// Codes that are not all numbers of one length are judged on repeats alone.
func CodePatternProblems(codes []string) []string {
	var problems []string
	seen := map[string]bool{}
	repeats := 0
	for _, c := range codes {
		if seen[c] {
			repeats++
		}
		seen[c] = true
	}
	if len(codes) > 0 && 2*repeats >= len(codes) {
		problems = append(problems, fmt.Sprintf("codes repeat: %d of %d codes issued together repeat another one: predictable", repeats, len(codes)))
	}
	nums, modulus, ok := numericCodes(codes)
	if !ok {
		return problems
	}
	slices.Sort(nums)
	nums = slices.Compact(nums)
	if len(nums) < 3 {
		return problems // repeats, judged above
	}
	n := int64(len(nums)) // a counter issues no repeats
	if span, bound := circularSpan(nums, modulus), (n-1)*codeStepWindow(modulus); span <= bound {
		problems = append(problems, fmt.Sprintf("codes are clustered: %d codes issued together all lie within a stretch of %d of the %d possible codes (at most %d is a counter's, even with other clients' codes between): predictable: a counter, not a random generator", len(codes), span, modulus, bound))
	} else if step, ok := progressionStep(nums, modulus, 2*n); ok {
		problems = append(problems, fmt.Sprintf("codes follow a constant step of %d: %d codes issued together all lie on one arithmetic progression modulo %d, at most %d steps apart: predictable", step, len(codes), modulus, 2*n))
	}
	return problems
}

// codeStepWindow: a step this small between codes issued one after another is a counter's.
// It follows the code space (a thousandth of it), so random codes meet it with the same
// odds at every length: a fixed ±1000 would be a fifth of all 4-digit codes.
func codeStepWindow(modulus int64) int64 {
	return max(modulus/1000, 1)
}

// circularSpan is the shortest stretch of the code space, read modulo modulus (so that
// ...998, ...999, 000, 001 is one short stretch), that holds every one of the sorted,
// distinct nums: the space less its widest gap between neighbours.
func circularSpan(nums []int64, modulus int64) int64 {
	gap := nums[0] + modulus - nums[len(nums)-1] // from the last round to the first
	for i := 1; i < len(nums); i++ {
		gap = max(gap, nums[i]-nums[i-1])
	}
	return modulus - gap
}

// progressionStep finds a step d (0 < d <= modulus/2) such that every one of the distinct
// nums is a + j×d modulo modulus for one of them, a, and |j| <= maxSteps: an arithmetic
// progression seen in any order, with gaps where other codes went. Each candidate step is
// the difference of two of the codes (two codes issued one after the other, nothing
// between), so at least two of them must be neighbours in the progression.
func progressionStep(nums []int64, modulus, maxSteps int64) (int64, bool) {
	for i, a := range nums {
		for _, b := range nums[i+1:] {
			d := b - a
			if d > modulus/2 {
				d = modulus - d
			}
			if onProgression(nums, a, d, modulus, maxSteps) {
				return d, true
			}
		}
	}
	return 0, false
}

// onProgression says whether every one of nums is a + j×d modulo modulus for some |j| <= maxSteps.
func onProgression(nums []int64, a, d, modulus, maxSteps int64) bool {
	for _, c := range nums {
		found := false
		for j := -maxSteps; j <= maxSteps && !found; j++ {
			found = ((a+j*d)%modulus+modulus)%modulus == c
		}
		if !found {
			return false
		}
	}
	return true
}

func numericCodes(codes []string) ([]int64, int64, bool) {
	if len(codes) == 0 || len(codes[0]) == 0 || len(codes[0]) > 12 {
		return nil, 0, false
	}
	digits := len(codes[0])
	var nums []int64
	for _, c := range codes {
		n, err := strconv.ParseInt(c, 10, 64)
		if err != nil || len(c) != digits || n < 0 {
			return nil, 0, false
		}
		nums = append(nums, n)
	}
	modulus := int64(1)
	for range digits {
		modulus *= 10
	}
	return nums, modulus, true
}

// NotSharedCacheable: a response that carries a secret (a reset token, a session token) is
// not stored by a shared cache (RFC 9111): no Cache-Control public, no max-age or s-maxage
// above 0, no Expires in the future (max-age and s-maxage override Expires), unless
// Cache-Control says no-store, private or s-maxage=0, which win for a shared cache. No cache header at all is fine:
// a POST response is not cacheable by default (RFC 9110 9.3.3).
func (r Rules) NotSharedCacheable(v *Verdict, what string) *Verdict {
	problems := CacheProblems(v.Exchange.ResponseHeader, time.Now())
	for _, p := range problems {
		v.Expect(false, KindCaching, "%s: %s", what, p)
	}
	return v
}

// CacheProblems lists why a shared cache may store a response with these headers; now is
// the client's clock, used when the response has no Date.
func CacheProblems(h http.Header, now time.Time) []string {
	cc := cacheDirectives(h.Values("Cache-Control"))
	var problems []string
	_, public := cc["public"]
	_, private := cc["private"]
	_, noStore := cc["no-store"]
	sMaxAge, hasSMaxAge := cc["s-maxage"]
	if noStore || private || hasSMaxAge && sMaxAge == "0" {
		// A shared cache does not store (no-store, private) or keeps nothing fresh
		// (s-maxage=0 overrides max-age and Expires for it), whatever else is said.
		return nil
	}
	if public {
		problems = append(problems, fmt.Sprintf("Cache-Control: %q says public: any shared cache may store the secret it carries", strings.Join(h.Values("Cache-Control"), ", ")))
	}
	for _, d := range []string{"max-age", "s-maxage"} {
		if val, ok := cc[d]; ok {
			if n, err := strconv.Atoi(val); err == nil && n > 0 {
				problems = append(problems, fmt.Sprintf("Cache-Control: %s=%d without private or no-store: a shared cache may keep the secret it carries", d, n))
			}
		}
	}
	_, maxAge := cc["max-age"]
	if exp := h.Get("Expires"); exp != "" && !maxAge && !hasSMaxAge { // both override Expires
		if t, err := http.ParseTime(exp); err == nil {
			base, slack := now, time.Minute // the client's clock may differ from the target's
			if d, err := http.ParseTime(h.Get("Date")); err == nil {
				base, slack = d, 0
			}
			if t.After(base.Add(slack)) {
				problems = append(problems, fmt.Sprintf("Expires: %s is in the future: a shared cache may keep the secret it carries until then", exp))
			}
		}
	}
	return problems
}

// cacheDirectives parses Cache-Control values into lower-case directive names and values.
func cacheDirectives(values []string) map[string]string {
	out := map[string]string{}
	for _, line := range values {
		for _, part := range strings.Split(line, ",") {
			name, val, _ := strings.Cut(strings.TrimSpace(part), "=")
			if name = strings.ToLower(strings.TrimSpace(name)); name != "" {
				out[name] = strings.Trim(strings.TrimSpace(val), `"`)
			}
		}
	}
	return out
}

// internals are what an error body must not show a client (ASVS 5.0 V16): stack frames,
// exception type names, source paths, SQL. Each pattern is specific enough not to meet an
// ordinary validation message ("The JSON value could not be converted to System.String").
var internals = []struct {
	what string
	re   *regexp.Regexp
}{
	{"a .NET stack frame", regexp.MustCompile(`(?m)(^|\s)at [\w.` + "`" + `<>]+\.[\w` + "`" + `<>|]+\(.*\)`)},
	{"a .NET source line", regexp.MustCompile(`\.cs:line \d+`)},
	{"a Java stack frame", regexp.MustCompile(`at [\w.$]+\([\w]+\.(java|kt|scala):\d+\)`)},
	{"a Go stack trace", regexp.MustCompile(`goroutine \d+ \[|\.go:\d+\b`)},
	{"a Python traceback", regexp.MustCompile(`Traceback \(most recent call last\)|File "[^"]+", line \d+`)},
	{"a JavaScript stack frame", regexp.MustCompile(`\.(js|mjs|cjs|ts):\d+:\d+`)},
	{"a source file and line", regexp.MustCompile(`\.(php|rb|py|cs|java):\d+\b|\.php on line \d+`)},
	{"an exception type name", regexp.MustCompile(`\b(System|Microsoft|java|javax|org|com)\.[\w.]*(Exception|Error)\b|\bjava\.lang\.|\b(NullReference|InvalidOperation|ArgumentNull|IndexOutOfRange|NullPointer|Sql)Exception\b`)},
	{"a source path", regexp.MustCompile(`(?i)\b[a-z]:\\[^"\s]+\\|(^|[\s"'(])/(home|src|app|usr|var|opt|build|go|root|srv)/[\w./-]+\.(cs|java|go|py|js|ts|rb|php|dll)\b`)},
	{"an SQL fragment", regexp.MustCompile(`\bSELECT\s+(\*|[\w.\[\]"]+(\s*,\s*[\w.\[\]"]+)*)\s+FROM\s+[\w.\[\]"]+|\bINSERT\s+INTO\s+[\w.\[\]"]+|\bUPDATE\s+[\w.\[\]"]+\s+SET\s+[\w.\[\]"]+\s*=|\bDELETE\s+FROM\s+[\w.\[\]"]+|\bSQLSTATE\b|\bORA-\d{5}\b|syntax error at or near|error in your SQL syntax`)},
}

// InternalsProblems lists what internals an error body shows. A JSON body is judged on
// its strings (keys and values), with their escapes undone, so a stack trace inside a JSON
// string reads as the lines it is.
func InternalsProblems(body []byte) []string {
	text := string(body)
	var v any
	if json.Unmarshal(body, &v) == nil {
		var b strings.Builder
		jsonStrings(v, &b)
		text = b.String()
	}
	var problems []string
	for _, p := range internals {
		if m := p.re.FindString(text); m != "" {
			problems = append(problems, fmt.Sprintf("body: shows %s (%q): an error must not reveal the server's internals", p.what, strings.TrimSpace(cutText(m, 80))))
		}
	}
	return problems
}

func jsonStrings(v any, b *strings.Builder) {
	switch t := v.(type) {
	case string:
		b.WriteString(t)
		b.WriteByte('\n')
	case []any:
		for _, e := range t {
			jsonStrings(e, b)
		}
	case map[string]any:
		for k, e := range t {
			b.WriteString(k)
			b.WriteByte('\n')
			jsonStrings(e, b)
		}
	}
}

func cutText(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// NoInternals: an error response (4xx, 5xx) shows no stack frame, exception type, source
// path or SQL (ASVS 5.0 V16). Success bodies are the documented envelopes, judged elsewhere.
func (r Rules) NoInternals(v *Verdict) *Verdict {
	if v.Exchange.Status < 400 {
		return v
	}
	for _, p := range InternalsProblems(v.Exchange.ResponseBody) {
		v.Expect(false, KindInternals, "%s", p)
	}
	return v
}
