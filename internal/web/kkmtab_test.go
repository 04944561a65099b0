package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestTheSellingRegisterReadsSold checks that the order's «ККМ» tab names the register that sold it
// «Продан» (also after the live stream's updates), that the orders list explains its «ККМ» column,
// and that the posted marker is a word.
func TestTheSellingRegisterReadsSold(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	sold := sh.order("")
	sh.fetchAndAck("R1")
	sh.sell("R1", sold, `[{"type":"cash","amount":43400}]`)
	e.api("POST", "/api/v1/orders", `{"customer_code":"retail","warehouse_code":"MAIN","lines":[{"product_code":"MILK","quantity":1}]}`)
	ctx := browser(t)
	loginAs(t, ctx, e, "admin")
	run(t, ctx, "the sold order's ККМ tab", chromedp.Navigate(e.url+"/orders/"+sold+"?tab=kkm"), chromedp.WaitVisible(chromedp.CSS("#kkm")),
		chromedp.Sleep(1500*time.Millisecond))
	r1 := `[data-register-state="` + sh.reg["R1"] + `"]`
	if got := text(t, ctx, r1); got != "Продан" {
		t.Errorf("the register that sold the order reads %q, want «Продан»", got)
	}
	if got := text(t, ctx, `[data-register-state="`+sh.reg["R2"]+`"]`); got == "Продан" {
		t.Errorf("a register that did not sell the order reads %q", got)
	}

	run(t, ctx, "the orders list", chromedp.Navigate(e.url+"/orders"), chromedp.WaitVisible(chromedp.CSS("#orders")))
	title, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("#orders th.kkm-col") || {}).title || ""`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(title, "получили") || !strings.Contains(title, "всего") {
		t.Errorf("the ККМ column's header explains %q", title)
	}
	legend, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.getElementById("kkm-legend") || {}).textContent || ""`))
	if !strings.Contains(legend, "получили / всего") {
		t.Errorf("the legend reads %q", legend)
	}
	rows := text(t, ctx, "#orders tbody")
	if !strings.Contains(rows, "Проведён") || !strings.Contains(rows, "Не проведён") {
		t.Errorf("the posted marker is not a word: %s", rows)
	}
}
