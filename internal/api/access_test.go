package api_test

import (
	"fmt"
	"strings"
	"testing"

	"torg"
	"torg/internal/api"
)

// principals makes one token of every kind on the server, by name.
func principals(t *testing.T, s *testServer) map[string]string {
	t.Helper()
	toks := map[string]string{"none": "", "bad token": "torg_not-a-real-token", "admin": s.admin}
	for _, role := range []string{"viewer", "integration"} {
		toks[role] = call[torg.APIToken](s, 201, "POST", "/api/v1/api-tokens", fmt.Sprintf(`{"name":"t-%s","role":%q}`, role, role)).Token
	}
	wh := call[torg.Warehouse](s, 201, "POST", "/api/v1/warehouses", `{"code":"ACCESS","name":"w"}`)
	reg := call[torg.Register](s, 201, "POST", "/api/v1/registers", fmt.Sprintf(`{"code":"ACCESS","name":"r","warehouse_id":%q}`, wh.ID))
	toks["register"] = call[torg.APIToken](s, 201, "POST", "/api/v1/registers/"+reg.ID+"/token", "").Token
	return toks
}

// roles gives the role behind each principal name; none and bad token have none.
var roles = map[string]torg.Role{"viewer": torg.RoleViewer, "integration": torg.RoleIntegration, "admin": torg.RoleAdmin, "register": torg.RoleRegister}

func TestAccessMatrix(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		toks := principals(t, s)
		t.Run("one endpoint of each group answers each principal as docs/API.md («Who may do what») says", func(t *testing.T) {
			groups := []struct{ method, path, body string }{
				{"GET", "/api/v1/warehouses", ""},
				{"POST", "/api/v1/warehouses", `{"code":"%s","name":"n"}`},
				{"POST", "/api/v1/api-tokens", `{"name":"%s","role":"viewer"}`},
				{"GET", "/api/v1/register/me", ""},
				{"POST", "/api/v1/cash-desks", `{"code":"%s","name":"n"}`},
			}
			want := map[string][]int{ // status per group, in the order above
				"none":        {401, 401, 401, 401, 401},
				"bad token":   {401, 401, 401, 401, 401},
				"viewer":      {200, 403, 403, 403, 403},
				"integration": {200, 201, 403, 403, 403},
				"admin":       {200, 201, 201, 403, 201},
				"register":    {403, 403, 403, 200, 403},
			}
			for who, statuses := range want {
				for i, g := range groups {
					body := g.body
					if body != "" {
						body = fmt.Sprintf(body, strings.ReplaceAll(who, " ", "-"))
					}
					resp := s.do(g.method, g.path, toks[who], body)
					if resp.status != statuses[i] {
						t.Errorf("%s %s as %s: %d, want %d: %s", g.method, g.path, who, resp.status, statuses[i], resp.body)
					}
				}
			}
		})
		t.Run("every route of the table refuses whoever lacks its permission", func(t *testing.T) {
			for _, rt := range api.New(api.Config{}).Routes() {
				path := strings.NewReplacer("{id}", "00000000-0000-0000-0000-000000000000", "{slug}", "validation").Replace(rt.Path)
				for who, tok := range toks {
					resp := s.do(rt.Method, path, tok, "")
					role, known := roles[who]
					switch {
					case rt.Perm == torg.PermPublic:
						if resp.status == 401 || resp.status == 403 {
							t.Errorf("%s %s as %s: %d on a public route", rt.Method, rt.Path, who, resp.status)
						}
					case !known:
						if resp.status != 401 {
							t.Errorf("%s %s as %s: %d, want 401", rt.Method, rt.Path, who, resp.status)
						}
					case !role.Allows(rt.Perm):
						if resp.status != 403 || resp.slug(t) != "forbidden" {
							t.Errorf("%s %s as %s: %d, want 403", rt.Method, rt.Path, who, resp.status)
						}
					case resp.status == 401 || resp.status == 403:
						t.Errorf("%s %s as %s: %d, want access", rt.Method, rt.Path, who, resp.status)
					}
				}
			}
		})
		t.Run("an integration token reads registers and cash desks but may not change where cash is booked", func(t *testing.T) {
			me := decode[torg.Register](t, s.do("GET", "/api/v1/register/me", toks["register"], "").body)
			id := me.ID
			desk := call[torg.CashDesk](s, 201, "POST", "/api/v1/cash-desks", `{"code":"SHOP-DESK","name":"d"}`).ID
			for _, c := range []struct{ method, path, body string }{
				{"POST", "/api/v1/registers", fmt.Sprintf(`{"code":"SHOP-R","name":"r","warehouse_id":%q}`, me.WarehouseID)},
				{"PATCH", "/api/v1/registers/" + id, `{"name":"renamed"}`},
				{"PATCH", "/api/v1/registers/" + id, fmt.Sprintf(`{"cash_desk_id":%q}`, desk)},
				{"POST", "/api/v1/registers/" + id + "/token", ""},
				{"POST", "/api/v1/cash-desks", `{"code":"SHOP-D","name":"d"}`},
				{"PATCH", "/api/v1/cash-desks/" + desk, `{"name":"renamed"}`},
			} {
				if r := s.do(c.method, c.path, toks["integration"], c.body); r.status != 403 || r.slug(t) != "forbidden" {
					t.Errorf("%s %s as integration: %d %s, want 403", c.method, c.path, r.status, r.body)
				}
			}
			for _, path := range []string{"/api/v1/registers", "/api/v1/registers/" + id, "/api/v1/cash-desks", "/api/v1/cash-desks/" + desk} {
				if r := s.do("GET", path, toks["integration"], ""); r.status != 200 {
					t.Errorf("GET %s as integration: %d", path, r.status)
				}
			}
			if got := call[torg.Register](s, 200, "GET", "/api/v1/registers/"+id, ""); got.CashDeskID != nil || got.Name != "r" {
				t.Errorf("the register changed: %v", got)
			}
			if r := s.do("GET", "/api/v1/register/me", toks["register"], ""); r.status != 200 {
				t.Errorf("the register's token stopped working: %d", r.status)
			}
			s.must(200, "PATCH", "/api/v1/registers/"+id, fmt.Sprintf(`{"cash_desk_id":%q}`, desk))
		})
		t.Run("a new register token revokes the old one", func(t *testing.T) {
			me := decode[torg.Register](t, s.do("GET", "/api/v1/register/me", toks["register"], "").body)
			fresh := call[torg.APIToken](s, 201, "POST", "/api/v1/registers/"+me.ID+"/token", "").Token
			if r := s.do("GET", "/api/v1/register/me", toks["register"], ""); r.status != 401 {
				t.Fatalf("old token: %d", r.status)
			}
			if r := s.do("GET", "/api/v1/register/me", fresh, ""); r.status != 200 {
				t.Fatalf("new token: %d", r.status)
			}
		})
		t.Run("a revoked API token stops working and secrets are never listed", func(t *testing.T) {
			tok := call[torg.APIToken](s, 201, "POST", "/api/v1/api-tokens", `{"name":"short-lived","role":"viewer"}`)
			list := s.must(200, "GET", "/api/v1/api-tokens", "")
			for _, it := range list["items"].([]any) {
				if _, ok := it.(map[string]any)["token"]; ok {
					t.Fatalf("a listed token shows its secret: %v", it)
				}
			}
			s.send(204, "DELETE", "/api/v1/api-tokens/"+tok.ID, "")
			if r := s.do("GET", "/api/v1/warehouses", tok.Token, ""); r.status != 401 {
				t.Fatalf("revoked token: %d", r.status)
			}
		})
	})
}

