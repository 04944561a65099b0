package api_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"torg"
)

// soldShop sells the shop's standard order (434.00: 200.00 cash, 234.00 card) at R1 with fiscal
// data, runs KKMTransfer, and returns the order and the transaction as the API answers them.
func soldShop(t *testing.T, s *testServer, sh *shop) (torg.Order, torg.Transaction) {
	t.Helper()
	o := sh.order(t, fmt.Sprintf(`,"status":"agreed","register_ids":[%q],"post":true`, sh.reg["R1"]))
	id := o.ID
	body := strings.Replace(sh.receipt(id, o.Version, `[{"type":"cash","amount":20000},{"type":"card","amount":23400}]`),
		`"total":43400`, `"total":43400,"fiscal":{"fn":"9999078900012345","fd":321,"fp":"2751032817"}`, 1)
	if r := s.do("POST", "/api/v1/register/transactions", sh.tok["R1"], body); r.status != 201 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	call[torg.TransferResult](s, 200, "POST", "/api/v1/jobs/kkm-transfer/run", "")
	o = call[torg.Order](s, 200, "GET", "/api/v1/orders/"+id, "")
	return o, call[torg.Transaction](s, 200, "GET", "/api/v1/transactions/"+*o.TransactionID, "")
}

func TestPrintForms(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		sh := newShop(t, s)
		desk := call[torg.CashDesk](s, 201, "POST", "/api/v1/cash-desks", `{"code":"C1","name":"Касса магазина"}`).ID
		call[torg.Register](s, 200, "PATCH", "/api/v1/registers/"+sh.reg["R1"], fmt.Sprintf(`{"cash_desk_id":%q}`, desk))
		call[torg.Organisation](s, 200, "PUT", "/api/v1/settings/organisation", `{"name":"ООО «Ромашка»","inn":"7707083893","kpp":"770701001",
			"address":"Москва, ул. Ленина, 1","head":"Иванов И. И.","accountant":"Петрова А. А."}`)
		order, tx := soldShop(t, s, sh)
		print := func(path string) string {
			t.Helper()
			r := s.do("GET", path, s.admin, "")
			if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
				t.Fatalf("GET %s: %d %s %s", path, r.status, r.header.Get("Content-Type"), r.body)
			}
			return string(r.body)
		}
		has := func(t *testing.T, page string, texts ...string) {
			t.Helper()
			for _, want := range texts {
				if !strings.Contains(page, want) {
					t.Errorf("the form lacks %q", want)
				}
			}
		}
		number := order.Number
		t.Run("the order prints as a picking list with its number as a barcode", func(t *testing.T) {
			has(t, print("/api/v1/orders/"+order.ID+"/print"), "Заказ покупателя № "+number, `aria-label="`+number+`"`,
				"Молоко", "Мыло", "434,00", "Четыреста тридцать четыре рубля 00 копеек", "@page")
		})
		invoice := "/api/v1/sales-invoices/" + *tx.SalesInvoiceID + "/print"
		t.Run("the sales invoice prints as УПД with status 2 by default", func(t *testing.T) {
			has(t, print(invoice), "Универсальный передаточный документ", `Статус: <span class="box">2</span>`, "ООО «Ромашка»",
				"7707083893/770701001", "Заказ покупателя № "+number, "Четыреста тридцать четыре рубля 00 копеек", "Иванов И. И.")
		})
		t.Run("and as ТОРГ-12 when asked", func(t *testing.T) {
			has(t, print(invoice+"?form=torg12"), "ТОВАРНАЯ НАКЛАДНАЯ", "Всего отпущено <span class=\"words\">два</span> наименований",
				"Петрова А. А.")
		})
		t.Run("the cash receipt order prints as КО-1 with its tear-off receipt", func(t *testing.T) {
			has(t, print("/api/v1/cash-receipts/"+*tx.CashReceiptID+"/print"), "ПРИХОДНЫЙ КАССОВЫЙ ОРДЕР", "КВИТАНЦИЯ",
				"Двести рублей 00 копеек", "Касса магазина", "Петрова А. А.")
		})
		t.Run("the transaction prints as a receipt copy with its fiscal data and QR string", func(t *testing.T) {
			page := print("/api/v1/transactions/" + tx.ID + "/print")
			has(t, page, "КОПИЯ КАССОВОГО ЧЕКА", "9999078900012345", "2751032817", "НАЛИЧНЫМИ", "БЕЗНАЛИЧНЫМИ", "&amp;s=434.00&amp;fn=9999078900012345&amp;i=321&amp;fp=2751032817&amp;n=1",
				`class="qr"`)
		})
		// The customer brings the milk back at R1 and takes 300.00 in cash.
		ret := uuid.NewString()
		body := fmt.Sprintf(`{"id":%q,"kind":"return","original_transaction_id":%q,"order_id":null,"shift_number":1,"receipt_number":2,
			"closed_at":%q,"cashier":"Петров","lines":[{"line_no":1,"product_id":%q,"quantity":2,"price":15000,"discount":0,"amount":30000}],
			"payments":[{"type":"cash","amount":30000}],"total":30000,"fiscal":{"fn":"9999078900012345","fd":322,"fp":"1234567890"}}`,
			ret, tx.ID, torg.Now().Format(time.RFC3339), sh.milk)
		if r := s.do("POST", "/api/v1/register/transactions", sh.tok["R1"], body); r.status != 201 {
			t.Fatalf("upload of the return: %d %s", r.status, r.body)
		}
		call[torg.TransferResult](s, 200, "POST", "/api/v1/jobs/kkm-transfer/run", "")
		rtx := call[torg.Transaction](s, 200, "GET", "/api/v1/transactions/"+ret, "")
		t.Run("the return's cash expense order prints as КО-2", func(t *testing.T) {
			cr := call[torg.CustomerReturn](s, 200, "GET", "/api/v1/customer-returns/"+*rtx.CustomerReturnID, "")
			has(t, print("/api/v1/cash-expenses/"+*rtx.CashExpenseID+"/print"), "Расходный кассовый ордер № ", "РАСХОДНЫЙ КАССОВЫЙ ОРДЕР",
				"Розничный покупатель", "Возврат товаров от покупателя № "+cr.Number, "Триста рублей 00 копеек", "300,00",
				"Касса магазина", "Иванов И. И.", "Петрова А. А.", "@page")
		})
		t.Run("the return prints as a receipt copy of «Возврат прихода»", func(t *testing.T) {
			page := print("/api/v1/transactions/" + ret + "/print")
			has(t, page, "КОПИЯ КАССОВОГО ЧЕКА", "Возврат прихода", "Петров", "Молоко", "300,00", "&amp;fn=9999078900012345&amp;i=322&amp;fp=1234567890&amp;n=2")
			if strings.Contains(page, "Мыло") {
				t.Error("the return's copy lists a line it did not return")
			}
		})
		t.Run("an unknown document is 404, a form the document does not have and an unknown parameter 422", func(t *testing.T) {
			if r := s.do("GET", "/api/v1/cash-expenses/"+uuid.NewString()+"/print", s.admin, ""); r.status != 404 || r.slug(t) != "not-found" {
				t.Errorf("unknown cash expense order: %d %s", r.status, r.body)
			}
			if r := s.do("GET", "/api/v1/sales-invoices/"+uuid.NewString()+"/print", s.admin, ""); r.status != 404 || r.slug(t) != "not-found" {
				t.Errorf("unknown invoice: %d %s", r.status, r.body)
			}
			r := s.do("GET", invoice+"?form=ko1&copies=2", s.admin, "")
			if r.status != 422 {
				t.Fatalf("bad form: %d %s", r.status, r.body)
			}
			var fields []string
			for _, e := range r.problem(t).Errors {
				fields = append(fields, e.Field)
			}
			slices.Sort(fields)
			if !slices.Equal(fields, []string{"copies", "form"}) {
				t.Errorf("named %v, want copies and form", fields)
			}
		})
	})
}

