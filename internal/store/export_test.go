package store

import (
	"context"
	"net"
	"sync/atomic"

	"torg"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Exec runs a statement in the transaction: tests use it to break data on purpose.
func (tx *Tx) Exec(ctx context.Context, q string, args ...any) error {
	_, err := tx.exec(ctx, q, args...)
	return err
}

// StopSequencer stops the store's background sequencer, as if its process died between committing
// a change and numbering the change's packages.
func (s *Store) StopSequencer() {
	s.startSequencer()
	if s.seq != nil {
		s.seq.stop()
		s.seq = nil
	}
}

// WriterStatements is how many statements SQLite's writer has run: each request's savepoint and its
// release count, and every statement of the requests and of the groups' numbering.
func (s *Store) WriterStatements() int64 {
	if s.group == nil {
		return 0
	}
	return s.group.stmts.runs.Load()
}

// OpenCountingRoundTrips opens a PostgreSQL store whose connections count how many times the client
// sends the server something to answer: a round trip each (pgx writes a flushed batch of messages
// with one write).
func OpenCountingRoundTrips(ctx context.Context, dsn string) (*Store, *atomic.Int64, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, nil, err
	}
	n, d := &atomic.Int64{}, &net.Dialer{}
	cfg.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return countingConn{Conn: c, n: n}, nil
	}
	s, err := openPostgres(ctx, stdlib.RegisterConnConfig(cfg), nil)
	return s, n, err
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Write(b []byte) (int, error) {
	c.n.Add(1)
	return c.Conn.Write(b)
}

// HoldAckWrites makes every flush of acknowledgements call hold inside its write transaction.
func (s *Store) HoldAckWrites(hold func()) { s.acks.hold = hold }

// FlushAcks writes the gathered acknowledgements now.
func (s *Store) FlushAcks() { s.acks.flush(s) }

// AckedInMemory is the register's acknowledgement this process shows and has not written yet.
func (s *Store) AckedInMemory(registerID string) int64 { return s.acks.acked(registerID) }

// PackageReads counts the fetches of packages that read the database rather than a window.
func (s *Store) PackageReads() int64 {
	s.windows.mu.Lock()
	defer s.windows.mu.Unlock()
	return s.windows.reads
}

// ReadPackages reads the register's packages after the cursor from the database, past every window.
func (s *Store) ReadPackages(ctx context.Context, registerID string, after int64) (torg.Packages, error) {
	return s.readPackages(ctx, registerID, after)
}
