package store_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"torg"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

// returnShop is a warehouse with K1 (with a cash desk) and K2 (without one), a register of another
// warehouse, and a cash sale on K1 of 3 kettles at 10.00 ₽ with 1.00 ₽ off and one cup at 5.00 ₽.
type returnShop struct {
	s             *store.Store
	k1, k2, other torg.Register
	desk          torg.CashDesk
	kettle, cup   torg.Product
	sale          torg.Transaction
	fd            int64
}

func newReturnShop(t *testing.T, s *store.Store) *returnShop {
	n := strconv.FormatInt(shops.Add(1), 10)
	sh := &returnShop{s: s}
	wh := create(t, s, store.Warehouses, torg.WarehouseInput{Code: str("RW" + n), Name: str("w")})
	far := create(t, s, store.Warehouses, torg.WarehouseInput{Code: str("RF" + n), Name: str("far")})
	sh.desk = create(t, s, store.CashDesks, torg.CashDeskInput{Code: str("D" + n), Name: str("desk")})
	sh.kettle = create(t, s, store.Products, torg.ProductInput{Code: str("RK" + n), Name: str("Чайник")})
	sh.cup = create(t, s, store.Products, torg.ProductInput{Code: str("RC" + n), Name: str("Чашка"), VATRate: torg.Of(torg.VATRate("10"))})
	sh.k1 = create(t, s, store.Registers, torg.RegisterInput{Code: str("RK1-" + n), Name: str("k1"), WarehouseID: str(wh.ID), CashDeskID: torg.Of(sh.desk.ID)})
	sh.k2 = create(t, s, store.Registers, torg.RegisterInput{Code: str("RK2-" + n), Name: str("k2"), WarehouseID: str(wh.ID)})
	sh.other = create(t, s, store.Registers, torg.RegisterInput{Code: str("RK3-" + n), Name: str("k3"), WarehouseID: str(far.ID)})
	sh.sale = sh.upload(t, sh.k1.ID, torg.TransactionInput{Lines: []torg.TxLine{
		{ProductID: sh.kettle.ID, Quantity: 3000, Price: 1000, Discount: 100},
		{ProductID: sh.cup.ID, Quantity: 1000, Price: 500}}}, torg.PaymentCash)
	return sh
}