func TestOneRegisterCannotActForAnother(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		sh := newShop(t, s)
		// An order offered to R3 only.
		o := sh.order(t, fmt.Sprintf(`,"status":"agreed","register_ids":[%q],"post":true`, sh.reg["R3"]))
		id := o.ID
		t.Run("R1 cannot pick R3's order", func(t *testing.T) {
			if r := s.do("POST", "/api/v1/register/orders/"+id+"/claim", sh.tok["R1"], ""); r.status != 410 || r.slug(t) != "withdrawn" {
				t.Fatalf("got %d %s", r.status, r.body)
			}
		})
		t.Run("R1 does not see R3's packages", func(t *testing.T) {
			for _, p := range sh.fetch(t, "R1", 0).Packages {
				if strings.Contains(string(p.Order), id) || p.OrderID == id {
					t.Fatalf("R1 got %s", p.Order)
				}
			}
			if len(sh.fetch(t, "R3", 0).Packages) == 0 {
				t.Fatal("R3 got nothing")
			}
		})
		t.Run("R3's claim cannot be released by R1", func(t *testing.T) {
			s.do("POST", "/api/v1/register/orders/"+id+"/claim", sh.tok["R3"], "")
			s.do("DELETE", "/api/v1/register/orders/"+id+"/claim", sh.tok["R1"], "")
			claim := call[torg.Order](s, 200, "GET", "/api/v1/orders/"+id, "").Claim
			if claim == nil || claim.RegisterID != sh.reg["R3"] {
				t.Fatalf("claim %v", claim)
			}
		})
		t.Run("R1's receipt for R3's order is kept as a conflict and does not sell it", func(t *testing.T) {
			r := s.do("POST", "/api/v1/register/transactions", sh.tok["R1"], sh.receipt(id, 1, `[{"type":"cash","amount":43400}]`))
			if tr := decode[torg.Transaction](t, r.body); r.status != 201 || tr.State != "conflict" || tr.ConflictReason == nil || *tr.ConflictReason != "not_offered" || tr.RegisterID != sh.reg["R1"] {
				t.Fatalf("got %d %s", r.status, r.body)
			}
			if got := call[torg.Order](s, 200, "GET", "/api/v1/orders/"+id, ""); got.Status != torg.StatusAgreed {
				t.Fatalf("order %v", got.Status)
			}
		})
		t.Run("R1 cannot upload under R3's transaction id", func(t *testing.T) {
			body := sh.receipt("", 0, `[{"type":"card","amount":43400}]`)
			if r := s.do("POST", "/api/v1/register/transactions", sh.tok["R3"], body); r.status != 201 {
				t.Fatalf("R3: %d", r.status)
			}
			if r := s.do("POST", "/api/v1/register/transactions", sh.tok["R1"], body); r.status != 409 || r.slug(t) != "duplicate" {
				t.Fatalf("R1 with R3's id: %d %s", r.status, r.body)
			}
		})
	})
}
