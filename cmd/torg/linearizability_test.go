package main

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
)

// claimOp is a register picking an order (claim) or giving it back (release).
type claimOp struct {
	claim    bool
	register string
}

// claimModel is the claim as a lock: free or held by one register; a claim by the holder renews it.
var claimModel = porcupine.Model{
	Init: func() any { return "" },
	Step: func(state, input, output any) (bool, any) {
		holder, op, got := state.(string), input.(claimOp), output.(string)
		if !op.claim {
			if holder == op.register {
				return got == "ok", ""
			}
			return got == "ok", holder
		}
		if holder == "" || holder == op.register {
			return got == "ok", op.register
		}
		return got == "claimed", holder
	},
	DescribeOperation: func(input, output any) string {
		op := input.(claimOp)
		if op.claim {
			return fmt.Sprintf("%s claims → %s", op.register, output)
		}
		return op.register + " releases"
	},
}

// TestClaimsAreLinearizable has registers claim and release one order at random, all at once, and
// checks with porcupine that the answers fit one order of events in which the claim is a lock.
func TestClaimsAreLinearizable(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		sh := newShop(t, s)
		wh := s.must(201, "POST", "/api/v1/warehouses", `{"code":"LIN","name":"l"}`)["id"].(string)
		codes := make([]string, 8)
		for i := range codes {
			codes[i] = fmt.Sprintf("L%d", i)
			sh.addRegister(t, codes[i], wh, true, true)
		}
		id := s.must(201, "POST", "/api/v1/orders", fmt.Sprintf(`{"customer_code":"retail","warehouse_id":%q,"status":"agreed",
			"lines":[{"product_code":"MILK","quantity":1}],"fill_registers":true,"post":true}`, wh))["id"].(string)
		var mu sync.Mutex
		var history []porcupine.Operation
		var wg sync.WaitGroup
		start := time.Now()
		for c, code := range codes {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(c), 11))
				for range 12 {
					op := claimOp{claim: rng.IntN(3) > 0, register: code}
					method := "DELETE"
					if op.claim {
						method = "POST"
					}
					call := time.Since(start).Nanoseconds()
					r := s.do(method, "/api/v1/register/orders/"+id+"/claim", sh.tok[code], "")
					ret := time.Since(start).Nanoseconds()
					out := map[int]string{200: "ok", 204: "ok", 409: "claimed"}[r.status]
					if out == "" {
						t.Errorf("%s: %d %s", code, r.status, r.body)
					}
					mu.Lock()
					history = append(history, porcupine.Operation{ClientId: c, Input: op, Output: out, Call: call, Return: ret})
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if res := porcupine.CheckOperationsTimeout(claimModel, history, 30*time.Second); res != porcupine.Ok {
			t.Fatalf("the claims are not linearizable (%v) over %d operations", res, len(history))
		}
	})
}

// TestPostingWhileRegistersClaim changes an order again and again while registers claim it at the
// version they last received: each claim is granted or told the version is stale, never anything else.
func TestPostingWhileRegistersClaim(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		sh := newShop(t, s)
		o := sh.order(t, `,"status":"agreed","fill_registers":true,"post":true`)
		id := o["id"].(string)
		var wg sync.WaitGroup
		wg.Go(func() {
			for i := range 20 {
				s.must(200, "PATCH", "/api/v1/orders/"+id, fmt.Sprintf(`{"lines":[{"product_code":"MILK","quantity":%d}]}`, i+1))
			}
		})
		var seen sync.Map
		for _, code := range []string{"R1", "R2"} {
			wg.Go(func() {
				for range 20 {
					p := sh.fetch(t, code, 0)
					var version int64
					for _, pk := range p.Packages {
						var snap struct {
							ID      string
							Version int64
						}
						jsonUnmarshal(pk.Order, &snap)
						if snap.ID == id {
							version = snap.Version
						}
					}
					r := s.do("POST", "/api/v1/register/orders/"+id+"/claim", sh.tok[code], fmt.Sprintf(`{"version":%d}`, version))
					seen.Store(r.status, true)
					if r.status != 200 && r.status != 409 && r.status != 412 {
						t.Errorf("%s claiming version %d: %d %s", code, version, r.status, r.body)
					}
				}
			})
		}
		wg.Wait()
		got := s.must(200, "GET", "/api/v1/orders/"+id, "")
		if got["version"] != 21.0 || got["status"] != "agreed" {
			t.Fatalf("order after the race: version %v, %v", got["version"], got["status"])
		}
		var final struct{ Version int64 }
		for _, p := range sh.fetch(t, "R1", 0).Packages {
			if p.Kind == "order.upsert" {
				jsonUnmarshal(p.Order, &final)
			}
		}
		if final.Version != 21 {
			t.Fatalf("R1's newest order.upsert carries version %d, want 21", final.Version)
		}
	})
}
