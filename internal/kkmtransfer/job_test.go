package kkmtransfer_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"

	"torg"
	"torg/internal/kkmtransfer"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// seed makes a register and n waiting transactions of two lines, half paid in cash.
func seed(t testing.TB, s *store.Store, n int) {
	t.Helper()
	ctx := context.Background()
	var reg torg.Register
	var prods [2]torg.Product
	err := s.Update(ctx, func(tx *store.Tx) error {
		desk, err := store.CashDesks.Create(ctx, tx, torg.CashDeskInput{Code: torg.Of("D"), Name: torg.Of("d")})
		if err != nil {
			return err
		}
		wh, err := store.Warehouses.Create(ctx, tx, torg.WarehouseInput{Code: torg.Of("W"), Name: torg.Of("w")})
		if err != nil {
			return err
		}
		for i := range prods {
			if prods[i], err = store.Products.Create(ctx, tx, torg.ProductInput{Code: torg.Of(fmt.Sprint("P", i)), Name: torg.Of("p")}); err != nil {
				return err
			}
		}
		reg, err = store.Registers.Create(ctx, tx, torg.RegisterInput{Code: torg.Of("R"), Name: torg.Of("r"), WarehouseID: torg.Of(wh.ID), CashDeskID: torg.Of(desk.ID)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	closed := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	for done := 0; done < n; {
		err := s.Update(ctx, func(tx *store.Tx) error {
			for i := done; i < min(done+1000, n); i++ {
				pay := torg.PaymentCard
				if i%2 == 0 {
					pay = torg.PaymentCash
				}
				in := torg.TransactionInput{ID: uuid.NewString(), ShiftNumber: 1, ReceiptNumber: int64(i + 1),
					ClosedAt: closed.Add(time.Duration(i) * time.Second), Cashier: "c",
					Lines: []torg.TxLine{{ProductID: prods[0].ID, Quantity: 1000, Price: 15000, Amount: 15000},
						{ProductID: prods[1].ID, Quantity: 2500, Price: 8990, Discount: 25, Amount: 22450}},
					Payments: []torg.Payment{{Type: pay, Amount: 37450}}, Total: 37450}
				if _, _, err := tx.UploadTransaction(ctx, reg.ID, in); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		done = min(done+1000, n)
	}
}

func TestRunReportsProgressAndRecordsTheRun(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		seed(t, s, kkmtransfer.BatchSize+20)
		job := kkmtransfer.New(s, discard, time.Minute)
		var calls [][2]int
		res, err := job.Run(context.Background(), func(done, total int) { calls = append(calls, [2]int{done, total}) })
		if err != nil {
			t.Fatal(err)
		}
		want := kkmtransfer.BatchSize + 20
		if res.Processed != want || res.SalesInvoices != want || res.CashReceiptsPosted != want/2 || res.CardPayments != want/2 {
			t.Fatalf("result %+v", res)
		}
		if len(calls) != 2 || calls[1] != [2]int{want, want} {
			t.Fatalf("progress %v", calls)
		}
		st, err := job.Status(context.Background())
		if err != nil || st.Every != "1m0s" || st.LastRun == nil || st.LastRun.Result.Processed != want || st.LastRun.FinishedAt == nil {
			t.Fatalf("status %+v, %v", st, err)
		}
	})
}

// BenchmarkKKMTransfer processes 100,000 waiting transactions per operation (run with -benchtime 1x).
func BenchmarkKKMTransfer(b *testing.B) {
	const n = 100_000
	for _, d := range storetest.Dialects(b) {
		b.Run(d, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s := storetest.New(b, d)
				seed(b, s, n)
				job := kkmtransfer.New(s, discard, 0)
				b.StartTimer()
				res, err := job.Run(context.Background(), nil)
				if err != nil || res.Processed != n {
					b.Fatalf("%+v %v", res, err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "transactions/s")
		})
	}
}
