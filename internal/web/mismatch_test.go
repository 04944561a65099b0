package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
)

// TestMismatchIsShownBesideTheOrderAndAccepted: a register sells an order of 2 × milk with one line
// of soap at 0.01 ₽ instead; the transaction page marks what differs beside the order's lines, and
// accepting it lets KKMTransfer invoice the receipt against the order.
func TestMismatchIsShownBesideTheOrderAndAccepted(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			sh := newShop(t, e)
			var o struct {
				ID      string
				Version int64
			}
			json.Unmarshal([]byte(e.api("POST", "/api/v1/orders", fmt.Sprintf(`{"customer_code":"retail","warehouse_id":%q,"status":"agreed",
				"lines":[{"product_id":%q,"quantity":2}],"fill_registers":true,"post":true}`, sh.wh, sh.milk))), &o)
			txID := uuid.NewString()
			status, body := sh.register("R1", "POST", "/api/v1/register/transactions", fmt.Sprintf(`{"id":%q,"order_id":%q,"order_version":%d,
				"shift_number":1,"receipt_number":1,"closed_at":"2001-01-01T00:00:00Z","cashier":"Иванова",
				"lines":[{"product_id":%q,"quantity":1000,"price":1,"discount":0,"amount":1000}],"payments":[{"type":"cash","amount":1000}],"total":1000}`,
				txID, o.ID, o.Version, sh.soap))
			if status != 201 || !strings.Contains(body, `"conflict_reason":"mismatch"`) {
				t.Fatalf("upload: %d %s", status, body)
			}

			ctx := browser(t)
			loginAs(t, ctx, e, "admin")
			run(t, ctx, "open the transaction",
				chromedp.Navigate(e.url+"/transactions/"+txID),
				chromedp.WaitVisible(chromedp.CSS("#mismatches")),
			)
			if d == "sqlite" {
				screenshot(t, ctx, "transaction-mismatch")
			}
			table := text(t, ctx, "#mismatches")
			for _, want := range []string{"SOAP", "Товара нет в заказе.", "MILK", "Строка заказа не пробита."} {
				if !strings.Contains(table, want) {
					t.Errorf("the differences do not show %q:\n%s", want, table)
				}
			}
			if got := text(t, ctx, "#bad-closed"); !strings.Contains(got, "вне допустимого периода") {
				t.Errorf("closed_at reads %q", got)
			}
			run(t, ctx, "accept it as it is",
				chromedp.Click(chromedp.CSS("#btn-accept")),
				chromedp.WaitVisible(chromedp.CSS(".flash")),
			)
			if got := text(t, ctx, "#tx-state"); got != "Новая" {
				t.Fatalf("after accepting the state reads %q", got)
			}
			var res struct{ Processed int }
			json.Unmarshal([]byte(e.api("POST", "/api/v1/jobs/kkm-transfer/run", "")), &res)
			var ord struct{ Status string }
			json.Unmarshal([]byte(e.api("GET", "/api/v1/orders/"+o.ID, "")), &ord)
			if res.Processed != 1 || ord.Status != "closed" {
				t.Errorf("KKMTransfer processed %d, the order is %s; want 1 and closed", res.Processed, ord.Status)
			}
		})
	}
}
