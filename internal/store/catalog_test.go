package store_test

import (
	"context"
	"testing"

	"torg"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

func str(s string) torg.Opt[string] { return torg.Of(s) }

func create[T any, In interface{ Apply(*T) error }](t *testing.T, s *store.Store, c *store.Catalog[T, In], in In) T {
	t.Helper()
	var v T
	err := s.Update(context.Background(), func(tx *store.Tx) (err error) {
		v, err = c.Create(context.Background(), tx, in)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCatalogs(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		t.Run("a created warehouse reads back, patches and lists", func(t *testing.T) {
			w := create(t, s, store.Warehouses, torg.WarehouseInput{Code: str("W1"), Name: str("Main")})
			if w.ID == "" || w.Code != "W1" {
				t.Fatalf("created %+v", w)
			}
			var got torg.Warehouse
			err := s.Update(ctx, func(tx *store.Tx) (err error) {
				got, err = store.Warehouses.Patch(ctx, tx, w.ID, torg.WarehouseInput{Name: str("Renamed")})
				return err
			})
			if err != nil || got.Name != "Renamed" || got.Code != "W1" {
				t.Fatalf("patched %+v, %v", got, err)
			}
			s.View(ctx, func(tx *store.Tx) (err error) { got, err = store.Warehouses.Get(ctx, tx, w.ID); return err })
			if got.Name != "Renamed" {
				t.Fatalf("read back %+v", got)
			}
		})
		t.Run("a second item with the same code is a duplicate naming code", func(t *testing.T) {
			create(t, s, store.CashDesks, torg.CashDeskInput{Code: str("C1"), Name: str("Cash")})
			err := s.Update(ctx, func(tx *store.Tx) error {
				_, err := store.CashDesks.Create(ctx, tx, torg.CashDeskInput{Code: str("C1"), Name: str("Other")})
				return err
			})
			var e *torg.Error
			if !asErr(err, &e) || e.Code != torg.CodeDuplicate || e.Fields[0].Field != "code" {
				t.Fatalf("got %v", err)
			}
		})
		t.Run("the retail customer always exists", func(t *testing.T) {
			var l torg.List[torg.Customer]
			s.View(ctx, func(tx *store.Tx) (err error) {
				l, err = store.Customers.List(ctx, tx, torg.RetailCustomerCode, torg.Page{Limit: 10})
				return err
			})
			if len(l.Items) != 1 || l.Items[0].Name != "Розничный покупатель" {
				t.Fatalf("got %+v", l)
			}
		})
		t.Run("products keep their barcodes, unique across products", func(t *testing.T) {
			p := create(t, s, store.Products, torg.ProductInput{Code: str("P1"), Name: str("Milk"),
				Barcodes: torg.Of([]string{"4600000000017", "4600000000024"})})
			if p.Unit != "шт" || p.VATRate != "22" || len(p.Barcodes) != 2 {
				t.Fatalf("got %+v", p)
			}
			err := s.Update(ctx, func(tx *store.Tx) error {
				_, err := store.Products.Create(ctx, tx, torg.ProductInput{Code: str("P2"), Name: str("Kefir"),
					Barcodes: torg.Of([]string{"4600000000024"})})
				return err
			})
			var e *torg.Error
			if !asErr(err, &e) || e.Code != torg.CodeDuplicate || e.Fields[0].Field != "barcodes[0]" {
				t.Fatalf("got %v", err)
			}
			var l torg.List[torg.Product]
			s.View(ctx, func(tx *store.Tx) (err error) {
				l, err = store.Products.List(ctx, tx, "", torg.Page{Limit: 10})
				return err
			})
			if len(l.Items) != 1 || len(l.Items[0].Barcodes) != 2 || l.Items[0].Barcodes[1] != "4600000000024" {
				t.Fatalf("got %+v", l)
			}
		})
		t.Run("a register refers to an existing warehouse and cash desk", func(t *testing.T) {
			err := s.Update(ctx, func(tx *store.Tx) error {
				_, err := store.Registers.Create(ctx, tx, torg.RegisterInput{Code: str("R1"), Name: str("Till"),
					WarehouseID: str("nope"), CashDeskID: str("nope")})
				return err
			})
			var e *torg.Error
			if !asErr(err, &e) || e.Code != torg.CodeValidation || len(e.Fields) != 2 {
				t.Fatalf("got %v", err)
			}
		})
		t.Run("lists page with a cursor", func(t *testing.T) {
			for _, c := range []string{"A", "B", "C", "D", "E"} {
				create(t, s, store.Warehouses, torg.WarehouseInput{Code: str("page-" + c), Name: str(c)})
			}
			seen, after := 0, ""
			for pages := 0; pages < 10; pages++ {
				var l torg.List[torg.Warehouse]
				s.View(ctx, func(tx *store.Tx) (err error) {
					l, err = store.Warehouses.List(ctx, tx, "", torg.Page{Limit: 2, After: after})
					return err
				})
				seen += len(l.Items)
				if l.Next == nil {
					break
				}
				after, _ = torg.DecodeCursor(*l.Next)
			}
			if seen != 6 { // W1 and five more
				t.Fatalf("saw %d warehouses", seen)
			}
		})
	})
}
