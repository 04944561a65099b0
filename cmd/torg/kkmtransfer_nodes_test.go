package main

import (
	"fmt"
	"testing"

	"github.com/google/uuid"

	"torg/internal/store/storetest"
)

// TestKKMTransferRunsAtOnceMakeOneInvoiceEach runs KKMTransfer twice at once — in one process on
// SQLite, from two server processes on one PostgreSQL — over 1,000 transactions.
func TestKKMTransferRunsAtOnceMakeOneInvoiceEach(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			a := startServerOn(t, dsn)
			b := a
			if d == "postgres" {
				b = startServerOn(t, dsn)
			}
			sh := newShop(t, a)
			const n = 1000
			body := func(i int) string {
				return fmt.Sprintf(`{"id":%q,"order_id":null,"shift_number":1,"receipt_number":%d,"closed_at":"2026-11-27T10:00:00Z","cashier":"c",
					"lines":[{"product_id":%q,"quantity":1,"price":15000,"discount":0,"amount":15000}],"payments":[{"type":"cash","amount":15000}],"total":15000}`,
					uuid.NewString(), i+1, sh.milk)
			}
			parallel(n, func(i int) response {
				r := a.do("POST", "/api/v1/register/transactions", sh.tok[[]string{"R1", "R2"}[i%2]], body(i))
				if r.status != 201 {
					t.Errorf("upload: %d %s", r.status, r.body)
				}
				return r
			})
			results := parallel(2, func(i int) response {
				return []*testServer{a, b}[i].do("POST", "/api/v1/jobs/kkm-transfer/run", a.admin, "")
			})
			processed := 0.0
			for _, r := range results {
				if r.status != 200 || r.json(t)["failed"] != 0.0 {
					t.Fatalf("run: %d %s", r.status, r.body)
				}
				processed += r.json(t)["processed"].(float64)
			}
			if processed != n {
				t.Fatalf("the two runs processed %v transactions, want %d", processed, n)
			}
			invoices := 0
			for path := "/api/v1/sales-invoices?limit=500"; path != ""; {
				list := a.must(200, "GET", path, "")
				invoices += len(list["items"].([]any))
				path = ""
				if next, ok := list["next"].(string); ok {
					path = "/api/v1/sales-invoices?limit=500&after=" + next
				}
			}
			if invoices != n {
				t.Fatalf("%d invoices for %d transactions", invoices, n)
			}
			if again := sh.run(t); again["processed"] != 0.0 {
				t.Fatalf("running again: %v", again)
			}
			if m := reportItems(t, a, "/api/v1/reports/stock?product_id="+sh.milk); m[0]["on_hand"] != -float64(n) {
				t.Fatalf("stock: %v", m)
			}
		})
	}
}
