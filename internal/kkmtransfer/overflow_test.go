package kkmtransfer_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/google/uuid"

	"torg"
	"torg/internal/kkmtransfer"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

// TestRunFailsOnlyTheSalesACashDeskCannotHold sells more than a cash desk near the edge of int64
// can hold, over more than one batch: the sales that fit are processed, every later one fails
// naming the desk, and running again changes nothing.
func TestRunFailsOnlyTheSalesACashDeskCannotHold(t *testing.T) {
	ctx := context.Background()
	const fit, n = 9, kkmtransfer.BatchSize + 20
	const start = math.MaxInt64 - fit*int64(torg.MaxMoney) // exactly nine sales of MaxMoney fit
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			s, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if err := s.Migrate(ctx, discard); err != nil {
				t.Fatal(err)
			}
			var desk string
			err = s.Update(ctx, func(tx *store.Tx) error {
				dk, err := store.CashDesks.Create(ctx, tx, torg.CashDeskInput{Code: torg.Of("MAIN"), Name: torg.Of("main")})
				if err != nil {
					return err
				}
				wh, err := store.Warehouses.Create(ctx, tx, torg.WarehouseInput{Code: torg.Of("W"), Name: torg.Of("w")})
				if err != nil {
					return err
				}
				p, err := store.Products.Create(ctx, tx, torg.ProductInput{Code: torg.Of("P"), Name: torg.Of("p")})
				if err != nil {
					return err
				}
				reg, err := store.Registers.Create(ctx, tx, torg.RegisterInput{Code: torg.Of("R"), Name: torg.Of("r"), WarehouseID: torg.Of(wh.ID),
					CashDeskID: torg.Of(dk.ID)})
				if err != nil {
					return err
				}
				desk = dk.ID
				for i := range n {
					in := torg.TransactionInput{ID: uuid.NewString(), ShiftNumber: 1, ReceiptNumber: int64(i + 1), Cashier: "c",
						ClosedAt: time.Date(2026, 11, 27, 8, 0, i, 0, time.UTC), Total: torg.MaxMoney,
						Lines:    []torg.TxLine{{ProductID: p.ID, Quantity: 1000, Price: torg.MaxMoney, Amount: torg.MaxMoney}},
						Payments: []torg.Payment{{Type: torg.PaymentCash, Amount: torg.MaxMoney}}}
					if _, _, err := tx.UploadTransaction(ctx, reg.ID, in); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			storetest.Exec(t, dsn, fmt.Sprintf("INSERT INTO cash_moves (doc_id, date, cash_desk_id, amount) VALUES ('planted', 0, '%s', %d)", desk, start))
			storetest.Exec(t, dsn, fmt.Sprintf("INSERT INTO cash_balances (cash_desk_id, balance) VALUES ('%s', %d)", desk, start))
			job := kkmtransfer.New(s, discard, 0)
			for run, want := range []torg.TransferResult{
				{Processed: fit, SalesInvoices: fit, CashReceipts: fit, CashReceiptsPosted: fit, Failed: n - fit},
				{Failed: n - fit},
			} {
				res, err := job.Run(ctx, nil)
				if err != nil || res != want {
					t.Fatalf("run %d: %+v, %v; want %+v", run+1, res, err, want)
				}
			}
			var failed torg.List[torg.Transaction]
			var cash []torg.CashItem
			err = s.View(ctx, func(tx *store.Tx) (err error) {
				if failed, err = tx.Transactions(ctx, store.TransactionFilter{State: torg.TxFailed}, torg.Page{Limit: 500}); err != nil {
					return err
				}
				cash, err = tx.CashReport(ctx, desk)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, tr := range failed.Items {
				if tr.Error == nil || *tr.Error != "cash desk MAIN's balance would leave the range the system can hold" {
					t.Fatalf("transaction %s: %v", tr.ID, tr.Error)
				}
			}
			if len(cash) != 1 || cash[0].Balance != math.MaxInt64 {
				t.Fatalf("cash report %v", cash)
			}
		})
	}
}
