package store

import (
	"database/sql"
	"strconv"
	"strings"
	"sync"

	"github.com/pressly/goose/v3"
)

// dialect holds everything that differs between SQLite and PostgreSQL. Queries are written once,
// with ? placeholders (never $N: SQLite reads $N as a named parameter).
type dialect struct {
	name string
	pg   bool // numbered placeholders: rebind turns ? into $1, $2, …
	// connPerTx gives each transaction a connection of its own, for batches (batch.go); SQLite's
	// writer has one connection anyway.
	connPerTx bool
	// lockRegisters locks the registers' rows (the list as one array parameter) in id order, before a
	// numbering batch updates their counters with one statement, which would lock them in whatever
	// order it meets them and could deadlock with another transaction locking several; "" on SQLite,
	// whose one writer locks no rows.
	lockRegisters string
	// updateByKey updates many rows of a batch one statement a row, by its key, sent together (one
	// round trip): PostgreSQL took 1.1 ms to update 36 order_registers rows joined with a list of
	// values, and 14 µs a row by key. SQLite runs each statement on its own call, and a join with
	// the list costs it less.
	updateByKey bool
	// forUpdate locks the selected rows until commit. SQLite needs no lock: it has a single writer.
	forUpdate string
	// skipLocked locks the selected rows and passes over those another transaction holds, so that
	// two processes never take the same work; SQLite's single writer needs neither.
	skipLocked string
	// viewIsolation is what a read-only transaction needs to see one snapshot: SQLite's WAL gives a
	// reader one anyway.
	viewIsolation sql.IsolationLevel
	// sequencerLock is held by a sequencer batch until it commits (sequencer.go): an advisory lock
	// per schema on PostgreSQL; nothing on SQLite, whose one writer runs batches one at a time.
	sequencerLock string
	// notify tells other processes' long polls of new packages, in the numbering transaction; ""
	// where there is only one process.
	notify string
	// fileLock says that migrations are serialised by a lock file beside the database, rather than
	// by the database's own advisory lock.
	fileLock bool
	// goose is the migration tool's name for the dialect.
	goose goose.Dialect
	// nextOrderNumber takes the next order number: a counter row on SQLite, whose one writer never
	// waits for it; a sequence on PostgreSQL, which locks nothing until commit.
	nextOrderNumber string
	// settledChanges limits a list of changes of orders to those made by transactions older than
	// the oldest one still running (changes.go); "" on SQLite, whose one writer commits in order.
	settledChanges string
	cache          *sync.Map // query → rebound query
}

var (
	sqliteDialect = dialect{name: "sqlite", forUpdate: "", fileLock: true, goose: goose.DialectSQLite3,
		nextOrderNumber: "UPDATE counters SET value = value + 1 WHERE name = 'order_number' RETURNING value"}
	postgresDialect = dialect{name: "postgres", pg: true, connPerTx: true, updateByKey: true, forUpdate: " FOR UPDATE", skipLocked: " FOR UPDATE SKIP LOCKED",
		viewIsolation: sql.LevelRepeatableRead, goose: goose.DialectPostgres, cache: &sync.Map{},
		sequencerLock:   "SELECT pg_advisory_xact_lock(CAST(? AS INTEGER), hashtext(current_schema()))",
		lockRegisters:   "SELECT id FROM registers WHERE id = ANY(?) ORDER BY id FOR NO KEY UPDATE",
		notify:          "SELECT pg_notify('" + NotifyChannel + "', ?)",
		nextOrderNumber: "SELECT nextval('order_number_seq')",
		settledChanges:  " AND change_xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint"}
)

// lockOf locks the rows of one table of a join (alias) until commit, passing over rows another
// transaction holds when skip is set; "" on SQLite.
func (d dialect) lockOf(alias string, skip bool) string {
	if d.forUpdate == "" {
		return ""
	}
	if skip {
		return d.forUpdate + " OF " + alias + " SKIP LOCKED"
	}
	return d.forUpdate + " OF " + alias
}

// rebind turns ? placeholders into PostgreSQL's $1, $2, …; quoted text is left alone.
func (d dialect) rebind(q string) string {
	if !d.pg {
		return q
	}
	if v, ok := d.cache.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	n, quoted := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			quoted = !quoted
		case c == '?' && !quoted:
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	out := b.String()
	d.cache.Store(q, out)
	return out
}
