package api_test

import (
	"testing"

	"torg"
)

// The contract tests' server answers as torg serve does, and its answers decode into the domain
// types with nothing left over.
func TestTheAPIAnswersInItsDomainTypes(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		sh := newShop(t, s)
		o := sh.order(t, `,"status":"agreed","fill_registers":true,"post":true`)
		got := call[torg.Order](s, 200, "GET", "/api/v1/orders/"+o.ID, "")
		if got.Total != 43400 || len(got.Lines) != 2 || got.Lines[0].Amount != 30000 || got.Lines[1].Quantity != 1500 ||
			got.Lines[1].Amount != 13400 || got.Status != torg.StatusAgreed || !got.Posted {
			t.Fatalf("order %+v", got)
		}
		if states := sh.states(t, o.ID); len(states) != 2 || states["R1"] != "sent" || states["R2"] != "sent" {
			t.Errorf("delivery states %v, want R1 and R2 sent", states)
		}
		list := call[torg.List[torg.Order]](s, 200, "GET", "/api/v1/orders?limit=5", "")
		if len(list.Items) != 1 || list.Items[0].ID != o.ID || list.Next != nil {
			t.Errorf("list %+v", list)
		}
		bad := s.do("POST", "/api/v1/orders", s.admin, `{"customer_code":"retail","lines":[]}`)
		if p := bad.problem(t); bad.status != 422 || p.Status != 422 || bad.slug(t) != "validation" || len(p.Errors) == 0 {
			t.Errorf("a bad order: %d %+v", bad.status, p)
		}
	})
}
