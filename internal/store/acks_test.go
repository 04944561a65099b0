package store_test

import (
	"context"
	"testing"

	"torg"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

// An acknowledged order reads as received in this process from the moment the acknowledgement is
// noted: while its write is under way and after it, not only before it.
func TestAnAcknowledgementShowsWhileItIsWritten(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		sh := newSaleShop(t, s)
		state := func() torg.DeliveryState {
			var o torg.Order
			if err := s.View(ctx, func(tx *store.Tx) (err error) { o, err = tx.Order(ctx, sh.order.ID); return err }); err != nil {
				t.Fatal(err)
			}
			for _, r := range o.Registers {
				if r.RegisterID == sh.k1.ID {
					return r.State
				}
			}
			return ""
		}
		p, err := s.Packages(ctx, sh.k1.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		s.NoteAck(sh.k1.ID, p.LastSeq)
		var during torg.DeliveryState
		s.HoldAckWrites(func() { during = state() })
		s.FlushAcks()
		if during != torg.DeliveryReceived {
			t.Errorf("while the acknowledgement was written, K1's state read %q, want received", during)
		}
		if got := state(); got != torg.DeliveryReceived {
			t.Errorf("after it was written, K1's state reads %q", got)
		}
	})
}
