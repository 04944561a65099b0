package main

import (
	"testing"

	"torg"
	"torg/internal/shoptest"
)

// shop is the shop of internal/shoptest, made through a real torg serve, under the short names the
// process tests use.
type shop struct {
	*shoptest.Shop
	s          *testServer
	wh, wh2    string            // warehouse ids: MAIN and SECOND
	milk, soap string            // product ids: milk 150.00 ₽ (VAT 10), soap 89.90 ₽ (VAT 22)
	reg        map[string]string // register id by code
	tok        map[string]string // register token by code
}

// newShop makes the shop (shoptest.Registers: R1–R4 at MAIN, R5 at SECOND).
func newShop(t testing.TB, s *testServer) *shop {
	t.Helper()
	w := &shop{s: s}
	sh := shoptest.New(t, func(method, path, token, body string) (int, []byte) {
		r := w.s.do(method, path, token, body) // w.s: a test may move the shop to another server
		return r.status, r.body
	}, s.admin)
	w.Shop, w.wh, w.wh2, w.milk, w.soap, w.reg, w.tok = sh, sh.WH, sh.WH2, sh.Milk, sh.Soap, sh.Register, sh.Token
	return w
}

// addRegister makes one more register at the warehouse (an id) and its token.
func (sh *shop) addRegister(t testing.TB, code, wh string, accepts, autoLoad bool) {
	t.Helper()
	sh.AddRegister(t, shoptest.Register{Code: code, Name: "Касса " + code, Warehouse: wh, AcceptsOrders: accepts, AutoLoad: autoLoad})
}

// order creates an order from JSON fields added to the shop's two-line order at MAIN.
func (sh *shop) order(t testing.TB, extra string) map[string]any {
	t.Helper()
	return sh.s.must(201, "POST", "/api/v1/orders", sh.OrderBody(extra))
}

// packages is what a register fetched.
type packages = torg.Packages

// fetch reads a register's packages after the seq without waiting.
func (sh *shop) fetch(t testing.TB, code string, after int64) packages {
	return sh.Fetch(t, code, after)
}

// kinds summarises a register's packages after a seq as "kind:order-or-reason" strings.
func (sh *shop) kinds(t testing.TB, code string, after int64) []string {
	return sh.Kinds(t, code, after)
}

// states maps register code to its delivery state on the order.
func (sh *shop) states(t testing.TB, orderID string) map[string]string { return sh.States(t, orderID) }

// receipt is a closed receipt for the shop's standard two-line order, paid as given.
func (sh *shop) receipt(orderID string, version int64, payments string) string {
	return sh.Receipt(orderID, version, payments)
}

// ackAll acknowledges every package the register has.
func (sh *shop) ackAll(t testing.TB, code string) { sh.AckAll(t, code) }

// sell makes an agreed order posted to R1..R3, and uploads the register's receipt for it paid as given.
func (sh *shop) sell(t testing.TB, code, payments string) (orderID, txID string) {
	t.Helper()
	return sh.Sell(t, code, payments)
}

// run runs KKMTransfer through the API and returns its counts.
func (sh *shop) run(t testing.TB) map[string]any {
	t.Helper()
	return sh.s.must(200, "POST", "/api/v1/jobs/kkm-transfer/run", "")
}

// reportItems is a report's items.
func reportItems(t testing.TB, s *testServer, path string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, it := range s.must(200, "GET", path, "")["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

// retailID is the id of the retail customer.
func retailID(t testing.TB, s *testServer) string {
	t.Helper()
	return s.must(200, "GET", "/api/v1/customers?code=retail", "")["items"].([]any)[0].(map[string]any)["id"].(string)
}

// hasField reports whether a problem names the field.
func hasField(problem map[string]any, field string) bool {
	errs, _ := problem["errors"].([]any)
	for _, e := range errs {
		if e.(map[string]any)["field"] == field {
			return true
		}
	}
	return false
}
