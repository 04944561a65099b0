package api_test

import (
	"fmt"
	"net/http"
	"testing"
)

func TestCatalogsOverHTTP(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		t.Run("a new user creates every catalog and reads it back", func(t *testing.T) {
			wh := s.must(201, "POST", "/api/v1/warehouses", `{"code":"MAIN","name":"Основной склад"}`)
			cd := s.must(201, "POST", "/api/v1/cash-desks", `{"code":"CASH1","name":"Касса магазина"}`)
			p := s.must(201, "POST", "/api/v1/products", `{"code":"MILK","name":"Молоко 1 л","price":8990,"barcodes":["4600000000017"]}`)
			if p["unit"] != "шт" || p["vat_rate"] != "22" || p["price"] != 8990.0 {
				t.Fatalf("product defaults: %v", p)
			}
			c := s.must(201, "POST", "/api/v1/customers", `{"code":"C1","name":"ООО Ромашка","inn":"7701234567","email":"buh@romashka.ru"}`)
			r := s.must(201, "POST", "/api/v1/registers", fmt.Sprintf(
				`{"code":"R1","name":"Касса 1","warehouse_id":%q,"accepts_orders":true,"auto_load_orders":true,"cash_desk_id":%q}`, wh["id"], cd["id"]))
			if r["acked_seq"] != 0.0 || r["last_seen_at"] != nil || r["cash_desk_id"] != cd["id"] {
				t.Fatalf("register: %v", r)
			}
			got := s.must(200, "GET", "/api/v1/customers/"+c["id"].(string), "")
			if got["inn"] != "7701234567" {
				t.Fatalf("customer: %v", got)
			}
			list := s.must(200, "GET", "/api/v1/products?code=MILK", "")
			if items := list["items"].([]any); len(items) != 1 || list["next"] != nil {
				t.Fatalf("list by code: %v", list)
			}
		})
		t.Run("a patch changes only the fields it names and can clear the cash desk", func(t *testing.T) {
			wh := s.must(201, "POST", "/api/v1/warehouses", `{"code":"W2","name":"Второй"}`)
			cd := s.must(201, "POST", "/api/v1/cash-desks", `{"code":"CASH2","name":"Касса 2"}`)
			r := s.must(201, "POST", "/api/v1/registers", fmt.Sprintf(`{"code":"R2","name":"Касса 2","warehouse_id":%q,"cash_desk_id":%q}`, wh["id"], cd["id"]))
			path := "/api/v1/registers/" + r["id"].(string)
			got := s.must(200, "PATCH", path, `{"cash_desk_id":null,"accepts_orders":true}`)
			if got["cash_desk_id"] != nil || got["accepts_orders"] != true || got["name"] != "Касса 2" {
				t.Fatalf("patched: %v", got)
			}
			got = s.must(200, "GET", path, "")
			if got["cash_desk_id"] != nil || got["accepts_orders"] != true {
				t.Fatalf("read back: %v", got)
			}
		})
		t.Run("auto_load_orders without accepts_orders is refused", func(t *testing.T) {
			wh := s.must(201, "POST", "/api/v1/warehouses", `{"code":"W3","name":"Третий"}`)
			resp := s.do("POST", "/api/v1/registers", s.admin, fmt.Sprintf(`{"code":"R3","name":"x","warehouse_id":%q,"auto_load_orders":true}`, wh["id"]))
			if resp.status != 422 || !hasField(resp.problem(t), "auto_load_orders") {
				t.Fatalf("got %d %s", resp.status, resp.body)
			}
			r := s.must(201, "POST", "/api/v1/registers", fmt.Sprintf(`{"code":"R3","name":"x","warehouse_id":%q,"accepts_orders":true,"auto_load_orders":true}`, wh["id"]))
			resp = s.do("PATCH", "/api/v1/registers/"+r["id"].(string), s.admin, `{"accepts_orders":false}`)
			if resp.status != 422 || !hasField(resp.problem(t), "auto_load_orders") {
				t.Fatalf("patch: got %d %s", resp.status, resp.body)
			}
		})
		t.Run("the retail customer exists from the start", func(t *testing.T) {
			list := s.must(200, "GET", "/api/v1/customers?code=retail", "")
			items := list["items"].([]any)
			if len(items) != 1 || items[0].(map[string]any)["name"] != "Розничный покупатель" {
				t.Fatalf("got %v", list)
			}
		})
		t.Run("lists page through every item with a cursor", func(t *testing.T) {
			for i := range 7 {
				s.must(201, "POST", "/api/v1/cash-desks", fmt.Sprintf(`{"code":"PAGE%d","name":"n"}`, i))
			}
			seen, path := 0, "/api/v1/cash-desks?limit=3"
			for range 10 {
				list := s.must(200, "GET", path, "")
				seen += len(list["items"].([]any))
				if list["next"] == nil {
					break
				}
				path = "/api/v1/cash-desks?limit=3&after=" + list["next"].(string)
			}
			if seen < 7 {
				t.Fatalf("saw %d cash desks", seen)
			}
		})
		t.Run("an unknown id is not found", func(t *testing.T) {
			resp := s.do("GET", "/api/v1/products/nope", s.admin, "")
			if resp.status != http.StatusNotFound || resp.slug(t) != "not-found" {
				t.Fatalf("got %d %s", resp.status, resp.body)
			}
		})
	})
}
