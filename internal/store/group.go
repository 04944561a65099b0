package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
)

// groupWriter gives SQLite's single writer to many requests at once: the write transactions that
// arrive together run one after another inside one SQLite transaction, each in a savepoint of its
// own, and share its commit — one fsync for the group instead of one each (group commit). A request
// that fails is rolled back to its savepoint alone; a commit that fails fails the whole group, and
// each request is told. Every request learns its outcome only after the commit.
type groupWriter struct {
	db    *sql.DB
	stmts stmtCache
	wake  func([]string) // told which registers got packages in a committed group; may be nil
	reqs  chan *writeReq
	quit  chan struct{}
	done  chan struct{}
	close sync.Once
	// For metrics (stats.go): writes submitted and not yet answered, and who is told each group's size.
	waiting  atomic.Int64
	observe  atomic.Pointer[func(size int)]
	numbered *atomic.Int64 // the store's count of packages numbered
	revoked  func()        // told after a group that revoked tokens commits
	acks     *ackBuffer    // the store's acknowledgements not yet written
	win      *windows      // the registers' windows, given what each group numbered (window.go)
}

// maxGroup bounds how many requests share one commit.
const maxGroup = 128

type writeReq struct {
	ctx  context.Context
	fn   func(*Tx) error
	done chan error
}

func newGroupWriter(db *sql.DB, wake func([]string), numbered *atomic.Int64, revoked func()) *groupWriter {
	g := &groupWriter{db: db, wake: wake, numbered: numbered, revoked: revoked, reqs: make(chan *writeReq), quit: make(chan struct{}), done: make(chan struct{})}
	go g.loop()
	return g
}

// update runs fn in the next group and returns its outcome once the group has committed.
func (g *groupWriter) update(ctx context.Context, fn func(*Tx) error) error {
	r := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	g.waiting.Add(1)
	defer g.waiting.Add(-1)
	select {
	case g.reqs <- r:
	case <-ctx.Done():
		return ctx.Err()
	case <-g.quit:
		return sql.ErrConnDone
	}
	return <-r.done // even when ctx ends meanwhile: the work may already be committed
}

// stop ends the writer after the group it is running.
func (g *groupWriter) stop() {
	g.close.Do(func() { close(g.quit) })
	<-g.done
}

func (g *groupWriter) loop() {
	defer close(g.done)
	for {
		var first *writeReq
		select {
		case first = <-g.reqs:
		case <-g.quit:
			return
		}
		group := []*writeReq{first}
	gather:
		for len(group) < maxGroup {
			select {
			case r := <-g.reqs:
				group = append(group, r)
			default:
				break gather
			}
		}
		g.observed(len(group))
		g.run(group)
		g.stmts.prepare(g.db) // the connection is free between groups
	}
}

// run executes one group in one transaction, and numbers the packages its requests queued before
// it commits (sequencer.go): SQLite's one writer needs no sequencer of its own.
func (g *groupWriter) run(group []*writeReq) {
	errs := make([]error, len(group))
	var woken []string
	revoked := false
	sqlTx, err := g.db.BeginTx(context.Background(), nil)
	if err == nil {
		var queue []queuedPackage
		numbered := 0
		stored := snapshots{}
		for i, r := range group {
			var one *Tx
			if one, errs[i] = g.one(sqlTx, r); errs[i] == nil {
				queue = append(queue, one.pending...)
				revoked = revoked || one.revoked
				maps.Copy(stored, one.stored)
			}
		}
		var got map[string]*given
		if len(queue) > 0 {
			woken, numbered, got, err = g.number(sqlTx, queue, stored)
		}
		if err == nil {
			if len(got) > 0 {
				g.win.begin(keys(got))
			}
			err = sqlTx.Commit()
			if len(got) > 0 {
				g.win.end(got, err == nil)
			}
			if err == nil {
				g.win.rememberAll(stored)
				g.numbered.Add(int64(numbered))
				if revoked {
					g.revoked()
				}
			}
		} else {
			sqlTx.Rollback()
		}
	}
	if err != nil {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = translate(err)
			}
		}
		woken = nil
	}
	if g.wake != nil && len(woken) > 0 {
		g.wake(woken)
	}
	for i, r := range group {
		r.done <- errs[i]
	}
}

// number numbers the packages the group's requests queued, in their order, and returns the
// registers to wake, how many it numbered and what, for the windows; stored is the snapshots the
// requests inserted.
func (g *groupWriter) number(sqlTx *sql.Tx, queue []queuedPackage, stored snapshots) ([]string, int, map[string]*given, error) {
	tx := &Tx{tx: sqlTx, d: sqliteDialect, uncancel: true, stmts: &g.stmts, win: g.win, stored: stored}
	err := tx.number(context.Background(), queue, &batch{})
	return tx.woken, tx.numbered, tx.got, err
}

// one runs a request's work inside a savepoint. Its statements ignore the request's cancellation:
// interrupting SQLite mid-statement could roll back the whole group's transaction.
func (g *groupWriter) one(sqlTx *sql.Tx, r *writeReq) (tx *Tx, err error) {
	if err := r.ctx.Err(); err != nil {
		return nil, err
	}
	bg := context.Background()
	g.stmts.runs.Add(2) // the savepoint and its release
	if _, err := sqlTx.ExecContext(bg, "SAVEPOINT request"); err != nil {
		return nil, err
	}
	tx = &Tx{tx: sqlTx, d: sqliteDialect, uncancel: true, stmts: &g.stmts, acks: g.acks, group: true}
	func() {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("store: panic in a write: %v", p)
			}
		}()
		err = translate(r.fn(tx))
	}()
	if err != nil {
		sqlTx.ExecContext(bg, "ROLLBACK TO SAVEPOINT request")
	}
	if _, rerr := sqlTx.ExecContext(bg, "RELEASE SAVEPOINT request"); rerr != nil && err == nil {
		err = rerr
	}
	return tx, err
}

// stmtCache keeps the writer's statements prepared, so that SQLite parses each query once. A query
// met inside a group is prepared after it, when the one connection is free again; until then it runs
// unprepared.
type stmtCache struct {
	runs    atomic.Int64 // statements the writer ran, for tests of what an order costs it
	mu      sync.Mutex
	stmts   map[string]*sql.Stmt
	pending map[string]bool
}

// maxStmts bounds the cache: queries with long IN lists come in many shapes.
const maxStmts = 512

// get returns the prepared statement of the query, or nil, noting that it should be prepared.
func (c *stmtCache) get(q string) *sql.Stmt {
	c.runs.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[q]; ok {
		return st
	}
	if len(c.stmts)+len(c.pending) < maxStmts {
		if c.pending == nil {
			c.pending = map[string]bool{}
		}
		c.pending[q] = true
	}
	return nil
}

// prepare prepares the queries noted since the last call.
func (c *stmtCache) prepare(db *sql.DB) {
	c.mu.Lock()
	pending := c.pending
	c.pending = nil
	c.mu.Unlock()
	for q := range pending {
		st, err := db.PrepareContext(context.Background(), q)
		if err != nil {
			continue // it runs unprepared
		}
		c.mu.Lock()
		if c.stmts == nil {
			c.stmts = map[string]*sql.Stmt{}
		}
		c.stmts[q] = st
		c.mu.Unlock()
	}
}