// upload fills in the receipt's amounts, total, payment (all of one type) and fiscal data, and
// uploads it from the register.
func (sh *returnShop) upload(t *testing.T, registerID string, in torg.TransactionInput, pay string) torg.Transaction {
	t.Helper()
	tr, err := sh.try(registerID, in, pay)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func (sh *returnShop) try(registerID string, in torg.TransactionInput, pay string) (torg.Transaction, error) {
	ctx := context.Background()
	in = sh.fill(in, pay)
	var out torg.Transaction
	err := sh.s.Update(ctx, func(tx *store.Tx) (err error) {
		out, _, err = tx.UploadTransaction(ctx, registerID, in)
		return err
	})
	return out, err
}

// fill completes the receipt as upload does, with a new id, receipt number and fiscal document.
func (sh *returnShop) fill(in torg.TransactionInput, pay string) torg.TransactionInput {
	in.Total = 0
	for i := range in.Lines {
		in.Lines[i].Amount, _ = torg.LineAmount(in.Lines[i].Quantity, in.Lines[i].Price, in.Lines[i].Discount)
		in.Total += in.Lines[i].Amount
	}
	if torg.IsCashMove(in.Kind) { // no lines: the amount is what was paid
		in.Total = in.Paid(torg.PaymentCash) + in.Paid(torg.PaymentCard)
	}
	if in.Payments == nil {
		in.Payments = []torg.Payment{{Type: pay, Amount: in.Total}}
	}
	sh.fd++
	in.ID, in.ShiftNumber, in.ReceiptNumber, in.Cashier = uuid.NewString(), 1, sh.fd, "Иванова"
	in.ClosedAt = time.Date(2026, 11, 27, 9, 0, int(sh.fd), 0, time.UTC)
	in.Fiscal = &torg.Fiscal{FN: "99990000" + strconv.FormatInt(shops.Load(), 10), FD: sh.fd, FP: "1"}
	return in
}

// returnOf is a return of the sale's lines (line_no → quantity), each with its share of the discount.
func (sh *returnShop) returnOf(t *testing.T, sale torg.Transaction, lines map[int]torg.Quantity) torg.TransactionInput {
	in := torg.TransactionInput{Kind: torg.KindReturn, OriginalTransactionID: &sale.ID}
	for n := 1; n <= len(sale.Lines); n++ {
		if q, ok := lines[n]; ok {
			in.Lines = append(in.Lines, torg.ReturnPart(&sale.TransactionInput, nil, n, q))
		}
	}
	return in
}

func TestReturnsAtTheRegisterChannel(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		sh := newReturnShop(t, s)
		var found torg.SaleForReturn
		err := s.View(ctx, func(tx *store.Tx) (err error) {
			found, err = tx.SaleForReturn(ctx, sh.k2.ID, "", sh.sale.Fiscal.FN, sh.sale.Fiscal.FD)
			return err
		})
		if err != nil || found.Transaction.ID != sh.sale.ID || len(found.Returnable) != 2 || found.Returnable[0].Quantity != 3000 || found.Returnable[0].Amount != 2900 {
			t.Fatalf("K2 finds K1's sale by its fiscal data: %+v, %v", found, err)
		}
		err = s.View(ctx, func(tx *store.Tx) error {
			_, err := tx.SaleForReturn(ctx, sh.other.ID, sh.sale.ID, "", 0)
			return err
		})
		if torg.ErrorCode(err) != torg.CodeNotFound {
			t.Errorf("a register of another warehouse finds the sale: %v", err)
		}

		ret := sh.upload(t, sh.k2.ID, sh.returnOf(t, sh.sale, map[int]torg.Quantity{1: 1000}), torg.PaymentCash)
		if ret.State != torg.TxNew || ret.Kind != torg.KindReturn || ret.Total != 967 {
			t.Fatalf("a return of one kettle: %s %s total %d, %v", ret.State, ret.Kind, ret.Total, ret.Mismatches)
		}
		over := sh.upload(t, sh.k1.ID, sh.returnOf(t, sh.sale, map[int]torg.Quantity{1: 3000}), torg.PaymentCash)
		if over.State != torg.TxConflict || *over.ConflictReason != torg.ConflictOverReturn || len(over.Mismatches) != 1 || over.Mismatches[0].Field != "lines[0].quantity" {
			t.Errorf("three kettles more: %s %v %v", over.State, over.ConflictReason, over.Mismatches)
		}
		wrong := sh.returnOf(t, sh.sale, map[int]torg.Quantity{2: 1000})
		wrong.Lines[0].ProductID = sh.kettle.ID
		if tr := sh.upload(t, sh.k1.ID, wrong, torg.PaymentCard); tr.State != torg.TxConflict || tr.Mismatches[0].Field != "lines[0].product_id" {
			t.Errorf("a product not in the sale's line: %s %v", tr.State, tr.Mismatches)
		}
		for name, c := range map[string]struct {
			register string
			sale     torg.Transaction
		}{"of a sale of another warehouse": {sh.other.ID, sh.sale}, "of a return": {sh.k1.ID, ret}} {
			in := sh.returnOf(t, c.sale, map[int]torg.Quantity{1: 1})
			if tr := sh.upload(t, c.register, in, torg.PaymentCash); tr.State != torg.TxConflict || *tr.ConflictReason != torg.ConflictUnknownSale {
				t.Errorf("a return %s: %s %v", name, tr.State, tr.ConflictReason)
			}
		}
		gone := "0199aaaa-0000-7000-8000-000000000000"
		in := sh.returnOf(t, sh.sale, map[int]torg.Quantity{1: 1})
		in.OriginalTransactionID = &gone
		if tr := sh.upload(t, sh.k1.ID, in, torg.PaymentCash); *tr.ConflictReason != torg.ConflictUnknownSale {
			t.Errorf("a return of an unknown sale: %v", tr.ConflictReason)
		}
		err = s.View(ctx, func(tx *store.Tx) (err error) {
			found, err = tx.SaleForReturn(ctx, sh.k1.ID, sh.sale.ID, "", 0)
			return err
		})
		if err != nil || found.Returnable[0].Quantity != 2000 || found.Returnable[0].Discount != 67 || found.Returnable[0].Amount != 1933 {
			t.Errorf("what is left after one kettle came back: %+v, %v", found.Returnable, err)
		}
	})
}

