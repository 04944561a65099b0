package store_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"torg"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

// nearLimit is a store whose cash desk MAIN, retail debt and stock of BIG in W are planted close to
// the edges of int64, with two registers: R records cash in MAIN, R2 has no cash desk.
type nearLimit struct {
	s                  *store.Store
	desk, wh, p, big   string
	reg, regNoDesk     string
	retail             string
	cash, debt, bigQty int64 // the planted balances
}

const e15 = 1_000_000_000_000_000

func newNearLimit(t *testing.T, s *store.Store) *nearLimit {
	t.Helper()
	ctx := context.Background()
	n := &nearLimit{s: s, cash: math.MaxInt64 - 3*e15/2, debt: math.MaxInt64 - 3*e15/2, bigQty: math.MinInt64 + 500_000_000_000}
	err := s.Update(ctx, func(tx *store.Tx) error {
		desk, err := store.CashDesks.Create(ctx, tx, torg.CashDeskInput{Code: str("MAIN"), Name: str("main")})
		if err != nil {
			return err
		}
		wh, err := store.Warehouses.Create(ctx, tx, torg.WarehouseInput{Code: str("W"), Name: str("w")})
		if err != nil {
			return err
		}
		p, err := store.Products.Create(ctx, tx, torg.ProductInput{Code: str("P"), Name: str("p")})
		if err != nil {
			return err
		}
		big, err := store.Products.Create(ctx, tx, torg.ProductInput{Code: str("BIG"), Name: str("big")})
		if err != nil {
			return err
		}
		r, err := store.Registers.Create(ctx, tx, torg.RegisterInput{Code: str("R"), Name: str("r"), WarehouseID: str(wh.ID), CashDeskID: str(desk.ID)})
		if err != nil {
			return err
		}
		r2, err := store.Registers.Create(ctx, tx, torg.RegisterInput{Code: str("R2"), Name: str("r2"), WarehouseID: str(wh.ID)})
		if err != nil {
			return err
		}
		n.desk, n.wh, n.p, n.big, n.reg, n.regNoDesk = desk.ID, wh.ID, p.ID, big.ID, r.ID, r2.ID
		retail, err := tx.QueryText(ctx, "SELECT id FROM customers WHERE code = 'retail'")
		n.retail = retail
		if err != nil {
			return err
		}
		// Movements and running totals as if years of documents had brought them here.
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{"INSERT INTO cash_moves (doc_id, date, cash_desk_id, amount) VALUES ('planted', 0, ?, ?)", []any{desk.ID, n.cash}},
			{"INSERT INTO cash_balances (cash_desk_id, balance) VALUES (?, ?)", []any{desk.ID, n.cash}},
			{"INSERT INTO debt_moves (doc_id, date, customer_id, amount) VALUES ('planted', 0, ?, ?)", []any{retail, n.debt}},
			{"INSERT INTO debt_balances (customer_id, debt) VALUES (?, ?)", []any{retail, n.debt}},
			{"INSERT INTO stock_moves (doc_id, line_no, date, warehouse_id, product_id, quantity) VALUES ('planted', 1, 0, ?, ?, ?)", []any{wh.ID, big.ID, n.bigQty}},
			{"INSERT INTO stock_balances (warehouse_id, product_id, on_hand) VALUES (?, ?, ?)", []any{wh.ID, big.ID, n.bigQty}},
		} {
			if err := tx.Exec(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// sale is a receipt of one line paid one way, closed at minute i.
func sale(i int, product string, q torg.Quantity, price torg.Money, pay string) torg.TransactionInput {
	amount, _ := torg.LineAmount(q, price, 0)
	return torg.TransactionInput{ID: uuid.NewString(), ShiftNumber: 1, ReceiptNumber: int64(i + 1),
		ClosedAt: time.Date(2026, 11, 27, 9, i, 0, 0, time.UTC), Cashier: "c",
		Lines:    []torg.TxLine{{ProductID: product, Quantity: q, Price: price, Amount: amount}},
		Payments: []torg.Payment{{Type: pay, Amount: amount}}, Total: amount}
}

func (n *nearLimit) upload(t *testing.T, registers []string, ins []torg.TransactionInput) {
	t.Helper()
	ctx := context.Background()
	err := n.s.Update(ctx, func(tx *store.Tx) error {
		for i, in := range ins {
			if _, _, err := tx.UploadTransaction(ctx, registers[i], in); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (n *nearLimit) count(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	var v int64
	err := n.s.View(context.Background(), func(tx *store.Tx) (err error) { v, err = tx.QueryInt(context.Background(), q, args...); return err })
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestKKMTransferFailsATransactionThatWouldOverflowABalance(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		n := newNearLimit(t, s)
		ins := []torg.TransactionInput{
			sale(0, n.p, 1000, e15, torg.PaymentCash),             // MAIN has room for one of these
			sale(1, n.p, 1000, e15, torg.PaymentCash),             // and not for a second
			sale(2, n.p, 1000, e15, torg.PaymentCard),             // no cash: goes through
			sale(3, n.big, torg.MaxQuantity, 1, torg.PaymentCard), // BIG's stock would fall below the range
			sale(4, n.p, 1000, e15, torg.PaymentCash),             // unposted cash: the retail debt rises
			sale(5, n.p, 1000, e15, torg.PaymentCash),             // and would rise beyond the range
			sale(6, n.p, 1000, 100, torg.PaymentCard),             // an ordinary sale
		}
		regs := []string{n.reg, n.reg, n.reg, n.reg, n.regNoDesk, n.regNoDesk, n.regNoDesk}
		n.upload(t, regs, ins)
		wantErr := map[int]string{
			1: "cash desk MAIN's balance would leave the range the system can hold",
			3: "stock of product BIG in warehouse W would leave the range the system can hold",
			5: "customer retail's debt would leave the range the system can hold",
		}
		check := func(t *testing.T, res torg.TransferResult, processed int) {
			t.Helper()
			if res.Processed != processed || res.Failed != 3 {
				t.Fatalf("run: %+v", res)
			}
			for i, in := range ins {
				var tr torg.Transaction
				var invoices torg.List[torg.SalesInvoice]
				var receipts torg.List[torg.CashReceipt]
				var cards torg.List[torg.CardPayment]
				err := s.View(ctx, func(tx *store.Tx) (err error) {
					if tr, err = tx.Transaction(ctx, in.ID); err != nil {
						return err
					}
					if invoices, err = tx.SalesInvoices(ctx, "", in.ID, torg.Page{Limit: 10}); err != nil {
						return err
					}
					if receipts, err = tx.CashReceipts(ctx, "", "", in.ID, torg.Page{Limit: 10}); err != nil {
						return err
					}
					cards, err = tx.CardPayments(ctx, in.ID, torg.Page{Limit: 10})
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				docs := len(invoices.Items) + len(receipts.Items) + len(cards.Items)
				if want, failed := wantErr[i]; failed {
					if tr.State != torg.TxFailed || tr.Error == nil || *tr.Error != want || docs != 0 {
						t.Errorf("transaction %d: %s, error %q, %d documents; want failed with %q and none", i, tr.State, text(tr.Error), docs, want)
					}
				} else if tr.State != torg.TxProcessed || docs != 2 {
					t.Errorf("transaction %d: %s, error %q, %d documents", i, tr.State, text(tr.Error), docs)
				}
			}
			// Nothing of the failed ones moved a balance.
			if c := n.count(t, "SELECT COUNT(*) FROM cash_moves WHERE cash_desk_id = ?", n.desk); c != 2 {
				t.Errorf("%d cash movements in MAIN, want the planted one and one sale's", c)
			}
			if c := n.count(t, "SELECT COUNT(*) FROM stock_moves WHERE product_id = ?", n.big); c != 1 {
				t.Errorf("%d stock movements of BIG, want the planted one", c)
			}
			if c := n.count(t, "SELECT COUNT(*) FROM debt_moves WHERE customer_id = ?", n.retail); c != 8 {
				t.Errorf("%d debt movements of retail, want 8", c)
			}
			var cash []torg.CashItem
			var stock []torg.StockItem
			var debts []torg.DebtItem
			err := s.View(ctx, func(tx *store.Tx) (err error) {
				if cash, err = tx.CashReport(ctx, n.desk); err != nil {
					return err
				}
				if stock, err = tx.StockReport(ctx, n.wh, n.big); err != nil {
					return err
				}
				debts, err = tx.SettlementsReport(ctx, n.retail)
				return err
			})
			if err != nil {
				t.Fatalf("reports: %v", err)
			}
			if len(cash) != 1 || int64(cash[0].Balance) != n.cash+e15 {
				t.Errorf("cash report %v, want %d", cash, n.cash+e15)
			}
			if len(stock) != 1 || int64(stock[0].OnHand) != n.bigQty || int64(stock[0].Available) != n.bigQty {
				t.Errorf("stock report %v, want %d", stock, n.bigQty)
			}
			if len(debts) != 1 || int64(debts[0].Debt) != n.debt+e15 {
				t.Errorf("settlements report %v, want %d", debts, n.debt+e15)
			}
		}
		res, _, _, err := s.TransferBatch(ctx, store.TransferCursor{}, 100)
		if err != nil {
			t.Fatal(err)
		}
		check(t, res, 4)
		t.Run("a second run fails them again and changes nothing", func(t *testing.T) {
			res, _, _, err := s.TransferBatch(ctx, store.TransferCursor{}, 100)
			if err != nil {
				t.Fatal(err)
			}
			check(t, res, 0)
		})
		t.Run("posting a cash receipt order into a full cash desk is refused, naming the desk", func(t *testing.T) {
			var tr torg.Transaction
			s.View(ctx, func(tx *store.Tx) (err error) { tr, err = tx.Transaction(ctx, ins[4].ID); return err })
			if tr.CashReceiptID == nil {
				t.Fatalf("transaction 4 has no cash receipt order: %+v", tr)
			}
			err := s.Update(ctx, func(tx *store.Tx) error { _, err := tx.PostCashReceipt(ctx, *tr.CashReceiptID, n.desk); return err })
			var te *torg.Error
			if !asErr(err, &te) || te.Code != torg.CodeValidation || len(te.Fields) != 1 || te.Fields[0].Field != "cash_desk_id" ||
				!strings.Contains(te.Fields[0].Message, "cash desk MAIN's balance would leave the range the system can hold") {
				t.Fatalf("got %v", err)
			}
			var cr torg.CashReceipt
			s.View(ctx, func(tx *store.Tx) (err error) { cr, err = tx.CashReceipt(ctx, *tr.CashReceiptID); return err })
			if cr.Posted {
				t.Fatal("the cash receipt order was posted")
			}
		})
	})
}

func TestGoodsReceiptThatWouldOverflowStockIsRefused(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		n := newNearLimit(t, s)
		err := s.Update(ctx, func(tx *store.Tx) error {
			return tx.Exec(ctx, "INSERT INTO stock_balances (warehouse_id, product_id, on_hand) VALUES (?, ?, ?)", n.wh, n.p, int64(math.MaxInt64-500))
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.CreateGoodsReceipt(ctx, torg.GoodsReceiptInput{WarehouseID: n.wh, Lines: []torg.GoodsReceiptLineInput{
				{ProductID: n.big, Quantity: 1000, Cost: 1}, {ProductID: n.p, Quantity: 1000, Cost: 1}}})
			return err
		})
		var te *torg.Error
		if !asErr(err, &te) || te.Code != torg.CodeValidation || len(te.Fields) != 1 || te.Fields[0].Field != "lines[1].quantity" ||
			te.Fields[0].Message != "stock of product P in warehouse W would leave the range the system can hold" {
			t.Fatalf("got %v", err)
		}
		if c := n.count(t, "SELECT COUNT(*) FROM goods_receipts"); c != 0 {
			t.Fatalf("%d goods receipts", c)
		}
		if q := n.count(t, "SELECT on_hand FROM stock_balances WHERE product_id = ?", n.p); q != math.MaxInt64-500 {
			t.Fatalf("on hand %d", q)
		}
	})
}

func TestBalancesNeverLeaveInt64InTheDatabase(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		n := newNearLimit(t, s)
		for _, q := range []struct {
			name, sql string
			args      []any
		}{
			{"cash", "UPDATE cash_balances SET balance = balance + ? WHERE cash_desk_id = ?", []any{int64(2 * e15), n.desk}},
			{"debt", "UPDATE debt_balances SET debt = debt + ? WHERE customer_id = ?", []any{int64(2 * e15), n.retail}},
			{"stock", "UPDATE stock_balances SET on_hand = on_hand + ? WHERE product_id = ?", []any{int64(-e15), n.big}},
			{"stock upsert", "INSERT INTO stock_balances (warehouse_id, product_id, on_hand) VALUES (?, ?, ?)" +
				" ON CONFLICT (warehouse_id, product_id) DO UPDATE SET on_hand = stock_balances.on_hand + excluded.on_hand", []any{n.wh, n.big, int64(-e15)}},
		} {
			t.Run(q.name, func(t *testing.T) {
				err := s.Update(ctx, func(tx *store.Tx) error { return tx.Exec(ctx, q.sql, q.args...) })
				if err == nil {
					t.Fatal("the database took a balance beyond int64")
				}
			})
		}
		t.Run("a document's movement the database refuses is a state conflict naming the kind of balance", func(t *testing.T) {
			err := s.Update(ctx, func(tx *store.Tx) error { return tx.MoveCash(ctx, n.desk, 2*e15) })
			var te *torg.Error
			if !asErr(err, &te) || te.Code != torg.CodeStateConflict || te.Message != "a cash desk's balance would leave the range the system can hold" {
				t.Fatalf("got %v", err)
			}
		})
		if c := n.count(t, "SELECT balance FROM cash_balances WHERE cash_desk_id = ?", n.desk); c != n.cash {
			t.Fatalf("balance %d", c)
		}
	})
}

func TestStockReportAnswersAClearErrorWhenReservationsSumBeyondInt64(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		n := newNearLimit(t, s)
		var o torg.Order
		err := s.Update(ctx, func(tx *store.Tx) (err error) {
			o, err = tx.CreateOrder(ctx, torg.OrderInput{CustomerCode: "retail", WarehouseID: n.wh, Status: torg.Of(torg.StatusAgreed),
				Lines: []torg.OrderLineInput{{ProductID: n.p, Quantity: 1000, Price: torg.Of(torg.Money(1))}}, Post: true})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		report := func() ([]torg.StockItem, error) {
			var items []torg.StockItem
			err := s.View(ctx, func(tx *store.Tx) (err error) { items, err = tx.StockReport(ctx, n.wh, n.p); return err })
			return items, err
		}
		plant := func(line int, q int64) {
			t.Helper()
			err := s.Update(ctx, func(tx *store.Tx) error {
				return tx.Exec(ctx, "INSERT INTO reservations (order_id, line_no, warehouse_id, product_id, quantity) VALUES (?, ?, ?, ?, ?)",
					o.ID, line, n.wh, n.p, q)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		plant(2, 4_000_000_000_000_000_000)
		plant(3, 4_000_000_000_000_000_000)
		items, err := report()
		if err != nil || len(items) != 1 || items[0].Reserved != 8_000_000_000_000_001_000 || items[0].Available != -8_000_000_000_000_001_000 {
			t.Fatalf("a sum near the limit: %v, %v", items, err)
		}
		plant(4, 4_000_000_000_000_000_000)
		_, err = report()
		var te *torg.Error
		if !asErr(err, &te) || te.Code != torg.CodeStateConflict ||
			te.Message != "the quantity of product P reserved in warehouse W is beyond the range the system can hold" {
			t.Fatalf("a sum beyond the limit: %v", err)
		}
	})
}

func text(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestABalanceAnOlderVersionStoredAsARealIsNamedNotA500(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		if s.Dialect() != "sqlite" {
			t.Skip("only SQLite ever stored a REAL")
		}
		n := newNearLimit(t, s)
		// What a version without the guard left behind after an overflowing addition.
		err := s.Update(ctx, func(tx *store.Tx) error {
			if err := tx.Exec(ctx, "DROP TRIGGER cash_balances_update_in_range"); err != nil {
				return err
			}
			return tx.Exec(ctx, "UPDATE cash_balances SET balance = balance + ? WHERE cash_desk_id = ?", int64(2*e15), n.desk)
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.View(ctx, func(tx *store.Tx) error { _, err := tx.CashReport(ctx, ""); return err })
		var te *torg.Error
		if !asErr(err, &te) || te.Code != torg.CodeStateConflict || te.Message != "cash desk MAIN's balance is beyond the range the system can hold" {
			t.Fatalf("cash report: %v", err)
		}
		ins := []torg.TransactionInput{sale(0, n.p, 1000, 1, torg.PaymentCash), sale(1, n.p, 1000, 100, torg.PaymentCard)}
		n.upload(t, []string{n.reg, n.reg}, ins)
		res, _, _, err := s.TransferBatch(ctx, store.TransferCursor{}, 100)
		if err != nil || res.Processed != 1 || res.Failed != 1 {
			t.Fatalf("run: %+v, %v", res, err)
		}
		var tr torg.Transaction
		s.View(ctx, func(tx *store.Tx) (err error) { tr, err = tx.Transaction(ctx, ins[0].ID); return err })
		if text(tr.Error) != "cash desk MAIN's balance would leave the range the system can hold" {
			t.Fatalf("transaction: %s %q", tr.State, text(tr.Error))
		}
	})
}
