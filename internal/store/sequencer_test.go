package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"torg"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

// A register must learn it has an order only from the package that carries the order's newest
// version: an acknowledgement of an older package leaves the order sent.
func TestAnOlderAcknowledgementLeavesTheOrderSent(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		sh := newSaleShop(t, s)
		first := sh.lastSeq(t, sh.k1.ID)
		sh.update(t, func(tx *store.Tx) (err error) {
			sh.order, err = tx.PatchOrder(ctx, sh.order.ID, torg.OrderPatch{Comment: torg.Of("позвонить")}, nil)
			return err
		})
		second := sh.lastSeq(t, sh.k1.ID)
		if second != first+1 {
			t.Fatalf("the change sent K1 packages up to %d after %d", second, first)
		}
		ack := func(seq int64) torg.DeliveryState {
			sh.update(t, func(tx *store.Tx) error { _, err := tx.Ack(ctx, sh.k1.ID, "after", seq); return err })
			return sh.orderNow(t).Registers[0].State
		}
		if st := ack(first); st != torg.DeliverySent {
			t.Errorf("after acknowledging version 1's package the order is %s at K1, want sent", st)
		}
		if st := ack(second); st != torg.DeliveryReceived {
			t.Errorf("after acknowledging version 2's package the order is %s at K1, want received", st)
		}
	})
}

// A process may die after its change commits and before it numbers the change's packages: they
// wait in the queue, and another process numbers them, after the seqs it had already given.
func TestAnotherProcessNumbersWhatADeadOneQueued(t *testing.T) {
	ctx := context.Background()
	for _, d := range storetest.Dialects(t) {
		if d != "postgres" {
			continue // SQLite numbers a group's packages in the group's own transaction
		}
		dsn := storetest.DSN(t, d)
		dead := storetest.Open(t, dsn)
		sh := newSaleShop(t, dead)
		before := sh.lastSeq(t, sh.k1.ID)
		dead.StopSequencer()
		sh.update(t, func(tx *store.Tx) (err error) {
			sh.order, err = tx.PatchOrder(ctx, sh.order.ID, torg.OrderPatch{Comment: torg.Of("позвонить")}, nil)
			return err
		})
		if got := sh.lastSeq(t, sh.k1.ID); got != before {
			t.Fatalf("K1's packages went from %d to %d with no sequencer running", before, got)
		}
		other := storetest.Open(t, dsn)
		if err := other.Sequence(ctx); err != nil {
			t.Fatal(err)
		}
		p, err := other.Packages(ctx, sh.k1.ID, before)
		if err != nil || len(p.Packages) != 1 || p.Packages[0].Seq != before+1 || p.Packages[0].Kind != torg.PackageUpsert {
			t.Fatalf("K1's packages after %d: %+v, %v; want version 2's order.upsert as %d", before, p, err, before+1)
		}
	}
}

