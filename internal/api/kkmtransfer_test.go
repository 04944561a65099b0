package api_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/uuid"

	"torg"
)

// run runs KKMTransfer through the API and returns its counts.
func (sh *shop) run(t testing.TB) torg.TransferResult {
	t.Helper()
	return call[torg.TransferResult](sh.s, 200, "POST", "/api/v1/jobs/kkm-transfer/run", "")
}

// sell makes an agreed order posted to R1..R3, and uploads the register's receipt for it paid as given.
func (sh *shop) sell(t testing.TB, code, payments string) (orderID, txID string) {
	t.Helper()
	return sh.Sell(t, code, payments)
}

// report is a report's rows, each a T.
func report[T any](s *testServer, path string) []T {
	s.t.Helper()
	return call[torg.Report[T]](s, 200, "GET", path, "").Items
}

func TestKKMTransfer(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		sh := newShop(t, s)
		desk := call[torg.CashDesk](s, 201, "POST", "/api/v1/cash-desks", `{"code":"MAIN-CASH","name":"Касса магазина"}`).ID
		s.send(200, "PATCH", "/api/v1/registers/"+sh.reg["R1"], fmt.Sprintf(`{"cash_desk_id":%q}`, desk))
		s.send(201, "POST", "/api/v1/goods-receipts", `{"warehouse_code":"MAIN","lines":[{"product_code":"MILK","quantity":10,"cost":9000},{"product_code":"SOAP","quantity":1,"cost":5000}]}`)
		stock := func(code string) torg.StockItem {
			for _, it := range report[torg.StockItem](s, "/api/v1/reports/stock?warehouse_id="+sh.wh) {
				if it.ProductCode == code {
					return it
				}
			}
			t.Fatalf("no stock of %s", code)
			return torg.StockItem{}
		}
		cash := func() torg.Money {
			return report[torg.CashItem](s, "/api/v1/reports/cash?cash_desk_id="+desk)[0].Balance
		}
		debt := func() torg.Money {
			return report[torg.DebtItem](s, "/api/v1/reports/settlements?customer_id="+retailID(t, s))[0].Debt
		}
		t.Run("an agreed order reserves its goods", func(t *testing.T) {
			o := sh.order(t, `,"status":"agreed","post":true`)
			if m := stock("MILK"); m.OnHand != 10000 || m.Reserved != 2000 || m.Available != 8000 {
				t.Fatalf("milk: %+v", m)
			}
			s.send(200, "POST", "/api/v1/orders/"+o.ID+"/cancel", "")
		})
		t.Run("after a sale one run makes the invoice and a posted cash receipt order at a register with a cash desk", func(t *testing.T) {
			orderID, txID := sh.sell(t, "R1", `[{"type":"cash","amount":43400}]`)
			res := sh.run(t)
			if res.Processed != 1 || res.SalesInvoices != 1 || res.CashReceipts != 1 || res.CashReceiptsPosted != 1 || res.Failed != 0 {
				t.Fatalf("run: %+v", res)
			}
			tr := call[torg.Transaction](s, 200, "GET", "/api/v1/transactions/"+txID, "")
			if tr.State != "processed" || tr.SalesInvoiceID == nil || tr.CashReceiptID == nil || tr.CardPaymentID != nil {
				t.Fatalf("transaction: %+v", tr)
			}
			inv := call[torg.SalesInvoice](s, 200, "GET", "/api/v1/sales-invoices/"+*tr.SalesInvoiceID, "")
			if !inv.Posted || inv.OrderID == nil || *inv.OrderID != orderID || inv.Total != 43400 || inv.VATTotal != 5143 ||
				!inv.Date.Equal(tr.ClosedAt) || inv.WarehouseID != sh.wh || len(inv.Lines) != 2 {
				t.Fatalf("invoice: %+v", inv)
			}
			cr := call[torg.CashReceipt](s, 200, "GET", "/api/v1/cash-receipts/"+*tr.CashReceiptID, "")
			if !cr.Posted || cr.CashDeskID == nil || *cr.CashDeskID != desk || cr.Amount != 43400 || cr.NotPostedReason != nil {
				t.Fatalf("cash receipt: %+v", cr)
			}
			o := call[torg.Order](s, 200, "GET", "/api/v1/orders/"+orderID, "")
			if o.Status != torg.StatusClosed || o.SalesInvoiceID == nil || *o.SalesInvoiceID != inv.ID || o.CashReceiptID == nil || *o.CashReceiptID != cr.ID {
				t.Fatalf("order: %+v", o)
			}
			if m := stock("MILK"); m.OnHand != 8000 || m.Reserved != 0 {
				t.Fatalf("milk after the sale: %+v", m)
			}
			if c := cash(); c != 43400 {
				t.Fatalf("cash: %v", c)
			}
			if again := sh.run(t); again.Processed != 0 || again.SalesInvoices != 0 {
				t.Fatalf("a second run: %+v", again)
			}
		})
		t.Run("at a register without a cash desk the cash receipt order waits unposted, until posted by hand", func(t *testing.T) {
			_, txID := sh.sell(t, "R2", `[{"type":"cash","amount":43400}]`)
			sh.run(t)
			tr := call[torg.Transaction](s, 200, "GET", "/api/v1/transactions/"+txID, "")
			crPath := "/api/v1/cash-receipts/" + *tr.CashReceiptID
			cr := call[torg.CashReceipt](s, 200, "GET", crPath, "")
			if cr.Posted || cr.CashDeskID != nil || cr.NotPostedReason == nil || !strings.Contains(*cr.NotPostedReason, "R2") {
				t.Fatalf("cash receipt: %+v", cr)
			}
			before, owed := cash(), debt()
			posted := call[torg.CashReceipt](s, 200, "POST", crPath+"/post", fmt.Sprintf(`{"cash_desk_id":%q}`, desk))
			if !posted.Posted || posted.CashDeskID == nil || *posted.CashDeskID != desk || posted.NotPostedReason != nil {
				t.Fatalf("posted: %+v", posted)
			}
			if after := cash(); after != before+43400 {
				t.Fatalf("cash %v → %v", before, after)
			}
			if d := debt(); d != owed-43400 {
				t.Fatalf("debt %v → %v", owed, d)
			}
			if r := s.do("POST", crPath+"/post", s.admin, fmt.Sprintf(`{"cash_desk_id":%q}`, desk)); r.status != 409 || r.slug(t) != "state-conflict" {
				t.Fatalf("posting twice: %d %s", r.status, r.body)
			}
		})
		t.Run("cash and card: a cash receipt order and a card payment, the debt settled", func(t *testing.T) {
			_, txID := sh.sell(t, "R1", `[{"type":"cash","amount":20000},{"type":"card","amount":23400}]`)
			res := sh.run(t)
			if res.CardPayments != 1 || res.CashReceiptsPosted != 1 {
				t.Fatalf("run: %+v", res)
			}
			tr := call[torg.Transaction](s, 200, "GET", "/api/v1/transactions/"+txID, "")
			card := call[torg.CardPayment](s, 200, "GET", "/api/v1/card-payments/"+*tr.CardPaymentID, "")
			if card.Amount != 23400 || !card.Posted || card.SalesInvoiceID != *tr.SalesInvoiceID {
				t.Fatalf("card payment: %+v", card)
			}
		})
		t.Run("a sale without an order goes to the retail customer, and stock may go negative", func(t *testing.T) {
			body := strings.Replace(sh.receipt("", 0, `[{"type":"cash","amount":43400}]`), `"quantity":1.5`, `"quantity":1.5`, 1)
			r := s.do("POST", "/api/v1/register/transactions", sh.tok["R1"], body)
			res := sh.run(t)
			if res.Processed != 1 || res.Failed != 0 {
				t.Fatalf("run: %+v", res)
			}
			tr := call[torg.Transaction](s, 200, "GET", "/api/v1/transactions/"+decode[torg.Transaction](t, r.body).ID, "")
			inv := call[torg.SalesInvoice](s, 200, "GET", "/api/v1/sales-invoices/"+*tr.SalesInvoiceID, "")
			if inv.CustomerID != retailID(t, s) || inv.OrderID != nil {
				t.Fatalf("invoice: %+v", inv)
			}
			if m := stock("SOAP"); m.OnHand >= 0 {
				t.Fatalf("soap should be negative after selling more than was received: %+v", m)
			}
		})
		t.Run("a conflict waits until a person resolves it", func(t *testing.T) {
			orderID, _ := sh.sell(t, "R1", `[{"type":"cash","amount":43400}]`)
			r := s.do("POST", "/api/v1/register/transactions", sh.tok["R2"], sh.receipt(orderID, 1, `[{"type":"card","amount":43400}]`))
			conflict := decode[torg.Transaction](t, r.body).ID
			if res := sh.run(t); res.Processed != 1 || res.ConflictsWaiting != 1 {
				t.Fatalf("run: %+v", res)
			}
			if got := call[torg.Transaction](s, 200, "GET", "/api/v1/transactions/"+conflict, ""); got.State != "conflict" {
				t.Fatalf("the conflict was processed: %+v", got)
			}
			if r := s.do("POST", "/api/v1/transactions/"+conflict+"/resolve", s.admin, `{"action":"ignore"}`); r.status != 422 || !hasField(r.problem(t), "comment") {
				t.Fatalf("ignoring without a comment: %d %s", r.status, r.body)
			}
			got := call[torg.Transaction](s, 200, "POST", "/api/v1/transactions/"+conflict+"/resolve", `{"action":"process_without_order","comment":"продано дважды"}`)
			if got.State != "new" || got.Resolution == nil || got.Resolution.Action != "process_without_order" {
				t.Fatalf("resolved: %+v", got)
			}
			if res := sh.run(t); res.Processed != 1 || res.ConflictsWaiting != 0 {
				t.Fatalf("run after resolving: %+v", res)
			}
			tr := call[torg.Transaction](s, 200, "GET", "/api/v1/transactions/"+conflict, "")
			inv := call[torg.SalesInvoice](s, 200, "GET", "/api/v1/sales-invoices/"+*tr.SalesInvoiceID, "")
			if inv.OrderID != nil || inv.CustomerID != retailID(t, s) {
				t.Fatalf("invoice of the resolved conflict: %+v", inv)
			}
			if r := s.do("POST", "/api/v1/transactions/"+conflict+"/resolve", s.admin, `{"action":"ignore","comment":"x"}`); r.status != 409 {
				t.Fatalf("resolving a processed transaction: %d %s", r.status, r.body)
			}
		})
		t.Run("the job reports its schedule and its last run", func(t *testing.T) {
			st := call[torg.JobStatus](s, 200, "GET", "/api/v1/jobs/kkm-transfer", "")
			if st.Every != "0" || st.LastRun == nil || st.LastRun.FinishedAt == nil || st.LastRun.Result == nil || st.LastRun.Error != nil {
				t.Fatalf("status: %+v", st)
			}
		})
	})
}

