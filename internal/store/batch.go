package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// batch collects statements that do not depend on each other's results, to send them together: on
// PostgreSQL in one round trip (a pgx batch on the transaction's connection), on SQLite one after
// another (in process, where a round trip costs nothing).
type batch struct {
	items []batchItem
}

type batchItem struct {
	q    string
	args []any
	each func(rowScanner) error // nil for a statement whose rows nobody reads
}

// rowScanner is what both database/sql and pgx rows give: the current row's columns.
type rowScanner interface{ Scan(dest ...any) error }

// exec adds a statement.
func (b *batch) exec(q string, args ...any) { b.items = append(b.items, batchItem{q: q, args: args}) }

// query adds a query; each is called for every row it returns.
func (b *batch) query(each func(rowScanner) error, q string, args ...any) {
	b.items = append(b.items, batchItem{q: q, args: args, each: each})
}

// run sends the batch in the transaction and reads every answer, in order.
func (tx *Tx) run(ctx context.Context, b *batch) error {
	if len(b.items) == 0 {
		return nil
	}
	if tx.conn == nil || len(b.items) == 1 {
		for _, it := range b.items {
			if err := tx.runOne(ctx, it); err != nil {
				return err
			}
		}
		return nil
	}
	ctx = tx.context(ctx)
	return tx.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: a PostgreSQL connection is a %T", dc)
		}
		var pb pgx.Batch
		for _, it := range b.items {
			q := pb.Queue(tx.d.rebind(it.q), it.args...)
			if it.each == nil {
				q.Exec(func(pgconn.CommandTag) error { return nil })
				continue
			}
			q.Query(func(rows pgx.Rows) error {
				for rows.Next() {
					if err := it.each(rows); err != nil {
						return err
					}
				}
				return rows.Err()
			})
		}
		return c.Conn().SendBatch(ctx, &pb).Close()
	})
}

func (tx *Tx) runOne(ctx context.Context, it batchItem) error {
	if it.each == nil {
		_, err := tx.exec(ctx, it.q, it.args...)
		return err
	}
	return tx.eachRow(ctx, func(row scanner) error { return it.each(row) }, it.q, it.args...)
}
