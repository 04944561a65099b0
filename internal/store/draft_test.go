package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"torg"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

// tenLineShop is a warehouse with 10 registers that load orders automatically, 10 products, and an
// agreed order of all 10 to Fill and post.
func tenLineShop(t *testing.T, s *store.Store) torg.OrderInput {
	t.Helper()
	wh := create(t, s, store.Warehouses, torg.WarehouseInput{Code: str("W"), Name: str("w")})
	in := torg.OrderInput{CustomerCode: "retail", WarehouseID: wh.ID, Status: torg.Of(torg.StatusAgreed), FillRegisters: true, Post: true}
	for i := range 10 {
		code := fmt.Sprintf("P%d", i)
		create(t, s, store.Products, torg.ProductInput{Code: str(code), Name: str(code), Price: torg.Of(torg.Money(100 + i))})
		create(t, s, store.Registers, torg.RegisterInput{Code: str(fmt.Sprintf("K%d", i)), Name: str("k"), WarehouseID: str(wh.ID),
			AcceptsOrders: torg.Of(true), AutoLoadOrders: torg.Of(true)})
		in.Lines = append(in.Lines, torg.OrderLineInput{ProductCode: code, Quantity: 1000})
	}
	return in
}

// createDrafted makes the order the way the API does: drafted before the writer, written in it.
func createDrafted(t *testing.T, s *store.Store, in torg.OrderInput) (torg.Order, error) {
	t.Helper()
	ctx := context.Background()
	d, err := s.DraftOrder(ctx, in)
	if err != nil {
		return torg.Order{}, err
	}
	var o torg.Order
	err = s.Update(ctx, func(tx *store.Tx) (err error) {
		o, err = tx.CreateDrafted(ctx, d)
		return err
	})
	return o, err
}

// On SQLite everything an order needs that can be known before the writer is read and computed
// before it: the writer itself runs a handful of statements per order, and numbers a group's
// packages with a few more, not one a package.
func TestTheWriterRunsFewStatementsPerOrder(t *testing.T) {
	s := storetest.New(t, "sqlite")
	in := tenLineShop(t, s)
	var counts []int64
	for range 3 { // the first prepares the writer's statements
		before := s.WriterStatements()
		o, err := createDrafted(t, s, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(o.Registers) != 10 || o.Registers[9].State != torg.DeliverySent || len(o.Lines) != 10 {
			t.Fatalf("the order is %+v", o)
		}
		counts = append(counts, s.WriterStatements()-before)
	}
	// SAVEPOINT, the catalog's version, the number, the order, lines, reservation, snapshot, RELEASE;
	// then the group's numbering: a counter a register, the packages, and the «ККМ» rows with their
	// seqs. Drafted in the writer, with the rows updated after, it was 33.
	if last := counts[len(counts)-1]; last > 8+10+2 {
		t.Errorf("statements the writer ran for each order: %v; want at most 8, and 12 to number its group", counts)
	}
	t.Logf("statements the writer ran for each order: %v", counts)
}

// A draft made before the writer is not trusted when the catalog changed meanwhile: the writer reads
// again, and the order has the new price and registers, or is refused as the catalog now is.
func TestADraftIsMadeAgainWhenTheCatalogChangedMeanwhile(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		in := tenLineShop(t, s)
		d, err := s.DraftOrder(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		err = s.Update(ctx, func(tx *store.Tx) error {
			list, err := store.Products.List(ctx, tx, "P0", torg.Page{Limit: 1})
			if err != nil {
				return err
			}
			_, err = store.Products.Patch(ctx, tx, list.Items[0].ID, torg.ProductInput{Price: torg.Of(torg.Money(777))})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var o torg.Order
		err = s.Update(ctx, func(tx *store.Tx) (err error) {
			o, err = tx.CreateDrafted(ctx, d)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if o.Lines[0].Price != 777 {
			t.Errorf("the order's first line costs %d after the product's price became 777", o.Lines[0].Price)
		}
		var snap string
		err = s.View(ctx, func(tx *store.Tx) (err error) {
			snap, err = tx.QueryText(ctx, "SELECT body FROM order_snapshots WHERE order_id = ?", o.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf(`"number":%q`, o.Number); !strings.Contains(snap, want) || !strings.Contains(snap, `"price":777`) {
			t.Errorf("the snapshot is %s; want %s and the new price", snap, want)
		}

		d, err = s.DraftOrder(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		err = s.Update(ctx, func(tx *store.Tx) error {
			return tx.Exec(ctx, "UPDATE registers SET auto_load_orders = ? WHERE code = 'K9'", false)
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.Update(ctx, func(tx *store.Tx) (err error) {
			o, err = tx.CreateDrafted(ctx, d)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(o.Registers) != 9 {
			t.Errorf("the order went to %d registers after one of ten stopped loading orders", len(o.Registers))
		}
	})
}

// Bad input is refused by the draft, before the writer, naming every bad field; no number is taken.
func TestADraftRefusesBadInputBeforeTheWriter(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		in := tenLineShop(t, s)
		bad := in
		bad.CustomerCode = "nobody"
		bad.Lines = append([]torg.OrderLineInput{{ProductCode: "none", Quantity: 1000}}, in.Lines...)
		_, err := createDrafted(t, s, bad)
		var e *torg.Error
		if !errors.As(err, &e) || len(e.Fields) != 2 {
			t.Fatalf("a draft with a bad customer and line: %v, want both named", err)
		}
		o, err := createDrafted(t, s, in)
		if err != nil {
			t.Fatal(err)
		}
		if o.Number != "000001" {
			t.Errorf("the first good order is number %s", o.Number)
		}
	})
}

// A new order changed again in the transaction that made it is changed with its «ККМ» tab, though
// on SQLite the tab's rows of the registers sent the order are written only when its packages are
// numbered.
func TestANewOrderChangedInItsOwnTransactionKeepsItsRegisters(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		in := tenLineShop(t, s)
		var cancelled torg.Order
		err := s.Update(ctx, func(tx *store.Tx) error {
			o, err := tx.CreateOrder(ctx, in)
			if err != nil {
				return err
			}
			cancelled, err = tx.CancelOrder(ctx, o.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(cancelled.Registers) != 10 {
			t.Fatalf("the cancelled order lists %d registers, want 10", len(cancelled.Registers))
		}
		var after torg.Order
		err = s.View(ctx, func(tx *store.Tx) (err error) {
			after, err = tx.Order(ctx, cancelled.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range after.Registers {
			if r.State != torg.DeliveryWithdrawalSent || r.Sends != 2 {
				t.Fatalf("register %s of the cancelled order: %+v, want withdrawal_sent after two sends", r.RegisterID, r)
			}
		}
	})
}
