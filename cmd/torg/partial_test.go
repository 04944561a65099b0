package main

import (
	"testing"
)

// TestAPartialSaleAtTheRegister: the cashier lowers one line and removes another on the open receipt;
// the back office takes the sale as partial, needing no person, and KKMTransfer invoices what was
// sold and closes the order.
func TestAPartialSaleAtTheRegister(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		sh := newShop(t, s)
		k1 := startAgent(t, s.url, sh.tok["R1"], t.TempDir())
		// 2 × milk at 150.00 and 1.5 × soap at 89.90 less 0.85: 434.00.
		o := sh.order(t, `,"status":"agreed","fill_registers":true,"post":true`)
		id := o["id"].(string)
		waitFor(t, "the order reaching K1", func() bool { return has(k1.orderIDs(), id) })
		status, picked := k1.call("POST", "/api/orders/"+id+"/pick", "")
		if status != 201 {
			t.Fatalf("pick: %d %v", status, picked)
		}
		rid := picked["receipt"].(map[string]any)["id"].(string)

		for _, c := range []struct{ body, field string }{
			{`{"lines":[{"line_no":1,"quantity":3}]}`, "lines[0].quantity"},
			{`{"lines":[{"line_no":9,"quantity":1}]}`, "lines[0].line_no"},
			{`{"lines":[{"line_no":1,"quantity":0},{"line_no":2,"quantity":0}]}`, "lines"},
		} {
			if status, p := k1.call("PATCH", "/api/receipts/"+rid, c.body); status != 422 || !hasField(p, c.field) {
				t.Errorf("%s: %d %v, want 422 naming %s", c.body, status, p, c.field)
			}
		}
		status, r := k1.call("PATCH", "/api/receipts/"+rid, `{"lines":[{"line_no":1,"quantity":1},{"line_no":2,"quantity":0}]}`)
		if status != 200 || r["total"] != 15000.0 || len(r["lines"].([]any)) != 1 {
			t.Fatalf("lowering: %d %v", status, r)
		}
		status, closed := k1.call("POST", "/api/receipts/"+rid+"/close", `{"payments":[{"type":"cash","amount":15000}]}`)
		if status != 200 {
			t.Fatalf("close: %d %v", status, closed)
		}
		waitFor(t, "K1's outbox emptying", func() bool { return k1.status()["outbox"] == 0.0 })
		tr := s.must(200, "GET", "/api/v1/transactions/"+closed["transaction_id"].(string), "")
		if tr["state"] != "new" || tr["partial"] != true || tr["conflict_reason"] != nil || tr["total"] != 15000.0 {
			t.Fatalf("the back office's transaction: %v", tr)
		}
		if got := s.must(200, "GET", "/api/v1/orders/"+id, ""); got["status"] != "sold" || got["sold_total"] != 15000.0 || got["total"] != 43400.0 {
			t.Fatalf("order: %v sold for %v of %v", got["status"], got["sold_total"], got["total"])
		}
		s.must(200, "POST", "/api/v1/jobs/kkm-transfer/run", "")
		got := s.must(200, "GET", "/api/v1/orders/"+id, "")
		if got["status"] != "closed" || got["sales_invoice_id"] == nil {
			t.Fatalf("after KKMTransfer the order is %v", got["status"])
		}
		if inv := s.must(200, "GET", "/api/v1/sales-invoices/"+got["sales_invoice_id"].(string), ""); inv["total"] != 15000.0 {
			t.Errorf("the invoice's total is %v, want what was sold", inv["total"])
		}
	})
}
