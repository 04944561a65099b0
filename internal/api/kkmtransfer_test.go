package api_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// run runs KKMTransfer through the API and returns its counts.
func (sh *shop) run(t testing.TB) map[string]any {
	t.Helper()
	return sh.s.must(200, "POST", "/api/v1/jobs/kkm-transfer/run", "")
}

// sell makes an agreed order posted to R1..R3, and uploads R1's receipt for it paid as given.
func (sh *shop) sell(t testing.TB, code, payments string) (orderID, txID string) {
	t.Helper()
	o := sh.order(t, `,"status":"agreed","fill_registers":true,"register_ids":["`+sh.reg["R3"]+`"],"post":true`)
	r := sh.s.do("POST", "/api/v1/register/transactions", sh.tok[code], sh.receipt(o.ID, 1, payments))
	if r.status != 201 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	return o.ID, r.json(t)["id"].(string)
}

func TestKKMTransfer(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		sh := newShop(t, s)
		desk := s.must(201, "POST", "/api/v1/cash-desks", `{"code":"MAIN-CASH","name":"Касса магазина"}`)["id"].(string)
		s.must(200, "PATCH", "/api/v1/registers/"+sh.reg["R1"], fmt.Sprintf(`{"cash_desk_id":%q}`, desk))
		s.must(201, "POST", "/api/v1/goods-receipts", `{"warehouse_code":"MAIN","lines":[{"product_code":"MILK","quantity":10,"cost":9000},{"product_code":"SOAP","quantity":1,"cost":5000}]}`)
		stock := func(code string) map[string]any {
			for _, it := range reportItems(t, s, "/api/v1/reports/stock?warehouse_id="+sh.wh) {
				if it["product_code"] == code {
					return it
				}
			}
			return nil
		}
		t.Run("an agreed order reserves its goods", func(t *testing.T) {
			o := sh.order(t, `,"status":"agreed","post":true`)
			if m := stock("MILK"); m["on_hand"] != 10.0 || m["reserved"] != 2.0 || m["available"] != 8.0 {
				t.Fatalf("milk: %v", m)
			}
			s.must(200, "POST", "/api/v1/orders/"+o.ID+"/cancel", "")
		})
		t.Run("after a sale one run makes the invoice and a posted cash receipt order at a register with a cash desk", func(t *testing.T) {
			orderID, txID := sh.sell(t, "R1", `[{"type":"cash","amount":43400}]`)
			res := sh.run(t)
			if res["processed"] != 1.0 || res["sales_invoices"] != 1.0 || res["cash_receipts"] != 1.0 || res["cash_receipts_posted"] != 1.0 || res["failed"] != 0.0 {
				t.Fatalf("run: %v", res)
			}
			tr := s.must(200, "GET", "/api/v1/transactions/"+txID, "")
			if tr["state"] != "processed" || tr["sales_invoice_id"] == nil || tr["cash_receipt_id"] == nil || tr["card_payment_id"] != nil {
				t.Fatalf("transaction: %v", tr)
			}
			inv := s.must(200, "GET", "/api/v1/sales-invoices/"+tr["sales_invoice_id"].(string), "")
			if inv["posted"] != true || inv["order_id"] != orderID || inv["total"] != 43400.0 || inv["vat_total"] != 5143.0 ||
				inv["date"] != tr["closed_at"] || inv["warehouse_id"] != sh.wh || len(inv["lines"].([]any)) != 2 {
				t.Fatalf("invoice: %v", inv)
			}
			cr := s.must(200, "GET", "/api/v1/cash-receipts/"+tr["cash_receipt_id"].(string), "")
			if cr["posted"] != true || cr["cash_desk_id"] != desk || cr["amount"] != 43400.0 || cr["not_posted_reason"] != nil {
				t.Fatalf("cash receipt: %v", cr)
			}
			o := s.must(200, "GET", "/api/v1/orders/"+orderID, "")
			if o["status"] != "closed" || o["sales_invoice_id"] != inv["id"] || o["cash_receipt_id"] != cr["id"] {
				t.Fatalf("order: %v", o)
			}
			if m := stock("MILK"); m["on_hand"] != 8.0 || m["reserved"] != 0.0 {
				t.Fatalf("milk after the sale: %v", m)
			}
			if c := reportItems(t, s, "/api/v1/reports/cash?cash_desk_id="+desk); c[0]["balance"] != 43400.0 {
				t.Fatalf("cash: %v", c)
			}
			if again := sh.run(t); again["processed"] != 0.0 || again["sales_invoices"] != 0.0 {
				t.Fatalf("a second run: %v", again)
			}
		})
		t.Run("at a register without a cash desk the cash receipt order waits unposted, until posted by hand", func(t *testing.T) {
			_, txID := sh.sell(t, "R2", `[{"type":"cash","amount":43400}]`)
			sh.run(t)
			tr := s.must(200, "GET", "/api/v1/transactions/"+txID, "")
			crPath := "/api/v1/cash-receipts/" + tr["cash_receipt_id"].(string)
			cr := s.must(200, "GET", crPath, "")
			if cr["posted"] != false || cr["cash_desk_id"] != nil || !strings.Contains(fmt.Sprint(cr["not_posted_reason"]), "R2") {
				t.Fatalf("cash receipt: %v", cr)
			}
			before := reportItems(t, s, "/api/v1/reports/cash?cash_desk_id="+desk)[0]["balance"].(float64)
			debt := reportItems(t, s, "/api/v1/reports/settlements?customer_id="+retailID(t, s))[0]["debt"].(float64)
			posted := s.must(200, "POST", crPath+"/post", fmt.Sprintf(`{"cash_desk_id":%q}`, desk))
			if posted["posted"] != true || posted["cash_desk_id"] != desk || posted["not_posted_reason"] != nil {
				t.Fatalf("posted: %v", posted)
			}
			if after := reportItems(t, s, "/api/v1/reports/cash?cash_desk_id="+desk)[0]["balance"].(float64); after != before+43400 {
				t.Fatalf("cash %v → %v", before, after)
			}
			if d := reportItems(t, s, "/api/v1/reports/settlements?customer_id="+retailID(t, s))[0]["debt"].(float64); d != debt-43400 {
				t.Fatalf("debt %v → %v", debt, d)
			}
			if r := s.do("POST", crPath+"/post", s.admin, fmt.Sprintf(`{"cash_desk_id":%q}`, desk)); r.status != 409 || r.slug(t) != "state-conflict" {
				t.Fatalf("posting twice: %d %s", r.status, r.body)
			}
		})
		t.Run("cash and card: a cash receipt order and a card payment, the debt settled", func(t *testing.T) {
			_, txID := sh.sell(t, "R1", `[{"type":"cash","amount":20000},{"type":"card","amount":23400}]`)
			res := sh.run(t)
			if res["card_payments"] != 1.0 || res["cash_receipts_posted"] != 1.0 {
				t.Fatalf("run: %v", res)
			}
			tr := s.must(200, "GET", "/api/v1/transactions/"+txID, "")
			card := s.must(200, "GET", "/api/v1/card-payments/"+tr["card_payment_id"].(string), "")
			if card["amount"] != 23400.0 || card["posted"] != true || card["sales_invoice_id"] != tr["sales_invoice_id"] {
				t.Fatalf("card payment: %v", card)
			}
		})
		t.Run("a sale without an order goes to the retail customer, and stock may go negative", func(t *testing.T) {
			body := strings.Replace(sh.receipt("", 0, `[{"type":"cash","amount":43400}]`), `"quantity":1.5`, `"quantity":1.5`, 1)
			r := s.do("POST", "/api/v1/register/transactions", sh.tok["R1"], body)
			res := sh.run(t)
			if res["processed"] != 1.0 || res["failed"] != 0.0 {
				t.Fatalf("run: %v", res)
			}
			tr := s.must(200, "GET", "/api/v1/transactions/"+r.json(t)["id"].(string), "")
			inv := s.must(200, "GET", "/api/v1/sales-invoices/"+tr["sales_invoice_id"].(string), "")
			if inv["customer_id"] != retailID(t, s) || inv["order_id"] != nil {
				t.Fatalf("invoice: %v", inv)
			}
			if m := stock("SOAP"); m["on_hand"].(float64) >= 0 {
				t.Fatalf("soap should be negative after selling more than was received: %v", m)
			}
		})
		t.Run("a conflict waits until a person resolves it", func(t *testing.T) {
			orderID, _ := sh.sell(t, "R1", `[{"type":"cash","amount":43400}]`)
			r := s.do("POST", "/api/v1/register/transactions", sh.tok["R2"], sh.receipt(orderID, 1, `[{"type":"card","amount":43400}]`))
			conflict := r.json(t)["id"].(string)
			if res := sh.run(t); res["processed"] != 1.0 || res["conflicts_waiting"] != 1.0 {
				t.Fatalf("run: %v", res)
			}
			if got := s.must(200, "GET", "/api/v1/transactions/"+conflict, ""); got["state"] != "conflict" {
				t.Fatalf("the conflict was processed: %v", got)
			}
			if r := s.do("POST", "/api/v1/transactions/"+conflict+"/resolve", s.admin, `{"action":"ignore"}`); r.status != 422 || !hasField(r.problem(t), "comment") {
				t.Fatalf("ignoring without a comment: %d %s", r.status, r.body)
			}
			got := s.must(200, "POST", "/api/v1/transactions/"+conflict+"/resolve", `{"action":"process_without_order","comment":"продано дважды"}`)
			if got["state"] != "new" || got["resolution"].(map[string]any)["action"] != "process_without_order" {
				t.Fatalf("resolved: %v", got)
			}
			if res := sh.run(t); res["processed"] != 1.0 || res["conflicts_waiting"] != 0.0 {
				t.Fatalf("run after resolving: %v", res)
			}
			tr := s.must(200, "GET", "/api/v1/transactions/"+conflict, "")
			inv := s.must(200, "GET", "/api/v1/sales-invoices/"+tr["sales_invoice_id"].(string), "")
			if inv["order_id"] != nil || inv["customer_id"] != retailID(t, s) {
				t.Fatalf("invoice of the resolved conflict: %v", inv)
			}
			if r := s.do("POST", "/api/v1/transactions/"+conflict+"/resolve", s.admin, `{"action":"ignore","comment":"x"}`); r.status != 409 {
				t.Fatalf("resolving a processed transaction: %d %s", r.status, r.body)
			}
		})
		t.Run("the job reports its schedule and its last run", func(t *testing.T) {
			st := s.must(200, "GET", "/api/v1/jobs/kkm-transfer", "")
			last := st["last_run"].(map[string]any)
			if st["every"] != "0" || last["finished_at"] == nil || last["result"] == nil || last["error"] != nil {
				t.Fatalf("status: %v", st)
			}
		})
	})
}

