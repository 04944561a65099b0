package api_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
)

func TestSellingAnOrderAtARegister(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		sh := newShop(t, s)
		agreed := func(t *testing.T) (string, int64) {
			o := sh.order(t, fmt.Sprintf(`,"status":"agreed","fill_registers":true,"register_ids":[%q],"post":true`, sh.reg["R3"]))
			return o.ID, o.Version
		}
		claim := func(code, id, body string) response {
			return s.do("POST", "/api/v1/register/orders/"+id+"/claim", sh.tok[code], body)
		}
		t.Run("pick receipt claims the order for one register at a time", func(t *testing.T) {
			id, version := agreed(t)
			c := claim("R1", id, fmt.Sprintf(`{"version":%d}`, version))
			if c.status != 200 || c.json(t)["register_id"] != sh.reg["R1"] || c.json(t)["expires_at"] == nil {
				t.Fatalf("R1 claim: %d %s", c.status, c.body)
			}
			if r := claim("R1", id, ""); r.status != 200 {
				t.Fatalf("R1 renewal: %d %s", r.status, r.body)
			}
			r := claim("R2", id, "")
			if r.status != 409 || r.slug(t) != "claimed" || !strings.Contains(r.json(t)["detail"].(string), "R1") {
				t.Fatalf("R2 claim: %d %s", r.status, r.body)
			}
			o := s.must(200, "GET", "/api/v1/orders/"+id, "")
			if o["claim"].(map[string]any)["register_id"] != sh.reg["R1"] {
				t.Fatalf("order claim: %v", o["claim"])
			}
			if r := s.do("DELETE", "/api/v1/register/orders/"+id+"/claim", sh.tok["R1"], ""); r.status != 204 {
				t.Fatalf("release: %d", r.status)
			}
			if r := claim("R2", id, ""); r.status != 200 {
				t.Fatalf("R2 after release: %d %s", r.status, r.body)
			}
		})
		t.Run("a register the order is not offered to gets withdrawn, a stale version 412", func(t *testing.T) {
			id, version := agreed(t)
			for _, code := range []string{"R4", "R5"} {
				if r := claim(code, id, ""); r.status != 410 || r.slug(t) != "withdrawn" {
					t.Errorf("%s: %d %s", code, r.status, r.body)
				}
			}
			if r := claim("R1", id, fmt.Sprintf(`{"version":%d}`, version+5)); r.status != 412 || r.slug(t) != "stale-version" {
				t.Errorf("stale: %d %s", r.status, r.body)
			}
			s.must(200, "POST", "/api/v1/orders/"+id+"/unpost", "")
			if r := claim("R1", id, ""); r.status != 410 {
				t.Errorf("after unposting: %d %s", r.status, r.body)
			}
		})
		t.Run("a closed receipt sells the order and the others receive the deletion", func(t *testing.T) {
			id, version := agreed(t)
			seq := map[string]int64{}
			for _, c := range []string{"R1", "R2", "R3"} {
				seq[c] = sh.fetch(t, c, 0).LastSeq
			}
			claim("R1", id, "")
			body := sh.receipt(id, version, `[{"type":"cash","amount":20000},{"type":"card","amount":23400}]`)
			first := s.do("POST", "/api/v1/register/transactions", sh.tok["R1"], body)
			if first.status != 201 {
				t.Fatalf("upload: %d %s", first.status, first.body)
			}
			tr := first.json(t)
			if tr["state"] != "new" || tr["register_id"] != sh.reg["R1"] || tr["conflict_reason"] != nil || tr["received_at"] == nil {
				t.Fatalf("transaction: %v", tr)
			}
			again := s.do("POST", "/api/v1/register/transactions", sh.tok["R1"], body)
			if again.status != 200 || string(again.body) != string(first.body) {
				t.Fatalf("the same upload again: %d %s", again.status, again.body)
			}
			o := s.must(200, "GET", "/api/v1/orders/"+id, "")
			if o["status"] != "sold" || o["transaction_id"] != tr["id"] || o["claim"] != nil || o["version"] != float64(version+1) {
				t.Fatalf("order after the sale: %v", o)
			}
			for _, c := range []string{"R2", "R3"} {
				if got := sh.kinds(t, c, seq[c]); len(got) != 2 || got[0] != "claimed by Касса R1" || got[1] != "delete sold" {
					t.Errorf("%s got %v", c, got)
				}
			}
			if got := sh.kinds(t, "R1", seq["R1"]); len(got) != 0 {
				t.Errorf("the selling register got %v", got)
			}
			if r := claim("R2", id, ""); r.status != 409 || r.slug(t) != "sold" {
				t.Errorf("claim after the sale: %d %s", r.status, r.body)
			}
			got := s.must(200, "GET", "/api/v1/transactions/"+tr["id"].(string), "")
			if string(mustJSON(got)) != string(mustJSON(tr)) {
				t.Errorf("GET transaction %v, uploaded %v", got, tr)
			}
			list := s.must(200, "GET", "/api/v1/transactions?order_id="+id, "")["items"].([]any)
			if len(list) != 1 {
				t.Errorf("transactions of the order: %v", list)
			}
		})
		t.Run("the same id with other content is a duplicate", func(t *testing.T) {
			body := sh.receipt("", 0, `[{"type":"cash","amount":43400}]`)
			s.do("POST", "/api/v1/register/transactions", sh.tok["R1"], body)
			other := strings.Replace(body, `"cashier":"Иванова"`, `"cashier":"Петрова"`, 1)
			if r := s.do("POST", "/api/v1/register/transactions", sh.tok["R1"], other); r.status != 409 || r.slug(t) != "duplicate" {
				t.Fatalf("got %d %s", r.status, r.body)
			}
		})
		t.Run("a receipt is never refused for business reasons: conflicts are stored", func(t *testing.T) {
			sold, v := agreed(t)
			if r := s.do("POST", "/api/v1/register/transactions", sh.tok["R1"], sh.receipt(sold, v, `[{"type":"cash","amount":43400}]`)); r.status != 201 {
				t.Fatalf("the sale: %d %s", r.status, r.body)
			}
			cancelled, _ := agreed(t)
			s.must(200, "POST", "/api/v1/orders/"+cancelled+"/cancel", "")
			offered, _ := agreed(t)
			cases := []struct{ code, order, reason string }{
				{"R2", sold, "already_sold"},
				{"R2", cancelled, "cancelled"},
				{"R5", offered, "not_offered"},
				{"R2", "no-such-order", "unknown_order"},
			}
			for _, c := range cases {
				r := s.do("POST", "/api/v1/register/transactions", sh.tok[c.code], sh.receipt(c.order, 1, `[{"type":"card","amount":43400}]`))
				if r.status != 201 || r.json(t)["state"] != "conflict" || r.json(t)["conflict_reason"] != c.reason {
					t.Errorf("%s: %d %s", c.reason, r.status, r.body)
				}
			}
			if o := s.must(200, "GET", "/api/v1/orders/"+offered, ""); o["status"] != "agreed" {
				t.Errorf("a not-offered sale changed the order: %v", o["status"])
			}
		})
		t.Run("a receipt that differs from its order is a mismatch that waits for a person to accept it", func(t *testing.T) {
			id, v := agreed(t)
			// 1,000 × 0.01 ₽ of soap instead of the order's lines, backdated to 2001.
			body := fmt.Sprintf(`{"id":%q,"order_id":%q,"order_version":%d,"shift_number":1,"receipt_number":7,"closed_at":"2001-01-01T00:00:00Z",
				"cashier":"Иванова","lines":[{"product_id":%q,"quantity":1000,"price":1,"discount":0,"amount":1000}],
				"payments":[{"type":"cash","amount":1000}],"total":1000}`, uuid.NewString(), id, v, sh.soap)
			r := s.do("POST", "/api/v1/register/transactions", sh.tok["R1"], body)
			tr := r.json(t)
			if r.status != 201 || tr["state"] != "conflict" || tr["conflict_reason"] != "mismatch" || tr["kind"] != "sale" {
				t.Fatalf("upload: %d %s", r.status, r.body)
			}
			for _, f := range []string{"closed_at", "lines[0].price", "lines"} {
				if !slices.ContainsFunc(tr["mismatches"].([]any), func(m any) bool { return m.(map[string]any)["field"] == f }) {
					t.Errorf("mismatches do not name %s: %v", f, tr["mismatches"])
				}
			}
			if o := s.must(200, "GET", "/api/v1/orders/"+id, ""); o["status"] != "sold" {
				t.Errorf("the order is %v, want sold: the goods have left", o["status"])
			}
			s.must(200, "POST", "/api/v1/jobs/kkm-transfer/run", "")
			if got := s.must(200, "GET", "/api/v1/transactions/"+tr["id"].(string), ""); got["state"] != "conflict" || got["sales_invoice_id"] != nil {
				t.Fatalf("KKMTransfer processed a mismatch: %v", got)
			}
			if r := s.do("POST", "/api/v1/transactions/"+tr["id"].(string)+"/resolve", s.admin, `{"action":"accept","comment":"покупатель взял мыло"}`); r.status != 200 || r.json(t)["state"] != "new" {
				t.Fatalf("accept: %d %s", r.status, r.body)
			}
			s.must(200, "POST", "/api/v1/jobs/kkm-transfer/run", "")
			got := s.must(200, "GET", "/api/v1/transactions/"+tr["id"].(string), "")
			if got["state"] != "processed" || got["sales_invoice_id"] == nil {
				t.Fatalf("after accepting: %v", got)
			}
			if inv := s.must(200, "GET", "/api/v1/sales-invoices/"+got["sales_invoice_id"].(string), ""); inv["order_id"] != id || inv["total"] != 1000.0 {
				t.Errorf("invoice: %v", inv)
			}
			if o := s.must(200, "GET", "/api/v1/orders/"+id, ""); o["status"] != "closed" {
				t.Errorf("the order is %v, want closed", o["status"])
			}
		})
		t.Run("a receipt whose sums do not add up is refused, naming every field", func(t *testing.T) {
			body := sh.receipt("", 0, `[{"type":"cash","amount":100},{"type":"cheque","amount":-1}]`)
			body = strings.Replace(body, `"amount":30000`, `"amount":30001`, 1)
			body = strings.Replace(body, `"id":"`, `"id":"x`, 1)
			r := s.do("POST", "/api/v1/register/transactions", sh.tok["R1"], body)
			p := r.problem(t)
			for _, f := range []string{"id", "lines[0].amount", "total", "payments", "payments[1].type", "payments[1].amount"} {
				if !hasField(p, f) {
					t.Errorf("%s not named: %s", f, r.body)
				}
			}
			unknown := strings.Replace(sh.receipt("", 0, `[{"type":"cash","amount":43400}]`), sh.milk, "ghost", 1)
			if r := s.do("POST", "/api/v1/register/transactions", sh.tok["R1"], unknown); r.status != 422 || !hasField(r.problem(t), "lines[0].product_id") {
				t.Errorf("unknown product: %d %s", r.status, r.body)
			}
		})
	})
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
