package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestOrderFlowInTheBrowser is a working day in headless Chromium: log in, make an order of two
// lines, Fill, Post, watch a register receive it live, sell it, run KKMTransfer, and open the sales
// invoice and the cash receipt order made from it.
func TestOrderFlowInTheBrowser(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			sh := newShop(t, e)
			ctx := browser(t)
			loginAs(t, ctx, e, "admin")

			run(t, ctx, "make an order of two lines and Fill",
				chromedp.Click(chromedp.CSS("#new-order")),
				chromedp.WaitVisible(chromedp.CSS("#order-form")),
				chromedp.SetValue(chromedp.CSS("#warehouse"), sh.wh),
				chromedp.SendKeys(chromedp.CSS("#lines tbody tr:nth-child(1) .product-input"), "MILK"),
				chromedp.WaitVisible(chromedp.CSS(".suggest button")),
				chromedp.Click(chromedp.CSS(".suggest button")),
				chromedp.SetValue(chromedp.CSS("#lines tbody tr:nth-child(1) .qty"), "2"),
				chromedp.SendKeys(chromedp.CSS("#lines tbody tr:nth-child(2) .product-input"), "SOAP"),
				chromedp.SendKeys(chromedp.CSS("#lines tbody tr:nth-child(2) .qty"), "1,5"),
				chromedp.SendKeys(chromedp.CSS("#lines tbody tr:nth-child(2) .discount"), "0,85"),
				chromedp.Click(chromedp.CSS("#tab-kkm-btn")),
				chromedp.Click(chromedp.CSS("#btn-fill")),
				chromedp.WaitVisible(chromedp.CSS(`#kkm [data-register="`+sh.reg["R1"]+`"]`)),
			)
			if n := strings.Count(text(t, ctx, "#kkm tbody"), "Касса"); n != 2 {
				t.Fatalf("Fill listed %d registers, want R1 and R2", n)
			}
			run(t, ctx, "agree and Post",
				chromedp.SetValue(chromedp.CSS("#status"), "agreed"),
				chromedp.Click(chromedp.CSS("#btn-post")),
				chromedp.WaitVisible(chromedp.CSS("#posted-badge.ok")),
				chromedp.Click(chromedp.CSS("#tab-kkm-btn")),
				chromedp.WaitVisible(chromedp.CSS(`[data-register-state="`+sh.reg["R1"]+`"][data-state="sent"]`)),
			)
			if got := text(t, ctx, "#order-total"); got != "434,00" {
				t.Fatalf("the order's total is %q, want 434,00", got)
			}

			sh.fetchAndAck("R1")
			run(t, ctx, "the ККМ tab shows R1 received, live",
				chromedp.WaitVisible(chromedp.CSS(`[data-register-state="`+sh.reg["R1"]+`"][data-state="received"]`)),
			)
			if got := text(t, ctx, `[data-register-state="`+sh.reg["R1"]+`"]`); got != "Получен" {
				t.Fatalf("R1's state reads %q", got)
			}
			if got := text(t, ctx, `[data-register-state="`+sh.reg["R2"]+`"]`); got != "Отправлен" {
				t.Fatalf("R2's state reads %q", got)
			}

			orderURL := location(t, ctx)
			orderID := strings.TrimPrefix(strings.SplitN(orderURL, "?", 2)[0], e.url+"/orders/")
			sh.sell("R1", orderID, `[{"type":"cash","amount":43400}]`)

			run(t, ctx, "run KKMTransfer",
				chromedp.Navigate(e.url+"/kkm-transfer"),
				chromedp.WaitVisible(chromedp.CSS("#btn-run")),
				chromedp.Click(chromedp.CSS("#btn-run")),
				chromedp.WaitVisible(chromedp.CSS("#job-result")),
			)
			if got := text(t, ctx, "#res-processed"); got != "1" {
				t.Fatalf("KKMTransfer processed %s", got)
			}

			run(t, ctx, "open the sales invoice from the order",
				chromedp.Navigate(orderURL),
				chromedp.WaitVisible(chromedp.CSS("#order-form")),
				chromedp.Click(chromedp.CSS("#tab-links-btn")),
				chromedp.Click(chromedp.CSS("#link-invoice")),
				chromedp.WaitVisible(chromedp.CSS("#invoice")),
			)
			if got := text(t, ctx, "#invoice-total"); got != "434,00" {
				t.Fatalf("the invoice's total is %q", got)
			}
			run(t, ctx, "open the cash receipt order",
				chromedp.Navigate(orderURL),
				chromedp.WaitVisible(chromedp.CSS("#order-form")),
				chromedp.Click(chromedp.CSS("#tab-links-btn")),
				chromedp.Click(chromedp.CSS("#link-receipt")),
				chromedp.WaitVisible(chromedp.CSS("#receipt")),
			)
			if got := text(t, ctx, "#receipt-amount"); got != "434,00" {
				t.Fatalf("the receipt's amount is %q", got)
			}
		})
	}
}

// TestBadInputShowsErrorsBesideTheFields submits an order with a quantity and a price that are not
// numbers, and no warehouse.
func TestBadInputShowsErrorsBesideTheFields(t *testing.T) {
	e := newEnv(t, "sqlite")
	newShop(t, e)
	ctx := browser(t)
	loginAs(t, ctx, e, "manager")
	run(t, ctx, "submit a bad order",
		chromedp.Click(chromedp.CSS("#new-order")),
		chromedp.WaitVisible(chromedp.CSS("#order-form")),
		chromedp.SendKeys(chromedp.CSS("#lines tbody tr:nth-child(1) .product-input"), "NOPE"),
		chromedp.SendKeys(chromedp.CSS("#lines tbody tr:nth-child(1) .qty"), "два"),
		chromedp.SendKeys(chromedp.CSS("#lines tbody tr:nth-child(1) .price"), "1,234"),
		chromedp.Click(chromedp.CSS("#btn-save")),
		chromedp.WaitVisible(chromedp.CSS("#form-errors")),
		chromedp.Sleep(50*time.Millisecond),
	)
	errs := text(t, ctx, "#lines tbody tr:nth-child(1)")
	for _, want := range []string{"нет товара", "должно быть числом", "не больше 2 знаков"} {
		if !strings.Contains(errs, want) {
			t.Errorf("the line shows %q, lacking %q", errs, want)
		}
	}
	if got := text(t, ctx, ".f-wide .ferr"); !strings.Contains(got, "склад") {
		t.Errorf("the warehouse field shows %q", got)
	}
}
