package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"torg"
)

// This file is where a package gets its seq (number). A change of an order queues its packages
// (post.go: queueDeliveries). On PostgreSQL the queue is the package_queue table, and after the
// change commits the sequencer numbers everything queued, oldest first, in a transaction of its own:
// each package gets its register's next seq, moves to packages and leaves the queue, and the
// registers are woken; one batch runs at a time in the whole database (an advisory lock). On SQLite
// the queue is the group commit's memory and the single writer numbers it at the end of the group's
// own transaction (group.go). Either way a register's seqs commit in order and without gaps.
// docs/EXCHANGE.md, «Numbering», gives the argument.

// seqBatch bounds the packages one sequencer transaction numbers.
const seqBatch = 5000

// sequencerLock is the first key of the PostgreSQL advisory lock a sequencer batch holds until it
// commits; the second is a hash of the schema, so that back offices in different schemas of one
// database do not wait for each other.
const sequencerLock = 74_582_165

type queuedPackage struct {
	id                        int64
	registerID, kind, orderID string
	version, created          int64
	reason, claimant          sql.NullString
	expires, send             sql.NullInt64
	row                       *orderRegisterRow // SQLite: the new order's «ККМ» row, written with the seq
}

// orderRegisterRow is a new order's «ККМ» row of a register sent the order, which SQLite's writer
// inserts when it numbers the package, with its seq, instead of inserting it and then setting it.
type orderRegisterRow struct {
	position           int
	state              string
	sentVersion, sends int64
}

// sequence numbers up to limit queued packages, oldest first, and returns how many it numbered; the
// registers that got packages are woken after commit.
func (tx *Tx) sequence(ctx context.Context, limit int) (int, error) {
	var b batch // the lock and the read: one round trip on PostgreSQL
	if tx.d.sequencerLock != "" {
		b.exec(tx.d.sequencerLock, sequencerLock)
	}
	var queue []queuedPackage
	b.query(func(r rowScanner) error {
		q, err := scanQueued(r)
		queue = append(queue, q)
		return err
	}, "SELECT id, register_id, kind, order_id, version, reason, claim_register_id, claim_expires_at, send,"+
		" created_at FROM package_queue ORDER BY id LIMIT ?", limit)
	if err := tx.run(ctx, &b); err != nil || len(queue) == 0 {
		return 0, err
	}
	var then batch
	dequeue(&then, queue)
	if err := tx.number(ctx, queue, &then); err != nil {
		return 0, err
	}
	return len(queue), nil
}

func scanQueued(s scanner) (queuedPackage, error) {
	var q queuedPackage
	err := s.Scan(&q.id, &q.registerID, &q.kind, &q.orderID, &q.version, &q.reason, &q.claimant, &q.expires, &q.send, &q.created)
	return q, err
}

// number gives the packages, in their order, their registers' next seqs, writes them and wakes the
// registers after commit. The counters are moved first (the seqs come from them); everything else
// — the packages, the «ККМ» rows and sends they record, the notifications, and what the caller put
// in writes — goes in one batch after (one round trip on PostgreSQL, whatever the batch's size).
func (tx *Tx) number(ctx context.Context, queue []queuedPackage, writes *batch) error {
	ids := make([]string, len(queue))
	counts := map[string]int64{}
	var registers []string
	for i, q := range queue {
		ids[i] = q.registerID
		if counts[q.registerID] == 0 {
			registers = append(registers, q.registerID)
		}
		counts[q.registerID]++
	}
	last, err := tx.advanceCounters(ctx, registers, counts)
	if err != nil {
		return err
	}
	tx.noteBefore(last)
	seqs := torg.NumberPackages(last, ids) // moves last to each register's new last_seq
	insertPackages(writes, queue, seqs)
	insertSentRows(writes, queue, seqs)
	tx.recordSends(writes, queue, seqs)
	tx.wake(writes, registers, last)
	if err := tx.run(ctx, writes); err != nil {
		return err
	}
	tx.numbered += len(queue)
	tx.noteNumbered(queue, seqs)
	return nil
}

// noteBefore records where each register's last_seq stood before this transaction numbered.
func (tx *Tx) noteBefore(last map[string]int64) {
	if tx.win == nil {
		return
	}
	if tx.got == nil {
		tx.got = map[string]*given{}
	}
	for id, seq := range last {
		if tx.got[id] == nil {
			tx.got[id] = &given{before: seq, whole: true}
		}
	}
}

// noteNumbered records the numbered packages as a fetch would read them, for the registers'
// windows (window.go), which take them after commit.
func (tx *Tx) noteNumbered(queue []queuedPackage, seqs []int64) {
	if tx.win == nil {
		return
	}
	for i, q := range queue {
		g := tx.got[q.registerID]
		p := torg.Package{Seq: seqs[i], Kind: q.kind, OrderID: q.orderID, Reason: q.reason.String, Written: fromMicros(q.created)}
		switch q.kind {
		case torg.PackageUpsert:
			p.Order, p.OrderID, p.Reason = tx.stored[bodyKey{q.orderID, q.version}], "", ""
			if p.Order == nil {
				p.Order = tx.win.body(q.orderID, q.version)
			}
			g.whole = g.whole && p.Order != nil
		case torg.PackageClaimed: // it names the claimant as the registers table has it when read
			g.whole = false
		}
		g.ps = append(g.ps, p)
	}
}

