package store_test

import (
	"context"
	"testing"

	"torg"
	"torg/internal/shoptest"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

func TestReservations(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		sh := shoptest.InStore(t, s)
		reserved := func() torg.Quantity {
			var q torg.Quantity
			if err := s.View(ctx, func(tx *store.Tx) (err error) { q, err = tx.Reserved(ctx, sh.WH, sh.Milk); return err }); err != nil {
				t.Fatal(err)
			}
			return q
		}
		update := func(fn func(tx *store.Tx) error) {
			t.Helper()
			if err := s.Update(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		var o torg.Order
		update(func(tx *store.Tx) (err error) {
			o, err = tx.CreateOrder(ctx, torg.OrderInput{CustomerCode: "retail", WarehouseID: sh.WH,
				Lines: []torg.OrderLineInput{{ProductID: sh.Milk, Quantity: 2500}}, Post: true})
			return err
		})
		steps := []struct {
			name string
			do   func(tx *store.Tx) error
			want torg.Quantity
		}{
			{"a posted new order reserves nothing", nil, 0},
			{"agreeing a posted order reserves its lines", func(tx *store.Tx) error {
				_, err := tx.PatchOrder(ctx, o.ID, torg.OrderPatch{Status: torg.Of(torg.StatusAgreed)}, nil)
				return err
			}, 2500},
			{"changing the lines changes the reservation", func(tx *store.Tx) error {
				_, err := tx.PatchOrder(ctx, o.ID, torg.OrderPatch{Lines: torg.Of([]torg.OrderLineInput{{ProductID: sh.Milk, Quantity: 4000}})}, nil)
				return err
			}, 4000},
			{"unposting ends it", func(tx *store.Tx) error { _, err := tx.UnpostOrder(ctx, o.ID); return err }, 0},
			{"posting again reserves again", func(tx *store.Tx) error { _, err := tx.PostOrder(ctx, o.ID); return err }, 4000},
			{"un-agreeing ends it", func(tx *store.Tx) error {
				_, err := tx.PatchOrder(ctx, o.ID, torg.OrderPatch{Status: torg.Of(torg.StatusNew)}, nil)
				return err
			}, 0},
			{"agreeing again reserves again", func(tx *store.Tx) error {
				_, err := tx.PatchOrder(ctx, o.ID, torg.OrderPatch{Status: torg.Of(torg.StatusAgreed)}, nil)
				return err
			}, 4000},
			{"cancelling ends it", func(tx *store.Tx) error { _, err := tx.CancelOrder(ctx, o.ID); return err }, 0},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				if st.do != nil {
					update(st.do)
				}
				if got := reserved(); got != st.want {
					t.Fatalf("reserved %s, want %s", got, st.want)
				}
			})
		}
	})
}
