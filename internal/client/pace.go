package client

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Pacing: the rate a target allows, learned from its 429s and kept by every process of the
// run together.
//
// A gateway that allows R requests a second per client refuses the excess with 429; the
// transport waits those out, but a run that keeps bumping into the limit has its requests
// refused at random, and requests meant to arrive together (a race check's) get split. So
// on a 429 the transport measures what the target did accept in the last Retry-After window
// (all processes' requests to that host, less the refused ones), and from then on keeps the
// run under a ceiling below it (learnMargin): a token bucket per host, in a file the
// processes share (ShareRate) or, before that, in this process. The ceiling only goes down
// during a run: a target that throttled once is kept under what it accepted.
//
// Only a 429 teaches: a 503 is an overload or an outage, not a rate, and a 429 the caller
// takes as its answer (WithoutRetry: the brute-force check, where a per-trader lockout
// answers 429) says nothing about the client's rate.

const (
	// learnMargin is the share of the measured rate the run keeps to: arrivals bunch up on
	// the way (scheduling, the network), and a gateway's window rarely lines up with ours.
	learnMargin = 0.8
	// minEvidence: fewer accepted requests than this in the window is no measure (the
	// target refused nearly everything: an outage, a lockout; or what it let through has
	// not come back yet, on a slow target or a loaded machine); nothing is learned from it,
	// and its 429s are waited out as before.
	minEvidence = 10
	// minCeiling bounds what is learned from below: slower than this, a run would not end.
	minCeiling = 1.0
	// paceSlot and paceSlots are the sliding window the sends are counted in: 2 s in tenths.
	paceSlot  = 100 * time.Millisecond
	paceSlots = 20
)

// hostPace is one host's learned ceiling, its token bucket and the recent accepted requests.
type hostPace struct {
	Ceiling float64 `json:"ceiling"` // requests a second, the whole run; 0 = none learned
	Burst   float64 `json:"burst"`
	Tokens  float64 `json:"tokens"`
	At      int64   `json:"at"`  // unix ns of Tokens
	Cut     int64   `json:"cut"` // unix ns before which a request sent measures an older rate
	// Accepted counts the requests (all processes) the host answered with something other
	// than "come back later", in paceSlot slots by when the answer came; Slot is the number
	// (unix ns / paceSlot) of the newest.
	Slot     int64            `json:"slot"`
	Accepted [paceSlots]int32 `json:"accepted"`
	Refused  [paceSlots]int32 `json:"refused"` // 429s to requests sent since Cut, by when they came
	// Floor is half the first ceiling measured: a run on a machine so loaded that its
	// requests bunch up again and again must not grind to a halt; under the floor, 429s are
	// waited out as before any was learned.
	Floor float64 `json:"floor"`
}

// advance moves the window to now, clearing the slots that fell out of it.
func (h *hostPace) advance(now time.Time) {
	slot := now.UnixNano() / int64(paceSlot)
	if slot <= h.Slot {
		return
	}
	for s := max(h.Slot+1, slot-paceSlots+1); s <= slot; s++ {
		h.Accepted[s%paceSlots], h.Refused[s%paceSlots] = 0, 0
	}
	h.Slot = slot
}

// accepted books n requests sent in slot that were accepted.
func (h *hostPace) accepted(slot int64, n int32) {
	if slot <= h.Slot && slot > h.Slot-paceSlots {
		h.Accepted[slot%paceSlots] += n
	}
}

// take books n requests sent now and returns how long they must wait for the ceiling.
func (h *hostPace) take(now time.Time, n int) time.Duration {
	h.advance(now)
	if h.Ceiling <= 0 {
		return 0
	}
	// Time only moves forward here, whichever process's clock reading comes last.
	h.Tokens = min(h.Burst, h.Tokens+float64(max(now.UnixNano()-h.At, 0))/float64(time.Second)*h.Ceiling)
	h.At = max(h.At, now.UnixNano())
	// A batch larger than the burst waits for a full bucket and goes into debt: it is sent
	// together, and the requests after it pay the debt back.
	need := min(float64(n), h.Burst)
	wait := max(need-h.Tokens, 0) / h.Ceiling
	h.Tokens -= float64(n)
	return time.Duration(wait * float64(time.Second))
}

