package web_test

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestScreenshots saves the main pages at 1280×800 (the orders also on a 390×844 phone, two print
// forms as the browser shows them) into docs/screenshots for the README:
//
//	TORG_SCREENSHOTS=1 go test -run TestScreenshots ./internal/web/
func TestScreenshots(t *testing.T) {
	if os.Getenv("TORG_SCREENSHOTS") == "" {
		t.Skip("set TORG_SCREENSHOTS=1 to save the screenshots")
	}
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	for i, c := range []struct{ code, name, phone string }{{"C-001", "ООО «Ромашка»", "+7 495 123-45-67"},
		{"C-002", "Иванов Пётр Сергеевич", "+7 916 555-01-02"}, {"C-003", "ИП Смирнова А. В.", ""}} {
		e.api("POST", "/api/v1/customers", fmt.Sprintf(`{"code":%q,"name":%q,"phone":%q}`, c.code, c.name, c.phone))
		sh.order(fmt.Sprintf(`,"external_number":"SHOP-10%02d"`, i))
	}
	sold := sh.order(`,"external_number":"SHOP-1100"`)
	sh.fetchAndAck("R1")
	sh.sell("R1", sold, `[{"type":"cash","amount":30000},{"type":"card","amount":13400}]`)
	e.api("POST", "/api/v1/jobs/kkm-transfer/run", "")
	sh.upload("R3", sh.order(""), `[{"type":"cash","amount":43400}]`)
	live := sh.order(`,"comment":"Позвонить за час до выдачи"`)
	e.api("POST", "/api/v1/orders/"+live+"/registers", fmt.Sprintf(`{"register_id":%q}`, sh.reg["R3"]))
	sh.fetchAndAck("R1")
	sh.register("R2", "POST", "/api/v1/register/orders/"+live+"/claim", "{}")
	e.api("POST", "/api/v1/orders", fmt.Sprintf(`{"customer_code":"C-002","warehouse_id":%q,"lines":[{"product_code":"SOAP","quantity":3}]}`, sh.wh))

	ctx := browser(t)
	loginAs(t, ctx, e, "admin")
	screenshot(t, ctx, "orders")
	run(t, ctx, "the order's ККМ tab", chromedp.Navigate(e.url+"/orders/"+live+"?tab=kkm"), chromedp.WaitVisible(chromedp.CSS("#kkm")))
	screenshot(t, ctx, "order-kkm")
	run(t, ctx, "the order's goods", chromedp.Click(chromedp.CSS("#tab-goods-btn")), chromedp.WaitVisible(chromedp.CSS("#lines")))
	screenshot(t, ctx, "order-goods")
	run(t, ctx, "transactions", chromedp.Navigate(e.url+"/transactions"), chromedp.WaitVisible(chromedp.CSS("#transactions")))
	screenshot(t, ctx, "transactions")
	run(t, ctx, "stock", chromedp.Navigate(e.url+"/reports/stock"), chromedp.WaitVisible(chromedp.CSS("#stock")))
	screenshot(t, ctx, "stock")
	run(t, ctx, "KKMTransfer", chromedp.Navigate(e.url+"/kkm-transfer"), chromedp.WaitVisible(chromedp.CSS("#runs")))
	screenshot(t, ctx, "kkm-transfer")
	e.api("PUT", "/api/v1/settings/organisation", `{"name":"ООО «Ромашка»","inn":"7707083893","kpp":"770701001",
		"address":"Москва, ул. Ленина, 1","head":"Иванов И. И.","accountant":"Петрова А. А."}`)
	var o struct {
		Invoice string `json:"sales_invoice_id"`
	}
	json.Unmarshal([]byte(e.api("GET", "/api/v1/orders/"+sold, "")), &o)
	run(t, ctx, "the sales invoice as УПД", chromedp.Navigate(e.url+"/sales-invoices/"+o.Invoice+"/print"), chromedp.WaitVisible(chromedp.CSS(".sheet")))
	screenshot(t, ctx, "print-upd")
	run(t, ctx, "the order's picking list", chromedp.EmulateViewport(900, 800), chromedp.Navigate(e.url+"/orders/"+live+"/print"),
		chromedp.WaitVisible(chromedp.CSS(".sheet")))
	screenshot(t, ctx, "print-picking-list")
	run(t, ctx, "a tablet", chromedp.EmulateViewport(1024, 768), chromedp.Navigate(e.url+"/orders/"+live),
		chromedp.WaitVisible(chromedp.CSS("#lines")))
	screenshot(t, ctx, "tablet-order")
	run(t, ctx, "a phone", chromedp.EmulateViewport(390, 844), chromedp.Navigate(e.url+"/orders"),
		chromedp.WaitVisible(chromedp.CSS("#orders")))
	screenshot(t, ctx, "phone-orders")
}
