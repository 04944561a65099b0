package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// layoutShop is a shop with something on every page: a customer with a long name, orders, a sale
// processed into documents, a goods receipt; it returns the pages to look at.
func layoutShop(t *testing.T, e *env) (sh *shop, pages []string, orderID string) {
	t.Helper()
	sh = newShop(t, e)
	e.api("POST", "/api/v1/customers", `{"code":"LONG","name":"Общество с ограниченной ответственностью «Торговый дом Северо-Западная оптово-розничная компания»","phone":"+7 812 000-00-00","email":"info@example.ru"}`)
	orderID = sh.id(e.api("POST", "/api/v1/orders", fmt.Sprintf(`{"customer_code":"LONG","warehouse_id":%q,"status":"agreed",
		"lines":[{"product_code":"MILK","quantity":2},{"product_id":%q,"quantity":1.5,"discount":85}],"fill_registers":true,"post":true,
		"comment":"Позвонить за час до выдачи"}`, sh.wh, sh.soap)))
	sold := sh.order("")
	sh.fetchAndAck("R1")
	sh.sell("R1", sold, `[{"type":"cash","amount":30000},{"type":"card","amount":13400}]`)
	e.api("POST", "/api/v1/jobs/kkm-transfer/run", "")
	var tx struct{ Items []struct{ ID string } }
	json.Unmarshal([]byte(e.api("GET", "/api/v1/transactions", "")), &tx)
	docs := map[string]string{}
	for _, kind := range []string{"sales-invoices", "cash-receipts", "card-payments", "goods-receipts"} {
		var l struct{ Items []struct{ ID string } }
		json.Unmarshal([]byte(e.api("GET", "/api/v1/"+kind, "")), &l)
		if len(l.Items) == 0 {
			t.Fatalf("no %s", kind)
		}
		docs[kind] = l.Items[0].ID
	}
	pages = []string{"/orders", "/orders/new", "/orders/" + orderID + "#goods", "/orders/" + orderID + "#kkm", "/orders/" + orderID + "#links",
		"/transactions", "/transactions/" + tx.Items[0].ID,
		"/sales-invoices", "/sales-invoices/" + docs["sales-invoices"], "/cash-receipts", "/cash-receipts/" + docs["cash-receipts"],
		"/card-payments", "/card-payments/" + docs["card-payments"], "/goods-receipts", "/goods-receipts/new", "/goods-receipts/" + docs["goods-receipts"],
		"/reports/stock", "/reports/cash", "/reports/settlements",
		"/products", "/products/" + sh.milk, "/customers", "/warehouses", "/cash-desks", "/registers", "/registers/" + sh.reg["R1"],
		"/kkm-transfer", "/tokens", "/users", "/account"}
	return sh, pages, orderID
}

// widths is what the layout check reads of a page: the document's scroll width and client width.
type widths struct {
	Scroll, Client int
	Widest         string
}

const measure = `(() => {
  const d = document.documentElement;
  let widest = "", w = 0;
  document.querySelectorAll("main *, nav *").forEach((el) => {
    const r = el.getBoundingClientRect();
    if (r.right > w && r.width > 0) { w = r.right; widest = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + "." + el.className; }
  });
  return {Scroll: d.scrollWidth, Client: d.clientWidth, Widest: widest + " right=" + Math.round(w)};
})()`

// TestNoPageIsWiderThanTheScreen opens every main page at 1366, 1024 and 390 pixels wide and
// checks that nothing makes the page scroll sideways: wide tables scroll inside their own box.
func TestNoPageIsWiderThanTheScreen(t *testing.T) {
	e := newEnv(t, "sqlite")
	_, pages, _ := layoutShop(t, e)
	ctx := browser(t)
	loginAs(t, ctx, e, "admin")
	for _, width := range []int64{1366, 1024, 390} {
		run(t, ctx, fmt.Sprintf("a screen %d wide", width), chromedp.EmulateViewport(width, 844))
		for _, path := range pages {
			run(t, ctx, "open "+path, chromedp.Navigate(e.url+path), chromedp.WaitVisible(chromedp.CSS("main h1")))
			w, err := chromedp.Run(ctx, chromedp.Evaluate[widths](measure))
			if err != nil {
				t.Fatal(err)
			}
			if w.Scroll > w.Client {
				t.Errorf("at %d px %s is %d px wide (the screen shows %d); the widest element is %s", width, path, w.Scroll, w.Client, w.Widest)
			}
		}
	}
}

