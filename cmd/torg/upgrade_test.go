package main

import (
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"torg/internal/store"
	"torg/internal/store/storetest"
)

// freeAddr is a loopback address with a port nothing listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestUpgradeFromThePreviousSchemaWithTraffic starts this build on the previous release's schema
// (every migration but the newest) holding a store's data — a sale waiting for KKMTransfer, an order
// at two registers — while a web shop and a register are already sending requests, retrying until it
// answers. It migrates on start, and then nothing acknowledged is lost or doubled, the registers'
// packages go on from their cursors without a gap, and the old sale is processed.
func TestUpgradeFromThePreviousSchemaWithTraffic(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			ctx := context.Background()
			s, stop := startServerAt(t, dsn, "127.0.0.1:0")
			sh := newShop(t, s)
			s.must(201, "POST", "/api/v1/goods-receipts", `{"warehouse_code":"MAIN","lines":[{"product_code":"MILK","quantity":1000,"cost":9000},{"product_code":"SOAP","quantity":1000,"cost":5000}]}`)
			_, oldSale := sh.sell(t, "R1", `[{"type":"cash","amount":43400}]`)
			waiting := sh.order(t, `,"status":"agreed","fill_registers":true,"post":true`)["id"].(string)
			stop()

			previous := store.PreviousSchema()
			st, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.MigrateTo(ctx, previous); err != nil {
				t.Fatal(err)
			}
			if v, err := st.SchemaVersion(ctx); err != nil || v != previous {
				t.Fatalf("the fixture's schema is %d (%v), want %d", v, err, previous)
			}
			st.Close()

			addr := freeAddr(t)
			c := &retrier{url: "http://" + addr, http: &http.Client{Timeout: 10 * time.Second}}
			var halt atomic.Bool
			var wg sync.WaitGroup
			orders, transactions := &sync.Map{}, &sync.Map{}
			for w := range 2 {
				wg.Go(func() { crashIntake(t, c, sh, w, &halt, orders) })
			}
			wg.Go(func() { crashSeller(t, c, sh, "R2", &halt, transactions) })
			time.Sleep(300 * time.Millisecond) // the clients are already knocking
			s2, _ := startServerAt(t, dsn, addr)
			sh.s = s2
			if r := s2.must(200, "GET", "/readyz", ""); r["schema_version"] != float64(store.LatestSchema()) {
				t.Fatalf("after the upgrade: %v", r)
			}
			waitFor(t, "orders and sales after the upgrade", func() bool { return countOf(orders) >= 20 && countOf(transactions) >= 5 })
			halt.Store(true)
			wg.Wait()

			if o := s2.must(200, "GET", "/api/v1/orders/"+waiting, ""); o["status"] != "sold" {
				t.Errorf("the order waiting at the registers before the upgrade is %v, want sold by R2", o["status"])
			}
			checkAfterCrashes(t, sh, orders, transactions)
			if tr := s2.must(200, "GET", "/api/v1/transactions/"+oldSale, ""); tr["state"] != "processed" {
				t.Errorf("the sale made before the upgrade is %v", tr["state"])
			}
			t.Logf("%d retries while the server was starting", c.retries.Load())
		})
	}
}