// TestReportsEqualTheDocuments makes hundreds of random sales and checks that stock, cash and
// settlements equal sums computed here from the transactions themselves.
func TestReportsEqualTheDocuments(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		sh := newShop(t, s)
		desk := s.must(201, "POST", "/api/v1/cash-desks", `{"code":"D","name":"d"}`)["id"].(string)
		s.must(200, "PATCH", "/api/v1/registers/"+sh.reg["R1"], fmt.Sprintf(`{"cash_desk_id":%q}`, desk))
		s.must(201, "POST", "/api/v1/goods-receipts", `{"warehouse_code":"MAIN","lines":[{"product_code":"MILK","quantity":100,"cost":9000},{"product_code":"SOAP","quantity":50.5,"cost":5000}]}`)
		rng := rand.New(rand.NewPCG(2026, 11))
		prices := map[string]int64{sh.milk: 15000, sh.soap: 8990}
		onHand := map[string]int64{sh.milk: 100_000, sh.soap: 50_500}
		var cash, debt int64
		for i := range 300 {
			code := []string{"R1", "R2"}[rng.IntN(2)]
			var lines []string
			var total int64
			for _, p := range []string{sh.milk, sh.soap} {
				if rng.IntN(3) == 0 {
					continue
				}
				q := int64(rng.IntN(3000) + 1) // thousandths
				disc := int64(rng.IntN(50))
				amount := (q*prices[p]+500)/1000 - disc
				total += amount
				onHand[p] -= q
				lines = append(lines, fmt.Sprintf(`{"product_id":%q,"quantity":%d.%03d,"price":%d,"discount":%d,"amount":%d}`, p, q/1000, q%1000, prices[p], disc, amount))
			}
			if len(lines) == 0 {
				continue
			}
			cashPart := total * int64(rng.IntN(3)) / 2 // none, half or all in cash
			var pays []string
			if cashPart > 0 {
				pays = append(pays, fmt.Sprintf(`{"type":"cash","amount":%d}`, cashPart))
			}
			if total-cashPart > 0 {
				pays = append(pays, fmt.Sprintf(`{"type":"card","amount":%d}`, total-cashPart))
			}
			body := fmt.Sprintf(`{"id":%q,"order_id":null,"shift_number":1,"receipt_number":%d,"closed_at":"2026-11-27T%02d:%02d:00Z","cashier":"c",
				"lines":[%s],"payments":[%s],"total":%d}`, uuid.NewString(), i+1, 8+i/60, i%60, strings.Join(lines, ","), strings.Join(pays, ","), total)
			if r := s.do("POST", "/api/v1/register/transactions", sh.tok[code], body); r.status != 201 {
				t.Fatalf("upload %d: %d %s", i, r.status, r.body)
			}
			debt += total - (total - cashPart) // the card part is settled at once
			if code == "R1" {
				cash += cashPart
				debt -= cashPart // posted into the desk
			}
		}
		if res := sh.run(t); res["failed"] != 0.0 {
			failed := s.must(200, "GET", "/api/v1/transactions?state=failed&limit=500", "")["items"].([]any)
			errs := map[any]int{}
			for _, f := range failed {
				errs[f.(map[string]any)["error"]]++
			}
			t.Fatalf("run: %v; %v", res, errs)
		}
		for _, it := range reportItems(t, s, "/api/v1/reports/stock?warehouse_id="+sh.wh) {
			if got, want := int64(it["on_hand"].(float64)*1000+0.5*sign(it["on_hand"].(float64))), onHand[it["product_id"].(string)]; got != want {
				t.Errorf("%s on hand %v, want %d thousandths", it["product_code"], it["on_hand"], want)
			}
		}
		if got := reportItems(t, s, "/api/v1/reports/cash?cash_desk_id="+desk)[0]["balance"].(float64); int64(got) != cash {
			t.Errorf("cash %v, want %d", got, cash)
		}
		if got := reportItems(t, s, "/api/v1/reports/settlements?customer_id="+retailID(t, s))[0]["debt"].(float64); int64(got) != debt {
			t.Errorf("debt %v, want %d", got, debt)
		}
	})
}

func sign(f float64) float64 {
	if f < 0 {
		return -1
	}
	return 1
}