// TestPhoneMenuOpensWithAButton checks that on a phone the navigation is closed until its button
// opens it, and that on a desktop it is simply there.
func TestPhoneMenuOpensWithAButton(t *testing.T) {
	e := newEnv(t, "sqlite")
	newShop(t, e)
	ctx := browser(t)
	loginAs(t, ctx, e, "admin")
	run(t, ctx, "a phone", chromedp.EmulateViewport(390, 844), chromedp.Navigate(e.url+"/orders"), chromedp.WaitVisible(chromedp.CSS("#orders")))
	visible := func() bool {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('nav.side a[href="/transactions"]').getBoundingClientRect().height > 0`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if visible() {
		t.Fatal("on a phone the menu is open before its button is pressed")
	}
	if h, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelector("nav.side").getBoundingClientRect().height`)); h > 70 {
		t.Errorf("the closed menu takes %d px of the phone's height", h)
	}
	run(t, ctx, "open the menu", chromedp.Click(chromedp.CSS("#nav-toggle")), chromedp.WaitVisible(chromedp.CSS(`nav.side a[href="/transactions"]`)))
	if got, _ := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("#nav-toggle"), "aria-expanded")); got.Value != "true" {
		t.Errorf("the open menu's button says aria-expanded=%q", got.Value)
	}
	run(t, ctx, "go to the transactions", chromedp.Click(chromedp.CSS(`nav.side a[href="/transactions"]`)), chromedp.WaitVisible(chromedp.CSS("#transactions")))
	if visible() {
		t.Error("the menu is open again on the next page")
	}
	run(t, ctx, "a desktop", chromedp.EmulateViewport(1366, 800), chromedp.Navigate(e.url+"/orders"), chromedp.WaitVisible(chromedp.CSS("#orders")))
	if !visible() {
		t.Error("on a desktop the menu is hidden")
	}
	if v, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("nav-toggle").getBoundingClientRect().height > 0`)); v {
		t.Error("on a desktop the menu's button shows")
	}
}

// TestALongCustomerNameKeepsTheToolbarOnOneRow checks that the filters' selects are bounded, so a
// long customer name neither widens them nor pushes «+ Новый заказ» to a row of its own.
func TestALongCustomerNameKeepsTheToolbarOnOneRow(t *testing.T) {
	e := newEnv(t, "sqlite")
	layoutShop(t, e)
	ctx := browser(t)
	loginAs(t, ctx, e, "admin")
	run(t, ctx, "a desktop", chromedp.EmulateViewport(1366, 800), chromedp.Navigate(e.url+"/orders"), chromedp.WaitVisible(chromedp.CSS("#orders")))
	box, err := chromedp.Run(ctx, chromedp.Evaluate[struct{ FormTop, ButtonTop, Select int }](`({
	  FormTop: Math.round(document.getElementById("order-filters").getBoundingClientRect().top),
	  ButtonTop: Math.round(document.getElementById("new-order").getBoundingClientRect().top),
	  Select: Math.round(document.querySelector('#order-filters select[name="customer"]').getBoundingClientRect().width)})`))
	if err != nil {
		t.Fatal(err)
	}
	if box.Select > 260 {
		t.Errorf("the customer filter is %d px wide", box.Select)
	}
	if d := box.ButtonTop - box.FormTop; d > 20 || d < -20 {
		t.Errorf("«+ Новый заказ» is %d px below the filters: on a row of its own", d)
	}
	if s := text(t, ctx, "#orders tbody"); !strings.Contains(s, "Торговый дом") {
		t.Errorf("the long name is not in the list: %s", s)
	}
}
