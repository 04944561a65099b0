package api_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"torg"
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
			if c.status != 200 || decode[torg.Claim](t, c.body).RegisterID != sh.reg["R1"] || decode[torg.Claim](t, c.body).ExpiresAt.IsZero() {
				t.Fatalf("R1 claim: %d %s", c.status, c.body)
			}
			if r := claim("R1", id, ""); r.status != 200 {
				t.Fatalf("R1 renewal: %d %s", r.status, r.body)
			}
			r := claim("R2", id, "")
			if r.status != 409 || r.slug(t) != "claimed" || !strings.Contains(r.problem(t).Detail, "R1") {
				t.Fatalf("R2 claim: %d %s", r.status, r.body)
			}
			o := call[torg.Order](s, 200, "GET", "/api/v1/orders/"+id, "")
			if o.Claim == nil || o.Claim.RegisterID != sh.reg["R1"] {
				t.Fatalf("order claim: %+v", o.Claim)
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
			tr := decode[torg.Transaction](t, first.body)
			if tr.State != "new" || tr.RegisterID != sh.reg["R1"] || tr.ConflictReason != nil || tr.ReceivedAt.IsZero() {
				t.Fatalf("transaction: %+v", tr)
			}
			again := s.do("POST", "/api/v1/register/transactions", sh.tok["R1"], body)
			if again.status != 200 || string(again.body) != string(first.body) {
				t.Fatalf("the same upload again: %d %s", again.status, again.body)
			}
			o := call[torg.Order](s, 200, "GET", "/api/v1/orders/"+id, "")
			if o.Status != torg.StatusSold || o.TransactionID == nil || *o.TransactionID != tr.ID || o.Claim != nil || o.Version != version+1 {
				t.Fatalf("order after the sale: %+v", o)
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
			got := call[torg.Transaction](s, 200, "GET", "/api/v1/transactions/"+tr.ID, "")
			if !reflect.DeepEqual(got, tr) {
				t.Errorf("GET transaction %+v, uploaded %+v", got, tr)
			}
			list := call[torg.List[torg.Transaction]](s, 200, "GET", "/api/v1/transactions?order_id="+id, "").Items
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
				if tr := decode[torg.Transaction](t, r.body); r.status != 201 || tr.State != "conflict" || tr.ConflictReason == nil || *tr.ConflictReason != c.reason {
					t.Errorf("%s: %d %s", c.reason, r.status, r.body)
				}
			}
			if o := call[torg.Order](s, 200, "GET", "/api/v1/orders/"+offered, ""); o.Status != torg.StatusAgreed {
				t.Errorf("a not-offered sale changed the order: %v", o.Status)
			}
		})
		t.Run("a receipt that differs from its order is a mismatch that waits for a person to accept it", func(t *testing.T) {
			id, v := agreed(t)
			// 1,000 × 0.01 ₽ of soap instead of the order's lines, backdated to 2001.
			body := fmt.Sprintf(`{"id":%q,"order_id":%q,"order_version":%d,"shift_number":1,"receipt_number":7,"closed_at":"2001-01-01T00:00:00Z",
				"cashier":"Иванова","lines":[{"product_id":%q,"quantity":1000,"price":1,"discount":0,"amount":1000}],
				"payments":[{"type":"cash","amount":1000}],"total":1000}`, uuid.NewString(), id, v, sh.soap)
			r := s.do("POST", "/api/v1/register/transactions", sh.tok["R1"], body)
			tr := decode[torg.Transaction](t, r.body)
			if r.status != 201 || tr.State != "conflict" || tr.ConflictReason == nil || *tr.ConflictReason != "mismatch" || tr.Kind != "sale" {
				t.Fatalf("upload: %d %s", r.status, r.body)
			}
			for _, f := range []string{"closed_at", "lines[0].price", "lines"} {
				if !slices.ContainsFunc(tr.Mismatches, func(m torg.FieldError) bool { return m.Field == f }) {
					t.Errorf("mismatches do not name %s: %v", f, tr.Mismatches)
				}
			}
			if o := call[torg.Order](s, 200, "GET", "/api/v1/orders/"+id, ""); o.Status != torg.StatusSold {
				t.Errorf("the order is %v, want sold: the goods have left", o.Status)
			}
			s.must(200, "POST", "/api/v1/jobs/kkm-transfer/run", "")
			if got := call[torg.Transaction](s, 200, "GET", "/api/v1/transactions/"+tr.ID, ""); got.State != "conflict" || got.SalesInvoiceID != nil {
				t.Fatalf("KKMTransfer processed a mismatch: %v", got)
			}
			if r := s.do("POST", "/api/v1/transactions/"+tr.ID+"/resolve", s.admin, `{"action":"accept","comment":"покупатель взял мыло"}`); r.status != 200 || decode[torg.Transaction](t, r.body).State != "new" {
				t.Fatalf("accept: %d %s", r.status, r.body)
			}
			s.must(200, "POST", "/api/v1/jobs/kkm-transfer/run", "")
			got := call[torg.Transaction](s, 200, "GET", "/api/v1/transactions/"+tr.ID, "")
			if got.State != "processed" || got.SalesInvoiceID == nil {
				t.Fatalf("after accepting: %v", got)
			}
			if inv := call[torg.SalesInvoice](s, 200, "GET", "/api/v1/sales-invoices/"+*got.SalesInvoiceID, ""); inv.OrderID == nil || *inv.OrderID != id || inv.Total != 1000 {
				t.Errorf("invoice: %v", inv)
			}
			if o := call[torg.Order](s, 200, "GET", "/api/v1/orders/"+id, ""); o.Status != torg.StatusClosed {
				t.Errorf("the order is %v, want closed", o.Status)
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