func TestKKMTransferPostsAReturn(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		sh := newReturnShop(t, s)
		// On K2, without a cash desk: a kettle back for cash and the cup back to the card.
		in := sh.returnOf(t, sh.sale, map[int]torg.Quantity{1: 1000, 2: 1000})
		in.Payments = []torg.Payment{{Type: torg.PaymentCash, Amount: 967}, {Type: torg.PaymentCard, Amount: 500}}
		ret := sh.upload(t, sh.k2.ID, in, "")
		// On K1, with one: another kettle for cash. Both wait for the sale, processed in the same run.
		ret1 := sh.upload(t, sh.k1.ID, sh.returnOf(t, sh.sale, map[int]torg.Quantity{1: 1000}), torg.PaymentCash)
		res, _, _, err := s.TransferBatch(ctx, store.TransferCursor{}, 100)
		want := torg.TransferResult{Processed: 3, SalesInvoices: 1, CashReceipts: 1, CashReceiptsPosted: 1, CustomerReturns: 2, CashExpenses: 2,
			CashExpensesPosted: 1, CardRefunds: 1}
		if err != nil || res != want {
			t.Fatalf("run: %+v, %v", res, err)
		}
		err = s.View(ctx, func(tx *store.Tx) error {
			tr, err := tx.Transaction(ctx, ret.ID)
			if err != nil || tr.State != torg.TxProcessed || tr.CustomerReturnID == nil || tr.CashExpenseID == nil || tr.CardRefundID == nil {
				t.Fatalf("the return: %+v, %v", tr, err)
			}
			cr, err := tx.CustomerReturn(ctx, *tr.CustomerReturnID)
			if err != nil || cr.Total != 1467 || cr.OriginalTransactionID != sh.sale.ID || len(cr.Lines) != 2 || cr.Lines[1].SaleLineNo != 2 || cr.Lines[1].VATAmount != 45 {
				t.Errorf("customer return: %+v, %v", cr, err)
			}
			ce, err := tx.CashExpense(ctx, *tr.CashExpenseID)
			if err != nil || ce.Posted || ce.NotPostedReason == nil || ce.Amount != 967 || ce.Purpose != torg.PurposeRefund || *ce.CustomerReturnID != cr.ID {
				t.Errorf("K2's cash expense: %+v, %v", ce, err)
			}
			stock, _ := tx.StockReport(ctx, "", sh.kettle.ID)
			if len(stock) != 1 || stock[0].OnHand != -1000 {
				t.Errorf("kettles: %+v, want −3 + 2 = −1", stock)
			}
			cash, _ := tx.CashReport(ctx, sh.desk.ID)
			if len(cash) != 1 || cash[0].Balance != 3400-967 {
				t.Errorf("K1's desk: %+v, want 34.00 in, 9.67 out", cash)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var retail torg.Customer
		s.View(ctx, func(tx *store.Tx) (err error) { retail, err = store.Customers.Get(ctx, tx, retailID(t, s)); return err })
		var debt []torg.DebtItem
		s.View(ctx, func(tx *store.Tx) (err error) { debt, err = tx.SettlementsReport(ctx, retail.ID); return err })
		// Sold 34.00, paid 34.00; returned 14.67 + 9.67, paid back 9.67 (posted) and 5.00 by card;
		// K2's 9.67 in cash waits for its cash desk, so the shop still owes it to the customer.
		if len(debt) != 1 || debt[0].Debt != -967 {
			t.Errorf("the retail customer's debt: %+v", debt)
		}
		_ = ret1
	})
}

func retailID(t *testing.T, s *store.Store) string {
	var l torg.List[torg.Customer]
	err := s.View(context.Background(), func(tx *store.Tx) (err error) {
		l, err = store.Customers.List(context.Background(), tx, "", torg.Page{Limit: 500})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range l.Items {
		if c.Code == torg.RetailCustomerCode {
			return c.ID
		}
	}
	t.Fatal("no retail customer")
	return ""
}

// Returns of one sale uploaded at once from two registers, any two together more than was sold: the
// sale's row lock compares them one after the other, so exactly one is new and the others over_return.
func TestTwoReturnsAtOnceNeverBothNew(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		for round := range 10 {
			sh := newReturnShop(t, s)
			const n = 6
			out, errs := make([]torg.Transaction, n), make([]error, n)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range n {
				in := sh.returnOf(t, sh.sale, map[int]torg.Quantity{1: 2000})
				reg := []string{sh.k1.ID, sh.k2.ID}[i%2]
				wg.Go(func() { <-start; out[i], errs[i] = sh.tryFixed(reg, in) })
			}
			close(start)
			wg.Wait()
			states := map[string]int{}
			for i, tr := range out {
				if errs[i] != nil {
					t.Fatalf("round %d: %v", round, errs[i])
				}
				r := string(tr.State)
				if tr.ConflictReason != nil {
					r = *tr.ConflictReason
				}
				states[r]++
			}
			if states["new"] != 1 || states[torg.ConflictOverReturn] != n-1 {
				t.Fatalf("round %d: %v", round, states)
			}
		}
	})
}

// tryFixed uploads a return as it is, with a fresh id.
func (sh *returnShop) tryFixed(registerID string, in torg.TransactionInput) (torg.Transaction, error) {
	ctx := context.Background()
	in.Payments = []torg.Payment{{Type: torg.PaymentCash, Amount: in.Lines[0].Amount}}
	in.Total = in.Lines[0].Amount
	in.ID, in.ShiftNumber, in.ReceiptNumber, in.Cashier = uuid.NewString(), 1, 1, "c"
	in.ClosedAt = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	var out torg.Transaction
	err := sh.s.Update(ctx, func(tx *store.Tx) (err error) {
		out, _, err = tx.UploadTransaction(ctx, registerID, in)
		return err
	})
	return out, err
}
