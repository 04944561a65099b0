// Package shoptest is the one shop every test suite works in — the store's, the API's, the web UI's,
// the benchmarks' and the process tests': its warehouses, cash desk, products, registers and their
// tokens, defined once here and made through the HTTP API (New) or through the store (InStore).
package shoptest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"torg"
	"torg/internal/store"
)

// Warehouse is a warehouse of the shop.
type Warehouse struct{ Code, Name string }

// Product is a product of the shop; Price is in kopecks.
type Product struct {
	Code, Name string
	Price      int64
	VATRate    string // empty: the default rate
	Barcodes   []string
}

// Register is a register of the shop. Warehouse is a warehouse's code, or the id of one a test made
// itself; CashDesk is the code of its cash desk, empty for none.
type Register struct {
	Code, Name, Warehouse   string
	AcceptsOrders, AutoLoad bool
	CashDesk                string
}

// The shop's contents.
var (
	// Warehouses: registers R1–R4 are at MAIN, R5 at SECOND.
	Warehouses = []Warehouse{{"MAIN", "Основной склад"}, {"SECOND", "Второй склад"}}
	// CashDesk is where R1's cash goes.
	CashDesk = Warehouse{"CASH1", "Касса торгового зала"}
	// Products: milk at 150.00 ₽ with VAT 10%, soap at 89.90 ₽ with the default rate.
	Products = []Product{
		{Code: "MILK", Name: "Молоко 3,2% 1 л", Price: 15000, VATRate: "10", Barcodes: []string{"4600000000011"}},
		{Code: "SOAP", Name: "Мыло хозяйственное", Price: 8990},
	}
	// Registers: R1 and R2 load orders automatically (R1 records cash in the cash desk), R3 accepts
	// orders only when added to one, R4 does not work with orders; R5 loads orders at the second warehouse.
	Registers = []Register{
		{"R1", "Касса R1", "MAIN", true, true, "CASH1"},
		{"R2", "Касса R2", "MAIN", true, true, ""},
		{"R3", "Касса R3", "MAIN", true, false, ""},
		{"R4", "Касса R4", "MAIN", false, false, ""},
		{"R5", "Касса R5", "SECOND", true, true, ""},
	}
)

// StockBody is a goods receipt that puts 40 milk and 25 soap in stock at MAIN, for tests that sell
// from stock; the shop starts with none.
const StockBody = `{"warehouse_code":"MAIN","lines":[{"product_code":"MILK","quantity":40,"cost":9000},{"product_code":"SOAP","quantity":25,"cost":5000}]}`

// Client sends a request to the API with a bearer token (none when empty) and returns the answer's
// status and body. Each suite passes its own, which checks every answer against the OpenAPI document.
type Client func(method, path, token, body string) (status int, answer []byte)

// Shop is the shop as made: the ids of what it holds, by code, and each register's token.
type Shop struct {
	c          Client
	admin      string
	Warehouse  map[string]string // id by code
	CashDesk   string            // id
	Product    map[string]string // id by code
	Register   map[string]string // id by code
	Token      map[string]string // bearer token by register code
	Retail     string            // the id of the retail customer every database has
	WH, WH2    string            // the ids of MAIN and SECOND
	Milk, Soap string            // the ids of MILK and SOAP
}

// New makes the shop through the API with an admin's token.
func New(t testing.TB, c Client, adminToken string) *Shop {
	t.Helper()
	sh := &Shop{c: c, admin: adminToken, Warehouse: map[string]string{}, Product: map[string]string{}, Register: map[string]string{}, Token: map[string]string{}}
	for _, w := range Warehouses {
		sh.Warehouse[w.Code] = sh.id(t, "POST", "/api/v1/warehouses", map[string]any{"code": w.Code, "name": w.Name})
	}
	sh.CashDesk = sh.id(t, "POST", "/api/v1/cash-desks", map[string]any{"code": CashDesk.Code, "name": CashDesk.Name})
	for _, p := range Products {
		in := map[string]any{"code": p.Code, "name": p.Name, "price": p.Price}
		if p.VATRate != "" {
			in["vat_rate"] = p.VATRate
		}
		if p.Barcodes != nil {
			in["barcodes"] = p.Barcodes
		}
		sh.Product[p.Code] = sh.id(t, "POST", "/api/v1/products", in)
	}
	for _, r := range Registers {
		sh.AddRegister(t, r)
	}
	var customers struct{ Items []struct{ ID string } }
	sh.answer(t, 200, "GET", "/api/v1/customers?code=retail", nil, &customers)
	if len(customers.Items) != 1 {
		t.Fatalf("the retail customer: %+v", customers)
	}
	sh.Retail = customers.Items[0].ID
	sh.WH, sh.WH2 = sh.Warehouse["MAIN"], sh.Warehouse["SECOND"]
	sh.Milk, sh.Soap = sh.Product["MILK"], sh.Product["SOAP"]
	return sh
}

