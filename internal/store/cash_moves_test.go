package store_test

import (
	"context"
	"testing"

	"torg"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

// cashMove uploads a cash in or cash out of amount from the register, in the return shop's shift 1.
func (sh *returnShop) cashMove(t *testing.T, registerID, kind string, amount torg.Money, comment, counterpart string) torg.Transaction {
	t.Helper()
	in := torg.TransactionInput{Kind: kind, Payments: []torg.Payment{{Type: torg.PaymentCash, Amount: amount}}, Comment: comment, Counterpart: counterpart}
	tr, err := sh.try(registerID, in, "")
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// A cash in and a cash out upload like a sale: no lines, the amount as the total paid in cash. A cash
// out of more than the shift left in the drawer is stored as an over_cash_out conflict, naming the
// total; one within it is new.
func TestCashInAndOutAtTheRegisterChannel(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		sh := newReturnShop(t, s) // K1's drawer holds the sale's 34.00
		in := sh.cashMove(t, sh.k1.ID, torg.KindCashIn, 5000, "размен", "Основная касса")
		if in.State != torg.TxNew || in.Kind != torg.KindCashIn || in.Comment != "размен" || in.Counterpart != "Основная касса" || in.Total != 5000 {
			t.Fatalf("cash in: %+v", in)
		}
		out := sh.cashMove(t, sh.k1.ID, torg.KindCashOut, 8400, "инкассация", "")
		if out.State != torg.TxNew {
			t.Fatalf("a cash out of all the drawer holds, 34.00 + 50.00: %+v", out)
		}
		over := sh.cashMove(t, sh.k1.ID, torg.KindCashOut, 1, "", "")
		if over.State != torg.TxConflict || *over.ConflictReason != torg.ConflictOverCashOut || len(over.Mismatches) != 1 || over.Mismatches[0].Field != "total" {
			t.Fatalf("a cash out of an empty drawer: %+v", over)
		}
		k2 := sh.cashMove(t, sh.k2.ID, torg.KindCashOut, 100, "", "")
		if k2.State != torg.TxConflict {
			t.Errorf("K2's drawer never held K1's cash: %+v", k2)
		}
		ctx := context.Background()
		err := s.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.ResolveTransaction(ctx, over.ID, torg.Resolution{Action: torg.ResolveWithoutOrder})
			if torg.ErrorCode(err) != torg.CodeStateConflict {
				t.Errorf("a cash out processed without an order: %v", err)
			}
			tr, err := tx.ResolveTransaction(ctx, over.ID, torg.Resolution{Action: torg.ResolveAccept})
			if err != nil || tr.State != torg.TxNew {
				t.Errorf("accepting the over_cash_out: %+v, %v", tr, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// Bad cash moves get 422 naming every bad field: lines, a zero amount, a card payment, a comment on a
// sale.
func TestBadCashMovesAreRefused(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		sh := newReturnShop(t, s)
		_, err := sh.try(sh.k1.ID, torg.TransactionInput{Kind: torg.KindCashIn, Lines: []torg.TxLine{{ProductID: sh.cup.ID, Quantity: 1000, Price: 500}},
			Payments: []torg.Payment{{Type: torg.PaymentCard, Amount: 500}}}, "")
		for _, f := range []string{"lines", "payments[0].type"} {
			if !hasField(err, f) {
				t.Errorf("a cash in with a line, paid by card: %v, want %s named", err, f)
			}
		}
		_, err = sh.try(sh.k1.ID, torg.TransactionInput{Kind: torg.KindCashOut, Payments: []torg.Payment{{Type: torg.PaymentCash, Amount: 0}}}, "")
		if !hasField(err, "total") || !hasField(err, "payments[0].amount") {
			t.Errorf("a cash out of 0: %v", err)
		}
		_, err = sh.try(sh.k1.ID, torg.TransactionInput{Lines: []torg.TxLine{{ProductID: sh.cup.ID, Quantity: 1000, Price: 500}}, Comment: "x", Counterpart: "y"}, torg.PaymentCash)
		if !hasField(err, "comment") || !hasField(err, "counterpart") {
			t.Errorf("a sale with a comment and a counterpart: %v", err)
		}
	})
}

// hasField reports whether err is invalid input naming the field.
func hasField(err error, field string) bool {
	var e *torg.Error
	if !asErr(err, &e) {
		return false
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// KKMTransfer makes a cash in's cash receipt order and a cash out's cash expense order on the
// register's cash desk, posted when it has one; without one they wait unposted with the reason and
// are posted by hand. No customer's debt moves.
func TestKKMTransferPostsCashInAndOut(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		sh := newReturnShop(t, s)
		in := sh.cashMove(t, sh.k1.ID, torg.KindCashIn, 5000, "размен", "Основная касса")
		out := sh.cashMove(t, sh.k1.ID, torg.KindCashOut, 7000, "инкассация", "Банк")
		in2 := sh.cashMove(t, sh.k2.ID, torg.KindCashIn, 1000, "", "")
		res, _, _, err := s.TransferBatch(ctx, store.TransferCursor{}, 100)
		want := torg.TransferResult{Processed: 4, SalesInvoices: 1, CashReceipts: 3, CashReceiptsPosted: 2, CashExpenses: 1, CashExpensesPosted: 1}
		if err != nil || res != want {
			t.Fatalf("run: %+v, %v", res, err)
		}
		err = s.Update(ctx, func(tx *store.Tx) error {
			tr, err := tx.Transaction(ctx, in.ID)
			if err != nil || tr.State != torg.TxProcessed || tr.CashReceiptID == nil || tr.SalesInvoiceID != nil {
				t.Fatalf("the cash in: %+v, %v", tr, err)
			}
			cr, err := tx.CashReceipt(ctx, *tr.CashReceiptID)
			if err != nil || !cr.Posted || cr.Purpose != torg.PurposeCashIn || cr.CustomerID != nil || cr.SalesInvoiceID != nil ||
				cr.Amount != 5000 || cr.Counterpart != "Основная касса" || cr.Comment != "размен" || *cr.CashDeskID != sh.desk.ID {
				t.Errorf("its cash receipt order: %+v, %v", cr, err)
			}
			tr, err = tx.Transaction(ctx, out.ID)
			if err != nil || tr.State != torg.TxProcessed || tr.CashExpenseID == nil {
				t.Fatalf("the cash out: %+v, %v", tr, err)
			}
			ce, err := tx.CashExpense(ctx, *tr.CashExpenseID)
			if err != nil || !ce.Posted || ce.Purpose != torg.PurposeCashOut || ce.CustomerID != nil || ce.Amount != 7000 || ce.Counterpart != "Банк" {
				t.Errorf("its cash expense order: %+v, %v", ce, err)
			}
			cash, _ := tx.CashReport(ctx, sh.desk.ID)
			if len(cash) != 1 || cash[0].Balance != 3400+5000-7000 {
				t.Errorf("K1's desk: %+v, want 34.00 + 50.00 − 70.00", cash)
			}
			tr, _ = tx.Transaction(ctx, in2.ID)
			cr2, err := tx.CashReceipt(ctx, *tr.CashReceiptID)
			if err != nil || cr2.Posted || cr2.NotPostedReason == nil {
				t.Fatalf("K2's cash in without a cash desk: %+v, %v", cr2, err)
			}
			if _, err := tx.PostCashReceipt(ctx, cr2.ID, sh.desk.ID); err != nil {
				t.Fatalf("posting it by hand: %v", err)
			}
			cash, _ = tx.CashReport(ctx, sh.desk.ID)
			if len(cash) != 1 || cash[0].Balance != 3400+5000-7000+1000 {
				t.Errorf("the desk after posting K2's cash in: %+v", cash)
			}
			// Staff write where K2's cash came from; a sale's cash receipt order has its customer instead.
			if err := tx.SetCounterpart(ctx, "cash_receipts", cr2.ID, " Основная касса "); err != nil {
				t.Fatal(err)
			}
			if got, _ := tx.CashReceipt(ctx, cr2.ID); got.Counterpart != "Основная касса" {
				t.Errorf("the counterpart reads %q", got.Counterpart)
			}
			if err := tx.SetCounterpart(ctx, "cash_expenses", ce.ID, "\x00"); !hasField(err, "counterpart") {
				t.Errorf("a counterpart with a control character: %v", err)
			}
			sale, _ := tx.Transaction(ctx, sh.sale.ID)
			if err := tx.SetCounterpart(ctx, "cash_receipts", *sale.CashReceiptID, "Банк"); torg.ErrorCode(err) != torg.CodeStateConflict {
				t.Errorf("a counterpart on a sale's cash receipt order: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var debt []torg.DebtItem
		s.View(ctx, func(tx *store.Tx) (err error) { debt, err = tx.SettlementsReport(ctx, retailID(t, s)); return err })
		if len(debt) != 1 || debt[0].Debt != 0 {
			t.Errorf("the retail customer's debt moved: %+v", debt)
		}
	})
}
