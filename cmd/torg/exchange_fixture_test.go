package main

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"torg"
)

// store is a small shop: two warehouses, products, and registers of every kind.
type shop struct {
	s          *testServer
	wh, wh2    string            // warehouse ids
	milk, soap string            // product ids: milk 150.00 ₽ (VAT 10), soap 89.90 ₽ (VAT 22)
	reg        map[string]string // register id by code
	tok        map[string]string // register token by code
}

// newShop makes the shop: R1 and R2 load orders automatically, R3 accepts orders only when added,
// R4 does not work with orders, all at the first warehouse; R5 loads orders automatically at the second.
func newShop(t testing.TB, s *testServer) *shop {
	t.Helper()
	sh := &shop{s: s, reg: map[string]string{}, tok: map[string]string{}}
	sh.wh = s.must(201, "POST", "/api/v1/warehouses", `{"code":"MAIN","name":"Основной"}`)["id"].(string)
	sh.wh2 = s.must(201, "POST", "/api/v1/warehouses", `{"code":"SECOND","name":"Второй"}`)["id"].(string)
	sh.milk = s.must(201, "POST", "/api/v1/products", `{"code":"MILK","name":"Молоко","price":15000,"vat_rate":"10"}`)["id"].(string)
	sh.soap = s.must(201, "POST", "/api/v1/products", `{"code":"SOAP","name":"Мыло","price":8990}`)["id"].(string)
	for _, r := range []struct {
		code, wh          string
		accepts, autoLoad bool
	}{{"R1", sh.wh, true, true}, {"R2", sh.wh, true, true}, {"R3", sh.wh, true, false}, {"R4", sh.wh, false, false}, {"R5", sh.wh2, true, true}} {
		sh.addRegister(t, r.code, r.wh, r.accepts, r.autoLoad)
	}
	return sh
}

func (sh *shop) addRegister(t testing.TB, code, wh string, accepts, autoLoad bool) {
	t.Helper()
	id := sh.s.must(201, "POST", "/api/v1/registers", fmt.Sprintf(`{"code":%q,"name":"Касса %s","warehouse_id":%q,"accepts_orders":%v,"auto_load_orders":%v}`,
		code, code, wh, accepts, autoLoad))["id"].(string)
	sh.reg[code] = id
	sh.tok[code] = sh.s.must(201, "POST", "/api/v1/registers/"+id+"/token", "")["token"].(string)
}

// order creates an order from JSON fields added to a two-line order at the first warehouse.
func (sh *shop) order(t testing.TB, extra string) map[string]any {
	t.Helper()
	body := fmt.Sprintf(`{"customer_code":"retail","warehouse_id":%q,"lines":[{"product_code":"MILK","quantity":2},{"product_id":%q,"quantity":1.5,"discount":85}]%s}`,
		sh.wh, sh.soap, extra)
	return sh.s.must(201, "POST", "/api/v1/orders", body)
}

// packages is what a register fetched.
type packages struct {
	Packages []struct {
		Seq     int64           `json:"seq"`
		Kind    string          `json:"kind"`
		Order   json.RawMessage `json:"order"`
		OrderID string          `json:"order_id"`
		Reason  string          `json:"reason"`
		// order.claimed
		RegisterName string `json:"register_name"`
	} `json:"packages"`
	LastSeq int64 `json:"last_seq"`
}

// fetch reads a register's packages after the seq without waiting.
func (sh *shop) fetch(t testing.TB, code string, after int64) packages {
	t.Helper()
	resp := sh.s.do("GET", fmt.Sprintf("/api/v1/register/packages?after=%d", after), sh.tok[code], "")
	if resp.status != 200 {
		t.Fatalf("packages of %s: %d %s", code, resp.status, resp.body)
	}
	var p packages
	if err := json.Unmarshal(resp.body, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// kinds summarises a register's packages after a seq as "kind:order-or-reason" strings.
func (sh *shop) kinds(t testing.TB, code string, after int64) []string {
	t.Helper()
	var out []string
	for _, p := range sh.fetch(t, code, after).Packages {
		if p.Kind == "order.upsert" {
			var o struct{ Version int64 }
			json.Unmarshal(p.Order, &o)
			out = append(out, fmt.Sprintf("upsert v%d", o.Version))
		} else if p.Kind == "order.claimed" {
			out = append(out, "claimed by "+p.RegisterName)
		} else if p.Kind == "order.released" {
			out = append(out, "released")
		} else {
			out = append(out, "delete "+p.Reason)
		}
	}
	return out
}

// states maps register code to its delivery state on the order.
func (sh *shop) states(t testing.TB, orderID string) map[string]string {
	t.Helper()
	o := sh.s.must(200, "GET", "/api/v1/orders/"+orderID, "")
	codes := map[string]string{}
	for code, id := range sh.reg {
		codes[id] = code
	}
	out := map[string]string{}
	for _, r := range o["registers"].([]any) {
		m := r.(map[string]any)
		out[codes[m["register_id"].(string)]] = m["state"].(string)
	}
	return out
}

// receipt is a closed receipt for the shop's standard two-line order, paid as given.
func (sh *shop) receipt(orderID string, version int64, payments string) string {
	order := "null"
	if orderID != "" {
		order = fmt.Sprintf("%q", orderID)
	}
	return fmt.Sprintf(`{"id":%q,"order_id":%s,"order_version":%d,"shift_number":1,"receipt_number":1,"closed_at":%q,
		"cashier":"Иванова","lines":[{"product_id":%q,"quantity":2,"price":15000,"discount":0,"amount":30000},
		{"product_id":%q,"quantity":1.5,"price":8990,"discount":85,"amount":13400}],"payments":%s,"total":43400}`,
		uuid.NewString(), order, version, torg.Now().Format(time.RFC3339), sh.milk, sh.soap, payments)
}

// ackAll acknowledges every package the register has.
func (sh *shop) ackAll(t testing.TB, code string) {
	t.Helper()
	sh.fetch(t, code, sh.fetch(t, code, 0).LastSeq)
}
