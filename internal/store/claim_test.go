package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"torg"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

func TestOtherRegistersLearnWhoPickedAnOrder(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		claim := func(sh *saleShop, ttl time.Duration) torg.Claim {
			t.Helper()
			var c torg.Claim
			sh.update(t, func(tx *store.Tx) (err error) { c, err = tx.Claim(ctx, sh.k1.ID, sh.order.ID, nil, ttl); return err })
			return c
		}
		count := func(sh *saleShop, registerID string) int {
			p, err := s.Packages(ctx, registerID, 0)
			if err != nil {
				t.Fatal(err)
			}
			return len(p.Packages)
		}
		t.Run("picking sends order.claimed to the others, naming the register and the claim's end", func(t *testing.T) {
			sh := newSaleShop(t, s)
			k1Before := count(sh, sh.k1.ID)
			c := claim(sh, time.Minute)
			p := sh.lastPackage(t)
			if p.Kind != torg.PackageClaimed || p.OrderID != sh.order.ID || p.RegisterID != sh.k1.ID || p.RegisterName != sh.k1.Name ||
				p.ExpiresAt == nil || !p.ExpiresAt.Equal(c.ExpiresAt) {
				t.Fatalf("K2's last package %+v, want order.claimed by K1 until %v", p, c.ExpiresAt)
			}
			if n := count(sh, sh.k1.ID); n != k1Before {
				t.Errorf("K1 got %d packages about its own pick", n-k1Before)
			}
			renewed := claim(sh, 2*time.Minute)
			if p := sh.lastPackage(t); p.Kind != torg.PackageClaimed || !p.ExpiresAt.Equal(renewed.ExpiresAt) {
				t.Errorf("after renewing, K2's last package %+v, want the new end %v", p, renewed.ExpiresAt)
			}
		})
		t.Run("releasing sends order.released", func(t *testing.T) {
			sh := newSaleShop(t, s)
			claim(sh, time.Minute)
			sh.update(t, func(tx *store.Tx) error { return tx.ReleaseClaim(ctx, sh.k1.ID, sh.order.ID) })
			if p := sh.lastPackage(t); p.Kind != torg.PackageReleased || p.OrderID != sh.order.ID {
				t.Fatalf("K2's last package %+v, want order.released", p)
			}
			if o := sh.orderNow(t); o.Claim != nil {
				t.Errorf("the order is still claimed: %v", o.Claim)
			}
		})
		t.Run("a claim that lapsed is released, and the others told", func(t *testing.T) {
			sh := newSaleShop(t, s)
			claim(sh, time.Microsecond)
			time.Sleep(2 * time.Millisecond)
			any, err := s.AnyLapsedClaim(ctx)
			if err != nil || !any {
				t.Fatalf("AnyLapsedClaim = %v, %v", any, err)
			}
			var n int
			sh.update(t, func(tx *store.Tx) (err error) { n, err = tx.ReleaseLapsedClaims(ctx, 100); return err })
			if n < 1 {
				t.Fatalf("released %d", n)
			}
			if p := sh.lastPackage(t); p.Kind != torg.PackageReleased {
				t.Fatalf("K2's last package %+v, want order.released", p)
			}
			if any, _ := s.AnyLapsedClaim(ctx); any {
				t.Error("a lapsed claim is left")
			}
		})
	})
}

func TestAnOrderPackageCarriesTheCustomersPhone(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		wh := create(t, s, store.Warehouses, torg.WarehouseInput{Code: str("W"), Name: str("w")})
		p := create(t, s, store.Products, torg.ProductInput{Code: str("P"), Name: str("p"), Price: torg.Of(torg.Money(100))})
		c := create(t, s, store.Customers, torg.CustomerInput{Code: str("C"), Name: str("Петров"), Phone: str("+7 916 555-01-02")})
		r := create(t, s, store.Registers, torg.RegisterInput{Code: str("K1"), Name: str("k"), WarehouseID: str(wh.ID),
			AcceptsOrders: torg.Of(true), AutoLoadOrders: torg.Of(true)})
		err := s.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.CreateOrder(ctx, torg.OrderInput{CustomerID: c.ID, WarehouseID: wh.ID, Status: torg.Of(torg.StatusAgreed),
				Lines: []torg.OrderLineInput{{ProductID: p.ID, Quantity: 1000}}, FillRegisters: true, Post: true})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		pk, err := s.Packages(ctx, r.ID, 0)
		if err != nil || len(pk.Packages) != 1 {
			t.Fatalf("packages %v, %v", pk, err)
		}
		var o torg.OrderSnapshot
		if err := json.Unmarshal(pk.Packages[0].Order, &o); err != nil || o.Customer.Phone != "+7 916 555-01-02" {
			t.Errorf("the package's customer is %+v (%v), want the phone", o.Customer, err)
		}
	})
}