// refused books a 429 to a request sent at sent and, if it says something about the rate
// now, lowers the ceiling to a share of what the host accepted in the window before; it
// returns the new ceiling, 0 if unchanged.
//
// The window is the Retry-After (at least 1 s, at most 2). Under a ceiling already learned,
// a 429 while the host accepted less than half the ceiling, or one of a few (refusals under
// a twentieth of the accepted requests), measures no rate, only requests bunched up on the
// way (a stall of the machine, of the gateway): the burst is halved instead.
func (h *hostPace) refused(now, sent time.Time, window time.Duration) float64 {
	h.advance(now)
	if sent.UnixNano() < h.Cut {
		// Sent before the last cut, or so soon after it that the target's window had not
		// passed yet (its bucket was still empty): it measures the old rate.
		return 0
	}
	h.Refused[h.Slot%paceSlots]++
	window = min(max(window, time.Second), paceSlots*paceSlot)
	if h.Cut > 0 {
		// Only since the pause after the last cut: the pause is no measure of the target.
		window = min(window, max(now.Sub(time.Unix(0, h.Cut)), 500*time.Millisecond))
	}
	k := int64(window / paceSlot)
	var n, refused int32
	for s := h.Slot - k + 1; s <= h.Slot; s++ {
		n += h.Accepted[s%paceSlots]
		refused += h.Refused[s%paceSlots]
	}
	if float64(n) < minEvidence {
		return 0
	}
	rate := float64(n) / window.Seconds()
	if h.Ceiling > 0 && (rate < h.Ceiling/2 || float64(refused) < max(2, float64(n)/20)) {
		h.Burst = max(h.Burst/2, 1)
		h.Tokens, h.At, h.Cut = min(h.Tokens, 0), max(h.At, now.UnixNano()), now.Add(max(window, time.Second)).UnixNano()
		return 0
	}
	c := max(learnMargin*rate, minCeiling)
	if h.Ceiling > 0 {
		// Refused again and again under the ceiling: it is too high, whatever the measure.
		c = max(min(c, 0.9*h.Ceiling), h.Floor, minCeiling)
	} else {
		h.Floor = max(c/2, minCeiling)
	}
	h.Ceiling = c
	// A quarter of a second's worth at once: arrivals smooth enough for a gateway with a
	// small burst. The run pauses for the target's window, as it asked: then the target's
	// bucket is full again, and the run goes on under the new ceiling with room to spare.
	// Refusals of requests sent before then measure the rate before the change.
	h.Burst = max(c/4, 2)
	pause := max(window, time.Second)
	h.Tokens, h.At, h.Cut = -c*pause.Seconds(), max(h.At, now.UnixNano()), now.Add(pause).UnixNano()
	return c
}

// paceFile is the state the processes share: each host's pacing.
type paceFile struct {
	Hosts map[string]*hostPace `json:"hosts"`
}

// pacer holds the pacing state: in memory, or in a file every process of the run updates
// under a file lock (ShareRate). A request takes that lock only once a ceiling is learned
// (below the target's rate: a few dozen a second at most); before, a look at the file's
// size and time says nothing changed. Each process counts the requests accepted in its own
// file, written without a lock, and a 429 sums them all.
type pacer struct {
	mu   sync.Mutex
	mem  paceFile
	file *os.File // nil: this process only
	now  func() time.Time

	// seen is the shared file's size and time when this process last read it, and
	// ceilings what it held then.
	seen     [2]int64
	ceilings map[string]float64

	// mine is this process's accepted requests per host (only Slot and Accepted are
	// used), written to acceptedFile when shared.
	mine         map[string]*hostPace
	acceptedFile *os.File
}

func newPacer() *pacer {
	return &pacer{mem: paceFile{Hosts: map[string]*hostPace{}}, now: time.Now, mine: map[string]*hostPace{}, ceilings: map[string]float64{}}
}

// accepted books an answer of host, which came at at, that accepted its request: at once,
// so the measure at a 429 is of every process's.
func (p *pacer) accepted(host string, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	slot := at.UnixNano() / int64(paceSlot)
	if p.file == nil {
		m := p.memHost(host)
		m.advance(p.now())
		m.accepted(slot, 1)
		return
	}
	h := p.mine[host]
	if h == nil {
		h = &hostPace{}
		p.mine[host] = h
	}
	h.advance(p.now())
	h.accepted(slot, 1)
	b, _ := json.Marshal(p.mine)
	if _, err := p.acceptedFile.WriteAt(b, 0); err == nil {
		_ = p.acceptedFile.Truncate(int64(len(b)))
	}
}

func (p *pacer) memHost(host string) *hostPace {
	h := p.mem.Hosts[host]
	if h == nil {
		h = &hostPace{}
		p.mem.Hosts[host] = h
	}
	return h
}

// stamp is a file's size and modification time.
func stamp(f *os.File) [2]int64 {
	fi, err := f.Stat()
	if err != nil {
		return [2]int64{-1, -1}
	}
	return [2]int64{fi.Size(), fi.ModTime().UnixNano()}
}

