package web

import (
	"context"

	"torg"
	"torg/internal/store"
)

// deliverySold is how the order's «ККМ» tab shows the register whose receipt sold the order. It is a
// state of the page only: for the exchange that register simply received the order.
const deliverySold torg.DeliveryState = "sold"

// sellingRegister is the register whose transaction sold the order, "" when none did.
func sellingRegister(ctx context.Context, tx *store.Tx, o torg.Order) (string, error) {
	if o.TransactionID == nil {
		return "", nil
	}
	t, err := tx.Transaction(ctx, *o.TransactionID)
	if torg.ErrorCode(err) == torg.CodeNotFound {
		return "", nil
	}
	return t.RegisterID, err
}

// shownState is the state the «ККМ» tab shows for a register listed on the order.
func shownState(r torg.OrderRegister, seller string) torg.DeliveryState {
	if seller != "" && r.RegisterID == seller {
		return deliverySold
	}
	return r.State
}
