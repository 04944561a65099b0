package api_test

import (
	"testing"

	"torg"
)

// The contract tests' server answers as torg serve does, and its answers decode into the domain
// types with nothing left over.
func TestTheAPIAnswersInItsDomainTypes(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		wh := call[torg.Warehouse](s, 201, "POST", "/api/v1/warehouses", `{"code":"MAIN","name":"Основной склад"}`)
		if wh.Code != "MAIN" || wh.Name != "Основной склад" || wh.ID == "" {
			t.Fatalf("warehouse %+v", wh)
		}
		list := call[torg.List[torg.Order]](s, 200, "GET", "/api/v1/orders?limit=5", "")
		if len(list.Items) != 0 || list.Next != nil {
			t.Errorf("list %+v", list)
		}
		bad := s.do("POST", "/api/v1/orders", s.admin, `{"customer_code":"retail","lines":[]}`)
		if p := bad.problem(t); bad.status != 422 || p.Status != 422 || bad.slug(t) != "validation" || len(p.Errors) == 0 {
			t.Errorf("a bad order: %d %+v", bad.status, p)
		}
	})
}
