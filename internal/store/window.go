package store

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"torg"
)

// This file keeps, for each register, a window of its newest packages in memory, so that a long poll
// woken by a commit of this process is answered without reading the database; the snapshot of an
// order version is kept once, as rendered JSON, and shared by every register's window. The database
// stays the truth: a window answers only what it provably holds, and otherwise the fetch reads the
// database (and may refill the window). docs/EXCHANGE.md, «Delivery from memory», gives the argument.

// windowSize is the most packages a register's window holds: the newest ones.
const windowSize = 32

// windowBudget bounds the packages held in all windows together, and windowBytes the bytes of the
// snapshots they and the snapshot cache hold (a snapshot shared by many registers' windows counts
// once): over either, every window is dropped and refills from the database as registers fetch.
const (
	windowBudget = 400_000
	windowBytes  = 96 << 20
)

// snapshotBudget bounds the bytes of the order snapshots remembered for numbering. A snapshot is
// wanted for moments: until a PostgreSQL sequencer numbers its packages (milliseconds), or while an
// order is sent again soon after (a register added). 4 MiB is a few seconds of a busy web shop's
// orders; 32 MiB cost the server 60 MB of RSS under a sustained intake (the heap grows to twice
// what lives).
const snapshotBudget = 4 << 20

// windows holds every register's window and the snapshots of recent order versions.
type windows struct {
	mu      sync.Mutex
	epoch   uint64 // bumped when every window is dropped
	regs    map[string]*regWindow
	held    int             // packages in all windows
	bytes   int64           // bytes of the distinct snapshots they hold
	refs    map[*byte]int32 // how many packages in windows hold each snapshot, by its memory
	bodies  map[bodyKey]json.RawMessage
	order   []bodyKey // bodies' keys, oldest first
	bodyLen int64
	reads   int64 // fetches that read the database
}

// regWindow is one register's window: when valid it holds every package with base < seq <= last,
// oldest first, and last was the register's last_seq when it was filled.
type regWindow struct {
	gen   uint64 // bumped by every numbering of the register in this process
	busy  int    // numbering transactions of the register committing now in this process
	heard int64  // the newest seq other processes announced for the register
	valid bool
	base  int64
	last  int64
	ps    []torg.Package
}

// snapshots are order versions' snapshots as stored, by order and version.
type snapshots map[bodyKey]json.RawMessage

type bodyKey struct {
	orderID string
	version int64
}

// ticket is what a database read notes before it reads, so that it refills a window only when
// nothing changed the register's window meanwhile.
type ticket struct {
	epoch, gen uint64
}

func (w *windows) reg(id string) *regWindow {
	if w.regs == nil {
		w.regs = map[string]*regWindow{}
	}
	r := w.regs[id]
	if r == nil {
		r = &regWindow{}
		w.regs[id] = r
	}
	return r
}

// lookup answers a fetch of the register's packages after the cursor from its window, when the
// window provably holds them all. An empty answer comes from memory only when empty is true (the
// poll waits for a wake-up after it, which every new package brings).
func (w *windows) lookup(registerID string, after int64, empty bool) (torg.Packages, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	r := w.regs[registerID]
	if r == nil || !r.valid || r.busy > 0 || r.last < r.heard || after < r.base || after > r.last || (after == r.last && !empty) {
		return torg.Packages{}, false
	}
	from := r.ps[after-r.base:]
	from = from[:min(len(from), MaxPackages)]
	out := torg.Packages{Packages: make([]torg.Package, len(from)), LastSeq: r.last}
	copy(out.Packages, from)
	return out, true
}

// ticket notes the register's window before a database read.
func (w *windows) ticket(registerID string) ticket {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.reads++
	return ticket{epoch: w.epoch, gen: w.reg(registerID).gen}
}

