package api_test

import (
	"testing"

	"torg"
	"torg/internal/shoptest"
)

// shop is the shop of internal/shoptest, made through the API under test, under the short names the
// contract tests use.
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
func (sh *shop) order(t testing.TB, extra string) torg.Order {
	t.Helper()
	return call[torg.Order](sh.s, 201, "POST", "/api/v1/orders", sh.OrderBody(extra))
}

// fetch reads a register's packages after the seq without waiting.
func (sh *shop) fetch(t testing.TB, code string, after int64) torg.Packages {
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