// AddRegister makes one more register and its token.
func (sh *Shop) AddRegister(t testing.TB, r Register) {
	t.Helper()
	in := map[string]any{"code": r.Code, "name": r.Name, "warehouse_id": sh.Warehouse[r.Warehouse],
		"accepts_orders": r.AcceptsOrders, "auto_load_orders": r.AutoLoad}
	if r.Warehouse == "" {
		t.Fatalf("register %s names no warehouse", r.Code)
	}
	if _, ok := sh.Warehouse[r.Warehouse]; !ok {
		in["warehouse_id"] = r.Warehouse // an id, not a code
	}
	if r.CashDesk != "" {
		in["cash_desk_id"] = sh.CashDesk
	}
	rid := sh.id(t, "POST", "/api/v1/registers", in)
	sh.Register[r.Code] = rid
	var tok struct{ Token string }
	sh.answer(t, 201, "POST", "/api/v1/registers/"+rid+"/token", nil, &tok)
	sh.Token[r.Code] = tok.Token
}

// id sends a creating request and returns the id of what it made.
func (sh *Shop) id(t testing.TB, method, path string, in any) string {
	t.Helper()
	var v struct{ ID string }
	sh.answer(t, 201, method, path, in, &v)
	if v.ID == "" {
		t.Fatalf("%s %s: no id", method, path)
	}
	return v.ID
}

// answer sends a request, fails the test unless it gets the status, and decodes the answer into out.
func (sh *Shop) answer(t testing.TB, status int, method, path string, in, out any) {
	t.Helper()
	body := ""
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		body = string(b)
	}
	got, b := sh.c(method, path, sh.admin, body)
	if got != status {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, got, status, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("%s %s: %v: %s", method, path, err, b)
	}
}

// Stock receives StockBody's goods at MAIN.
func (sh *Shop) Stock(t testing.TB) {
	t.Helper()
	if status, b := sh.c("POST", "/api/v1/goods-receipts", sh.admin, StockBody); status != 201 {
		t.Fatalf("goods receipt: %d %s", status, b)
	}
}

// OrderBody is an order of the shop's two standard lines at MAIN — 2 × MILK, and 1.5 × SOAP with
// 0.85 ₽ off: 434.00 ₽ — for the retail customer, with the JSON fields of extra (each after a comma).
func (sh *Shop) OrderBody(extra string) string {
	return fmt.Sprintf(`{"customer_code":"retail","warehouse_id":%q,"lines":[{"product_code":"MILK","quantity":2},{"product_id":%q,"quantity":1.5,"discount":85}]%s}`,
		sh.WH, sh.Soap, extra)
}

// Order makes the order of OrderBody.
func (sh *Shop) Order(t testing.TB, extra string) torg.Order {
	t.Helper()
	var o torg.Order
	sh.answer(t, 201, "POST", "/api/v1/orders", json.RawMessage(sh.OrderBody(extra)), &o)
	return o
}

// Fetch reads a register's packages after the seq without waiting.
func (sh *Shop) Fetch(t testing.TB, code string, after int64) torg.Packages {
	t.Helper()
	status, b := sh.c("GET", fmt.Sprintf("/api/v1/register/packages?after=%d", after), sh.Token[code], "")
	if status != 200 {
		t.Fatalf("packages of %s: %d %s", code, status, b)
	}
	var p torg.Packages
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// AckAll acknowledges every package the register has.
func (sh *Shop) AckAll(t testing.TB, code string) {
	t.Helper()
	sh.Fetch(t, code, sh.Fetch(t, code, 0).LastSeq)
}

// Kinds summarises a register's packages after a seq: "upsert v2", "claimed by Касса R1",
// "released", "delete sold".
func (sh *Shop) Kinds(t testing.TB, code string, after int64) []string {
	t.Helper()
	var out []string
	for _, p := range sh.Fetch(t, code, after).Packages {
		switch p.Kind {
		case "order.upsert":
			var o torg.OrderSnapshot
			if err := json.Unmarshal(p.Order, &o); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("upsert v%d", o.Version))
		case "order.claimed":
			out = append(out, "claimed by "+p.RegisterName)
		case "order.released":
			out = append(out, "released")
		default:
			out = append(out, "delete "+p.Reason)
		}
	}
	return out
}

