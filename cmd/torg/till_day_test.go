package main

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"torg"
	"torg/internal/browsertest"
)

// TestTheTillsWholeDayInTheBrowser: an order is sold in part on K1's screen (the soap left out), one
// line of it is returned on K2's screen by the receipt's QR string and refunded to the card, K1 takes
// cash out to the bank; KKMTransfer then makes the sales invoice, the customer return, the card
// refund and the cash expense order, and the cash desk's balance and the stock are what the day left.
func TestTheTillsWholeDayInTheBrowser(t *testing.T) {
	s := startServer(t, "sqlite")
	sh := newShop(t, s)
	desk := sh.CashDesk // R1's cash goes there
	k1 := startAgent(t, s.url, sh.tok["R1"], t.TempDir())
	k2 := startAgent(t, s.url, sh.tok["R2"], t.TempDir())
	o := sh.order(t, `,"status":"agreed","fill_registers":true,"post":true`)
	id := o["id"].(string)
	waitFor(t, "the order reaching both registers", func() bool { return has(k1.orderIDs(), id) && has(k2.orderIDs(), id) })

	ctx := newBrowser(t)
	row := `#order-rows tr[data-id="` + id + `"]`
	do(t, ctx, chromedp.Navigate(k1.a.URL()+"/"), chromedp.WaitVisible(row), browsertest.Click(row), chromedp.WaitVisible("#pick"),
		browsertest.Click("#pick"), chromedp.WaitVisible("#cash"))
	do(t, ctx, browsertest.Click(`#r-lines tr[data-line="2"] .remove-line`), chromedp.Poll[chromedp.Void](`!document.querySelector('#r-lines tr[data-line="2"]')`))
	do(t, ctx, chromedp.SendKeys("#cash", "500"), browsertest.Click("#close-receipt"), chromedp.WaitVisible("#done-change"))
	if change := text(t, ctx, "#done-change"); change != "200,00" {
		t.Errorf("change %q: want 200,00 from 500,00 for the milk alone, 300,00", change)
	}
	do(t, ctx, browsertest.Click("#done button"))
	waitFor(t, "the sale reaching the back office", func() bool { return k1.status()["outbox"] == 0.0 })
	sale := s.must(200, "GET", "/api/v1/transactions?order_id="+id, "")["items"].([]any)[0].(map[string]any)
	if sale["partial"] != true || sale["state"] != "new" {
		t.Fatalf("the sale: %v", sale)
	}
	fiscal := sale["fiscal"].(map[string]any)
	closed, _ := time.Parse(time.RFC3339Nano, sale["closed_at"].(string))
	qr := torg.ReceiptQR(closed, 30000, torg.Fiscal{FN: fiscal["fn"].(string), FD: int64(fiscal["fd"].(float64)), FP: fiscal["fp"].(string)}, false)

	do(t, ctx, chromedp.Navigate(k2.a.URL()+"/"), chromedp.WaitVisible("#return"), browsertest.Click("#return"), chromedp.WaitVisible("#rf-query"),
		chromedp.SendKeys("#rf-query", qr), browsertest.Click("#rf-find"), chromedp.WaitVisible(`#rf-lines tr[data-line="1"] input`))
	do(t, ctx, chromedp.SetValue(`#rf-lines tr[data-line="1"] input`, "1"))
	chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('#rf-lines tr[data-line="1"] input').dispatchEvent(new Event("change"))`))
	do(t, ctx, chromedp.Poll[chromedp.Void](`document.getElementById("rf-total").textContent === "150,00"`), browsertest.Click("#rf-all-card"),
		chromedp.Poll[chromedp.Void](`!document.getElementById("rf-submit").disabled`), browsertest.Click("#rf-submit"), chromedp.WaitNotVisible("#refund"))
	screenshot(t, ctx, "till-return.png")

	do(t, ctx, chromedp.Navigate(k1.a.URL()+"/"), chromedp.WaitVisible("#cash-out"), browsertest.Click("#cash-out"), chromedp.WaitVisible("#cm-amount"),
		chromedp.SendKeys("#cm-amount", "250"), chromedp.SendKeys("#cm-counterpart", "Банк"), browsertest.Click("#cm-submit"), chromedp.WaitNotVisible("#cashmove"))
	waitFor(t, "the return and the cash out reaching the back office", func() bool {
		return k1.status()["outbox"] == 0.0 && k2.status()["outbox"] == 0.0
	})
	run := s.must(200, "POST", "/api/v1/jobs/kkm-transfer/run", "")
	for k, v := range map[string]float64{"processed": 3, "sales_invoices": 1, "cash_receipts_posted": 1, "customer_returns": 1, "card_refunds": 1,
		"cash_expenses": 1, "cash_expenses_posted": 1, "failed": 0} {
		if run[k] != v {
			t.Errorf("KKMTransfer's %s: %v, want %v (%v)", k, run[k], v, run)
		}
	}
	rets := s.must(200, "GET", "/api/v1/customer-returns?order_id="+id, "")["items"].([]any)
	if len(rets) != 1 || rets[0].(map[string]any)["total"] != 15000.0 {
		t.Errorf("the order's returns: %v", rets)
	}
	outs := s.must(200, "GET", "/api/v1/cash-expenses?purpose=cash_out", "")["items"].([]any)
	if len(outs) != 1 || outs[0].(map[string]any)["counterpart"] != "Банк" || outs[0].(map[string]any)["amount"] != 25000.0 {
		t.Errorf("the cash out's expense order: %v", outs)
	}
	cash := s.must(200, "GET", "/api/v1/reports/cash?cash_desk_id="+desk, "")["items"].([]any)
	if len(cash) != 1 || cash[0].(map[string]any)["balance"] != 5000.0 {
		t.Errorf("the cash desk: %v, want 300,00 taken less 250,00 out", cash)
	}
	if o := s.must(200, "GET", "/api/v1/orders/"+id, ""); o["status"] != "closed" || o["sold_total"] != 30000.0 {
		t.Errorf("the order: %v %v", o["status"], o["sold_total"])
	}
	if stock := s.must(200, "GET", "/api/v1/reports/stock?product_id="+sh.milk, "")["items"].([]any); len(stock) != 1 || stock[0].(map[string]any)["on_hand"] != -1.0 {
		t.Errorf("milk: %v, want 2 sold and 1 back", stock)
	}
}
