package api_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"torg"
)

// parallel runs fn n times at once and returns the responses in order.
func parallel(n int, fn func(i int) response) []response {
	out := make([]response, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); <-start; out[i] = fn(i) }()
	}
	close(start)
	wg.Wait()
	return out
}

func countStatus(rs []response, status int) int {
	n := 0
	for _, r := range rs {
		if r.status == status {
			n++
		}
	}
	return n
}

func TestRaces(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		sh := newShop(t, s)
		t.Run("50 registers pick one order at once: one gets it, 49 are told it is claimed", func(t *testing.T) {
			wh := s.must(201, "POST", "/api/v1/warehouses", `{"code":"RACE","name":"r"}`)["id"].(string)
			codes := make([]string, 50)
			for i := range codes {
				codes[i] = fmt.Sprintf("RC%02d", i)
				sh.addRegister(t, codes[i], wh, true, true)
			}
			o := call[torg.Order](s, 201, "POST", "/api/v1/orders", fmt.Sprintf(`{"customer_code":"retail","warehouse_id":%q,"status":"agreed",
				"lines":[{"product_code":"MILK","quantity":1}],"fill_registers":true,"post":true}`, wh))
			if n := len(o.Registers); n != 50 {
				t.Fatalf("filled %d registers", n)
			}
			rs := parallel(50, func(i int) response {
				return s.do("POST", "/api/v1/register/orders/"+o.ID+"/claim", sh.tok[codes[i]], "")
			})
			if ok, claimed := countStatus(rs, 200), countStatus(rs, 409); ok != 1 || claimed != 49 {
				t.Fatalf("%d claims, %d refused (of 50)", ok, claimed)
			}
		})
		t.Run("one transaction uploaded 50 times at once is stored once", func(t *testing.T) {
			o := sh.order(t, `,"status":"agreed","fill_registers":true,"post":true`)
			body := sh.receipt(o.ID, 1, `[{"type":"cash","amount":43400}]`)
			rs := parallel(50, func(int) response { return s.do("POST", "/api/v1/register/transactions", sh.tok["R1"], body) })
			if created, replayed := countStatus(rs, 201), countStatus(rs, 200); created != 1 || replayed != 49 {
				t.Fatalf("%d created, %d replayed: %s", created, replayed, rs[0].body)
			}
			list := call[torg.List[torg.Transaction]](s, 200, "GET", "/api/v1/transactions?order_id="+o.ID, "").Items
			if len(list) != 1 || list[0].State != "new" {
				t.Fatalf("transactions: %v", list)
			}
		})
		t.Run("two registers sell one order at once: one sale, one conflict", func(t *testing.T) {
			o := sh.order(t, `,"status":"agreed","fill_registers":true,"post":true`)
			codes := []string{"R1", "R2"}
			rs := parallel(2, func(i int) response {
				return s.do("POST", "/api/v1/register/transactions", sh.tok[codes[i]], sh.receipt(o.ID, 1, `[{"type":"card","amount":43400}]`))
			})
			states := map[torg.TxState]int{}
			for _, r := range rs {
				if r.status != 201 {
					t.Fatalf("upload: %d %s", r.status, r.body)
				}
				states[decode[torg.Transaction](t, r.body).State]++
			}
			if states["new"] != 1 || states["conflict"] != 1 {
				t.Fatalf("states %v", states)
			}
			if got := call[torg.Order](s, 200, "GET", "/api/v1/orders/"+o.ID, ""); got.Status != torg.StatusSold {
				t.Fatalf("order %v", got.Status)
			}
		})
		t.Run("orders posted from many goroutines reach one register with no gap or repeat", func(t *testing.T) {
			start := sh.fetch(t, "R3", 0).LastSeq
			const writers, each = 10, 10
			var wg sync.WaitGroup
			for range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range each {
						r := s.do("POST", "/api/v1/orders", s.admin, fmt.Sprintf(`{"customer_code":"retail","warehouse_id":%q,"status":"agreed",
							"lines":[{"product_code":"SOAP","quantity":1}],"register_ids":[%q],"post":true}`, sh.wh, sh.reg["R3"]))
						if r.status != 201 {
							t.Errorf("create: %d %s", r.status, r.body)
						}
					}
				}()
			}
			wg.Wait()
			seen, after := map[int64]bool{}, start
			for after < start+writers*each {
				p := sh.fetch(t, "R3", after)
				if len(p.Packages) == 0 {
					t.Fatalf("no packages after %d (last %d)", after, p.LastSeq)
				}
				for _, pk := range p.Packages {
					if pk.Seq != after+1 || seen[pk.Seq] {
						t.Fatalf("seq %d after %d", pk.Seq, after)
					}
					seen[pk.Seq], after = true, pk.Seq
				}
			}
			if last := sh.fetch(t, "R3", after).LastSeq; last != start+writers*each {
				t.Fatalf("last seq %d, want %d", last, start+writers*each)
			}
		})
		t.Run("a waiting long poll returns with the package a commit gives it", func(t *testing.T) {
			after := sh.fetch(t, "R2", 0).LastSeq
			got := make(chan response, 1)
			began := time.Now()
			go func() {
				got <- s.do("GET", fmt.Sprintf("/api/v1/register/packages?after=%d&wait=30", after), sh.tok["R2"], "")
			}()
			time.Sleep(100 * time.Millisecond) // let the poll start waiting
			sh.order(t, `,"status":"agreed","fill_registers":true,"post":true`)
			r := <-got
			if r.status != 200 {
				t.Fatalf("long poll: %d %s", r.status, r.body)
			}
			if p := decode[torg.Packages](t, r.body); len(p.Packages) != 1 || p.Packages[0].Seq != after+1 {
				t.Fatalf("long poll: %d %s", r.status, r.body)
			}
			if time.Since(began) > 20*time.Second {
				t.Fatalf("the poll was not woken by the commit; it ran out its wait")
			}
		})
	})
}
