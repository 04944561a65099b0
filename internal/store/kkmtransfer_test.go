package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"torg"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

// waiting makes a register and n sales without an order, waiting for KKMTransfer; it returns their ids.
func waiting(t *testing.T, s *store.Store, n int) []string {
	ctx := context.Background()
	var ids []string
	err := s.Update(ctx, func(tx *store.Tx) error {
		wh, err := store.Warehouses.Create(ctx, tx, torg.WarehouseInput{Code: str("W"), Name: str("w")})
		if err != nil {
			return err
		}
		p, err := store.Products.Create(ctx, tx, torg.ProductInput{Code: str("P"), Name: str("p")})
		if err != nil {
			return err
		}
		r, err := store.Registers.Create(ctx, tx, torg.RegisterInput{Code: str("R"), Name: str("r"), WarehouseID: str(wh.ID)})
		if err != nil {
			return err
		}
		for i := range n {
			in := torg.TransactionInput{ID: uuid.NewString(), ShiftNumber: 1, ReceiptNumber: int64(i + 1),
				ClosedAt: time.Date(2026, 11, 27, 9, i, 0, 0, time.UTC), Cashier: "c",
				Lines:    []torg.TxLine{{ProductID: p.ID, Quantity: 1000, Price: 100, Amount: 100}},
				Payments: []torg.Payment{{Type: torg.PaymentCard, Amount: 100}}, Total: 100}
			if _, _, err := tx.UploadTransaction(ctx, r.ID, in); err != nil {
				return err
			}
			ids = append(ids, in.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestKKMTransferIsolatesAFailingTransaction(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ids := waiting(t, s, 5)
		// The third transaction already has an invoice (as if made by another process): the unique
		// transaction_id of invoices refuses a second one, the batch's write fails, and the batch is
		// done again one by one.
		err := s.Update(ctx, func(tx *store.Tx) error {
			return tx.Exec(ctx, "INSERT INTO sales_invoices (id, number, date, posted, transaction_id, register_id, customer_id, warehouse_id,"+
				" total, vat_total, created_at) SELECT 'planted', 999999, 0, TRUE, id, register_id, (SELECT id FROM customers WHERE code = 'retail'),"+
				" (SELECT warehouse_id FROM registers r WHERE r.id = t.register_id), 0, 0, 0 FROM transactions t WHERE id = ?", ids[2])
		})
		if err != nil {
			t.Fatal(err)
		}
		// The fourth names a product that does not exist: it cannot be planned.
		err = s.Update(ctx, func(tx *store.Tx) error {
			return tx.Exec(ctx, "UPDATE transactions SET body = REPLACE(body, (SELECT id FROM products WHERE code = 'P'), 'gone') WHERE id = ?", ids[3])
		})
		if err != nil {
			t.Fatal(err)
		}
		res, _, taken, err := s.TransferBatch(ctx, store.TransferCursor{}, 100)
		if err != nil || taken != 5 || res.Processed != 3 || res.Failed != 2 || res.SalesInvoices != 3 || res.CardPayments != 3 {
			t.Fatalf("batch: %+v taken %d, %v", res, taken, err)
		}
		for i, want := range []torg.TxState{torg.TxProcessed, torg.TxProcessed, torg.TxFailed, torg.TxFailed, torg.TxProcessed} {
			var tr torg.Transaction
			s.View(ctx, func(tx *store.Tx) (err error) { tr, err = tx.Transaction(ctx, ids[i]); return err })
			if tr.State != want || (want == torg.TxFailed) != (tr.Error != nil) {
				t.Errorf("transaction %d: %s, error %v", i, tr.State, tr.Error)
			}
		}
		var l torg.List[torg.SalesInvoice]
		s.View(ctx, func(tx *store.Tx) (err error) {
			l, err = tx.SalesInvoices(ctx, "", "", torg.Page{Limit: 100})
			return err
		})
		if len(l.Items) != 4 { // three made now, one planted
			t.Fatalf("%d invoices", len(l.Items))
		}
		numbers := map[string]bool{}
		for _, inv := range l.Items {
			numbers[inv.Number] = true
		}
		for i := 1; i <= 3; i++ {
			if !numbers[fmt.Sprintf("%06d", i)] {
				t.Errorf("invoice numbers %v lack %06d: a rolled-back attempt left a gap", numbers, i)
			}
		}
	})
}
