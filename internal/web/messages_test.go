package web_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// The server's messages reach the back office in the user's language: beside the fields of a form,
// in the VAT choices, and in the reason a cash receipt order was left unposted.
func TestServerMessagesAreShownInTheUsersLanguage(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	c := e.login("manager")
	longCode := strings.Repeat("К", 70)
	product := url.Values{"code": {longCode}, "name": {"Хлеб"}, "unit": {""}, "vat_rate": {"22"}, "price": {"10"}}

	t.Run("in Russian, a quantity out of range and a code too long are named beside their fields", func(t *testing.T) {
		r := c.post("/orders/new", c.get("/orders/new", 200), orderForm(sh, [4]string{"MILK", "2000000000", "", ""}))
		if r.status != 422 {
			t.Fatalf("status %d", r.status)
		}
		if rows := goodsRows(t, r); !strings.Contains(rows[0], `<div class="ferr">вне допустимого диапазона</div>`) {
			t.Errorf("the quantity out of range is not named in Russian:\n%s", rows[0])
		}
		r = c.post("/products/new", c.get("/products/new", 200), product)
		if r.status != 422 {
			t.Fatalf("status %d", r.status)
		}
		r.contains(t, `<div class="ferr">не больше 64 печатных символов</div>`, `<div class="ferr">обязательно, не больше 16 печатных символов</div>`)
		for _, english := range []string{"printable characters", "is required, at most 16"} {
			if strings.Contains(r.body, english) {
				t.Errorf("the Russian page still says %q", english)
			}
		}
	})
	t.Run("VAT rates read as the language writes them", func(t *testing.T) {
		form := c.get("/products/new", 200)
		form.contains(t, `<option value="none">Без НДС</option>`, `<option value="10">10%</option>`, `<option value="22">22%</option>`)
	})
	t.Run("a cash receipt order's reason for not being posted is in Russian", func(t *testing.T) {
		sh.sell("R2", sh.order(""), `[{"type":"cash","amount":43400}]`)
		e.api("POST", "/api/v1/jobs/kkm-transfer/run", "")
		var list struct {
			Items []struct {
				ID     string  `json:"id"`
				Reason *string `json:"not_posted_reason"`
			}
		}
		json.Unmarshal([]byte(e.api("GET", "/api/v1/cash-receipts?posted=false", "")), &list)
		if len(list.Items) != 1 || list.Items[0].Reason == nil || !strings.HasPrefix(*list.Items[0].Reason, "register R2 has no cash desk") {
			t.Fatalf("the API's reason changed: %+v", list.Items)
		}
		page := c.get("/cash-receipts/"+list.Items[0].ID, 200)
		page.contains(t, "У ККМ R2 не указана наличная касса для отражения операций; проведите ордер в кассу вручную")
	})
	t.Run("in English, the same messages are English", func(t *testing.T) {
		c.get("/lang/en?next=/orders", 200)
		r := c.post("/products/new", c.get("/products/new", 200), product)
		r.contains(t, `<div class="ferr">must be at most 64 printable characters</div>`, `<div class="ferr">is required, at most 16 printable characters</div>`,
			`<option value="none">No VAT</option>`, `<option value="5">5%</option>`)
	})
}
