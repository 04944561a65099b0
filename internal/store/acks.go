package store

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"torg"
)

// A register acknowledges its packages with every fetch (after=SEQ). Writing each acknowledgement
// in a transaction of its own would cost a write per delivery; instead they are gathered here and
// written together every ackEvery, with the registers' last_seen_at. An acknowledgement lost in a
// crash only makes the register receive those packages again, which it ignores by seq. Until it is
// written, this process shows it in the orders' delivery states all the same (ackBuffer.overlay).

// ackEvery is how often gathered acknowledgements are written.
const ackEvery = 100 * time.Millisecond

type ackBuffer struct {
	mu      sync.Mutex
	pending map[string]int64 // register → highest seq acknowledged and not yet written
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
	a.mu.Unlock()
}

// acked is the highest seq of the register acknowledged here and not yet written.
func (a *ackBuffer) acked(registerID string) int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.pending[registerID]
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

// flush writes the gathered acknowledgements in one transaction, a few hundred registers to a
// statement. What fails to be written is kept for the next flush.
func (a *ackBuffer) flush(s *Store) {
	a.mu.Lock()
	batch := a.pending
	a.pending = nil
	a.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	ids := make([]string, 0, len(batch))
	for id := range batch {
		ids = append(ids, id)
	}
	now := micros(torg.Now())
	err := s.write(context.Background(), func(tx *Tx) error {
		for part := range chunks(ids, 500) {
			row := "(?, CAST(? AS BIGINT))"
			args := make([]any, 0, 1+len(part)*2)
			args = append(args, now)
			for _, id := range part {
				args = append(args, id, batch[id])
			}
			_, err := tx.exec(context.Background(), "UPDATE registers SET last_seen_at = ?, acked_seq = CASE WHEN registers.acked_seq < v.column2"+
				" THEN v.column2 ELSE registers.acked_seq END FROM (VALUES "+row+strings.Repeat(", "+row, len(part)-1)+
				") AS v WHERE registers.id = v.column1", args...)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		slog.Warn("writing acknowledgements failed; retrying", "registers", len(ids), "err", err)
		for id, seq := range batch {
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
