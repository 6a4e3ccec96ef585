package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Security holds the settings of the credential-recovery security profile
// (docs/SECURITY.md): each default is what OWASP ASVS 5.0 or NIST SP 800-63B-4 requires, and
// a deployment that legitimately chose otherwise says so here.
type Security struct {
	// PasswordMaxLengthRequired: a new password of this many characters must be accepted
	// and verified exactly (ASVS 6.2.9: at least 64); 0 = neither checked.
	PasswordMaxLengthRequired int
	CheckBlocklist            bool           // common passwords are refused (ASVS 6.2.4)
	Blocklist                 []string       // the common passwords tried
	MaxFailedAnswers          int            // wrong secret answers after which the right one is refused too; 0 = not checked
	CodeSamples               int            // confirmation codes compared for a pattern
	HSTSMinAge                int            // the least Strict-Transport-Security max-age (seconds) of an https response; 0 = not checked
	CORSOrigin                string         // the foreign Origin the CORS check sends
	NoMailWait                time.Duration  // how long a refused request's mail may take to (not) arrive
	MaxResetMails             int            // step 1 requests for one trader that may mail it; 0 = not checked
	CodePattern               *regexp.Regexp // how a code mail shows its code; nil = mailbox.FindCode's default
	// ContextWords: the product's names, refused in new passwords with the trader's login
	// and e-mail address (ASVS 6.2.11).
	ContextWords    []string
	MaxFailedCodes  int           // wrong step 3 codes after which a pending code is refused too; 0 = not checked
	MaxFailedLogins int           // failed logins of one account after which the right password is refused too; 0 = not checked
	MinCodeDigits   int           // the fewest digits a numeric confirmation code may have; 0 = not checked
	TimingSamples   int           // step 1 requests per user the response-time finding compares; 0 = not measured
	MaxCodeLifetime time.Duration // a code issued longer ago than this is refused; 0 = not checked

	blocklistPlaces []int // each Blocklist entry's place (1-based) in AUTOSHARES_BLOCKLIST
}

// Bounds of the security settings.
const (
	// MinBlocklistEntry: a shorter entry would be refused for its length alone, proving
	// nothing about a blocklist (NIST's minimum password length).
	MinBlocklistEntry = 8
	// MinCodeSamples: with fewer codes a random generator could show a "pattern" by chance
	// more often than once in a million runs (docs/SECURITY.md works out the odds).
	MinCodeSamples = 6
	MaxCodeSamples = 32
	// MaxFailedAnswersLimit: NIST SP 800-63B-4 allows at most 100.
	MaxFailedAnswersLimit = 100
	// MaxResetMailsLimit bounds the mail-flooding check's requests (it sends a few more).
	MaxResetMailsLimit = 100
	// MaxTimingSamples bounds the response-time comparison's cost.
	MaxTimingSamples = 200
)

// DefaultBlocklist: common passwords of at least 8 characters from public breach lists.
const DefaultBlocklist = "password1,12345678,qwerty123,iloveyou"

// DefaultContextWords: the white label's name and the platform's (ASVS 6.2.11).
const DefaultContextWords = "AutoShares,ETNA"

// MinContextWord: a shorter word would be found inside ordinary passwords by chance.
const MinContextWord = 3