// advanceCounters moves each register's last_seq past its packages in the batch and returns where
// each stood before. Registers given the same number of packages share a statement, up to 512 of
// them, so that an order filled with a warehouse's thousands of registers is numbered with a few
// statements; a register alone with its count keeps a statement of its own, which costs SQLite less
// than a list. On PostgreSQL the rows are locked in id order first. All are sent together (one round
// trip on PostgreSQL).
func (tx *Tx) advanceCounters(ctx context.Context, registers []string, counts map[string]int64) (map[string]int64, error) {
	before := make(map[string]int64, len(registers))
	var b batch
	one := func(id string) {
		b.query(func(r rowScanner) error {
			var last int64
			err := r.Scan(&last)
			before[id] = last - counts[id]
			return err
		}, "UPDATE registers SET last_seq = last_seq + ? WHERE id = ? RETURNING last_seq", counts[id], id)
	}
	if tx.d.lockRegisters != "" && len(registers) > 1 {
		b.exec(tx.d.lockRegisters, registers)
	}
	byCount := map[int64][]string{}
	for _, id := range registers {
		byCount[counts[id]] = append(byCount[counts[id]], id)
	}
	for n, ids := range byCount {
		if len(ids) < 4 {
			for _, id := range ids {
				one(id)
			}
			continue
		}
		for part := range chunks(ids, 512) {
			width := 4 // the list is padded to a power of two with its last id: few shapes to prepare
			for width < len(part) {
				width *= 2
			}
			args := make([]any, 0, width+1)
			args = append(args, n)
			for i := range width {
				args = append(args, part[min(i, len(part)-1)])
			}
			b.query(func(r rowScanner) error {
				var id string
				var last int64
				err := r.Scan(&id, &last)
				before[id] = last - n
				return err
			}, "UPDATE registers SET last_seq = last_seq + ? WHERE id IN ("+marks(width)+") RETURNING id, last_seq", args...)
		}
	}
	if err := tx.run(ctx, &b); err != nil {
		return nil, err
	}
	if len(before) != len(registers) {
		return nil, fmt.Errorf("numbering: %d of %d registers' counters found", len(before), len(registers))
	}
	return before, nil
}

// insertPackages adds the statements that write the numbered packages, a few hundred to a statement.
func insertPackages(b *batch, queue []queuedPackage, seqs []int64) {
	const width = 9
	for start := 0; start < len(queue); start += 500 {
		part := queue[start:min(start+500, len(queue))]
		args := make([]any, 0, len(part)*width)
		for i, q := range part {
			args = append(args, q.registerID, seqs[start+i], q.kind, q.orderID, q.version, q.reason, q.claimant, q.expires, q.created)
		}
		b.exec("INSERT INTO packages (register_id, seq, kind, order_id, version, reason, claim_register_id,"+
			" claim_expires_at, created_at) VALUES "+rowsOf(len(part), width), args...)
	}
}

// insertSentRows adds the statements that write the «ККМ» rows that came with their packages (new
// orders' on SQLite), with the seq each package got.
func insertSentRows(b *batch, queue []queuedPackage, seqs []int64) {
	var with []int
	for i, q := range queue {
		if q.row != nil {
			with = append(with, i)
		}
	}
	for part := range chunks(with, 200) {
		args := make([]any, 0, len(part)*7)
		for _, i := range part {
			q := queue[i]
			args = append(args, q.orderID, q.registerID, q.row.position, q.row.state, q.row.sentVersion, q.row.sends, seqs[i])
		}
		b.exec("INSERT INTO order_registers (order_id, register_id, position, state, sent_version, sends, package_seq)"+
			" VALUES "+rowsOf(len(part), 7), args...)
	}
}

// recordSends adds the statements that write, for each order.upsert and order.delete package that is still the newest its
// register was sent about its order, the seq it got: an acknowledgement of that seq shows the order
// received (or withdrawn) there. On PostgreSQL one statement a package, sent together (one round
// trip); on SQLite one statement for up to 200, a join with their list.
func (tx *Tx) recordSends(b *batch, queue []queuedPackage, seqs []int64) {
	var sends []int
	for i, q := range queue {
		if !q.send.Valid || q.row != nil {
			continue
		}
		if tx.d.updateByKey {
			b.exec("UPDATE order_registers SET package_seq = ? WHERE order_id = ? AND register_id = ? AND sends = ?",
				seqs[i], q.orderID, q.registerID, q.send.Int64)
			continue
		}
		sends = append(sends, i)
	}
	for part := range chunks(sends, 200) {
		args := make([]any, 0, len(part)*4)
		for _, i := range part {
			args = append(args, queue[i].orderID, queue[i].registerID, queue[i].send.Int64, seqs[i])
		}
		b.exec("WITH v (order_id, register_id, sends, seq) AS (VALUES "+rowsOf(len(part), 4)+") UPDATE order_registers"+
			" SET package_seq = v.seq FROM v WHERE order_registers.order_id = v.order_id"+
			" AND order_registers.register_id = v.register_id AND order_registers.sends = v.sends", args...)
	}
}

