package store

import (
	"context"

	"torg"
)

// checkReturn compares an uploaded return with the sale it names, under a lock of the sale's row, so
// that two returns of one sale uploaded at once are compared one after the other: what the first
// takes is not left for the second. A return of a sale this register's warehouse does not know (or
// of a return, or of an ignored sale) is an unknown_sale conflict; one that refunds more than is left
// an over_return conflict, with the lines at fault.
func (tx *Tx) checkReturn(ctx context.Context, registerID string, in *torg.TransactionInput) (sale, error) {
	orig, err := tx.saleOf(ctx, registerID, "t.id = ?", []any{*in.OriginalTransactionID}, true)
	if torg.ErrorCode(err) == torg.CodeNotFound {
		return sale{conflict: torg.ConflictUnknownSale}, nil
	}
	if err != nil {
		return sale{}, err
	}
	s := sale{original: orig.Transaction.ID, returnedOrder: orig.Transaction.OrderID}
	s.Mismatches = torg.CheckReturn(&orig.Transaction.TransactionInput, in, orig.returned)
	if len(s.Mismatches) > 0 {
		s.conflict = torg.ConflictOverReturn
	}
	return s, nil
}

// soldSale is a sale with what returns already took of it.
type soldSale struct {
	torg.SaleForReturn
	returned torg.ReturnedSoFar
}

// saleOf finds a sale of the register's warehouse by the condition on t (transactions), with what is
// left to return of it; lock holds its row until commit. A return, an ignored sale, a cash in or out,
// or a sale of another warehouse is not found.
func (tx *Tx) saleOf(ctx context.Context, registerID, cond string, args []any, lock bool) (soldSale, error) {
	q := "SELECT t.id FROM transactions t JOIN registers r ON r.id = t.register_id WHERE " + cond +
		" AND t.kind = 'sale' AND t.state <> 'ignored' AND r.warehouse_id = (SELECT warehouse_id FROM registers WHERE id = ?)"
	if lock {
		q += tx.d.lockOf("t", false)
	}
	var id string
	err := tx.queryRow(ctx, q, append(args, registerID)...).Scan(&id)
	if errNoRows(err) {
		return soldSale{}, notFound("sale", "")
	}
	if err != nil {
		return soldSale{}, err
	}
	out := soldSale{}
	if out.Transaction, err = tx.Transaction(ctx, id); err != nil {
		return out, err
	}
	bodies, err := queryStrings(ctx, tx, "SELECT body FROM transactions WHERE original_transaction_id = ? AND kind = 'return'"+
		" AND state NOT IN ('conflict', 'ignored') ORDER BY closed_at, id", id) // the returns that count against it
	if err != nil {
		return out, err
	}
	if out.returned, err = torg.ReturnedOf(bodies); err != nil {
		return out, err
	}
	out.Returnable = torg.Returnable(&out.Transaction.TransactionInput, out.returned)
	return out, tx.nameProducts(ctx, out.Returnable)
}

// nameProducts fills in the returnable lines' product names.
func (tx *Tx) nameProducts(ctx context.Context, lines []torg.ReturnableLine) error {
	ids := make([]string, len(lines))
	for i, l := range lines {
		ids[i] = l.ProductID
	}
	if len(ids) == 0 {
		return nil
	}
	prods, err := tx.products(ctx, dedupe(ids), nil)
	for i := range lines {
		lines[i].Name = prods["id:"+lines[i].ProductID].name
	}
	return err
}

// SaleForReturn finds a sale of the register's warehouse, by its transaction id or by its fiscal
// document (fn and fd, what a receipt's QR code carries), with what is still returnable of it.
func (tx *Tx) SaleForReturn(ctx context.Context, registerID, transactionID, fn string, fd int64) (torg.SaleForReturn, error) {
	cond, args := "t.id = ?", []any{transactionID}
	if transactionID == "" {
		cond, args = "t.fiscal_fn = ? AND t.fiscal_fd = ?", []any{fn, fd}
	}
	s, err := tx.saleOf(ctx, registerID, cond, args, false)
	if torg.ErrorCode(err) == torg.CodeNotFound {
		return torg.SaleForReturn{}, torg.Errorf(torg.CodeNotFound, "no sale of this register's warehouse has this transaction id or fiscal document")
	}
	return s.SaleForReturn, err
}

// ReturnsOfSale lists the returns a sale's transaction has, newest first.
func (tx *Tx) ReturnsOfSale(ctx context.Context, saleID string) ([]torg.Transaction, error) {
	out := []torg.Transaction{}
	err := tx.eachRow(ctx, func(row scanner) error {
		var t torg.Transaction
		if err := scanTransaction(row, &t); err != nil {
			return err
		}
		out = append(out, t)
		return nil
	}, "SELECT "+transactionCols+" FROM transactions WHERE original_transaction_id = ? ORDER BY received_at DESC, id DESC", saleID)
	if err != nil {
		return nil, err
	}
	return out, nil
}