// refill makes what a database read found the register's window, when the read was complete (every
// package after the cursor up to the last_seq it read after them), nothing changed the window since
// the ticket, no numbering of the register is committing here, and no other process announced a
// newer package.
func (w *windows) refill(registerID string, t ticket, after int64, out torg.Packages) {
	n := len(out.Packages)
	if n >= MaxPackages || int64(n) != out.LastSeq-after || (n > 0 && (out.Packages[0].Seq != after+1 || out.Packages[n-1].Seq != out.LastSeq)) {
		return
	}
	for _, p := range out.Packages {
		if p.Kind == torg.PackageClaimed { // it names its register as the database has it now
			return
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	r := w.reg(registerID)
	if t.epoch != w.epoch || t.gen != r.gen || r.busy > 0 || out.LastSeq < r.heard {
		return
	}
	if r.valid && r.last >= out.LastSeq {
		return
	}
	w.drop(r)
	r.valid, r.base, r.last = true, after, out.LastSeq
	w.append(r, out.Packages)
	w.bound()
}

// given is what one numbering transaction gave a register: its last_seq before and its packages.
type given struct {
	before int64
	ps     []torg.Package
	whole  bool // every package is as a fetch reads it (an order.upsert's snapshot is known)
}

// begin notes, before a numbering transaction commits, that the registers' windows are changing:
// until end they answer nothing, and reads begun earlier refill nothing.
func (w *windows) begin(registerIDs []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, id := range registerIDs {
		r := w.reg(id)
		r.busy++
		r.gen++
	}
}

// end notes that the numbering transaction ended: committed, its packages join the registers'
// windows (a window that did not end where this numbering began is replaced by the numbering's own
// packages); otherwise, or when a package is not known whole, the window is dropped.
func (w *windows) end(got map[string]*given, committed bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for id, g := range got {
		r := w.reg(id)
		r.busy--
		r.gen++
		switch {
		case !committed || !g.whole:
			w.drop(r)
		case r.valid && r.last == g.before:
			r.last += int64(len(g.ps))
			w.append(r, g.ps)
		default:
			w.drop(r)
			r.valid, r.base, r.last = true, g.before, g.before+int64(len(g.ps))
			w.append(r, g.ps)
		}
	}
	w.bound()
}

// announced notes the newest seqs other processes numbered for registers (a seq below 0: unknown,
// the register's window is dropped); lastSeqs nil means announcements may have been lost, and every
// window is dropped. It returns the windows that the announcement left behind by at most windowSize
// packages, which a read of just those packages can bring up to date (catchUp).
func (w *windows) announced(lastSeqs map[string]int64) []catchUp {
	w.mu.Lock()
	defer w.mu.Unlock()
	if lastSeqs == nil {
		w.dropAll()
		return nil
	}
	var behind []catchUp
	for id, seq := range lastSeqs {
		r := w.reg(id)
		if seq < 0 {
			r.gen++
			w.drop(r)
			continue
		}
		r.heard = max(r.heard, seq)
		if r.valid && r.busy == 0 && r.last < r.heard && r.heard-r.last <= windowSize {
			behind = append(behind, catchUp{registerID: id, t: ticket{epoch: w.epoch, gen: r.gen}, after: r.last, upto: r.heard})
		}
	}
	return behind
}

// catchUp is a window that another process's packages left behind: the packages after..upto, read
// at once, complete it, when nothing changed it since the ticket.
type catchUp struct {
	registerID  string
	t           ticket
	after, upto int64
}

// caughtUp adds to the register's window the packages a catch-up read found, when they are every
// package after..upto, none is an order.claimed (it names its register as the database has it when
// read), and the window is as the announcement left it.
func (w *windows) caughtUp(c catchUp, ps []torg.Package) {
	if int64(len(ps)) != c.upto-c.after {
		return
	}
	for i, p := range ps {
		if p.Seq != c.after+int64(i)+1 || p.Kind == torg.PackageClaimed {
			return
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	r := w.regs[c.registerID]
	if r == nil || c.t.epoch != w.epoch || c.t.gen != r.gen || r.busy > 0 || !r.valid || r.last != c.after {
		return
	}
	r.last = c.upto
	w.append(r, ps)
	w.bound()
}

// append adds packages to the end of the window, keeping its newest windowSize.
func (w *windows) append(r *regWindow, ps []torg.Package) {
	for _, p := range ps {
		w.hold(p.Order)
	}
	r.ps = append(r.ps, ps...)
	w.held += len(ps)
	if extra := len(r.ps) - windowSize; extra > 0 {
		for _, p := range r.ps[:extra] {
			w.release(p.Order)
		}
		r.ps = append([]torg.Package(nil), r.ps[extra:]...)
		r.base += int64(extra)
		w.held -= extra
	}
}

// drop empties a window.
func (w *windows) drop(r *regWindow) {
	for _, p := range r.ps {
		w.release(p.Order)
	}
	w.held -= len(r.ps)
	r.valid, r.ps, r.base, r.last = false, nil, 0, 0
}

// hold counts a package's snapshot as held by a window. One rendered snapshot is shared by every
// register its numbering gave it to, so its bytes count when the first window takes it; a snapshot
// read from the database is memory of its own, and counts for itself.
func (w *windows) hold(body json.RawMessage) {
	if len(body) == 0 {
		return
	}
	if w.refs == nil {
		w.refs = map[*byte]int32{}
	}
	at := unsafe.SliceData(body)
	if w.refs[at] == 0 {
		w.bytes += int64(len(body))
	}
	w.refs[at]++
}

// release undoes hold.
func (w *windows) release(body json.RawMessage) {
	if len(body) == 0 {
		return
	}
	at := unsafe.SliceData(body)
	if w.refs[at]--; w.refs[at] <= 0 {
		delete(w.refs, at)
		w.bytes -= int64(len(body))
	}
}

// dropAll empties every window; reads begun earlier refill nothing.
func (w *windows) dropAll() {
	for _, r := range w.regs {
		w.drop(r)
		r.gen++
	}
	w.epoch++
}

// bound drops every window when they hold too much together.
func (w *windows) bound() {
	if w.held > windowBudget || w.bytes+w.bodyLen > windowBytes {
		w.dropAll()
	}
}

// rememberAll keeps the snapshots of order versions a committed transaction stored, for the
// numbering of their packages, within snapshotBudget (the oldest go first).
func (w *windows) rememberAll(stored snapshots) {
	if len(stored) == 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.bodies == nil {
		w.bodies = map[bodyKey]json.RawMessage{}
	}
	for k, body := range stored {
		if _, ok := w.bodies[k]; ok {
			continue
		}
		w.bodies[k] = body
		w.order = append(w.order, k)
		w.bodyLen += int64(len(body))
	}
	for w.bodyLen > snapshotBudget && len(w.order) > 0 {
		old := w.order[0]
		w.order = w.order[1:]
		w.bodyLen -= int64(len(w.bodies[old]))
		delete(w.bodies, old)
	}
}

// body is the remembered snapshot of an order version, or nil.
func (w *windows) body(orderID string, version int64) json.RawMessage {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.bodies[bodyKey{orderID, version}]
}

// Heard tells the store of a notification on NotifyChannel, which names the registers a numbering
// batch (of this process or another) gave packages and the last_seq each got, and returns the
// registers to wake: their windows no longer answer as if they held everything before they catch
// up — which, for windows at most windowSize packages behind, one read of those packages for all of
// them does here, before the wake-up (catchUp). An empty payload says that notifications may have been lost (the listener reconnected), and
// drops every window. Call it before waking the registers' polls.
func (s *Store) Heard(payload string) []string {
	if payload == "" {
		s.windows.announced(nil)
		return nil
	}
	ids, last := parseAnnouncement(payload)
	if behind := s.windows.announced(last); len(behind) > 0 {
		s.catchUp(behind)
	}
	return ids
}

// announcement is the NOTIFY payload of a numbering batch's registers: "id:last_seq" pairs,
// comma-separated.
func announcement(ids []string, last map[string]int64) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(id)
		b.WriteByte(':')
		b.WriteString(strconv.FormatInt(last[id], 10))
	}
	return b.String()
}

// parseAnnouncement reads a NOTIFY payload of NotifyChannel: the registers woken and the last_seq
// each got (-1 where the payload, from an older process, does not say).
func parseAnnouncement(payload string) ([]string, map[string]int64) {
	items := strings.Split(payload, ",")
	ids := make([]string, 0, len(items))
	last := make(map[string]int64, len(items))
	for _, it := range items {
		id, seq, ok := strings.Cut(it, ":")
		n, err := strconv.ParseInt(seq, 10, 64)
		if !ok || err != nil {
			n = -1
		}
		ids = append(ids, id)
		switch prev, seen := last[id]; {
		case !seen, n < 0:
			last[id] = n
		case prev >= 0 && n > prev:
			last[id] = n
		}
	}
	return ids, last
}

// keys lists a map's keys.
func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