// dequeue adds the statements that delete the numbered packages from the queue.
func dequeue(b *batch, queue []queuedPackage) {
	ids := make([]any, len(queue))
	for i, q := range queue {
		ids[i] = q.id
	}
	for start := 0; start < len(ids); start += 1000 {
		part := ids[start:min(start+1000, len(ids))]
		b.exec("DELETE FROM package_queue WHERE id IN ("+marks(len(part))+")", part...)
	}
}

// chunks yields s in parts of at most n.
func chunks[T any](s []T, n int) func(func([]T) bool) {
	return func(yield func([]T) bool) {
		for start := 0; start < len(s); start += n {
			if !yield(s[start:min(start+n, len(s))]) {
				return
			}
		}
	}
}

// wake records that the registers have new packages: the store wakes their long polls after commit,
// and on PostgreSQL every other process's too, through NOTIFY (delivered only on commit).
// The payload gives each register's new last_seq (window.go: announcement).
func (tx *Tx) wake(b *batch, registerIDs []string, last map[string]int64) {
	tx.woken = append(tx.woken, registerIDs...)
	if tx.d.notify == "" {
		return
	}
	for part := range chunks(registerIDs, 120) { // a payload stays well under NOTIFY's 8000 bytes
		b.exec(tx.d.notify, announcement(part, last))
	}
}

// NotifyChannel is the PostgreSQL channel on which processes tell each other of new packages: the
// payload is a comma-separated list of register ids, each with its new last_seq after a colon.
const NotifyChannel = "torg_packages"

// sequencer runs the batches of one PostgreSQL process: after a change that queued packages
// commits, the change waits for a batch that began after its commit, so that its packages have
// their seqs (and its registers are woken) when its request is answered; every sweepEvery it also
// numbers what a process that died between its commit and its batch left queued. Many changes that
// commit while a batch runs share the next one.
type sequencer struct {
	s        *Store
	kick     chan struct{}
	quit     chan struct{}
	done     chan struct{}
	mu       sync.Mutex
	started  uint64        // batches begun
	finished uint64        // batches ended
	changed  chan struct{} // closed when a batch ends
}

// sweepEvery is how often a sequencer looks for packages nobody numbered.
const sweepEvery = time.Second

func newSequencer(s *Store) *sequencer {
	q := &sequencer{s: s, kick: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{}),
		changed: make(chan struct{})}
	go q.loop()
	return q
}

// awaitAtMost bounds how long a change waits for its packages' seqs: a sequencer held up (another
// process's batch stuck on a dying connection) must not hold up the answer, and the packages are
// numbered all the same.
const awaitAtMost = 5 * time.Second

// await returns once a batch that began after the call has ended, or ctx ends, or awaitAtMost
// passes.
func (q *sequencer) await(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, awaitAtMost)
	defer cancel()
	q.mu.Lock()
	target := q.started + 1
	q.mu.Unlock()
	select {
	case q.kick <- struct{}{}:
	default: // a batch is already due, and begins after this call
	}
	for {
		q.mu.Lock()
		finished, changed := q.finished, q.changed
		q.mu.Unlock()
		if finished >= target {
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return
		case <-q.done:
			return
		}
	}
}

func (q *sequencer) loop() {
	defer close(q.done)
	sweep := time.NewTicker(sweepEvery)
	defer sweep.Stop()
	for {
		select {
		case <-q.kick:
		case <-sweep.C:
		case <-q.quit:
			return
		}
		q.mu.Lock()
		q.started++
		batch := q.started
		q.mu.Unlock()
		if err := q.s.Sequence(context.Background()); err != nil {
			slog.Warn("numbering packages failed; retrying within a second", "err", err)
		}
		q.mu.Lock()
		q.finished = batch
		close(q.changed)
		q.changed = make(chan struct{})
		q.mu.Unlock()
	}
}

func (q *sequencer) stop() {
	close(q.quit)
	<-q.done
}

// Sequence numbers every package queued so far, in batches of its own transactions, and wakes the
// registers that got them. torg serve runs it after every change that queued packages and every
// second; it is safe to run from any number of processes at once.
func (s *Store) Sequence(ctx context.Context) error {
	for {
		var n int
		err := s.write(ctx, func(tx *Tx) error {
			var err error
			n, err = tx.sequence(ctx, seqBatch)
			return err
		})
		if err != nil || n < seqBatch {
			return err
		}
	}
}
