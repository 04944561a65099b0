package store_test

import (
	"context"
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
		open := func() *store.Store {
			s, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if err := s.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
				t.Fatal(err)
			}
			return s
		}
		dead := open()
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
		other := open()
		if err := other.Sequence(ctx); err != nil {
			t.Fatal(err)
		}
		p, err := other.Packages(ctx, sh.k1.ID, before)
		if err != nil || len(p.Packages) != 1 || p.Packages[0].Seq != before+1 || p.Packages[0].Kind != torg.PackageUpsert {
			t.Fatalf("K1's packages after %d: %+v, %v; want version 2's order.upsert as %d", before, p, err, before+1)
		}
	}
}
