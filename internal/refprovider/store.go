package refprovider

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// passwordHash is a salted PBKDF2-SHA256 hash. The iteration count is stored with it so a
// changed Options.HashIterations does not invalidate existing hashes.
type passwordHash struct {
	salt []byte
	key  []byte
	iter int
}

const (
	saltLen = 16
	keyLen  = 32
)

func hashPassword(password string, iter int) (passwordHash, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return passwordHash{}, err
	}
	key, err := pbkdf2.Key(sha256.New, password, salt, iter, keyLen)
	if err != nil {
		return passwordHash{}, err
	}
	return passwordHash{salt: salt, key: key, iter: iter}, nil
}

// matches reports whether password hashes to h, comparing in constant time.
func (h passwordHash) matches(password string) bool {
	if h.iter == 0 {
		return false
	}
	key, err := pbkdf2.Key(sha256.New, password, h.salt, h.iter, keyLen)
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare(key, h.key) == 1
}

// trader is a stored account. Secret answers are kept normalised in plain text: this is a
// test double, and the answer is compared in constant time all the same.
type trader struct {
	login    string
	email    string
	question string
	answer   string // normalizeAnswer form
	hash     passwordHash
	// prevHash is the hash before the last reset; only the old-password-still-works fault
	// reads it.
	prevHash passwordHash
}

// grant is an outstanding confirmation code or reset token.
type grant struct {
	login   string // key into store.traders
	expires time.Time
	// wrong counts the wrong step 3 codes sent while this code was pending (codes only).
	wrong int
}

func (g *grant) expiredAt(now time.Time) bool { return !now.Before(g.expires) }

// grantRetention is how long an expired grant is kept so that it is reported as
// "expired" rather than "invalid"; after that it is pruned so a long-running sandbox does
// not grow without bound.
const grantRetention = 24 * time.Hour

// store is the provider's whole state. One mutex guards everything: requests are cheap
// apart from password hashing, which callers do outside the lock.
type store struct {
	mu      sync.Mutex
	traders map[string]*trader // by lower-case login
	byEmail map[string]string  // lower-case email -> lower-case login
	codes   map[string]*grant  // confirmation code -> grant
	tokens  map[string]*grant  // reset token -> grant
	// issued records every reset token ever issued; nil (not kept) unless the
	// accept-unknown-token fault needs to tell never-issued tokens from used ones.
	issued map[string]bool
	// attempts counts consecutive failures per kind and trader key, for lockouts.
	attempts map[attemptKey]*attempts
	// spent holds the codes traded for a token or revoked (by a reset, a teardown or the
	// guesses), until they would have expired: sent again, they are refused like any unknown
	// code but are not counted as guesses. A client that presents a code it was issued is
	// not guessing, and the suite's own specs present such codes (a race's losers, a code
	// after the reset that voided it) beside specs that hold pending codes.
	spent map[string]time.Time
}

// mailAllowedLocked reports whether the trader lk may be mailed another code: fewer than
// limit of its codes are pending (not used, expired or revoked; a reset revokes them all).
// Whoever floods a trader with requests cannot read the codes, so at most limit mails
// reach the trader per code lifetime; the trader, using them, is never held up. A limit
// of 0 allows all. The caller holds s.mu.
func (s *store) mailAllowedLocked(lk string, limit int, now time.Time) bool {
	if limit <= 0 {
		return true
	}
	n := 0
	for _, g := range s.codes {
		if g.login == lk && !g.expiredAt(now) {
			n++
		}
	}
	return n < limit
}

// wrongCodeLocked counts a wrong step 3 code against every pending code of its form (as
// many ASCII digits): step 3 takes a code alone, so such a code is a guess at each of them;
// anything else could never have matched one. A code that has seen limit guesses is
// revoked (a limit of 0 revokes none). The caller holds s.mu.
func (s *store) wrongCodeLocked(guess string, limit int) {
	if limit <= 0 || strings.ContainsFunc(guess, func(c rune) bool { return c < '0' || c > '9' }) {
		return
	}
	for c, g := range s.codes {
		if len(c) != len(guess) {
			continue
		}
		if g.wrong++; g.wrong >= limit {
			delete(s.codes, c)
			s.spent[c] = g.expires // revoked by the guesses: presenting it again is no guess
		}
	}
}

// What a lockout counts.
const (
	answerAttempts = "answer" // step 1's secret answers
	loginAttempts  = "login"  // login's passwords
)

type attemptKey struct{ kind, lk string }

// attempts is a run of consecutive failures and, once it reached its limit, the lock.
type attempts struct {
	failed      int
	lockedUntil time.Time
}

// lockedLocked reports whether kind is locked for lk at now; an expired lock is
// forgotten, with its count. The caller holds s.mu.
func (s *store) lockedLocked(kind, lk string, now time.Time) bool {
	a := s.attempts[attemptKey{kind, lk}]
	if a == nil || a.lockedUntil.IsZero() {
		return false
	}
	if now.Before(a.lockedUntil) {
		return true
	}
	delete(s.attempts, attemptKey{kind, lk})
	return false
}