// An agreed order with Fill and post, of 10 lines to 10 registers, costs PostgreSQL four round trips
// and its commit: BEGIN, one batch of reads, the order's number, one batch of writes, COMMIT.
func TestAnOrderTakesFourRoundTripsAndItsCommit(t *testing.T) {
	ctx := context.Background()
	for _, d := range storetest.Dialects(t) {
		if d != "postgres" {
			continue // in process, SQLite has no round trips
		}
		s, trips, err := store.OpenCountingRoundTrips(ctx, storetest.DSN(t, d))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
			t.Fatal(err)
		}
		s.StopSequencer() // its batches run on connections of their own, after the commit
		wh := create(t, s, store.Warehouses, torg.WarehouseInput{Code: str("W"), Name: str("w")})
		in := torg.OrderInput{CustomerCode: "retail", WarehouseID: wh.ID, Status: torg.Of(torg.StatusAgreed), FillRegisters: true, Post: true}
		for i := range 10 {
			code := fmt.Sprintf("P%d", i)
			create(t, s, store.Products, torg.ProductInput{Code: str(code), Name: str(code), Price: torg.Of(torg.Money(100 + i))})
			create(t, s, store.Registers, torg.RegisterInput{Code: str(fmt.Sprintf("K%d", i)), Name: str("k"), WarehouseID: str(wh.ID),
				AcceptsOrders: torg.Of(true), AutoLoadOrders: torg.Of(true)})
			in.Lines = append(in.Lines, torg.OrderLineInput{ProductCode: code, Quantity: 1000})
		}
		var counts []int64
		for range 3 { // the first prepares the statements on the connection
			trips.Store(0)
			err := s.Update(ctx, func(tx *store.Tx) error {
				o, err := tx.CreateOrder(ctx, in)
				if err == nil && (len(o.Registers) != 10 || o.Registers[9].State != torg.DeliverySent) {
					t.Errorf("the order went to %v", o.Registers)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			counts = append(counts, trips.Load())
		}
		if last := counts[len(counts)-1]; last > 5 {
			t.Errorf("round trips of each order: %v; want at most 4 and the commit", counts)
		}
		t.Logf("round trips of each order, the first preparing its statements: %v", counts)

		// A numbering batch: BEGIN, the lock and the queue's read, the counters, every write (600
		// packages, their sends, the queue's rows deleted, the notifications), and the commit. The
		// batch of each size prepares its statements on the connection: the three orders above, then
		// sixty, then sixty more, counted.
		for i := range 3 {
			for range min(i, 1) * 60 {
				if err := s.Update(ctx, func(tx *store.Tx) error { _, err := tx.CreateOrder(ctx, in); return err }); err != nil {
					t.Fatal(err)
				}
			}
			trips.Store(0)
			if err := s.Sequence(ctx); err != nil {
				t.Fatal(err)
			}
			counts[i] = trips.Load()
		}
		if n := counts[2]; n > 5 {
			t.Errorf("numbering batches of 30, 600 and 600 packages took %v round trips; want at most 4 and the commit", counts)
		}
		for _, r := range warehouseRegisters(t, s, wh.ID) {
			if got, err := s.ReadPackages(ctx, r, 0); err != nil || got.LastSeq != 123 || len(got.Packages) != 123 {
				t.Fatalf("register %s after the batches: last_seq %d, %d packages, %v; want 123", r, got.LastSeq, len(got.Packages), err)
			}
		}
	}
}

// warehouseRegisters lists the ids of the warehouse's registers.
func warehouseRegisters(t *testing.T, s *store.Store, warehouseID string) []string {
	t.Helper()
	var ids []string
	err := s.View(context.Background(), func(tx *store.Tx) error {
		list, err := store.Registers.List(context.Background(), tx, "", torg.Page{Limit: 100})
		for _, r := range list.Items {
			if r.WarehouseID == warehouseID {
				ids = append(ids, r.ID)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// An order filled with a warehouse's hundreds of registers is numbered for each of them, and again
// for the next order: every register's packages run 1, 2 without a gap, whatever statements number
// them (on SQLite, registers with the same count share one, up to 512 a statement).
func TestAnOrderToHundredsOfRegistersIsNumberedForEach(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		wh := create(t, s, store.Warehouses, torg.WarehouseInput{Code: str("BIG"), Name: str("big")})
		p := create(t, s, store.Products, torg.ProductInput{Code: str("P"), Name: str("p"), Price: torg.Of(torg.Money(100))})
		var ids []string
		for i := range 530 {
			r := create(t, s, store.Registers, torg.RegisterInput{Code: str(fmt.Sprintf("R%03d", i)), Name: str("r"),
				WarehouseID: str(wh.ID), AcceptsOrders: torg.Of(true), AutoLoadOrders: torg.Of(true)})
			ids = append(ids, r.ID)
		}
		var orders []torg.Order
		for range 2 {
			o, err := createDrafted(t, s, torg.OrderInput{CustomerCode: "retail", WarehouseID: wh.ID, Status: torg.Of(torg.StatusAgreed),
				Lines: []torg.OrderLineInput{{ProductID: p.ID, Quantity: 1000}}, FillRegisters: true, Post: true})
			if err != nil {
				t.Fatal(err)
			}
			orders = append(orders, o)
		}
		for _, id := range ids {
			got, err := s.ReadPackages(ctx, id, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got.LastSeq != 2 || len(got.Packages) != 2 || got.Packages[0].Seq != 1 || got.Packages[1].Seq != 2 {
				t.Fatalf("register %s: %+v, want seqs 1 and 2", id, got)
			}
			for i, pk := range got.Packages {
				var snap torg.OrderSnapshot
				if err := json.Unmarshal(pk.Order, &snap); err != nil || snap.ID != orders[i].ID {
					t.Fatalf("register %s, seq %d: %s, want order %s", id, pk.Seq, pk.Order, orders[i].Number)
				}
			}
		}
	})
}