func TestOrganisationSettingsAPI(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		empty := call[torg.Organisation](s, 200, "GET", "/api/v1/settings/organisation", "")
		if empty.Name != "" || empty.INN != "" {
			t.Fatalf("a new store's details: %+v", empty)
		}
		call[torg.Organisation](s, 200, "PUT", "/api/v1/settings/organisation", `{"name":"ООО «Ромашка»","inn":"7707083893"}`)
		r := s.do("PUT", "/api/v1/settings/organisation", s.admin, `{"name":"X","inn":"123","kpp":"1","colour":"red"}`)
		if r.status != 422 {
			t.Fatalf("bad details: %d %s", r.status, r.body)
		}
		var fields []string
		for _, e := range r.problem(t).Errors {
			fields = append(fields, e.Field)
		}
		slices.Sort(fields)
		if !slices.Equal(fields, []string{"colour", "inn", "kpp"}) {
			t.Errorf("named %v, want colour, inn and kpp", fields)
		}
		if got := call[torg.Organisation](s, 200, "GET", "/api/v1/settings/organisation", ""); got.Name != "ООО «Ромашка»" || got.KPP != "" {
			t.Errorf("after a refused change: %+v", got)
		}
		viewer := call[torg.APIToken](s, 201, "POST", "/api/v1/api-tokens", `{"name":"v","role":"viewer"}`).Token
		if r := s.do("PUT", "/api/v1/settings/organisation", viewer, `{"name":"Y"}`); r.status != 403 {
			t.Errorf("a viewer changed the details: %d", r.status)
		}
	})
}
