// Package store keeps torg's data in SQLite (embedded, the default) or PostgreSQL. All SQL lives in
// this package; the two dialects share every query, and their few differences are in dialect.go.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver

	"torg"
)

// Store is the database of one back office.
type Store struct {
	d          dialect
	db         *sql.DB // reads (and, on PostgreSQL, writes)
	writeDB    *sql.DB // writes: on SQLite a single connection that begins IMMEDIATE transactions
	path       string  // the SQLite file
	wake       func(registerIDs []string)
	group      *groupWriter // SQLite: group commit of concurrent writes
	seq        *sequencer   // PostgreSQL: numbers queued packages after the changes that queue them commit
	seqOnce    sync.Once    // starts seq once the schema is known to be there
	numbered   atomic.Int64 // packages this process numbered
	reads      sync.Map     // query → *sql.Stmt prepared on db (reads.go)
	principals principals   // principals of recently used tokens (reads.go)
	acks       ackBuffer    // acknowledgements gathered to be written together (acks.go)
	windows    windows      // each register's newest packages, in memory (window.go)
	drafts     stmtCache    // the reads of drafts, prepared on the read pool (draft.go)
}

// Option changes how Open sets up a store.
type Option func(*Store)

// OnPackages has the store tell fn, after each commit, which registers got new packages in it.
func OnPackages(fn func(registerIDs []string)) Option { return func(s *Store) { s.wake = fn } }

// Tx is one database transaction; every read and write of the domain is a method of Tx.
type Tx struct {
	tx       *sql.Tx
	conn     *sql.Conn // PostgreSQL: the transaction's connection, for batches (batch.go)
	d        dialect
	woken    []string               // registers given packages in this transaction
	queued   int                    // packages queued for the sequencer in this transaction
	numbered int                    // packages the sequencer numbered in this transaction
	group    bool                   // part of a SQLite group commit: its packages are numbered at the group\'s end (group.go)
	pending  []queuedPackage        // the packages it queued, in a group
	revoked  bool                   // tokens were revoked: the remembered principals are forgotten after commit
	acks     *ackBuffer             // acknowledgements not yet written, shown in delivery states
	uncancel bool                   // part of a group commit: statements ignore the caller's cancellation
	stmts    *stmtCache             // the writer's prepared statements (SQLite group commit)
	prods    map[string]productInfo // products read in this transaction, by "id:" and "code:"
	customer *torg.CustomerRef      // the customer read in this transaction, for a snapshot
	win      *windows               // the registers' windows (window.go)
	got      map[string]*given      // what this transaction numbered, by register, for the windows
	stored   snapshots              // snapshots this transaction inserted
}

// Open connects to the database named by dsn: "sqlite:PATH" or "postgres://…". It does not migrate.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"), opts)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return openPostgres(ctx, dsn, opts)
	}
	return nil, fmt.Errorf("store: database %q: want sqlite:PATH or postgres://…", dsn)
}

func openSQLite(ctx context.Context, path string, opts []Option) (*Store, error) {
	if path == "" {
		return nil, errors.New("store: sqlite: empty path")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
	}
	// The first connection switches a new file to WAL, which fails rather than waits while another
	// process does the same: processes that open one file at once take turns.
	unlock, err := lockFile(path + ".migrate-lock")
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer unlock()
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "temp_store(MEMORY)") // savepoints' sub-journals stay in memory
	q.Add("_pragma", "cache_size(-16384)") // 16 MiB of pages, so a group's transaction does not spill
	base := "file:" + path + "?" + q.Encode()
	writeDB, err := sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	// One writer: SQLite allows one anyway, and queueing in Go never meets SQLITE_BUSY.
	writeDB.SetMaxOpenConns(1)
	writeDB.SetConnMaxIdleTime(0)
	readDB, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		writeDB.Close()
		return nil, fmt.Errorf("store: %w", err)
	}
	readDB.SetMaxOpenConns(8)
	readDB.SetMaxIdleConns(8)
	s := &Store{d: sqliteDialect, db: readDB, writeDB: writeDB, path: path}
	for _, o := range opts {
		o(s)
	}
	s.group = newGroupWriter(writeDB, s.wake, &s.numbered, s.principals.forget)
	s.group.acks = &s.acks
	s.group.win = &s.windows
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func openPostgres(ctx context.Context, dsn string, opts []Option) (*Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &Store{d: postgresDialect, db: db, writeDB: db}
	for _, o := range opts {
		o(s)
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Dialect names the database: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.d.name }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.writeDB.PingContext(ctx); err != nil {
		return fmt.Errorf("store: %w", translate(err))
	}
	return nil
}

// Close closes every connection.
func (s *Store) Close() error {
	s.acks.stop()
	if s.group != nil {
		s.group.stop()
	}
	s.seqOnce.Do(func() {}) // none starts after this
	if s.seq != nil {
		s.seq.stop()
	}
	err := s.writeDB.Close()
	if s.db != s.writeDB {
		err = errors.Join(err, s.db.Close())
	}
	return err
}

