package store

import (
	"context"
	"strconv"
	"strings"

	"torg"
)

// ChangeCursor is a position in the order of changes of orders: the transaction that made a change
// (PostgreSQL's transaction id; 0 on SQLite) and the change's number. The zero cursor is before
// every change.
type ChangeCursor struct {
	XID, Seq int64
}

// String encodes the cursor as "XID.SEQ".
func (c ChangeCursor) String() string {
	return strconv.FormatInt(c.XID, 10) + "." + strconv.FormatInt(c.Seq, 10)
}

// ParseChangeCursor reads a cursor made by String; "0" is the zero cursor.
func ParseChangeCursor(s string) (ChangeCursor, bool) {
	if s == "0" {
		return ChangeCursor{}, true
	}
	x, q, ok := strings.Cut(s, ".")
	xid, err1 := strconv.ParseInt(x, 10, 64)
	seq, err2 := strconv.ParseInt(q, 10, 64)
	return ChangeCursor{xid, seq}, ok && err1 == nil && err2 == nil && xid >= 0 && seq >= 0
}

// OrdersChangedAfter lists the orders whose last change comes after the cursor, in the order of
// their changes, oldest first, with the cursor to ask from next time (the one given when nothing
// changed). An order changed again moves to the end.
//
// No change can be skipped, because a change's position is known only once nothing can commit before
// it. SQLite has one writer: a counter taken in the writing transaction rises in commit order. On
// PostgreSQL a number taken inside a transaction need not rise in commit order (a transaction that
// took 7 may commit after one that took 8), so the list takes only changes made by transactions older
// than the oldest one still running (pg_snapshot_xmin): every transaction that could still commit a
// change has a larger transaction id, and sorts after the cursor. A change therefore appears a moment
// after its commit — as soon as the transactions that began before it end.
func (tx *Tx) OrdersChangedAfter(ctx context.Context, f OrderFilter, after ChangeCursor, limit int) (torg.List[torg.Order], ChangeCursor, error) {
	q := "SELECT " + orderCols + ", change_xid, change_seq FROM orders WHERE (change_xid > ? OR (change_xid = ? AND change_seq > ?))"
	args := []any{after.XID, after.XID, after.Seq}
	q += tx.d.settledChanges
	for _, c := range []struct{ col, v string }{{"status", string(f.Status)}, {"warehouse_id", f.WarehouseID},
		{"customer_id", f.CustomerID}, {"external_number", f.ExternalNumber}} {
		if c.v != "" {
			q, args = q+" AND "+c.col+" = ?", append(args, c.v)
		}
	}
	out := torg.List[torg.Order]{Items: []torg.Order{}}
	now, last := torg.Now(), after
	err := tx.eachRow(ctx, func(row scanner) error {
		var o torg.Order
		if err := scanOrder(withChange{row, &last}, &o, now); err != nil {
			return err
		}
		out.Items = append(out.Items, o)
		return nil
	}, q+" ORDER BY change_xid, change_seq LIMIT ?", append(args, limit)...)
	if err != nil {
		return out, after, err
	}
	return out, last, tx.loadOrderDetails(ctx, out.Items)
}

// withChange scans an order row followed by its change_xid and change_seq into c.
type withChange struct {
	rows interface{ Scan(...any) error }
	c    *ChangeCursor
}

func (w withChange) Scan(dest ...any) error { return w.rows.Scan(append(dest, &w.c.XID, &w.c.Seq)...) }
