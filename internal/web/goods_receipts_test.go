package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestGoodsReceiptInTheBrowser makes a goods receipt from the navigation: the form with a supplier,
// a warehouse and two lines, posted on saving; then its page, the list and the stock.
func TestGoodsReceiptInTheBrowser(t *testing.T) {
	e := newEnv(t, "sqlite")
	newShop(t, e)
	ctx := browser(t)
	loginAs(t, ctx, e, "manager")
	run(t, ctx, "open the goods receipts from the navigation",
		chromedp.Click(chromedp.CSS(`nav.side a[href="/goods-receipts"]`)), chromedp.WaitVisible(chromedp.CSS("#goods-receipts")),
		chromedp.Click(chromedp.CSS("#new-goods-receipt")), chromedp.WaitVisible(chromedp.CSS("#goods-receipt-form")))
	run(t, ctx, "a bad receipt",
		chromedp.SendKeys(chromedp.CSS(`input[name="supplier"]`), "ООО «Молочный завод»"),
		chromedp.SendKeys(chromedp.CSS("#gr-lines tbody tr:nth-child(1) .product-input"), "NOPE"),
		chromedp.SendKeys(chromedp.CSS("#gr-lines tbody tr:nth-child(1) .qty"), "два"),
		chromedp.SendKeys(chromedp.CSS("#gr-lines tbody tr:nth-child(1) .cost"), "1,234"),
		chromedp.Click(chromedp.CSS("#btn-save")), chromedp.WaitVisible(chromedp.CSS("#form-errors")))
	row := text(t, ctx, "#gr-lines tbody tr:nth-child(1)")
	for _, want := range []string{"нет товара", "должно быть числом", "не больше 2 знаков"} {
		if !strings.Contains(row, want) {
			t.Errorf("the line shows %q, lacking %q", row, want)
		}
	}
	if got := text(t, ctx, ".f-warehouse .ferr"); !strings.Contains(got, "склад") {
		t.Errorf("the warehouse field shows %q", got)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`input[name="supplier"]`))); v != "ООО «Молочный завод»" {
		t.Errorf("the supplier typed is lost: %q", v)
	}
	run(t, ctx, "a good receipt",
		chromedp.SetValue(chromedp.CSS(`select[name="warehouse_id"]`), mustWarehouse(t, e)),
		chromedp.SetValue(chromedp.CSS("#gr-lines tbody tr:nth-child(1) .product-input"), "MILK"),
		chromedp.SetValue(chromedp.CSS("#gr-lines tbody tr:nth-child(1) .qty"), "12"),
		chromedp.SetValue(chromedp.CSS("#gr-lines tbody tr:nth-child(1) .cost"), "1 490,00"),
		chromedp.SetValue(chromedp.CSS("#gr-lines tbody tr:nth-child(2) .product-input"), "4600000000011"),
		chromedp.SetValue(chromedp.CSS("#gr-lines tbody tr:nth-child(2) .qty"), "0,5"),
		chromedp.SetValue(chromedp.CSS("#gr-lines tbody tr:nth-child(2) .cost"), "50"),
		chromedp.Click(chromedp.CSS("#btn-save")), chromedp.WaitVisible(chromedp.CSS("#goods-receipt")))
	if got := text(t, ctx, "#goods-receipt"); !strings.Contains(got, "ООО «Молочный завод»") || !strings.Contains(got, "Основной склад") || !strings.Contains(got, "Проведён") {
		t.Errorf("the receipt's page reads %q", got)
	}
	if got := text(t, ctx, "#gr-total"); got != "17\u00a0905,00" {
		t.Errorf("the total reads %q, want 12 × 1 490,00 + 0,5 × 50,00", got)
	}
	if got := text(t, ctx, "tfoot .total"); !strings.HasSuffix(got, "₽") {
		t.Errorf("the total cell reads %q, without ₽", got)
	}
	run(t, ctx, "the list", chromedp.Navigate(e.url+"/goods-receipts"), chromedp.WaitVisible(chromedp.CSS("#goods-receipts")))
	if got := text(t, ctx, "#goods-receipts tbody tr:nth-child(1)"); !strings.Contains(got, "000002") || !strings.Contains(got, "Молочный завод") {
		t.Errorf("the newest receipt is not first: %q", got)
	}
	run(t, ctx, "the stock", chromedp.Navigate(e.url+"/reports/stock"), chromedp.WaitVisible(chromedp.CSS("#stock")))
	if got := text(t, ctx, "#stock tbody"); !strings.Contains(got, "52") {
		t.Errorf("milk's stock did not rise by 12 from 40: %s", got)
	}
}

