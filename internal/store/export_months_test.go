package store

import (
	"context"

	"torg"
)

// MoveStock records stock movements as a posted document does: tests use it to make a history.
func (tx *Tx) MoveStock(ctx context.Context, moves []torg.StockMove) error {
	return tx.moveStock(ctx, moves)
}

// MoveCashes records cash movements as a posted document does.
func (tx *Tx) MoveCashes(ctx context.Context, moves []torg.MoneyMove) error {
	return tx.moveCash(ctx, moves...)
}

// MoveDebts records movements of customers' debts as a posted document does.
func (tx *Tx) MoveDebts(ctx context.Context, moves []torg.MoneyMove) error {
	return tx.moveDebt(ctx, moves...)
}