// TestReportsEqualTheDocuments makes hundreds of random sales and checks that stock, cash and
// settlements equal sums computed here from the transactions themselves.
func TestReportsEqualTheDocuments(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		sh := newShop(t, s)
		desk := call[torg.CashDesk](s, 201, "POST", "/api/v1/cash-desks", `{"code":"D","name":"d"}`).ID
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
		if res := sh.run(t); res.Failed != 0 {
			errs := map[string]int{}
			for _, f := range call[torg.List[torg.Transaction]](s, 200, "GET", "/api/v1/transactions?state=failed&limit=500", "").Items {
				errs[fmt.Sprint(f.Error)]++
			}
			t.Fatalf("run: %+v; %v", res, errs)
		}
		for _, it := range report[torg.StockItem](s, "/api/v1/reports/stock?warehouse_id="+sh.wh) {
			if got, want := int64(it.OnHand), onHand[it.ProductID]; got != want {
				t.Errorf("%s on hand %v, want %d thousandths", it.ProductCode, it.OnHand, want)
			}
		}
		if got := report[torg.CashItem](s, "/api/v1/reports/cash?cash_desk_id="+desk)[0].Balance; int64(got) != cash {
			t.Errorf("cash %v, want %d", got, cash)
		}
		if got := report[torg.DebtItem](s, "/api/v1/reports/settlements?customer_id="+retailID(t, s))[0].Debt; int64(got) != debt {
			t.Errorf("debt %v, want %d", got, debt)
		}
	})
}