func securitySettings() []Setting {
	return []Setting{
		{Env: "AUTOSHARES_PASSWORD_MAX_LENGTH_REQUIRED", Default: "64", Doc: "A new password of this many characters is accepted by step 4, logs in, and is verified exactly: its prefixes (at 16, 20, 32, 50, 64, 72 and one character short, below its length) and its letter case swapped do not log in (ASVS 6.2.8, 6.2.9: permit at least 64; NIST: no truncation). A target may refuse longer ones. `0` skips these checks.",
			apply: func(c *Config, v string) (err error) {
				n, err := parseIntIn(v, 0, 1024)
				if err == nil && n != 0 && n < 16 {
					err = fmt.Errorf("%q: 0, or a length of 16 or more (a shorter maximum is no long-password check)", v)
				}
				c.Security.PasswordMaxLengthRequired = n
				return err
			}},
		{Env: "AUTOSHARES_CHECK_BLOCKLIST", Default: "true", Doc: "Common passwords (AUTOSHARES_BLOCKLIST) are refused by step 4 as a client error and change nothing (ASVS 6.2.4, NIST SP 800-63B-4 SHALL). `false` skips the check, for a deployment whose blocklist is enforced elsewhere.",
			apply: func(c *Config, v string) (err error) { c.Security.CheckBlocklist, err = parseBool(v); return }},
		{Env: "AUTOSHARES_BLOCKLIST", Secret: true, Default: DefaultBlocklist, Doc: fmt.Sprintf("Comma-separated common passwords the blocklist check tries, each of at least %d characters and of AUTOSHARES_EXPECT_MIN_PASSWORD_LENGTH (shorter ones would be refused for their length alone): among the most common in public breach lists.", MinBlocklistEntry),
			apply: func(c *Config, v string) error {
				c.Security.Blocklist, c.Security.blocklistPlaces = nil, nil
				for i, p := range strings.Split(v, ",") {
					if p = strings.TrimSpace(p); p != "" {
						c.Security.Blocklist = append(c.Security.Blocklist, p)
						c.Security.blocklistPlaces = append(c.Security.blocklistPlaces, i+1)
					}
				}
				if len(c.Security.Blocklist) == 0 {
					return fmt.Errorf("names no password (to skip the check: AUTOSHARES_CHECK_BLOCKLIST=false)")
				}
				return nil
			}},
		{Env: "AUTOSHARES_MAX_FAILED_ANSWERS", Default: "100", Doc: fmt.Sprintf("After this many wrong secret answers for one trader (sent concurrently, AUTOSHARES_MAX_IN_FLIGHT at a time), step 1 refuses the right answer too (a 4xx; a 429 only if another trader's answer is not throttled, else it is waited out and the right answer must still be refused), and another trader is not affected (ASVS 6.3.1; NIST SP 800-63B-4 3.2.2: at most %d). A target that locks earlier passes. `0` skips the check.", MaxFailedAnswersLimit),
			apply: func(c *Config, v string) (err error) {
				c.Security.MaxFailedAnswers, err = parseIntIn(v, 0, MaxFailedAnswersLimit)
				return
			}},
		{Env: "AUTOSHARES_PASSWORD_CONTEXT_WORDS", Default: DefaultContextWords, Doc: fmt.Sprintf("Comma-separated product names (each of at least %d characters) that step 4 must refuse in a new password, with the trader's login, e-mail address and its local part: each followed by fewer other characters than the minimum length (ASVS 6.2.11). `none` checks the login and e-mail address only.", MinContextWord),
			apply: func(c *Config, v string) error {
				c.Security.ContextWords = nil
				if strings.EqualFold(strings.TrimSpace(v), "none") {
					return nil
				}
				for _, w := range strings.Split(v, ",") {
					if w = strings.TrimSpace(w); w == "" {
						continue
					}
					if utf8.RuneCountInString(w) < MinContextWord {
						return fmt.Errorf("%q is shorter than %d characters: a target cannot tell it from ordinary letters", w, MinContextWord)
					}
					c.Security.ContextWords = append(c.Security.ContextWords, w)
				}
				return nil
			}},
		{Env: "AUTOSHARES_MAX_FAILED_CODES", Default: "10", Doc: fmt.Sprintf("After this many wrong step 3 codes (sent concurrently, of the pending code's length; step 3 takes a code alone, so each is a guess at every pending code), a pending code is refused too, its 429 waited out (ASVS 6.6.3; NIST SP 800-63B-4 3.2.2: at most %d). A limit per client, per code or for all codes passes; one that answers the right code after the wrong ones fails. The spec runs alone, after every other spec: it may void every pending code of the target. `0` skips the check.", MaxFailedAnswersLimit),
			apply: func(c *Config, v string) (err error) {
				c.Security.MaxFailedCodes, err = parseIntIn(v, 0, MaxFailedAnswersLimit)
				return
			}},
		{Env: "AUTOSHARES_MAX_FAILED_LOGINS", Default: "100", Doc: fmt.Sprintf("After this many failed logins of one account (a trader of its own, made by the state endpoint; sent concurrently), login refuses the right password too, its 429 waited out, also when the failures used other spellings of the login the target accepts as that account (ASVS 6.3.1, 6.3.4; NIST SP 800-63B-4 3.2.2: at most %d). A target that locks earlier passes. `0` skips both checks.", MaxFailedAnswersLimit),
			apply: func(c *Config, v string) (err error) {
				c.Security.MaxFailedLogins, err = parseIntIn(v, 0, MaxFailedAnswersLimit)
				return
			}},
		{Env: "AUTOSHARES_MIN_CODE_DIGITS", Default: "6", Doc: "The fewest digits a numeric confirmation code may have (ASVS 6.5.4: at least 20 bits; NIST SP 800-63B-4 4.2.1.2: at least 6 random digits). A code of other characters must carry as many bits: its length times log2 of its alphabet (digits, letters of one case, or both). `0` skips the check.",
			apply: func(c *Config, v string) (err error) {
				c.Security.MinCodeDigits, err = parseIntIn(v, 0, 64)
				return
			}},
		{Env: "AUTOSHARES_MAX_CODE_LIFETIME", Default: "10m", Doc: "The longest a confirmation code may live (ASVS 6.5.5: at most 10 minutes; NIST SP 800-63B-4 4.2.1.2: 24 hours for a code sent by e-mail): with a state endpoint that takes the pending-code state's param CodeIssuedSecondsAgo (fixtures/provider-states.json), a code issued this long ago and 5 seconds more is refused by step 3. `0` skips the check.",
			apply: func(c *Config, v string) (err error) {
				if v == "0" {
					c.Security.MaxCodeLifetime = 0
					return nil
				}
				c.Security.MaxCodeLifetime, err = parsePositiveDuration(v)
				if err == nil && c.Security.MaxCodeLifetime > 24*time.Hour {
					err = fmt.Errorf("%q: at most 24h (NIST SP 800-63B-4 4.2.1.2), or 0 to skip the check", v)
				}
				return err
			}},
		{Env: "AUTOSHARES_TIMING_SAMPLES", Default: "4", Doc: fmt.Sprintf("Step 1 requests for a known and for an unknown user (interleaved in pairs, AUTOSHARES_MAX_IN_FLIGHT requests at a time) whose response times the response-time finding compares (ASVS 6.3.8): medians, spread and count are reported, never failed. Up to %d; `0` measures nothing.", MaxTimingSamples),
			apply: func(c *Config, v string) (err error) {
				c.Security.TimingSamples, err = parseIntIn(v, 0, MaxTimingSamples)
				return
			}},
		{Env: "AUTOSHARES_CODE_SAMPLES", Default: "8", Doc: fmt.Sprintf("How many confirmation codes, issued together (each to a fresh trader), the code-pattern check compares (%d to %d): codes from a random generator show a pattern (half or more repeats, all within a stretch of a thousandth of the code space per code, or all on one arithmetic progression) far less than once in a million runs.", MinCodeSamples, MaxCodeSamples),
			apply: func(c *Config, v string) (err error) {
				c.Security.CodeSamples, err = parseIntIn(v, MinCodeSamples, MaxCodeSamples)
				return
			}},
		{Env: "AUTOSHARES_HSTS_MIN_AGE", Default: "31536000", Doc: "Every response of an https target carries Strict-Transport-Security with a max-age of at least this many seconds (ASVS 3.4.1: a year). Not checked on an http target, whose responses RFC 6797 keeps free of the field. `0` skips the check.",
			apply: func(c *Config, v string) (err error) {
				c.Security.HSTSMinAge, err = parseIntIn(v, 0, 1<<31-1)
				return
			}},
		{Env: "AUTOSHARES_CORS_ORIGIN", Default: "https://attacker.invalid", Doc: "The foreign origin the CORS check sends as Origin, in simple requests and OPTIONS preflights: no response may allow it with credentials, nor allow `*` with credentials (ASVS 3.4.2). Choose one outside the deployment's allowlist of origins.",
			apply: func(c *Config, v string) error {
				u, err := url.Parse(v)
				if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil {
					return fmt.Errorf("%q: an origin, scheme and host only (https://attacker.invalid)", v)
				}
				c.Security.CORSOrigin = v
				return nil
			}},
		{Env: "AUTOSHARES_NO_MAIL_WAIT", Default: "2s", Doc: "The longest the mail checks give mail that must not come (after a refused reset request, beyond the mail-flooding limit) to arrive: they give it twice as long as the target's own mail in the same spec took to arrive (at least 0.25 s), up to this, waited while the spec goes on where it can; mail arriving later, until the spec reads the mailbox at its end, counts too. Raise it for a target whose mail is slow and uneven.",
			apply: func(c *Config, v string) (err error) { c.Security.NoMailWait, err = parsePositiveDuration(v); return }},
		{Env: "AUTOSHARES_MAX_RESET_MAILS", Default: "20", Doc: fmt.Sprintf("After this many step 1 requests for one fresh trader (sent at once, with 3 more; a 429 waited out and resent), no further request mails it (the cheat sheet's Forgot Password Request: no mail flooding); more mail within AUTOSHARES_NO_MAIL_WAIT fails. Needs AUTOSHARES_STATE_URL (fresh traders). `0` skips the check; at most %d.", MaxResetMailsLimit),
			apply: func(c *Config, v string) (err error) {
				c.Security.MaxResetMails, err = parseIntIn(v, 0, MaxResetMailsLimit)
				return
			}},
		{Env: "AUTOSHARES_CODE_PATTERN", Doc: "A regular expression (Go syntax) that finds the code in the target's code mail, its first group being the code (e.g. `PIN: (\\d{6})`). Unset: the documented `Confirmation code: NNNNNN`, else a mail with exactly one 6-digit number; a mail with no match is no code mail (a notification).",
			apply: func(c *Config, v string) (err error) {
				c.Security.CodePattern = nil
				if v == "" {
					return nil
				}
				c.Security.CodePattern, err = regexp.Compile(v)
				return err
			}},
	}
}

// blocklistCheck: an entry shorter than the password minimum the run expects (at least
// MinBlocklistEntry) is refused for its length alone, so the blocklist check could never
// fail on it. The entries are passwords the suite sends: the problem names their places.
func (c Config) blocklistCheck() Problems {
	if !c.Security.CheckBlocklist {
		return nil
	}
	least := max(MinBlocklistEntry, c.Negative.MinPasswordLength)
	var short []string
	for i, p := range c.Security.Blocklist {
		if utf8.RuneCountInString(p) < least {
			short = append(short, fmt.Sprintf("#%d", c.Security.blocklistPlaces[i]))
		}
	}
	if len(short) == 0 {
		return nil
	}
	why := fmt.Sprintf("%d characters", least)
	if least > MinBlocklistEntry {
		why += fmt.Sprintf(" (AUTOSHARES_EXPECT_MIN_PASSWORD_LENGTH=%d)", least)
	}
	return Problems{fmt.Sprintf("AUTOSHARES_BLOCKLIST: entries %s are shorter than %s: the target refuses them for their length alone, which proves nothing about a blocklist; list common passwords of at least that length, or set AUTOSHARES_CHECK_BLOCKLIST=false", strings.Join(short, ", "), why)}
}
