package api_test

import (
	"fmt"
	"slices"
	"testing"

	"torg"
)

func TestOrdersFollowTheSourcesRules(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		sh := newShop(t, s)
		t.Run("an order is priced exactly and numbered by the back office", func(t *testing.T) {
			o := sh.order(t, `,"external_number":"SHOP-1"`)
			l0, l1 := o.Lines[0], o.Lines[1]
			if l0.Amount != 30000 || l0.VATAmount != 2727 || l0.VATRate != "10" || l0.Price != 15000 {
				t.Errorf("line 1: %+v", l0)
			}
			if l1.Quantity != 1500 || l1.Amount != 13400 || l1.VATAmount != 2416 || l1.LineNo != 2 {
				t.Errorf("line 2: %+v", l1)
			}
			if o.Total != 43400 || o.Status != torg.StatusNew || o.Posted || o.Version != 1 || o.Number == "" {
				t.Errorf("order: %+v", o)
			}
			dup := s.do("POST", "/api/v1/orders", s.admin, fmt.Sprintf(`{"external_number":"SHOP-1","customer_code":"retail","warehouse_id":%q,"lines":[{"product_code":"MILK","quantity":1}]}`, sh.wh))
			if dup.status != 409 || dup.slug(t) != "duplicate" {
				t.Errorf("a second SHOP-1: %d %s", dup.status, dup.body)
			}
		})
		t.Run("only an agreed order is sent to registers", func(t *testing.T) {
			o := sh.order(t, `,"fill_registers":true,"post":true`)
			id := o.ID
			if st := sh.states(t, id); st["R1"] != "not_sent" || st["R2"] != "not_sent" {
				t.Fatalf("a new order was sent: %v", st)
			}
			seq := sh.fetch(t, "R1", 0).LastSeq
			s.must(200, "PATCH", "/api/v1/orders/"+id, `{"status":"agreed"}`)
			if got := sh.kinds(t, "R1", seq); !slices.Equal(got, []string{"upsert v2"}) {
				t.Fatalf("R1 got %v after agreeing", got)
			}
			if st := sh.states(t, id); st["R1"] != "sent" {
				t.Fatalf("states %v", st)
			}
			sh.fetch(t, "R1", seq+1) // after= acknowledges
			if st := sh.states(t, id); st["R1"] != "received" || st["R2"] != "sent" {
				t.Fatalf("after R1 acknowledged: %v", st)
			}
		})
		t.Run("Add offers only registers that accept orders", func(t *testing.T) {
			o := sh.order(t, "")
			resp := s.do("POST", "/api/v1/orders/"+o.ID+"/registers", s.admin, fmt.Sprintf(`{"register_id":%q}`, sh.reg["R4"]))
			if resp.status != 422 || !hasField(resp.problem(t), "register_id") {
				t.Fatalf("adding R4: %d %s", resp.status, resp.body)
			}
			resp = s.do("POST", "/api/v1/orders", s.admin, fmt.Sprintf(`{"customer_code":"retail","warehouse_id":%q,"lines":[{"product_code":"MILK","quantity":1}],"register_ids":[%q,%q]}`,
				sh.wh, sh.reg["R3"], sh.reg["R4"]))
			if resp.status != 422 || !hasField(resp.problem(t), "register_ids[1]") || hasField(resp.problem(t), "register_ids[0]") {
				t.Fatalf("creating with R4: %d %s", resp.status, resp.body)
			}
			added := call[torg.Order](s, 200, "POST", "/api/v1/orders/"+o.ID+"/registers", fmt.Sprintf(`{"register_id":%q}`, sh.reg["R3"]))
			again := call[torg.Order](s, 200, "POST", "/api/v1/orders/"+o.ID+"/registers", fmt.Sprintf(`{"register_id":%q}`, sh.reg["R3"]))
			if len(added.Registers) != 1 || len(again.Registers) != 1 {
				t.Fatalf("adding R3 twice: %+v", again.Registers)
			}
		})
		t.Run("Fill takes exactly the warehouse's registers that load orders automatically", func(t *testing.T) {
			o := sh.order(t, "")
			filled := call[torg.Order](s, 200, "POST", "/api/v1/orders/"+o.ID+"/registers/fill", "")
			st := sh.states(t, filled.ID)
			if len(st) != 2 || st["R1"] == "" || st["R2"] == "" {
				t.Fatalf("filled %v", st)
			}
		})
		t.Run("posting reaches every listed register with the full snapshot", func(t *testing.T) {
			before := map[string]int64{}
			for _, c := range []string{"R1", "R2", "R3", "R5"} {
				before[c] = sh.fetch(t, c, 0).LastSeq
			}
			o := sh.order(t, fmt.Sprintf(`,"status":"agreed","fill_registers":true,"register_ids":[%q],"post":true`, sh.reg["R3"]))
			for _, c := range []string{"R1", "R2", "R3"} {
				p := sh.fetch(t, c, before[c])
				if len(p.Packages) != 1 || p.Packages[0].Kind != "order.upsert" || p.Packages[0].Seq != before[c]+1 {
					t.Fatalf("%s got %+v", c, p)
				}
				snap := decode[torg.OrderSnapshot](t, p.Packages[0].Order)
				if snap.ID != o.ID || snap.Number != o.Number || snap.Customer.Code != "retail" ||
					snap.Total != 43400 || len(snap.Lines) != 2 || snap.Lines[0].ProductCode != "MILK" || snap.Lines[0].Unit != "шт" {
					t.Fatalf("%s snapshot %s", c, p.Packages[0].Order)
				}
			}
			if got := sh.fetch(t, "R5", before["R5"]); len(got.Packages) != 0 {
				t.Fatalf("R5 of another warehouse got %+v", got)
			}
			s.must(200, "POST", "/api/v1/orders/"+o.ID+"/post", "")
			if got := sh.fetch(t, "R1", before["R1"]+1); len(got.Packages) != 0 {
				t.Fatalf("posting again sent %+v", got)
			}
		})
		t.Run("un-agreeing, unposting, cancelling and removing withdraw the order", func(t *testing.T) {
			cases := []struct {
				name, method, path, body, reason string
			}{
				{"un-agree", "PATCH", "", `{"status":"new"}`, "not_agreed"},
				{"unpost", "POST", "/unpost", "", "unposted"},
				{"cancel", "POST", "/cancel", "", "cancelled"},
				{"remove R1", "DELETE", "/registers/" + sh.reg["R1"], "", "removed"},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					seq := sh.fetch(t, "R1", 0).LastSeq
					o := sh.order(t, `,"status":"agreed","fill_registers":true,"post":true`)
					id := o.ID
					s.must(200, c.method, "/api/v1/orders/"+id+c.path, c.body)
					if got := sh.kinds(t, "R1", seq); len(got) != 2 || got[1] != "delete "+c.reason {
						t.Fatalf("R1 got %v", got)
					}
					if st := sh.states(t, id); c.name == "remove R1" {
						if _, listed := st["R1"]; listed || st["R2"] != "sent" {
							t.Fatalf("states after removal: %v", st)
						}
						return
					}
					sh.ackAll(t, "R1")
					if st := sh.states(t, id); st["R1"] != "withdrawn" || st["R2"] != "withdrawal_sent" {
						t.Fatalf("states: %v", st)
					}
				})
			}
		})
		t.Run("a sold, cancelled or closed order cannot be edited", func(t *testing.T) {
			o := sh.order(t, "")
			id := o.ID
			s.must(200, "POST", "/api/v1/orders/"+id+"/cancel", "")
			for _, c := range []struct{ method, path, body string }{
				{"PATCH", "", `{"comment":"late"}`}, {"POST", "/post", ""}, {"POST", "/registers/fill", ""},
				{"PATCH", "", `{"status":"agreed"}`},
			} {
				if r := s.do(c.method, "/api/v1/orders/"+id+c.path, s.admin, c.body); r.status != 409 || r.slug(t) != "state-conflict" {
					t.Errorf("%s %s on a cancelled order: %d %s", c.method, c.path, r.status, r.body)
				}
			}
		})
		t.Run("a change rises the version and If-Match guards it", func(t *testing.T) {
			o := sh.order(t, "")
			id := o.ID
			r := s.do("GET", "/api/v1/orders/"+id, s.admin, "")
			if r.header.Get("ETag") != `"1"` {
				t.Fatalf("ETag %q", r.header.Get("ETag"))
			}
			if r := s.do("PATCH", "/api/v1/orders/"+id, s.admin, `{"comment":"x"}`, "If-Match", `"7"`); r.status != 412 || r.slug(t) != "stale-version" {
				t.Fatalf("stale If-Match: %d %s", r.status, r.body)
			}
			got := decode[torg.Order](t, s.do("PATCH", "/api/v1/orders/"+id, s.admin, `{"comment":"позвонить","lines":[{"product_code":"SOAP","quantity":3}]}`, "If-Match", `"1"`).body)
			if got.Version != 2 || got.Total != 26970 || len(got.Lines) != 1 || got.Comment != "позвонить" {
				t.Fatalf("patched: %+v", got)
			}
			same := call[torg.Order](s, 200, "PATCH", "/api/v1/orders/"+id, `{"comment":"позвонить"}`)
			if same.Version != 2 {
				t.Fatalf("a patch that changes nothing rose the version: %v", same.Version)
			}
		})
		t.Run("orders list newest first with filters", func(t *testing.T) {
			list := call[torg.List[torg.Order]](s, 200, "GET", "/api/v1/orders?status=cancelled&limit=1", "")
			if len(list.Items) != 1 || list.Next == nil {
				t.Fatalf("cancelled orders: %+v", list)
			}
			more := call[torg.List[torg.Order]](s, 200, "GET", "/api/v1/orders?status=cancelled&limit=1&after="+*list.Next, "").Items
			first, second := list.Items[0].Number, more[0].Number
			if first <= second {
				t.Fatalf("not newest first: %s then %s", first, second)
			}
			byExt := call[torg.List[torg.Order]](s, 200, "GET", "/api/v1/orders?external_number=SHOP-1", "").Items
			if len(byExt) != 1 {
				t.Fatalf("by external number: %v", byExt)
			}
			if r := s.do("GET", "/api/v1/orders?status=lost", s.admin, ""); r.status != 422 || !hasField(r.problem(t), "status") {
				t.Fatalf("bad status filter: %d %s", r.status, r.body)
			}
		})
		t.Run("bad order input names every field and writes nothing", func(t *testing.T) {
			before := len(call[torg.List[torg.Order]](s, 200, "GET", "/api/v1/orders?limit=500", "").Items)
			resp := s.do("POST", "/api/v1/orders", s.admin, fmt.Sprintf(`{"customer_id":"x","customer_code":"retail","warehouse_code":"MAIN",
				"lines":[{"product_code":"MILK","quantity":1.2345},{"product_code":"GHOST","quantity":1},{"product_code":"MILK","quantity":0,"price":-5},
				{"product_code":"MILK","quantity":1,"discount":20000}],"status":"sold"}`))
			p := resp.problem(t)
			for _, f := range []string{"customer_id", "lines[0].quantity", "lines[2].quantity", "lines[2].price", "status"} {
				if !hasField(p, f) {
					t.Errorf("%s not named: %s", f, resp.body)
				}
			}
			resp = s.do("POST", "/api/v1/orders", s.admin, fmt.Sprintf(`{"customer_code":"retail","warehouse_code":"NOPE",
				"lines":[{"product_code":"GHOST","quantity":1},{"product_code":"MILK","quantity":1,"discount":20000},{"product_code":"MILK","quantity":1000000000,"price":100000000000}]}`))
			p = resp.problem(t)
			for _, f := range []string{"warehouse_code", "lines[0].product_id", "lines[1].discount", "lines[2].quantity"} {
				if !hasField(p, f) {
					t.Errorf("%s not named: %s", f, resp.body)
				}
			}
			if after := len(call[torg.List[torg.Order]](s, 200, "GET", "/api/v1/orders?limit=500", "").Items); after != before {
				t.Fatalf("%d orders after refused requests, want %d", after, before)
			}
		})
	})
}
