package store

import (
	"context"
	"fmt"

	"torg"
)

// checkCashOut compares an uploaded cash out («Выемка») with the cash its shift left in the drawer:
// the cash taken for the register's sales and put in, less the cash paid back and taken out, by every
// transaction of the same shift closed before it (an ignored one counts nothing). A till refuses a
// cash out of more before fiscalising it; one that comes anyway was fiscalised, so it is stored as an
// over_cash_out conflict for a person to accept or ignore.
func (tx *Tx) checkCashOut(ctx context.Context, registerID string, in *torg.TransactionInput) (sale, error) {
	drawer, err := tx.drawerCash(ctx, registerID, in)
	if err != nil {
		return sale{}, err
	}
	var s sale
	if cash := in.Paid(torg.PaymentCash); cash > drawer {
		var f torg.Fields
		f.Add("total", "takes out more than the shift left in the drawer, %s", drawer)
		s.conflict, s.Mismatches = torg.ConflictOverCashOut, f
	}
	return s, nil
}

// drawerCash is the cash the register's transactions of the shift closed before in left in the
// drawer.
func (tx *Tx) drawerCash(ctx context.Context, registerID string, in *torg.TransactionInput) (torg.Money, error) {
	var sum int64Cell
	err := tx.queryRow(ctx, "SELECT SUM(CASE WHEN kind IN ('sale', 'cash_in') THEN cash_amount ELSE -cash_amount END) FROM transactions"+
		" WHERE register_id = ? AND shift_number = ? AND closed_at <= ? AND id <> ? AND state <> 'ignored'",
		registerID, in.ShiftNumber, micros(in.ClosedAt), in.ID).Scan(&sum)
	if err != nil {
		return 0, err
	}
	return torg.Money(sum.v), nil
}

// SetCounterpart records where a cash in's money came from (table cash_receipts) or a cash out's went
// (cash_expenses), as staff write it on the document; the documents of sales and refunds have a
// customer instead, and refuse it.
func (tx *Tx) SetCounterpart(ctx context.Context, table, id, counterpart string) error {
	if err := torg.CheckCounterpart(&counterpart); err != nil {
		return err
	}
	purpose := map[string]string{"cash_receipts": torg.PurposeCashIn, "cash_expenses": torg.PurposeCashOut}[table]
	if purpose == "" {
		return fmt.Errorf("no counterpart in %s", table)
	}
	var have string
	err := tx.queryRow(ctx, "SELECT purpose FROM "+table+" WHERE id = ?", id).Scan(&have)
	if errNoRows(err) {
		return notFound("document", id)
	}
	if err != nil {
		return err
	}
	if have != purpose {
		return torg.Errorf(torg.CodeStateConflict, "only a cash in's or a cash out's document names where the money came from or went")
	}
	_, err = tx.exec(ctx, "UPDATE "+table+" SET counterpart = ? WHERE id = ?", counterpart, id)
	return err
}
