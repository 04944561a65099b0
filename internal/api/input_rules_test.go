package api_test

import (
	"fmt"
	"strings"
	"testing"

	"torg"
)

// refused sends a request as the admin (or the token given) and fails unless it gets 422 naming
// every field.
func refused(t *testing.T, s *testServer, token, method, path, body string, fields ...string) {
	t.Helper()
	if token == "" {
		token = s.admin
	}
	r := s.do(method, path, token, body)
	if r.status != 422 || r.slug(t) != "validation" {
		t.Fatalf("%s %s: got %d %s", method, path, r.status, r.body)
	}
	p := r.problem(t)
	for _, f := range fields {
		if !hasField(p, f) {
			t.Errorf("%s %s: %s is not named: %s", method, path, f, r.body)
		}
	}
}

// TestInputRules checks, over HTTP on every dialect, how the API treats input that a lenient
// parser would take silently: each refusal names what it refuses and changes nothing.
func TestInputRules(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		t.Run("a query joined by semicolons is refused naming its parameters", func(t *testing.T) {
			r := s.do("GET", "/api/v1/products?limit=5;colour=red", s.admin, "")
			p := r.problem(t)
			if r.status != 422 || r.slug(t) != "validation" || !hasField(p, "limit") || !hasField(p, "colour") {
				t.Fatalf("got %d %s", r.status, r.body)
			}
		})
		sh := newShop(t, s)
		order := sh.order(t, "")
		orders := len(listAll[torg.Order](t, s, "/api/v1/orders"))
		t.Run("a key given twice is refused naming it with its path, in every body", func(t *testing.T) {
			refused(t, s, "", "POST", "/api/v1/products", `{"code":"TWICE","name":"a","name":"b"}`, "name")
			refused(t, s, "", "POST", "/api/v1/orders", fmt.Sprintf(`{"customer_code":"retail","warehouse_id":%q,
				"lines":[{"product_code":"MILK","quantity":1},{"product_code":"SOAP","quantity":1,"quantity":100}]}`, sh.wh), "lines[1].quantity")
			refused(t, s, "", "PATCH", "/api/v1/orders/"+order.ID, `{"comment":"a","lines":[{"product_code":"MILK","quantity":1,"price":1,"price":2}],"comment":"b"}`,
				"comment", "lines[0].price")
			refused(t, s, "", "POST", "/api/v1/api-tokens", `{"name":"x","role":"viewer","role":"admin"}`, "role")
			receipt := strings.Replace(sh.receipt("", 0, `[{"type":"cash","amount":43400}]`), `"total":43400`, `"total":43400,"total":0`, 1)
			refused(t, s, sh.tok["R1"], "POST", "/api/v1/register/transactions", receipt, "total")
			if n := len(call[torg.List[torg.Product]](s, 200, "GET", "/api/v1/products?code=TWICE", "").Items); n != 0 {
				t.Errorf("%d products made", n)
			}
			if got := call[torg.Order](s, 200, "GET", "/api/v1/orders/"+order.ID, ""); got.Version != order.Version {
				t.Errorf("the order changed: version %v", got.Version)
			}
			if n := len(listAll[torg.Order](t, s, "/api/v1/orders")); n != orders {
				t.Errorf("%d orders, want %d", n, orders)
			}
		})
		t.Run("a lone surrogate escape is refused naming the field", func(t *testing.T) {
			refused(t, s, "", "POST", "/api/v1/customers", `{"code":"SUR","name":"a\ud800b"}`, "name")
			refused(t, s, "", "POST", "/api/v1/orders", fmt.Sprintf(`{"customer_code":"retail","warehouse_id":%q,"comment":"\udfff",
				"lines":[{"product_code":"MILK","quantity":1}]}`, sh.wh), "comment")
			receipt := strings.Replace(sh.receipt("", 0, `[{"type":"cash","amount":43400}]`), `"Иванова"`, `"\ud83c"`, 1)
			refused(t, s, sh.tok["R1"], "POST", "/api/v1/register/transactions", receipt, "cashier")
			created := call[torg.Customer](s, 201, "POST", "/api/v1/customers", `{"code":"PAIR","name":"\ud83c\udf84 \\ud800"}`)
			if created.Name != "🎄 \\ud800" {
				t.Errorf("a surrogate pair and an escaped backslash are stored as %q", created.Name)
			}
		})
		t.Run("codes and names are stored NFC-normalised: two spellings of one text are one code", func(t *testing.T) {
			created := call[torg.Customer](s, 201, "POST", "/api/v1/customers", `{"code":"Ue\u0301","name":"Cafe\u0301"}`)
			if created.Code != "U\u00e9" || created.Name != "Caf\u00e9" {
				t.Fatalf("stored %q %q", created.Code, created.Name)
			}
			if r := s.do("POST", "/api/v1/customers", s.admin, `{"code":"U\u00e9","name":"n"}`); r.status != 409 || r.slug(t) != "duplicate" || !hasField(r.problem(t), "code") {
				t.Fatalf("the second spelling: %d %s", r.status, r.body)
			}
			if items := call[torg.List[torg.Customer]](s, 200, "GET", "/api/v1/customers?code=Ue%CC%81", "").Items; len(items) != 1 {
				t.Fatalf("the filter in the other spelling finds %d", len(items))
			}
			o := call[torg.Order](s, 201, "POST", "/api/v1/orders", fmt.Sprintf(`{"customer_code":"Ue\u0301","warehouse_id":%q,"external_number":"SHOP-e\u0301",
				"comment":"Позвонить за час, e\u0301","lines":[{"product_code":"MILK","quantity":1}]}`, sh.wh))
			if o.CustomerID != created.ID || o.ExternalNumber == nil || *o.ExternalNumber != "SHOP-\u00e9" || o.Comment != "Позвонить за час, \u00e9" {
				t.Fatalf("order %+v", o)
			}
			if items := call[torg.List[torg.Order]](s, 200, "GET", "/api/v1/orders?external_number=SHOP-%C3%A9", "").Items; len(items) != 1 {
				t.Fatalf("the order by its external number: %d", len(items))
			}
		})
		t.Run("invisible characters are refused in every text field", func(t *testing.T) {
			refused(t, s, "", "POST", "/api/v1/products", `{"code":"A\u034fB","name":"n\u2060","unit":"\u00adшт"}`, "code", "name", "unit")
			refused(t, s, "", "POST", "/api/v1/orders", fmt.Sprintf(`{"customer_code":"retail","warehouse_id":%q,"external_number":"S\ufe0f",
				"comment":"a\u200db","lines":[{"product_code":"MILK","quantity":1}]}`, sh.wh), "external_number", "comment")
			receipt := strings.Replace(sh.receipt("", 0, `[{"type":"cash","amount":43400}]`), `"Иванова"`, `"Иван\u034fова"`, 1)
			refused(t, s, sh.tok["R1"], "POST", "/api/v1/register/transactions", receipt, "cashier")
			refused(t, s, "", "POST", "/api/v1/api-tokens", `{"name":"shop\u180e","role":"viewer"}`, "name")
		})
		t.Run("every answer says nosniff", func(t *testing.T) {
			for _, path := range []string{"/api/v1/products", "/api/v1/nothing", "/openapi.json", "/docs", "/healthz"} {
				if r := s.do("GET", path, s.admin, ""); r.header.Get("X-Content-Type-Options") != "nosniff" {
					t.Errorf("GET %s (%d): X-Content-Type-Options %q", path, r.status, r.header.Get("X-Content-Type-Options"))
				}
			}
		})
	})
}
