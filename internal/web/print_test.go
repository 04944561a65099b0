package web_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// TestPrintButtons: every document page with a print form has «Печать», and it opens the form; a
// document that does not exist is the not-found page in the UI's language.
func TestPrintButtons(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	id := sh.order("")
	sh.sell("R1", id, `[{"type":"cash","amount":43400}]`)
	e.api("POST", "/api/v1/jobs/kkm-transfer/run", "")
	var o struct {
		Tx   string `json:"transaction_id"`
		Inv  string `json:"sales_invoice_id"`
		Cash string `json:"cash_receipt_id"`
	}
	json.Unmarshal([]byte(e.api("GET", "/api/v1/orders/"+id, "")), &o)
	c := e.login("manager")
	for _, p := range []struct{ page, print, text string }{
		{"/orders/" + id, "/orders/" + id + "/print", "Четыреста тридцать четыре рубля 00 копеек"},
		{"/sales-invoices/" + o.Inv, "/sales-invoices/" + o.Inv + "/print", "Универсальный передаточный документ"},
		{"/sales-invoices/" + o.Inv, "/sales-invoices/" + o.Inv + "/print?form=torg12", "ТОВАРНАЯ НАКЛАДНАЯ"},
		{"/cash-receipts/" + o.Cash, "/cash-receipts/" + o.Cash + "/print", "Четыреста тридцать четыре рубля 00 копеек"},
		{"/transactions/" + o.Tx, "/transactions/" + o.Tx + "/print", "КОПИЯ КАССОВОГО ЧЕКА"},
	} {
		c.get(p.page, 200).contains(t, `href="`+p.print+`"`, "Печать")
		c.get(p.print, 200).contains(t, p.text, "@page")
	}
	// A return paid back in cash at R1: its receipt copy says so, and its cash expense order prints as КО-2.
	ret := sh.returnMilk("R1", o.Tx, `[{"type":"cash","amount":30000}]`)
	e.api("POST", "/api/v1/jobs/kkm-transfer/run", "")
	var r struct {
		Expense string `json:"cash_expense_id"`
	}
	json.Unmarshal([]byte(e.api("GET", "/api/v1/transactions/"+ret, "")), &r)
	c.get("/transactions/"+ret, 200).contains(t, `href="/transactions/`+ret+`/print"`, "Печать")
	c.get("/transactions/"+ret+"/print", 200).contains(t, "КОПИЯ КАССОВОГО ЧЕКА", "Возврат прихода")
	c.get("/cash-expenses/"+r.Expense, 200).contains(t, `href="/cash-expenses/`+r.Expense+`/print"`, "Печать")
	c.get("/cash-expenses/"+r.Expense+"/print", 200).contains(t, "РАСХОДНЫЙ КАССОВЫЙ ОРДЕР", "Триста рублей 00 копеек", "@page")
	c.get("/cash-expenses/00000000-0000-7000-8000-000000000000/print", 404).contains(t, "Не найдено")
	c.get("/sales-invoices/00000000-0000-7000-8000-000000000000/print", 404).contains(t, "Не найдено")
	c.get("/lang/en?next=/orders", 200)
	c.get("/sales-invoices/00000000-0000-7000-8000-000000000000/print", 404).contains(t, "Not found")
	c.get("/sales-invoices/"+o.Inv+"/print?form=ko2", 404)
}

// TestOrganisationSettingsPage: an admin edits the organisation's details, every bad field is named
// and nothing changes; a manager may not.
func TestOrganisationSettingsPage(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.login("admin")
	page := admin.get("/settings", 200)
	bad := admin.post("/settings", page, url.Values{"name": {"ООО «Ромашка»"}, "inn": {"12"}, "kpp": {"x"}})
	if bad.status != 422 || strings.Count(bad.body, `class="ferr"`) != 2 {
		t.Fatalf("bad details: %d\n%s", bad.status, bad.body)
	}
	if got := e.api("GET", "/api/v1/settings/organisation", ""); strings.Contains(got, "Ромашка") {
		t.Fatalf("a refused form changed the details: %s", got)
	}
	ok := admin.post("/settings", page, url.Values{"name": {"ООО «Ромашка»"}, "inn": {"7707083893"}, "kpp": {"770701001"},
		"address": {"Москва"}, "head": {"Иванов И. И."}, "accountant": {"Петрова А. А."}})
	ok.contains(t, "Записано", `value="Петрова А. А."`)
	e.login("manager").get("/settings", 403)
}