// update runs f on host's state under the lock (the process's, and the file's). With
// count, host's Accepted holds every process's accepted requests first.
func (p *pacer) update(host string, count bool, f func(h *hostPace, now time.Time)) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.file == nil {
		now := p.now()
		h := p.memHost(host)
		h.advance(now)
		f(h, now)
		return nil
	}
	if err := lockFile(p.file); err != nil {
		return err
	}
	defer unlockFile(p.file)
	now := p.now() // once the lock is held: another process may have waited less
	st, err := readPace(p.file)
	if err != nil {
		return err
	}
	h := st.Hosts[host]
	if h == nil {
		h = &hostPace{}
		st.Hosts[host] = h
	}
	h.advance(now)
	if count {
		p.sumAccepted(host, h)
	}
	f(h, now)
	if err := writePace(p.file, st); err != nil {
		return err
	}
	p.seen = stamp(p.file)
	for name, hp := range st.Hosts {
		p.ceilings[name] = hp.Ceiling
	}
	return nil
}

// sumAccepted sets h's Accepted to the sum of every process's, in h's window.
func (p *pacer) sumAccepted(host string, h *hostPace) {
	h.Accepted = [paceSlots]int32{}
	files, _ := filepath.Glob(p.file.Name() + ".accepted.*")
	for _, name := range files {
		b, err := os.ReadFile(name)
		var theirs map[string]*hostPace
		if err != nil || json.Unmarshal(b, &theirs) != nil || theirs[host] == nil {
			continue // being written: a measure without it is a little low, which is safe
		}
		t := theirs[host]
		for s := t.Slot - paceSlots + 1; s <= t.Slot; s++ {
			h.accepted(s, t.Accepted[s%paceSlots])
		}
	}
}

func readPace(f *os.File) (paceFile, error) {
	st := paceFile{Hosts: map[string]*hostPace{}}
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return st, err
	}
	b := make([]byte, fi.Size())
	if _, err := f.ReadAt(b, 0); err != nil {
		return st, fmt.Errorf("reading the shared request pacing: %w", err)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, fmt.Errorf("reading the shared request pacing: %w", err)
	}
	if st.Hosts == nil {
		st.Hosts = map[string]*hostPace{}
	}
	return st, nil
}

func writePace(f *os.File, st paceFile) error {
	b, _ := json.Marshal(st)
	if _, err := f.WriteAt(b, 0); err != nil {
		return fmt.Errorf("writing the shared request pacing: %w", err)
	}
	return f.Truncate(int64(len(b)))
}

// share moves the state into the file at path (created if absent), keeping the lower of
// this process's and the file's ceilings for each host.
func (p *pacer) share(path string) error {
	if !canLockFiles {
		return nil // each process paces itself
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("sharing the request pacing: %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.file != nil {
		f.Close()
		return nil
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return err
	}
	defer unlockFile(f)
	st, err := readPace(f)
	if err != nil {
		f.Close()
		return err
	}
	for host, mine := range p.mem.Hosts {
		if mine.Ceiling <= 0 {
			continue
		}
		if h := st.Hosts[host]; h == nil || h.Ceiling <= 0 || mine.Ceiling < h.Ceiling {
			st.Hosts[host] = mine
		}
	}
	if err := writePace(f, st); err != nil {
		f.Close()
		return err
	}
	mine, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".accepted.*")
	if err != nil {
		f.Close()
		return fmt.Errorf("sharing the request pacing: %w", err)
	}
	p.file, p.acceptedFile = f, mine
	return nil
}

// wait holds the caller for n requests to host (n > 1: sent together), and says how long.
func (p *pacer) wait(ctx context.Context, host string, n int) (time.Duration, error) {
	if p.unpaced(host) {
		return 0, nil
	}
	var d time.Duration
	if err := p.update(host, false, func(h *hostPace, now time.Time) { d = h.take(now, n) }); err != nil {
		return 0, err
	}
	if d <= 0 {
		return 0, nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return d, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// unpaced says, without the file lock, that host has no ceiling: the shared file is as this
// process last read it, and it held none.
func (p *pacer) unpaced(host string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.file == nil {
		return p.memHost(host).Ceiling <= 0
	}
	return stamp(p.file) == p.seen && p.ceilings[host] <= 0
}

// refused books a 429 from host to a request sent at sent, told to wait window.
func (p *pacer) refused(host string, sent time.Time, window time.Duration) (float64, error) {
	var c float64
	err := p.update(host, true, func(h *hostPace, now time.Time) { c = h.refused(now, sent, window) })
	return c, err
}

// ceiling is host's learned ceiling, 0 if none.
func (p *pacer) ceiling(host string) float64 {
	var c float64
	_ = p.update(host, false, func(h *hostPace, _ time.Time) { c = h.Ceiling })
	return c
}
