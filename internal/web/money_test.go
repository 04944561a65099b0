package web_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestMoneyIsShownAlikeInFieldsAndTotals checks that a price in the order form's field is grouped
// by thousands as the amounts beside it are, and that totals and document amounts carry ₽.
func TestMoneyIsShownAlikeInFieldsAndTotals(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh, _, _ := layoutShop(t, e)
	e.api("POST", "/api/v1/products", `{"code":"TV","name":"Телевизор","price":149000}`)
	tv := sh.id(e.api("POST", "/api/v1/orders", fmt.Sprintf(`{"customer_code":"retail","warehouse_id":%q,"lines":[{"product_code":"TV","quantity":2}]}`, sh.wh)))
	ctx := browser(t)
	loginAs(t, ctx, e, "admin")
	run(t, ctx, "open the order", chromedp.Navigate(e.url+"/orders/"+tv), chromedp.WaitVisible(chromedp.CSS("#lines")))
	price, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#lines tbody tr:nth-child(1) .price")))
	if err != nil {
		t.Fatal(err)
	}
	if price != "1\u00a0490,00" {
		t.Errorf("the price field reads %q, want 1 490,00 as the amounts are written", price)
	}
	if got := text(t, ctx, "#lines tbody tr:nth-child(1) .amount"); got != "2\u00a0980,00" {
		t.Errorf("the line's amount reads %q", got)
	}
	if got := text(t, ctx, "#lines tfoot .total"); got != "2\u00a0980,00\u00a0₽" {
		t.Errorf("the order's total reads %q, want it in roubles with ₽", got)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const q = document.querySelector("#lines tbody tr:nth-child(1) .qty");
	  q.value = "3"; q.dispatchEvent(new Event("input", {bubbles: true})); return true; })()`)); err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, "#lines tfoot .total"); got != "4\u00a0470,00\u00a0₽" {
		t.Errorf("after editing, the order's total reads %q: the grouped price was misread", got)
	}
	run(t, ctx, "open the sales invoice", chromedp.Navigate(e.url+"/sales-invoices"), chromedp.WaitVisible(chromedp.CSS("#documents")),
		chromedp.Click(chromedp.CSS("#documents tbody a")), chromedp.WaitVisible(chromedp.CSS("#invoice")))
	if got := text(t, ctx, "#invoice-total"); got != "434,00" {
		t.Errorf("the invoice total reads %q", got)
	}
	if got := text(t, ctx, "tfoot .total"); got != "434,00\u00a0₽" {
		t.Errorf("the invoice total cell reads %q, want ₽", got)
	}
	run(t, ctx, "open the cash receipt order", chromedp.Navigate(e.url+"/cash-receipts"), chromedp.WaitVisible(chromedp.CSS("#documents")),
		chromedp.Click(chromedp.CSS("#documents tbody a")), chromedp.WaitVisible(chromedp.CSS("#receipt")))
	if got := text(t, ctx, "dd.total"); got != "300,00\u00a0₽" {
		t.Errorf("the cash receipt order's amount reads %q, want ₽", got)
	}
	run(t, ctx, "open the card payment", chromedp.Navigate(e.url+"/card-payments"), chromedp.WaitVisible(chromedp.CSS("#documents")),
		chromedp.Click(chromedp.CSS("#documents tbody a")), chromedp.WaitVisible(chromedp.CSS("dd.total")))
	if got := text(t, ctx, "dd.total"); got != "134,00\u00a0₽" {
		t.Errorf("the card payment's amount reads %q, want ₽", got)
	}
	run(t, ctx, "the cash report", chromedp.Navigate(e.url+"/reports/cash"), chromedp.WaitVisible(chromedp.CSS("#money-report")))
	if got := text(t, ctx, "#money-report tfoot .total"); got != "300,00\u00a0₽" {
		t.Errorf("the cash report's total reads %q, want ₽", got)
	}
	run(t, ctx, "in English", chromedp.Navigate(e.url+"/lang/en?next=/orders/"+tv), chromedp.WaitVisible(chromedp.CSS("#lines")))
	if price, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#lines tbody tr:nth-child(1) .price"))); price != "1,490.00" {
		t.Errorf("the English price field reads %q", price)
	}
}