func mustWarehouse(t *testing.T, e *env) string {
	t.Helper()
	var id string
	for _, part := range strings.Split(e.api("GET", "/api/v1/warehouses?code=MAIN", ""), `"id":"`)[1:] {
		id, _, _ = strings.Cut(part, `"`)
	}
	return id
}

// TestGoodsReceiptsArePagedNewestFirst checks the list's pages: 50 receipts a page, newest first.
func TestGoodsReceiptsArePagedNewestFirst(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	for i := range 51 {
		e.api("POST", "/api/v1/goods-receipts", fmt.Sprintf(`{"warehouse_id":%q,"supplier":"Поставщик %d","lines":[{"product_code":"MILK","quantity":1,"cost":100}]}`, sh.wh, i+2))
	}
	c := e.login("admin")
	first := c.get("/goods-receipts", 200)
	first.contains(t, `id="next-page"`, "000052", "Поставщик 52")
	if strings.Contains(first.body, ">000001<") {
		t.Fatal("the first page reaches the oldest receipt")
	}
	if strings.Index(first.body, "000052") > strings.Index(first.body, "000051") {
		t.Error("the first page is not newest first")
	}
	next := csrfLessLink(t, first.body)
	second := c.get(next, 200)
	second.contains(t, ">000002<", ">000001<")
	if strings.Contains(second.body, `id="next-page"`) {
		t.Error("the last page offers a next one")
	}
	c.get("/goods-receipts?after=!!!", 404)
}

// csrfLessLink is the next page's address on a list page.
func csrfLessLink(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `id="next-page"`)
	j := strings.LastIndex(body[:i], `href="`)
	if i < 0 || j < 0 {
		t.Fatal("no next page link")
	}
	href, _, _ := strings.Cut(body[j+len(`href="`):], `"`)
	u, err := url.Parse(strings.ReplaceAll(href, "&amp;", "&"))
	if err != nil {
		t.Fatal(err)
	}
	return u.String()
}

// TestGoodsReceiptFormWithoutJavaScript submits the form as a browser without JavaScript does: more
// rows on request, and an empty receipt refused naming the warehouse and the lines.
func TestGoodsReceiptFormWithoutJavaScript(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	c := e.login("manager")
	form := c.get("/goods-receipts/new", 200)
	if n := strings.Count(form.body, `name="line_product"`); n != 5 {
		t.Fatalf("the form offers %d rows, want 5", n)
	}
	more := c.post("/goods-receipts/new", form, url.Values{"action": {"more"}, "supplier": {"ИП Петров"}, "line_product": {"MILK"}, "line_qty": {"1"}, "line_cost": {"10"}})
	if more.status != 200 || strings.Count(more.body, `name="line_product"`) != 6 || !strings.Contains(more.body, `value="ИП Петров"`) {
		t.Fatalf("more rows: %d, %d rows", more.status, strings.Count(more.body, `name="line_product"`))
	}
	empty := c.post("/goods-receipts/new", form, url.Values{"action": {"post"}, "supplier": {"ИП Петров"}})
	if empty.status != 422 {
		t.Fatalf("an empty receipt: %d", empty.status)
	}
	empty.contains(t, "выберите склад", "хотя бы одна строка")
	if body := e.api("GET", "/api/v1/goods-receipts", ""); strings.Count(body, `"id"`) != 1 {
		t.Fatalf("a refused receipt was saved: %s", body)
	}
	posted := c.post("/goods-receipts/new", form, url.Values{"action": {"post"}, "supplier": {"ИП Петров"}, "warehouse_id": {sh.wh},
		"line_product": {"MILK"}, "line_qty": {"2"}, "line_cost": {"10"}})
	if posted.status != 200 || !strings.Contains(posted.body, "ИП Петров") || !strings.Contains(posted.body, "MILK") {
		t.Fatalf("a posted receipt shows its page: %d\n%s", posted.status, posted.body)
	}
}
