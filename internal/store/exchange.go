package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"torg"
)

// MaxPackages is the most packages one fetch returns.
const MaxPackages = 500

// seenEvery is how stale a register's last_seen_at may get before a read refreshes it.
const seenEvery = 10 * time.Second

// Packages returns the register's packages with seq above after, oldest first, and the newest seq
// it has. It answers from the register's window in memory when the window holds every package after
// the cursor (window.go), and otherwise reads the database, outside any transaction: packages are
// never changed once written, and last_seq, read after them, is at least the last one returned.
func (s *Store) Packages(ctx context.Context, registerID string, after int64) (torg.Packages, error) {
	return s.PollPackages(ctx, registerID, after, false)
}

// PollPackages is Packages for a long poll: waits says that the poll, when the answer is empty, waits
// for its register's next wake-up and then asks again, so an empty answer may come from memory too.
// An empty answer that ends a fetch always comes from the database.
func (s *Store) PollPackages(ctx context.Context, registerID string, after int64, waits bool) (torg.Packages, error) {
	if out, ok := s.windows.lookup(registerID, after, waits); ok {
		return out, nil
	}
	t := s.windows.ticket(registerID)
	out, err := s.readPackages(ctx, registerID, after)
	if err == nil {
		s.windows.refill(registerID, t, after, out)
	}
	return out, err
}

// packageColumns are a package's columns as a fetch reads them (packageRow), of packages p joined
// with their snapshots o and claimants' registers r (packageJoins).
const (
	packageColumns = "p.seq, p.kind, p.order_id, p.reason, o.body, p.claim_register_id, r.name, p.claim_expires_at, p.created_at"
	packageJoins   = " LEFT JOIN order_snapshots o ON p.kind = 'order.upsert' AND o.order_id = p.order_id AND o.version = p.version" +
		" LEFT JOIN registers r ON r.id = p.claim_register_id"
)

// packageRow scans packageColumns into a package as a register receives it.
type packageRow struct {
	p                                    torg.Package
	reason, body, claimant, claimantName sql.NullString
	expires                              sql.NullInt64
	written                              int64
}

func (r *packageRow) dest() []any {
	return []any{&r.p.Seq, &r.p.Kind, &r.p.OrderID, &r.reason, &r.body, &r.claimant, &r.claimantName, &r.expires, &r.written}
}

func (r *packageRow) pkg() torg.Package {
	p := r.p
	p.Written = fromMicros(r.written)
	switch p.Kind {
	case torg.PackageUpsert:
		p.Order, p.OrderID = json.RawMessage(r.body.String), ""
	case torg.PackageClaimed:
		at := fromMicros(r.expires.Int64)
		p.RegisterID, p.RegisterName, p.ExpiresAt = r.claimant.String, r.claimantName.String, &at
	default:
		p.Reason = r.reason.String
	}
	return p
}

// readPackages reads the register's packages after the cursor, and its last_seq, from the database.
func (s *Store) readPackages(ctx context.Context, registerID string, after int64) (torg.Packages, error) {
	out := torg.Packages{Packages: []torg.Package{}}
	st, err := s.readStmt(ctx, "SELECT "+packageColumns+" FROM packages p"+packageJoins+
		" WHERE p.register_id = ? AND p.seq > ? ORDER BY p.seq LIMIT ?")
	if err != nil {
		return out, err
	}
	rows, err := st.QueryContext(ctx, registerID, after, MaxPackages)
	if err != nil {
		return out, translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var row packageRow
		if err := rows.Scan(row.dest()...); err != nil {
			return out, err
		}
		out.Packages = append(out.Packages, row.pkg())
	}
	if err := rows.Err(); err != nil {
		return out, translate(err)
	}
	if st, err = s.readStmt(ctx, "SELECT last_seq FROM registers WHERE id = ?"); err != nil {
		return out, err
	}
	err = st.QueryRowContext(ctx, registerID).Scan(&out.LastSeq)
	return out, translate(err)
}

// catchUp reads at once the packages that other processes numbered for the registers whose windows
// they left behind, and adds them to the windows (window.go), so that the polls woken next are
// answered from memory. Only where other processes number packages (PostgreSQL). It gives the
// database a second at most: the wake-up after it must not wait on a database in trouble, and a
// window left behind only makes its poll read the database itself.
func (s *Store) catchUp(behind []catchUp) {
	if s.d.notify == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	ids, afters, uptos := make([]string, len(behind)), make([]int64, len(behind)), make([]int64, len(behind))
	for i, c := range behind {
		ids[i], afters[i], uptos[i] = c.registerID, c.after, c.upto
	}
	rows, err := s.db.QueryContext(ctx, s.d.rebind("SELECT c.register_id, "+packageColumns+
		" FROM unnest(CAST(? AS TEXT[]), CAST(? AS BIGINT[]), CAST(? AS BIGINT[])) AS c (register_id, after_seq, upto_seq)"+
		" JOIN packages p ON p.register_id = c.register_id AND p.seq > c.after_seq AND p.seq <= c.upto_seq"+packageJoins+
		" ORDER BY c.register_id, p.seq"), ids, afters, uptos)
	if err != nil {
		return
	}
	defer rows.Close()
	found := map[string][]torg.Package{}
	bodies := map[string]json.RawMessage{} // one copy of each snapshot, shared by the windows
	for rows.Next() {
		var id string
		var row packageRow
		if err := rows.Scan(append([]any{&id}, row.dest()...)...); err != nil {
			return
		}
		p := row.pkg()
		if p.Order != nil {
			if b, ok := bodies[row.body.String]; ok {
				p.Order = b
			} else {
				bodies[row.body.String] = p.Order
			}
		}
		found[id] = append(found[id], p)
	}
	if rows.Err() != nil {
		return
	}
	for _, c := range behind {
		s.windows.caughtUp(c, found[c.registerID])
	}
}

