package store

import "context"

// Exec runs a statement in the transaction: tests use it to break data on purpose.
func (tx *Tx) Exec(ctx context.Context, q string, args ...any) error {
	_, err := tx.exec(ctx, q, args...)
	return err
}