// failedLocked counts a failure; the limit-th consecutive one locks until until, and it
// reports whether this one did. A limit of 0 counts nothing. The caller holds s.mu.
func (s *store) failedLocked(kind, lk string, limit int, until time.Time) bool {
	if limit <= 0 {
		return false
	}
	k := attemptKey{kind, lk}
	a := s.attempts[k]
	if a == nil {
		a = &attempts{}
		s.attempts[k] = a
	}
	if a.failed++; a.failed >= limit {
		locks := a.lockedUntil.IsZero()
		a.lockedUntil = until
		return locks
	}
	return false
}

// succeededLocked ends a run of failures. The caller holds s.mu.
func (s *store) succeededLocked(kind, lk string) { delete(s.attempts, attemptKey{kind, lk}) }

func newStore() *store {
	return &store{
		traders:  map[string]*trader{},
		byEmail:  map[string]string{},
		codes:    map[string]*grant{},
		tokens:   map[string]*grant{},
		attempts: map[attemptKey]*attempts{},
		spent:    map[string]time.Time{},
	}
}

// Logins and emails match case-insensitively, as they do on the real platform.
func key(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func normalizeAnswer(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// addLocked stores t; the caller holds s.mu.
func (s *store) addLocked(t *trader) error {
	lk, ek := key(t.login), key(t.email)
	if _, dup := s.traders[lk]; dup {
		return fmt.Errorf("trader %q already exists", t.login)
	}
	if _, dup := s.byEmail[ek]; dup {
		return fmt.Errorf("email %q already belongs to another trader", t.email)
	}
	s.traders[lk] = t
	s.byEmail[ek] = lk
	return nil
}

// deleteLocked removes a trader and every grant it holds; the caller holds s.mu.
func (s *store) deleteLocked(login string) {
	lk := key(login)
	t, ok := s.traders[lk]
	if !ok {
		return
	}
	delete(s.byEmail, key(t.email))
	delete(s.traders, lk)
	delete(s.attempts, attemptKey{answerAttempts, lk})
	delete(s.attempts, attemptKey{loginAttempts, lk})
	s.revokeLocked(lk, "", "")
}

// revokeLocked deletes the trader's codes and tokens except keepCode/keepToken ("" keeps
// none); the caller holds s.mu.
func (s *store) revokeLocked(lk, keepCode, keepToken string) {
	for c, g := range s.codes {
		if g.login == lk && c != keepCode {
			delete(s.codes, c)
			s.spent[c] = g.expires // issued, then revoked: presenting it again is no guess
		}
	}
	for tk, g := range s.tokens {
		if g.login == lk && tk != keepToken {
			delete(s.tokens, tk)
		}
	}
}

// pruneLocked drops grants that expired long ago; the caller holds s.mu.
func (s *store) pruneLocked(now time.Time) {
	cutoff := now.Add(-grantRetention)
	for c, g := range s.codes {
		if g.expires.Before(cutoff) {
			delete(s.codes, c)
		}
	}
	for tk, g := range s.tokens {
		if g.expires.Before(cutoff) {
			delete(s.tokens, tk)
		}
	}
	for c, exp := range s.spent {
		if exp.Before(now) {
			delete(s.spent, c)
		}
	}
}

// newCodeLocked stores a fresh 6-digit confirmation code drawn by draw. Codes are looked
// up by value alone in step 3, so an outstanding duplicate is redrawn; the caller holds
// s.mu.
func (s *store) newCodeLocked(lk string, expires time.Time, draw func() (string, error)) (string, error) {
	for range 100 {
		c, err := draw()
		if err != nil {
			return "", err
		}
		if _, taken := s.codes[c]; !taken {
			s.codes[c] = &grant{login: lk, expires: expires}
			return c, nil
		}
	}
	return "", fmt.Errorf("no free confirmation code")
}

// randomCode is a uniformly random 6-digit code from crypto/rand (ASVS 6.5.3).
func randomCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// fourDigitCodes is the four-digit-codes fault's generator: random, but only 10^4 codes
// (13 bits; ASVS 6.5.4 asks for at least 20).
func fourDigitCodes() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(10_000))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%04d", n.Int64()), nil
}

// sequentialCodes is the sequential-codes fault's generator: each code is the previous
// one plus 1 (modulo 1000000), starting at a random one.
func sequentialCodes() func() (string, error) {
	var next atomic.Int64
	first, _ := rand.Int(rand.Reader, big.NewInt(1_000_000))
	next.Store(first.Int64())
	return func() (string, error) {
		return fmt.Sprintf("%06d", (next.Add(1)-1)%1_000_000), nil
	}
}

// newTokenLocked stores a fresh reset token; the caller holds s.mu.
func (s *store) newTokenLocked(lk string, expires time.Time) (string, error) {
	tk, err := newGUID()
	if err != nil {
		return "", err
	}
	s.tokens[tk] = &grant{login: lk, expires: expires}
	if s.issued != nil {
		s.issued[tk] = true
	}
	return tk, nil
}

// newGUID returns a random (version 4, RFC 9562) UUID in the lower-case 8-4-4-4-12 form
// .NET's Guid.ToString() uses, which is what the documented tokens look like.
func newGUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
}

func randomHex(nBytes int) (string, error) {
	b := make([]byte, nBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