// Ack records that the register has every package up to seq, which (with the seq each order's
// newest package got) makes each order it was sent received and each deletion withdrawn. It also
// notes that the register was seen, and returns the highest seq the register has acknowledged.
// field names seq in an error.
func (tx *Tx) Ack(ctx context.Context, registerID, field string, seq int64) (int64, error) {
	var last, acked int64
	var seen sql.NullInt64
	err := tx.queryRow(ctx, "SELECT last_seq, acked_seq, last_seen_at FROM registers WHERE id = ?"+tx.d.forUpdate, registerID).
		Scan(&last, &acked, &seen)
	if err != nil {
		return 0, err
	}
	if seq < 0 || seq > last {
		return 0, torg.Invalid(field, "must be from 0 to %d, the newest package of this register", last)
	}
	now := torg.Now()
	if seq <= acked {
		if !seen.Valid || seen.Int64 < micros(now.Add(-seenEvery)) {
			_, err = tx.exec(ctx, "UPDATE registers SET last_seen_at = ? WHERE id = ?", micros(now), registerID)
		}
		return acked, err
	}
	_, err = tx.exec(ctx, "UPDATE registers SET acked_seq = ?, last_seen_at = ? WHERE id = ?", seq, micros(now), registerID)
	return seq, err
}

// Claim gives the register the order to sell («Подобрать чек») until ttl passes, or renews its claim.
// version, when not nil, is the version the register shows.
func (tx *Tx) Claim(ctx context.Context, registerID, orderID string, version *int64, ttl time.Duration) (torg.Claim, error) {
	o, err := tx.order(ctx, orderID, true)
	if err != nil {
		return torg.Claim{}, err
	}
	p, err := o.TakeClaim(registerID, version, torg.Now().Add(ttl))
	var held *torg.ClaimHeldError
	if errors.As(err, &held) {
		var code, name string
		tx.queryRow(ctx, "SELECT code, name FROM registers WHERE id = ?", held.Claim.RegisterID).Scan(&code, &name)
		return torg.Claim{}, torg.Errorf(torg.CodeClaimed, "order %s is being sold at register %s (%s) until %s",
			o.Number, code, name, held.Claim.ExpiresAt.Format(time.RFC3339))
	}
	if err != nil {
		return torg.Claim{}, err
	}
	return *o.Claim, tx.write(ctx, &o, p)
}

// ReleaseClaim ends the register's claim on the order (its receipt was cancelled). Releasing a
// claim the register does not hold changes nothing.
func (tx *Tx) ReleaseClaim(ctx context.Context, registerID, orderID string) error {
	o, err := tx.order(ctx, orderID, true)
	if err != nil {
		return err
	}
	p := o.ReleaseClaim(registerID)
	if !p.ClaimChanged {
		return nil
	}
	return tx.write(ctx, &o, p)
}

// AnyLapsedClaim reports whether some claim's time passed without renewal, reading outside any
// transaction, so that a periodic check costs the writer nothing when none did.
func (s *Store) AnyLapsedClaim(ctx context.Context) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, s.d.rebind("SELECT COUNT(*) FROM (SELECT 1 FROM orders WHERE claim_expires_at IS NOT NULL"+
		" AND claim_expires_at < ? LIMIT 1) lapsed"), micros(torg.Now())).Scan(&n)
	return n > 0, translate(err)
}

// ReleaseLapsedClaims ends the claims whose time passed without renewal (their register went quiet
// while selling) and tells the order's other registers it is available again, up to limit orders;
// it returns how many it released.
func (tx *Tx) ReleaseLapsedClaims(ctx context.Context, limit int) (int, error) {
	q := "SELECT id FROM orders WHERE claim_expires_at IS NOT NULL AND claim_expires_at < ? ORDER BY claim_expires_at LIMIT ?" +
		tx.d.skipLocked
	ids, err := queryStrings(ctx, tx, q, micros(torg.Now()), limit)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		var holder sql.NullString
		if err := tx.queryRow(ctx, "SELECT claim_register_id FROM orders WHERE id = ?", id).Scan(&holder); err != nil {
			return 0, err
		}
		o, err := tx.order(ctx, id, false) // a lapsed claim reads as none
		if err != nil {
			return 0, err
		}
		if err := tx.write(ctx, &o, o.LapseClaim(holder.String)); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}
