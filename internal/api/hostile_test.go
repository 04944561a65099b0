package api_test

import (
	"fmt"
	"strings"
	"testing"

	"torg"
)

// TestHostileInput is a catalogue of malicious inputs, each with the answer it gets. Refused ones
// change nothing; accepted ones are stored as plain text, exactly as sent.
func TestHostileInput(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		sh := newShop(t, s)
		counts := func() string {
			return fmt.Sprint(len(listAll[torg.Product](t, s, "/api/v1/products")), len(listAll[torg.Order](t, s, "/api/v1/orders")), len(listAll[torg.Customer](t, s, "/api/v1/customers")))
		}
		order := func(lines string) string {
			return fmt.Sprintf(`{"customer_code":"retail","warehouse_id":%q,"lines":[%s]}`, sh.wh, lines)
		}
		refused := []struct {
			name, method, path, body string
			status                   int
			slug                     string
		}{
			{"a NUL byte in a code", "POST", "/api/v1/products", `{"code":"A\u0000B","name":"n"}`, 422, "validation"},
			{"a line break in a name", "POST", "/api/v1/customers", `{"code":"C9","name":"a\nb"}`, 422, "validation"},
			{"a right-to-left override in a code", "POST", "/api/v1/products", `{"code":"ABC\u202e","name":"n"}`, 422, "validation"},
			{"invalid UTF-8", "POST", "/api/v1/products", "{\"code\":\"\xff\xfe\",\"name\":\"n\"}", 400, "malformed"},
			{"a zero-width space in a code", "POST", "/api/v1/products", `{"code":"AB\u200bC","name":"n"}`, 422, "validation"},
			{"a NUL in a product id of an order line", "POST", "/api/v1/orders", order(`{"product_id":"p\u0000","quantity":1}`), 422, "validation"},
			{"a NUL in a filter", "GET", "/api/v1/customers?code=%00", "", 422, "validation"},
			{"a price of 1e308", "POST", "/api/v1/products", `{"code":"X1","name":"n","price":1e308}`, 422, "validation"},
			{"a quantity of 1e-400", "POST", "/api/v1/orders", order(`{"product_code":"MILK","quantity":1e-400}`), 422, "validation"},
			{"a quantity beyond a billion units", "POST", "/api/v1/orders", order(`{"product_code":"MILK","quantity":1000000001}`), 422, "validation"},
			{"quantity × price beyond any sum", "POST", "/api/v1/orders", order(`{"product_code":"MILK","quantity":999999999,"price":999999999999999}`), 422, "validation"},
			{"NaN as a quantity", "POST", "/api/v1/orders", order(`{"product_code":"MILK","quantity":NaN}`), 400, "malformed"},
			{"a negative discount", "POST", "/api/v1/orders", order(`{"product_code":"MILK","quantity":1,"discount":-100}`), 422, "validation"},
			{"JSON nested ten thousand deep", "POST", "/api/v1/products", strings.Repeat("[", 10000) + strings.Repeat("]", 10000), 400, "malformed"},
			{"a body of a million keys", "POST", "/api/v1/products", "{" + strings.Repeat(`"a":1,`, 180000) + `"b":1}`, 413, "too-large"},
			{"a path climbing out", "GET", "/api/v1/products/..%2F..%2Fetc%2Fpasswd", "", 404, "not-found"},
			{"a NUL in an id", "GET", "/api/v1/orders/%00", "", 404, "not-found"},
			{"a ten-kilobyte id", "GET", "/api/v1/customers/" + strings.Repeat("a", 10000), "", 404, "not-found"},
			{"SQL in a filter", "GET", "/api/v1/orders?status=new'%20OR%20'1'='1", "", 422, "validation"},
			{"SQL in a cursor", "GET", "/api/v1/orders?after=MScgT1IgJzEnPScx", "", 422, "validation"},
		}
		for _, c := range refused {
			t.Run(c.name, func(t *testing.T) {
				before := counts()
				r := s.do(c.method, c.path, s.admin, c.body)
				if r.status != c.status || r.slug(t) != c.slug {
					t.Fatalf("got %d %.300s, want %d %s", r.status, r.body, c.status, c.slug)
				}
				if after := counts(); after != before {
					t.Fatalf("counts %s → %s", before, after)
				}
			})
		}
		t.Run("a ten-kilobyte bearer token is unauthorized", func(t *testing.T) {
			if r := s.do("GET", "/api/v1/products", strings.Repeat("x", 10000), ""); r.status != 401 {
				t.Fatalf("got %d", r.status)
			}
		})
		t.Run("an Idempotency-Key with a control character is refused", func(t *testing.T) {
			if r := s.do("POST", "/api/v1/warehouses", s.admin, `{"code":"IK","name":"n"}`, "Idempotency-Key", "a\tb"); r.status != 422 {
				t.Fatalf("got %d %s", r.status, r.body)
			}
		})
		accepted := []struct{ field, value string }{
			{"code", `x'); DROP TABLE products; --`},
			{"name", `Robert'); DROP TABLE students;--`},
			{"name", `<script>alert("xss")</script><img src=x onerror=alert(1)>`},
			{"name", `{{.Secret}} ${7*7} %s%n`},
			{"name", "Ёлки-палки 🎄 ﷽ Z̤͔ͧ̑̓ä͖̭̈̇l͖͎g̞̥͈ͮo"},
		}
		for i, c := range accepted {
			t.Run("stored verbatim: "+c.value, func(t *testing.T) {
				code, name := fmt.Sprintf("H%d", i), "n"
				if c.field == "code" {
					code = c.value
				} else {
					name = c.value
				}
				body := fmt.Sprintf(`{"code":%q,"name":%q}`, code, name)
				created := call[torg.Customer](s, 201, "POST", "/api/v1/customers", body)
				got := call[torg.Customer](s, 200, "GET", "/api/v1/customers/"+created.ID, "")
				if got.Code != code || got.Name != name {
					t.Fatalf("stored %+v", got)
				}
				if len(listAll[torg.Product](t, s, "/api/v1/products")) == 0 {
					t.Fatal("the products are gone")
				}
			})
		}
	})
}
