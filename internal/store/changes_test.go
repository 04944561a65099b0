package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"torg"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

// changed lists the orders changed after the cursor, waiting (on PostgreSQL) until want of them are
// visible: a change appears once the transactions older than it end, and other tests' transactions
// share the server.
func changed(t *testing.T, s *store.Store, after store.ChangeCursor, want int) ([]torg.Order, store.ChangeCursor) {
	t.Helper()
	ctx := context.Background()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var list torg.List[torg.Order]
		var next store.ChangeCursor
		err := s.View(ctx, func(tx *store.Tx) (err error) {
			list, next, err = tx.OrdersChangedAfter(ctx, store.OrderFilter{}, after, 100)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Items) >= want || time.Now().After(deadline) {
			return list.Items, next
		}
	}
}

func ids(orders []torg.Order) []string {
	var out []string
	for _, o := range orders {
		out = append(out, o.ID)
	}
	return out
}

func TestOrdersChangedAfterACursor(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		t.Run("changes come oldest first; a changed order moves to the end; the cursor skips nothing", func(t *testing.T) {
			a, b := newSaleShop(t, s), newSaleShop(t, s)
			all, cur := changed(t, s, store.ChangeCursor{}, 2)
			if got := ids(all); len(got) != 2 || got[0] != a.order.ID || got[1] != b.order.ID {
				t.Fatalf("from 0: %v, want %s then %s", got, a.order.ID, b.order.ID)
			}
			if none, again := changed(t, s, cur, 0); len(none) != 0 || again != cur {
				t.Fatalf("nothing changed, yet %v (cursor %v → %v)", ids(none), cur, again)
			}
			a.update(t, func(tx *store.Tx) error { _, err := tx.CancelOrder(ctx, a.order.ID); return err })
			got, next := changed(t, s, cur, 1)
			if len(got) != 1 || got[0].ID != a.order.ID || got[0].Status != torg.StatusCancelled {
				t.Fatalf("after the cancel: %v", ids(got))
			}
			if again, _ := changed(t, s, next, 0); len(again) != 0 {
				t.Fatalf("the cancel came twice: %v", ids(again))
			}
			if all, _ := changed(t, s, store.ChangeCursor{}, 2); len(all) != 2 || all[1].ID != a.order.ID {
				t.Fatalf("from 0 after the cancel: %v, want the cancelled order last", ids(all))
			}
		})
		if s.Dialect() != "postgres" {
			return // one writer: changes commit in the order they are numbered
		}
		t.Run("a change that commits behind a later one is not skipped", func(t *testing.T) {
			a, b := newSaleShop(t, s), newSaleShop(t, s)
			_, cur := changed(t, s, store.ChangeCursor{}, 4) // both shops of this test and the two before
			changing, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
			go func() {
				done <- s.Update(ctx, func(tx *store.Tx) error {
					if _, err := tx.CancelOrder(ctx, a.order.ID); err != nil {
						return err
					}
					close(changing)
					<-release
					return nil
				})
			}()
			var once sync.Once
			let := func() { once.Do(func() { close(release) }) }
			defer let() // a failure below must not leave the transaction waiting
			<-changing
			b.update(t, func(tx *store.Tx) error { _, err := tx.CancelOrder(ctx, b.order.ID); return err })
			early, mid := changed(t, s, cur, 0)
			for _, o := range early {
				if o.ID == b.order.ID {
					t.Fatalf("the later change was listed while the earlier one is still uncommitted: a poller would skip it")
				}
			}
			let()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			got, _ := changed(t, s, mid, 2)
			if g := ids(got); len(g) != 2 || g[0] != a.order.ID || g[1] != b.order.ID {
				t.Fatalf("after both committed: %v, want %s then %s", g, a.order.ID, b.order.ID)
			}
		})
	})
}
