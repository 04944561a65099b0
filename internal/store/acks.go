package store

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"torg"
)

// A register acknowledges its packages with every fetch (after=SEQ). Writing each acknowledgement
// in a transaction of its own would cost a write per delivery; instead they are gathered here and
// written together every ackEvery, with the registers' last_seen_at. An acknowledgement lost in a
// crash only makes the register receive those packages again, which it ignores by seq. This process
// shows an acknowledgement in the orders' delivery states at once, before it is written, while it is
// being written and after (ackBuffer.acked).

// ackEvery is how often gathered acknowledgements are written.
const ackEvery = 100 * time.Millisecond

type ackBuffer struct {
	mu      sync.Mutex
	pending map[string]int64 // register → highest seq acknowledged and not yet written
	noted   map[string]int64 // register → highest seq acknowledged here, written or not
	hold    func()           // tests: called inside the flush's write
	start   sync.Once
	quit    chan struct{}
	done    chan struct{}
}

// NoteAck records that the register has every package up to seq (checked by the caller against
// the register's last_seq) and was seen now; it is written within ackEvery.
func (s *Store) NoteAck(registerID string, seq int64) {
	a := &s.acks
	a.start.Do(func() {
		a.quit, a.done = make(chan struct{}), make(chan struct{})
		go a.loop(s)
	})
	a.mu.Lock()
	if a.pending == nil {
		a.pending = map[string]int64{}
	}
	if cur, ok := a.pending[registerID]; !ok || seq > cur {
		a.pending[registerID] = seq
	}
	if a.noted == nil {
		a.noted = map[string]int64{}
	}
	a.noted[registerID] = max(a.noted[registerID], seq)
	a.mu.Unlock()
}

// acked is the highest seq of the register acknowledged to this process. It is kept after it is
// written: a read whose snapshot began before the write committed finds it here, so that no read
// shows an acknowledged order as not received.
func (a *ackBuffer) acked(registerID string) int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.noted[registerID]
}

func (a *ackBuffer) loop(s *Store) {
	defer close(a.done)
	t := time.NewTicker(ackEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-a.quit:
			a.flush(s)
			return
		}
		a.flush(s)
	}
}

// flush writes the gathered acknowledgements in one transaction (one round trip on PostgreSQL).
// What fails to be written is kept for the next flush.
func (a *ackBuffer) flush(s *Store) {
	a.mu.Lock()
	gathered := a.pending
	a.pending = nil
	a.mu.Unlock()
	if len(gathered) == 0 {
		return
	}
	ids := make([]string, 0, len(gathered))
	for id := range gathered {
		ids = append(ids, id)
	}
	slices.Sort(ids) // the sequencer locks registers in this order too
	now := micros(torg.Now())
	err := s.write(context.Background(), func(tx *Tx) error {
		var b batch
		for _, id := range ids {
			b.exec("UPDATE registers SET last_seen_at = ?, acked_seq = CASE WHEN acked_seq < ? THEN ? ELSE acked_seq END WHERE id = ?",
				now, gathered[id], gathered[id], id)
		}
		if a.hold != nil {
			a.hold()
		}
		return tx.run(context.Background(), &b)
	})
	if err != nil {
		slog.Warn("writing acknowledgements failed; retrying", "registers", len(ids), "err", err)
		for id, seq := range gathered {
			s.NoteAck(id, seq)
		}
	}
}

// stop writes what is gathered and ends the loop.
func (a *ackBuffer) stop() {
	if a.quit == nil {
		return
	}
	close(a.quit)
	<-a.done
}
