package web_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"torg"
)

// TestReturnsAndCashMovesInTheBackOffice: R1 sells an order, R2 takes one milk of it back, half in
// cash and half to the card, R1 takes cash out to the bank; after KKMTransfer the customer return, the
// cash expense orders and the card refund have lists and pages in Russian and English, linked both
// ways with the sale, its transactions and its order; the transactions page filters by kind; the
// order's «Связанные документы» lists the return.
func TestReturnsAndCashMovesInTheBackOffice(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	id := sh.order("")
	sh.sell("R1", id, `[{"type":"cash","amount":43400}]`)
	var txs struct{ Items []torg.Transaction }
	json.Unmarshal([]byte(e.api("GET", "/api/v1/transactions?order_id="+id, "")), &txs)
	sale := txs.Items[0]
	now := torg.Now().Add(time.Second).Format(time.RFC3339) // after the sale
	ret := uuid.NewString()
	status, body := sh.register("R2", "POST", "/api/v1/register/transactions", fmt.Sprintf(`{"id":%q,"kind":"return","original_transaction_id":%q,
		"shift_number":1,"receipt_number":1,"closed_at":%q,"cashier":"Петрова","lines":[{"line_no":1,"product_id":%q,"quantity":1,"price":15000,
		"discount":0,"amount":15000}],"payments":[{"type":"cash","amount":7500},{"type":"card","amount":7500}],"total":15000}`, ret, sale.ID, now, sh.milk))
	if status != 201 || !strings.Contains(body, `"state":"new"`) {
		t.Fatalf("the return: %d %s", status, body)
	}
	out := uuid.NewString()
	status, body = sh.register("R1", "POST", "/api/v1/register/transactions", fmt.Sprintf(`{"id":%q,"kind":"cash_out","shift_number":3,
		"receipt_number":900,"closed_at":%q,"cashier":"Иванова","payments":[{"type":"cash","amount":40000}],"total":40000,
		"comment":"инкассация","counterpart":"Банк"}`, out, now))
	if status != 201 || !strings.Contains(body, `"state":"new"`) {
		t.Fatalf("the cash out: %d %s", status, body)
	}
	e.api("POST", "/api/v1/jobs/kkm-transfer/run", "")
	var r torg.Transaction
	json.Unmarshal([]byte(e.api("GET", "/api/v1/transactions/"+ret, "")), &r)
	if r.CustomerReturnID == nil || r.CashExpenseID == nil || r.CardRefundID == nil {
		t.Fatalf("the return's documents: %+v", r)
	}
	var o torg.Transaction
	json.Unmarshal([]byte(e.api("GET", "/api/v1/transactions/"+out, "")), &o)
	json.Unmarshal([]byte(e.api("GET", "/api/v1/transactions/"+sale.ID, "")), &sale)

	c := e.login("admin")
	c.get("/customer-returns", 200).contains(t, "Возвраты товаров от покупателей", `/customer-returns/`+*r.CustomerReturnID, "150,00")
	c.get("/customer-returns/"+*r.CustomerReturnID, 200).contains(t, "Возврат товаров от покупателя", `href="/orders/`+id,
		`href="/transactions/`+sale.ID, `href="/transactions/`+ret, `href="/cash-expenses/`+*r.CashExpenseID, `href="/card-refunds/`+*r.CardRefundID,
		"Молоко")
	c.get("/cash-expenses", 200).contains(t, "Расходные кассовые ордера", "Выемка", "Банк", "400,00", "75,00")
	c.get("/cash-expenses/"+*o.CashExpenseID, 200).contains(t, "Расходный кассовый ордер", "Выемка", "Банк", "инкассация", `href="/transactions/`+out)
	c.get("/cash-expenses/"+*r.CashExpenseID, 200).contains(t, `id="post-expense"`, `href="/customer-returns/`+*r.CustomerReturnID)
	if page := c.get("/cash-expenses/"+*r.CashExpenseID, 200); strings.Contains(page.body, `id="set-counterpart"`) {
		t.Error("a refund offers a counterpart: its customer is its counterpart")
	}
	page := c.get("/cash-expenses/"+*o.CashExpenseID, 200)
	page.contains(t, `id="set-counterpart"`)
	c.post("/cash-expenses/"+*o.CashExpenseID+"/counterpart", page, url.Values{"counterpart": {"Сбербанк, инкассация"}}).contains(t, "Сбербанк, инкассация")
	var ce torg.CashExpense
	json.Unmarshal([]byte(e.api("GET", "/api/v1/cash-expenses/"+*o.CashExpenseID, "")), &ce)
	if ce.Counterpart != "Сбербанк, инкассация" {
		t.Errorf("after staff wrote where the cash went: %+v", ce)
	}
	c.get("/card-refunds", 200).contains(t, "Возвраты на карту", "75,00")
	c.get("/card-refunds/"+*r.CardRefundID, 200).contains(t, `href="/customer-returns/`+*r.CustomerReturnID)
	c.get("/transactions/"+sale.ID, 200).contains(t, `id="sale-returns"`, `href="/transactions/`+ret)
	c.get("/transactions/"+ret, 200).contains(t, `id="link-original"`, `id="link-return"`, `id="link-expense"`, `id="link-card-refund"`)
	c.get("/sales-invoices/"+*sale.SalesInvoiceID, 200).contains(t, `id="invoice-returns"`)
	c.get("/orders/"+id, 200).contains(t, `class="order-return"`, `href="/customer-returns/`+*r.CustomerReturnID)
	kinds := c.get("/transactions?kind=cash_out", 200)
	kinds.contains(t, `href="/transactions/`+out, "Выемка")
	if strings.Contains(kinds.body, `href="/transactions/`+ret) || strings.Contains(kinds.body, `href="/transactions/`+sale.ID) {
		t.Error("the cash outs' list shows other kinds")
	}
	c.get("/transactions?kind=return", 200).contains(t, `href="/transactions/`+ret)

	c.get("/lang/en?next=/orders", 200)
	c.get("/customer-returns/"+*r.CustomerReturnID, 200).contains(t, "Customer return", "Sale line", "Cash expense order", "Card refund")
	c.get("/cash-expenses", 200).contains(t, "Cash expense orders", "Cash out", "Refund to a customer")
	c.get("/card-refunds", 200).contains(t, "Card refunds")
	page = c.get("/transactions", 200)
	page.contains(t, "Any kind", "Cash out", "Return")
	if regexp.MustCompile(`[А-Яа-я]{4,}`).MatchString(strings.Join(regexp.MustCompile(`<th>[^<]*</th>`).FindAllString(page.body, -1), "")) {
		t.Error("the English transactions page has Russian headings")
	}
}
