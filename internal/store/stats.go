package store

import (
	"context"
	"database/sql"
)

// Stats is what the database holds now, for metrics (docs/OPERATIONS.md, «Metrics»).
type Stats struct {
	Orders          map[string]int64 // orders by status
	Transactions    map[string]int64 // register transactions by state
	Backlog         int64            // transactions waiting for KKMTransfer: new and failed
	PackagesUnacked int64            // packages written and not yet acknowledged, over all registers
}

// Stats counts orders by status, transactions by state, KKMTransfer's backlog and the packages
// registers have not acknowledged, in one snapshot.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	st := Stats{Orders: map[string]int64{}, Transactions: map[string]int64{}}
	err := s.View(ctx, func(tx *Tx) error {
		if err := countBy(ctx, tx, "SELECT status, COUNT(*) FROM orders GROUP BY status", st.Orders); err != nil {
			return err
		}
		if err := countBy(ctx, tx, "SELECT state, COUNT(*) FROM transactions GROUP BY state", st.Transactions); err != nil {
			return err
		}
		st.Backlog = st.Transactions["new"] + st.Transactions["failed"]
		return tx.queryRow(ctx, "SELECT COALESCE(SUM(last_seq - acked_seq), 0) FROM registers").Scan(&st.PackagesUnacked)
	})
	return st, err
}

func countBy(ctx context.Context, tx *Tx, q string, into map[string]int64) error {
	err := tx.eachRow(ctx, func(row scanner) error {
		var k string
		var n int64
		if err := row.Scan(&k, &n); err != nil {
			return err
		}
		into[k] = n
		return nil
	}, q)
	if err != nil {
		return err
	}
	return nil
}

// Pools are the store's connection pools by name, for their statistics: "read" and "write" on
// SQLite, "postgres" on PostgreSQL.
func (s *Store) Pools() map[string]*sql.DB {
	if s.db == s.writeDB {
		return map[string]*sql.DB{"postgres": s.db}
	}
	return map[string]*sql.DB{"read": s.db, "write": s.writeDB}
}

// WriteQueue is how many writes wait for SQLite's one writer, or are in the group it is running;
// ok is false on PostgreSQL, which has no such queue.
func (s *Store) WriteQueue() (n int64, ok bool) {
	if s.group == nil {
		return 0, false
	}
	return s.group.waiting.Load(), true
}

// OnWriteGroup sets the function told the size of every group of writes SQLite's writer commits
// together (group commit). It has no effect on PostgreSQL.
func (s *Store) OnWriteGroup(fn func(size int)) {
	if s.group != nil {
		s.group.observe.Store(&fn)
	}
}

// observed tells the group's size to the function OnWriteGroup set.
func (g *groupWriter) observed(size int) {
	if fn := g.observe.Load(); fn != nil {
		(*fn)(size)
	}
}

// PackagesNumbered is how many packages this process's sequencer has numbered (sequencer.go).
func (s *Store) PackagesNumbered() int64 { return s.numbered.Load() }
