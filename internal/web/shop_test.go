package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"torg"
	"torg/internal/shoptest"
)

// shop is the shop of internal/shoptest, made through the API, with its goods in stock
// (shoptest.StockBody).
type shop struct {
	e          *env
	wh, desk   string
	milk, soap string
	reg, tok   map[string]string
	retail     string
}

func newShop(t testing.TB, e *env) *shop {
	t.Helper()
	sh := shoptest.New(t, func(method, path, token, body string) (int, []byte) {
		return e.call(method, path, token, body)
	}, e.admin)
	sh.Stock(t)
	return &shop{e: e, wh: sh.WH, desk: sh.CashDesk, milk: sh.Milk, soap: sh.Soap, reg: sh.Register, tok: sh.Token, retail: sh.Retail}
}

func (sh *shop) id(body string) string {
	var v struct{ ID string }
	if err := json.Unmarshal([]byte(body), &v); err != nil || v.ID == "" {
		sh.e.t.Fatalf("no id in %s", body)
	}
	return v.ID
}

// register sends a request to the register channel with the register's token.
func (sh *shop) register(code, method, path, body string) (int, string) {
	sh.e.t.Helper()
	req, _ := http.NewRequest(method, sh.e.url+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+sh.tok[code])
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		sh.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, b.String()
}

// fetchAndAck fetches the register's packages from the start, then acknowledges them all with a
// second fetch, as the register agent does.
func (sh *shop) fetchAndAck(code string) {
	sh.e.t.Helper()
	status, body := sh.register(code, "GET", "/api/v1/register/packages?after=0", "")
	var p struct {
		LastSeq int64 `json:"last_seq"`
	}
	if status != 200 || json.Unmarshal([]byte(body), &p) != nil || p.LastSeq == 0 {
		sh.e.t.Fatalf("fetch of %s: %d %s", code, status, body)
	}
	if status, body := sh.register(code, "GET", fmt.Sprintf("/api/v1/register/packages?after=%d", p.LastSeq), ""); status != 200 {
		sh.e.t.Fatalf("ack of %s: %d %s", code, status, body)
	}
}

// sell claims the order at the register and uploads its closed receipt for the shop's standard two
// lines (2 × MILK, 1.5 × SOAP less 0.85), paid as given.
func (sh *shop) sell(code, orderID, payments string) {
	sh.e.t.Helper()
	if orderID != "" {
		if status, body := sh.register(code, "POST", "/api/v1/register/orders/"+orderID+"/claim", "{}"); status != 200 {
			sh.e.t.Fatalf("claim: %d %s", status, body)
		}
	}
	sh.upload(code, orderID, payments)
}

// upload uploads the closed receipt without claiming its order first.
func (sh *shop) upload(code, orderID, payments string) {
	sh.e.t.Helper()
	order := "null"
	if orderID != "" {
		order = fmt.Sprintf("%q", orderID)
	}
	body := fmt.Sprintf(`{"id":%q,"order_id":%s,"shift_number":3,"receipt_number":%d,"closed_at":%q,
		"cashier":"Иванова","lines":[{"product_id":%q,"quantity":2,"price":15000,"discount":0,"amount":30000},
		{"product_id":%q,"quantity":1.5,"price":8990,"discount":85,"amount":13400}],"payments":%s,"total":43400}`,
		uuid.NewString(), order, len(orderID)+int(uuid.New().ID()%1000), torg.Now().Format(time.RFC3339), sh.milk, sh.soap, payments)
	if status, resp := sh.register(code, "POST", "/api/v1/register/transactions", body); status != 201 {
		sh.e.t.Fatalf("upload: %d %s", status, resp)
	}
}

// order makes an agreed, posted order of the standard two lines through the API, filled with
// registers; it returns the order's id.
func (sh *shop) order(extra string) string {
	sh.e.t.Helper()
	return sh.id(sh.e.api("POST", "/api/v1/orders", fmt.Sprintf(`{"customer_code":"retail","warehouse_id":%q,"status":"agreed",
		"lines":[{"product_code":"MILK","quantity":2},{"product_id":%q,"quantity":1.5,"discount":85}],"fill_registers":true,"post":true%s}`,
		sh.wh, sh.soap, extra)))
}

// lastSale is the id of the sale uploaded last.
func (sh *shop) lastSale() string {
	sh.e.t.Helper()
	var list struct{ Items []struct{ ID string } }
	if err := json.Unmarshal([]byte(sh.e.api("GET", "/api/v1/transactions?kind=sale&limit=1", "")), &list); err != nil || len(list.Items) == 0 {
		sh.e.t.Fatalf("no sale: %v", err)
	}
	return list.Items[0].ID
}

// returnMilk uploads a return of the standard sale's first line (2 × MILK, 300.00) at the register,
// paid back as given.
func (sh *shop) returnMilk(code, saleID, payments string) string {
	sh.e.t.Helper()
	id := uuid.NewString()
	body := fmt.Sprintf(`{"id":%q,"kind":"return","original_transaction_id":%q,"order_id":null,"shift_number":3,"receipt_number":%d,"closed_at":%q,
		"cashier":"Иванова","lines":[{"line_no":1,"product_id":%q,"quantity":2,"price":15000,"discount":0,"amount":30000}],"payments":%s,"total":30000}`,
		id, saleID, 900+int(uuid.New().ID()%1000), torg.Now().Format(time.RFC3339), sh.milk, payments)
	if status, resp := sh.register(code, "POST", "/api/v1/register/transactions", body); status != 201 {
		sh.e.t.Fatalf("upload of a return: %d %s", status, resp)
	}
	return id
}