// States maps register code to its delivery state on the order.
func (sh *Shop) States(t testing.TB, orderID string) map[string]string {
	t.Helper()
	var o torg.Order
	sh.answer(t, 200, "GET", "/api/v1/orders/"+orderID, nil, &o)
	codes := map[string]string{}
	for code, id := range sh.Register {
		codes[id] = code
	}
	out := map[string]string{}
	for _, r := range o.Registers {
		out[codes[r.RegisterID]] = string(r.State)
	}
	return out
}

// Receipt is a closed receipt for the order of OrderBody (none when orderID is empty) at its
// version, paid as given: a register's upload.
func (sh *Shop) Receipt(orderID string, version int64, payments string) string {
	order := "null"
	if orderID != "" {
		order = fmt.Sprintf("%q", orderID)
	}
	return fmt.Sprintf(`{"id":%q,"order_id":%s,"order_version":%d,"shift_number":1,"receipt_number":1,"closed_at":%q,
		"cashier":"Иванова","lines":[{"product_id":%q,"quantity":2,"price":15000,"discount":0,"amount":30000},
		{"product_id":%q,"quantity":1.5,"price":8990,"discount":85,"amount":13400}],"payments":%s,"total":43400}`,
		uuid.NewString(), order, version, torg.Now().Format(time.RFC3339), sh.Milk, sh.Soap, payments)
}

// Sell makes an agreed order of OrderBody posted to R1, R2 and R3, and uploads the register's
// closed receipt for it, paid as given.
func (sh *Shop) Sell(t testing.TB, code, payments string) (orderID, transactionID string) {
	t.Helper()
	o := sh.Order(t, `,"status":"agreed","fill_registers":true,"register_ids":["`+sh.Register["R3"]+`"],"post":true`)
	status, b := sh.c("POST", "/api/v1/register/transactions", sh.Token[code], sh.Receipt(o.ID, 1, payments))
	if status != 201 {
		t.Fatalf("upload: %d %s", status, b)
	}
	var tr torg.Transaction
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatal(err)
	}
	return o.ID, tr.ID
}

// InStore makes the shop through the store, for the store's own tests, which run without the API.
// Its client is nil: the methods that send requests are for a shop made by New.
func InStore(t testing.TB, st *store.Store) *Shop {
	t.Helper()
	ctx := context.Background()
	sh := &Shop{Warehouse: map[string]string{}, Product: map[string]string{}, Register: map[string]string{}, Token: map[string]string{}}
	err := st.Update(ctx, func(tx *store.Tx) error {
		for _, w := range Warehouses {
			v, err := store.Warehouses.Create(ctx, tx, torg.WarehouseInput{Code: torg.Of(w.Code), Name: torg.Of(w.Name)})
			if err != nil {
				return err
			}
			sh.Warehouse[w.Code] = v.ID
		}
		desk, err := store.CashDesks.Create(ctx, tx, torg.CashDeskInput{Code: torg.Of(CashDesk.Code), Name: torg.Of(CashDesk.Name)})
		if err != nil {
			return err
		}
		sh.CashDesk = desk.ID
		for _, p := range Products {
			in := torg.ProductInput{Code: torg.Of(p.Code), Name: torg.Of(p.Name), Price: torg.Of(torg.Money(p.Price))}
			if p.VATRate != "" {
				in.VATRate = torg.Of(torg.VATRate(p.VATRate))
			}
			if p.Barcodes != nil {
				in.Barcodes = torg.Of(p.Barcodes)
			}
			v, err := store.Products.Create(ctx, tx, in)
			if err != nil {
				return err
			}
			sh.Product[p.Code] = v.ID
		}
		for _, r := range Registers {
			in := torg.RegisterInput{Code: torg.Of(r.Code), Name: torg.Of(r.Name), WarehouseID: torg.Of(sh.Warehouse[r.Warehouse]),
				AcceptsOrders: torg.Of(r.AcceptsOrders), AutoLoadOrders: torg.Of(r.AutoLoad)}
			if r.CashDesk != "" {
				in.CashDeskID = torg.Of(sh.CashDesk)
			}
			v, err := store.Registers.Create(ctx, tx, in)
			if err != nil {
				return err
			}
			tok, err := tx.IssueRegisterToken(ctx, v.ID)
			if err != nil {
				return err
			}
			sh.Register[r.Code], sh.Token[r.Code] = v.ID, tok.Token
		}
		retail, err := store.Customers.List(ctx, tx, torg.RetailCustomerCode, torg.Page{Limit: 1})
		if err != nil || len(retail.Items) != 1 {
			return fmt.Errorf("the retail customer: %v %+v", err, retail)
		}
		sh.Retail = retail.Items[0].ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sh.WH, sh.WH2 = sh.Warehouse["MAIN"], sh.Warehouse["SECOND"]
	sh.Milk, sh.Soap = sh.Product["MILK"], sh.Product["SOAP"]
	return sh
}
