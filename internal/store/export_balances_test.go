package store

import (
	"context"

	"torg"
)

// QueryInt runs a query that answers one integer: tests use it to look at what was written.
func (tx *Tx) QueryInt(ctx context.Context, q string, args ...any) (int64, error) {
	var n int64
	err := tx.queryRow(ctx, q, args...).Scan(&n)
	return n, err
}

// QueryText runs a query that answers one text.
func (tx *Tx) QueryText(ctx context.Context, q string, args ...any) (string, error) {
	var s string
	err := tx.queryRow(ctx, q, args...).Scan(&s)
	return s, err
}

// MoveCash adds the amount to the cash desk's balance as a document would, without checking it
// first: tests use it to reach the database's own guard.
func (tx *Tx) MoveCash(ctx context.Context, deskID string, amount int64) error {
	return tx.moveCash(ctx, moneyMove{DocID: newID(), Owner: deskID, Amount: torg.Money(amount)})
}
