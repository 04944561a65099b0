package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"torg"
)

func TestCatalogsOverHTTP(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		t.Run("a new user creates every catalog and reads it back", func(t *testing.T) {
			wh := call[torg.Warehouse](s, 201, "POST", "/api/v1/warehouses", `{"code":"MAIN","name":"Основной склад"}`)
			cd := call[torg.CashDesk](s, 201, "POST", "/api/v1/cash-desks", `{"code":"CASH1","name":"Касса магазина"}`)
			p := call[torg.Product](s, 201, "POST", "/api/v1/products", `{"code":"MILK","name":"Молоко 1 л","price":8990,"barcodes":["4600000000017"]}`)
			if p.Unit != "шт" || p.VATRate != "22" || p.Price != 8990 {
				t.Fatalf("product defaults: %+v", p)
			}
			c := call[torg.Customer](s, 201, "POST", "/api/v1/customers", `{"code":"C1","name":"ООО Ромашка","inn":"7701234567","email":"buh@romashka.ru"}`)
			r := call[torg.Register](s, 201, "POST", "/api/v1/registers", fmt.Sprintf(
				`{"code":"R1","name":"Касса 1","warehouse_id":%q,"accepts_orders":true,"auto_load_orders":true,"cash_desk_id":%q}`, wh.ID, cd.ID))
			if r.AckedSeq != 0 || r.LastSeenAt != nil || r.CashDeskID == nil || *r.CashDeskID != cd.ID {
				t.Fatalf("register: %+v", r)
			}
			got := call[torg.Customer](s, 200, "GET", "/api/v1/customers/"+c.ID, "")
			if got.INN != "7701234567" {
				t.Fatalf("customer: %+v", got)
			}
			list := call[torg.List[torg.Product]](s, 200, "GET", "/api/v1/products?code=MILK", "")
			if len(list.Items) != 1 || list.Next != nil {
				t.Fatalf("list by code: %+v", list)
			}
		})
		t.Run("a patch changes only the fields it names and can clear the cash desk", func(t *testing.T) {
			wh := call[torg.Warehouse](s, 201, "POST", "/api/v1/warehouses", `{"code":"W2","name":"Второй"}`)
			cd := call[torg.CashDesk](s, 201, "POST", "/api/v1/cash-desks", `{"code":"CASH2","name":"Касса 2"}`)
			r := call[torg.Register](s, 201, "POST", "/api/v1/registers", fmt.Sprintf(`{"code":"R2","name":"Касса 2","warehouse_id":%q,"cash_desk_id":%q}`, wh.ID, cd.ID))
			path := "/api/v1/registers/" + r.ID
			got := call[torg.Register](s, 200, "PATCH", path, `{"cash_desk_id":null,"accepts_orders":true}`)
			if got.CashDeskID != nil || !got.AcceptsOrders || got.Name != "Касса 2" {
				t.Fatalf("patched: %+v", got)
			}
			got = call[torg.Register](s, 200, "GET", path, "")
			if got.CashDeskID != nil || !got.AcceptsOrders {
				t.Fatalf("read back: %+v", got)
			}
		})
		t.Run("auto_load_orders without accepts_orders is refused", func(t *testing.T) {
			wh := call[torg.Warehouse](s, 201, "POST", "/api/v1/warehouses", `{"code":"W3","name":"Третий"}`)
			resp := s.do("POST", "/api/v1/registers", s.admin, fmt.Sprintf(`{"code":"R3","name":"x","warehouse_id":%q,"auto_load_orders":true}`, wh.ID))
			if resp.status != 422 || !hasField(resp.problem(t), "auto_load_orders") {
				t.Fatalf("got %d %s", resp.status, resp.body)
			}
			r := call[torg.Register](s, 201, "POST", "/api/v1/registers", fmt.Sprintf(`{"code":"R3","name":"x","warehouse_id":%q,"accepts_orders":true,"auto_load_orders":true}`, wh.ID))
			resp = s.do("PATCH", "/api/v1/registers/"+r.ID, s.admin, `{"accepts_orders":false}`)
			if resp.status != 422 || !hasField(resp.problem(t), "auto_load_orders") {
				t.Fatalf("patch: got %d %s", resp.status, resp.body)
			}
		})
		t.Run("the retail customer exists from the start", func(t *testing.T) {
			list := call[torg.List[torg.Customer]](s, 200, "GET", "/api/v1/customers?code=retail", "")
			if len(list.Items) != 1 || list.Items[0].Name != "Розничный покупатель" {
				t.Fatalf("got %+v", list)
			}
		})
		t.Run("lists page through every item with a cursor", func(t *testing.T) {
			for i := range 7 {
				call[torg.CashDesk](s, 201, "POST", "/api/v1/cash-desks", fmt.Sprintf(`{"code":"PAGE%d","name":"n"}`, i))
			}
			seen, path := 0, "/api/v1/cash-desks?limit=3"
			for range 10 {
				list := call[torg.List[torg.CashDesk]](s, 200, "GET", path, "")
				seen += len(list.Items)
				if list.Next == nil {
					break
				}
				path = "/api/v1/cash-desks?limit=3&after=" + *list.Next
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
