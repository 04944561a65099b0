package store

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"torg"
)

// This file holds the reads every register request makes — its principal, its packages — kept
// cheap: statements prepared once, and principals remembered while no token is revoked, which is
// looked for once a second.

// readStmt is the query prepared on the read pool, once per store (database/sql prepares it again
// on each connection that runs it).
func (s *Store) readStmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := s.reads.Load(q); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.db.PrepareContext(ctx, s.d.rebind(q))
	if err != nil {
		return nil, translate(err)
	}
	if prev, loaded := s.reads.LoadOrStore(q, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// principalTTL is how long a token's principal is remembered. Revocations are looked for at most
// revokedEvery apart, while remembered principals are used: a token revoked on another process is
// refused within revokedEvery (on this process at once).
const (
	principalTTL = 10 * time.Minute
	revokedEvery = time.Second
)

type principalEntry struct {
	p       torg.Principal
	expires time.Time
}

// principals remembers the principals of recently used tokens, by the hash of the secret.
type principals struct {
	mu      sync.Mutex
	m       map[string]principalEntry
	checked time.Time  // when the last look for revocations began
	mark    revocation // what it found
	check   sync.Mutex // one look at a time
}

// revocation is what changes whenever a token is revoked: how many are, and the newest revocation.
type revocation struct{ count, newest int64 }

func (c *principals) get(hash string, now time.Time) (torg.Principal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[hash]
	if !ok || now.After(e.expires) || now.Sub(c.checked) >= revokedEvery {
		return torg.Principal{}, false
	}
	return e.p, true
}

// fresh makes sure revocations were looked for less than revokedEvery ago, forgetting every
// principal when one was revoked since the last look.
func (c *principals) fresh(ctx context.Context, s *Store) error {
	c.check.Lock()
	defer c.check.Unlock()
	start := time.Now()
	c.mu.Lock()
	due := start.Sub(c.checked) >= revokedEvery
	c.mu.Unlock()
	if !due {
		return nil
	}
	st, err := s.readStmt(ctx, "SELECT COUNT(*), COALESCE(MAX(revoked_at), 0) FROM api_tokens WHERE revoked_at IS NOT NULL")
	if err != nil {
		return err
	}
	var r revocation
	if err := st.QueryRowContext(ctx).Scan(&r.count, &r.newest); err != nil {
		return translate(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if r != c.mark {
		c.m = nil
	}
	c.mark, c.checked = r, start
	return nil
}

func (c *principals) put(hash string, p torg.Principal, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 100_000 { // forget everything rather than grow without bound
		c.m = map[string]principalEntry{}
	}
	c.m[hash] = principalEntry{p: p, expires: now.Add(principalTTL)}
}

// forget drops every remembered principal: a token was revoked here.
func (c *principals) forget() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

// Authenticate finds the principal of an API token's secret: an unknown or revoked token is
// CodeUnauthorized. A principal is remembered for principalTTL.
func (s *Store) Authenticate(ctx context.Context, secret string) (torg.Principal, error) {
	hash, now := string(HashSecret(secret)), time.Now()
	if p, ok := s.principals.get(hash, now); ok {
		return p, nil
	}
	if err := s.principals.fresh(ctx, s); err != nil {
		return torg.Principal{}, err
	}
	if p, ok := s.principals.get(hash, time.Now()); ok {
		return p, nil
	}
	st, err := s.readStmt(ctx, "SELECT id, name, role, register_id FROM api_tokens WHERE secret_hash = ? AND revoked_at IS NULL")
	if err != nil {
		return torg.Principal{}, err
	}
	var p torg.Principal
	var reg sql.NullString
	err = st.QueryRowContext(ctx, []byte(hash)).Scan(&p.ID, &p.Name, &p.Role, &reg)
	if errNoRows(err) {
		return p, torg.Errorf(torg.CodeUnauthorized, "the token is unknown or revoked")
	}
	if err != nil {
		return p, translate(err)
	}
	p.RegisterID = reg.String
	s.principals.put(hash, p, now)
	return p, nil
}