// Update runs fn in a read-write transaction and commits it when fn returns nil. On PostgreSQL a
// transaction that loses a serialization race or a deadlock is run again, so fn must do nothing but
// database work through tx. Packages the transaction queued have their seqs when Update returns
// (unless ctx ended first: they get them all the same).
func (s *Store) Update(ctx context.Context, fn func(*Tx) error) error {
	s.startSequencer()
	queued := false
	err := s.write(ctx, func(tx *Tx) error {
		err := fn(tx)
		queued = tx.queued > 0
		return err
	})
	if err == nil && queued && s.seq != nil {
		s.seq.await(ctx)
	}
	return err
}

// startSequencer starts the PostgreSQL sequencer, once: after Migrate, or at the first change.
func (s *Store) startSequencer() {
	if s.group == nil { // SQLite's group writer numbers in each group's own transaction
		s.seqOnce.Do(func() { s.seq = newSequencer(s) })
	}
}

// write runs fn in a read-write transaction, as Update does, without waiting for the sequencer.
func (s *Store) write(ctx context.Context, fn func(*Tx) error) error {
	if s.group != nil {
		return s.group.update(ctx, fn)
	}
	for attempt := 0; ; attempt++ {
		err := s.run(ctx, s.writeDB, nil, fn)
		if attempt < 4 && isRetryable(err) {
			continue
		}
		return err
	}
}

// View runs fn in a read-only transaction that sees one snapshot.
func (s *Store) View(ctx context.Context, fn func(*Tx) error) error {
	return s.run(ctx, s.db, &sql.TxOptions{ReadOnly: true, Isolation: s.d.viewIsolation}, fn)
}

func (s *Store) run(ctx context.Context, db *sql.DB, opts *sql.TxOptions, fn func(*Tx) error) (err error) {
	tx := &Tx{d: s.d, acks: &s.acks, win: &s.windows}
	if s.d.connPerTx {
		if tx.conn, err = db.Conn(ctx); err != nil {
			return translate(err)
		}
		defer tx.conn.Close()
		tx.tx, err = tx.conn.BeginTx(ctx, opts)
	} else {
		tx.tx, err = db.BeginTx(ctx, nil) // the connection's DSN sets the locking mode
	}
	if err != nil {
		return translate(err)
	}
	defer func() {
		if err != nil {
			tx.tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		return translate(err)
	}
	if len(tx.got) > 0 {
		s.windows.begin(keys(tx.got))
	}
	err = tx.tx.Commit()
	if len(tx.got) > 0 {
		s.windows.end(tx.got, err == nil)
	}
	if err != nil {
		return translate(err)
	}
	s.windows.rememberAll(tx.stored)
	s.numbered.Add(int64(tx.numbered))
	if tx.revoked {
		s.principals.forget()
	}
	if len(tx.woken) > 0 && s.wake != nil {
		s.wake(tx.woken)
	}
	return nil
}

type scanner interface{ Scan(dest ...any) error }

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	ctx, q = tx.context(ctx), tx.d.rebind(q)
	if st := tx.prepared(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.tx.ExecContext(ctx, q, args...)
}

func (tx *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	ctx, q = tx.context(ctx), tx.d.rebind(q)
	if st := tx.prepared(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.tx.QueryContext(ctx, q, args...)
}

func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	ctx, q = tx.context(ctx), tx.d.rebind(q)
	if st := tx.prepared(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.tx.QueryRowContext(ctx, q, args...)
}

// prepared is the query's statement prepared on this transaction's connection, when the writer has
// one; nil otherwise.
func (tx *Tx) prepared(ctx context.Context, q string) *sql.Stmt {
	if tx.stmts == nil {
		return nil
	}
	if st := tx.stmts.get(q); st != nil {
		return tx.tx.StmtContext(ctx, st)
	}
	return nil
}

// inGroup reports whether the transaction is part of a SQLite group commit.
func (tx *Tx) inGroup() bool { return tx.group }

// context is the context a statement runs with: the caller's, except that in a group commit its
// cancellation is dropped (interrupting SQLite mid-statement could roll back the whole group's
// transaction, other requests' work included); its values are kept.
func (tx *Tx) context(ctx context.Context) context.Context {
	if tx.uncancel {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// micros is how the store keeps a time: Unix microseconds.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

// nullMicros reads a nullable time column.
type nullMicros struct{ t **time.Time }

func (n nullMicros) Scan(src any) error {
	var v sql.NullInt64
	if err := v.Scan(src); err != nil {
		return err
	}
	*n.t = nil
	if v.Valid {
		t := fromMicros(v.Int64)
		*n.t = &t
	}
	return nil
}

// notFound is the error of a missing row of the named kind.
func notFound(noun, id string) error {
	return torg.Errorf(torg.CodeNotFound, "%s %q does not exist", noun, id)
}

func itoa(i int) string { return strconv.Itoa(i) }

func itoa64(i int64) string { return strconv.FormatInt(i, 10) }

// queryStrings runs a query of one text column and returns its values.
func queryStrings(ctx context.Context, tx *Tx, q string, args ...any) ([]string, error) {
	return queryAll(ctx, tx, scanString, q, args...)
}
