package launch

import (
	"context"
	"fmt"
	"math"
	"net/http/httptrace"
	"runtime"
	"time"

	"github.com/autoshares/conformance/internal/client"
	"github.com/autoshares/conformance/internal/config"
	"github.com/autoshares/conformance/internal/suite"
)

// With AUTOSHARES_PROCS=auto (the default) the process count follows the target. A spec
// mostly waits for the target's answers, so against a distant target many processes overlap
// their waits, while against one on this machine (the embedded provider, a local
// deployment) every process competes for the same cores and a few do best. On the
// project's 2-core machine, at 0 latency (the provider's full password hashing on the same
// cores), 4 processes ran the default run in about 3.2 s, 2 in 4.6 s and 16 in 4.3 s; at
// 300 ms, 24 processes were needed to come near its critical path (make bench;
// docs/RUNNING.md).
const (
	// maxAutoProcs bounds the count auto picks: more processes cost their start-up (each
	// loads the catalogue and schemas) and hold more connections to the target than a
	// 300 ms target repays.
	maxAutoProcs = 24
	// cpuPerExchange is what one exchange costs the machine that is not waiting (the
	// suite's own work and, on loopback, the provider's), measured on loopback: a process
	// keeps a core busy for cpuPerExchange, then waits the target's answer time.
	cpuPerExchange = 5 * time.Millisecond
	// answerTimeout bounds the measurement: a target that does not answer within it gets
	// DefaultProcs, and the preflight then says what is wrong with it.
	answerTimeout = 5 * time.Second
)

// AutoProcs is the process count that keeps cores busy while the others wait answerTime
// for each exchange: cores × (answer time + CPU per exchange) / CPU per exchange, at least
// twice the cores (some specs wait for mail or time, whatever the target's answer time),
// at most maxAutoProcs.
func AutoProcs(answerTime time.Duration, cores int) int {
	n := math.Round(float64(cores) * float64(answerTime+cpuPerExchange) / float64(cpuPerExchange))
	return int(min(max(n, float64(2*cores)), maxAutoProcs))
}

// Procs is how many processes the run uses: requested (0 = AUTOSHARES_PROCS; auto times
// the target with answerTime and picks from that and the cores), or fewer when the mail
// token source is the one in use and its test traders cannot serve that many (each
// process drives its own traders, one of each kind configured, or processes would read
// each other's codes). why, when not empty, says how the number was picked or why it was
// lowered.
func Procs(cfg config.Config, requested int, answerTime func() (time.Duration, error)) (n int, why string) {
	n = cfg.Procs
	if requested > 0 {
		n = requested
	}
	if n == 0 {
		n, why = pickProcs(cfg, answerTime)
	}
	mailSource := cfg.StateURL == "" && cfg.Flow.MailboxURL != ""
	if can := cfg.Flow.TraderProcs(); mailSource && can > 0 && n > can {
		return can, fmt.Sprintf(" (%d asked for: the mail token source's %d test traders serve %d, as each process needs its own trader "+
			"with and without a secret question; add traders to AUTOSHARES_TEST_TRADERS to run more)", n, len(cfg.Flow.Traders), can)
	}
	return n, why
}

func pickProcs(cfg config.Config, answerTime func() (time.Duration, error)) (int, string) {
	cores := runtime.NumCPU()
	const set = "; AUTOSHARES_PROCS or --procs sets it"
	if cfg.BaseURL == "" {
		n := AutoProcs(0, cores)
		return n, fmt.Sprintf(" (auto: the embedded provider answers on this machine, %d cores%s)", cores, set)
	}
	d, err := answerTime()
	if err != nil {
		return config.DefaultProcs, fmt.Sprintf(" (auto: the target could not be timed, so the count for a distant one%s)", set)
	}
	n := AutoProcs(d, cores)
	return n, fmt.Sprintf(" (auto: the target answered in %s, %d cores%s)", d.Round(time.Millisecond/10), cores, set)
}

// AnswerTime times one step 2 request for a login nobody has, the preflight's second
// probe (every deployment has it, it changes nothing, and unlike a login it costs the
// target no password hash, which on a target on this machine would be this machine's CPU,
// not a wait), from the moment a connection is had to the first byte of the answer: the
// target's answer time with the network's round trip, not the handshake. It goes the way
// the suite's requests go (proxy, TLS settings, no redirect followed), to the configured
// target only; its answer is judged by the preflight, not here.
func AnswerTime(cfg config.Config) (time.Duration, error) {
	t := cfg.Transport
	pool, err := client.New(client.Options{CABundle: t.CABundle, ClientCert: t.ClientCert, ClientKey: t.ClientKey, Budget: -1})
	if err != nil {
		return 0, err
	}
	defer pool.Close()
	ctx, cancel := context.WithTimeout(context.Background(), answerTimeout)
	defer cancel()
	var got, first time.Time
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn:              func(httptrace.GotConnInfo) { got = time.Now() },
		GotFirstResponseByte: func() { first = time.Now() },
	})
	api := &client.Client{BaseURL: cfg.BaseURL, AppKey: cfg.AppKey, HTTP: pool.Client(answerTimeout)}
	ex := api.Do(ctx, client.SecretQuestion(suite.RandomSecret("timing-")))
	if ex.Err != nil {
		return 0, ex.Err
	}
	if got.IsZero() || first.IsZero() {
		return ex.Duration, nil
	}
	return first.Sub(got), nil
}
