package api_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"torg"
)

func TestIdempotencyKeys(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		count := func() int {
			return len(call[torg.List[torg.Warehouse]](s, 200, "GET", "/api/v1/warehouses?limit=500", "").Items)
		}
		t.Run("the same key and body replay the first response byte for byte", func(t *testing.T) {
			before := count()
			body := `{"code":"IDEM1","name":"Склад"}`
			first := s.do("POST", "/api/v1/warehouses", s.admin, body, "Idempotency-Key", "k-1")
			again := s.do("POST", "/api/v1/warehouses", s.admin, body, "Idempotency-Key", `"k-1"`)
			if first.status != 201 || again.status != 201 || !bytes.Equal(first.body, again.body) {
				t.Fatalf("first %d %s, again %d %s", first.status, first.body, again.status, again.body)
			}
			if first.header.Get("Idempotent-Replayed") != "" || again.header.Get("Idempotent-Replayed") != "true" {
				t.Fatalf("Idempotent-Replayed: %q then %q", first.header.Get("Idempotent-Replayed"), again.header.Get("Idempotent-Replayed"))
			}
			if n := count(); n != before+1 {
				t.Fatalf("%d warehouses made, want 1", n-before)
			}
		})
		t.Run("the same key with another body is a conflict", func(t *testing.T) {
			call[torg.Warehouse](s, 201, "POST", "/api/v1/warehouses", `{"code":"IDEM2","name":"a"}`)
			s.do("POST", "/api/v1/warehouses", s.admin, `{"code":"IDEM3","name":"a"}`, "Idempotency-Key", "k-2")
			resp := s.do("POST", "/api/v1/warehouses", s.admin, `{"code":"IDEM4","name":"a"}`, "Idempotency-Key", "k-2")
			if resp.status != 422 || resp.slug(t) != "idempotency-conflict" {
				t.Fatalf("got %d %s", resp.status, resp.body)
			}
		})
		t.Run("a request that failed validation stores nothing", func(t *testing.T) {
			bad := s.do("POST", "/api/v1/warehouses", s.admin, `{"code":"IDEM5"}`, "Idempotency-Key", "k-3")
			if bad.status != 422 {
				t.Fatalf("got %d", bad.status)
			}
			good := s.do("POST", "/api/v1/warehouses", s.admin, `{"code":"IDEM5","name":"fixed"}`, "Idempotency-Key", "k-3")
			if good.status != 201 {
				t.Fatalf("the corrected retry got %d %s", good.status, good.body)
			}
		})
		t.Run("keys are kept per token", func(t *testing.T) {
			other := call[torg.APIToken](s, 201, "POST", "/api/v1/api-tokens", `{"name":"shop","role":"integration"}`).Token
			a := s.do("POST", "/api/v1/warehouses", s.admin, `{"code":"IDEM6","name":"a"}`, "Idempotency-Key", "shared")
			b := s.do("POST", "/api/v1/warehouses", other, `{"code":"IDEM7","name":"b"}`, "Idempotency-Key", "shared")
			if a.status != 201 || b.status != 201 {
				t.Fatalf("got %d and %d: %s", a.status, b.status, b.body)
			}
		})
		t.Run("a key over 255 characters is refused", func(t *testing.T) {
			long := fmt.Sprintf("%0256d", 0)
			resp := s.do("POST", "/api/v1/warehouses", s.admin, `{"code":"IDEM8","name":"a"}`, "Idempotency-Key", long)
			if resp.status != 422 || !hasField(resp.problem(t), "Idempotency-Key") {
				t.Fatalf("got %d %s", resp.status, resp.body)
			}
		})
		t.Run("twenty concurrent retries make one item and every answer is the stored one or in-progress", func(t *testing.T) {
			before := count()
			body := `{"code":"IDEM9","name":"race"}`
			var wg sync.WaitGroup
			resps := make([]response, 20)
			for i := range resps {
				wg.Add(1)
				go func() {
					defer wg.Done()
					resps[i] = s.do("POST", "/api/v1/warehouses", s.admin, body, "Idempotency-Key", "k-race")
				}()
			}
			wg.Wait()
			var created []byte
			for _, r := range resps {
				switch {
				case r.status == 201 && created == nil:
					created = r.body
				case r.status == 201 && !bytes.Equal(r.body, created):
					t.Fatalf("two different answers: %s and %s", created, r.body)
				case r.status == 409 && r.slug(t) == "idempotency-in-progress":
				case r.status != 201:
					t.Fatalf("got %d %s", r.status, r.body)
				}
			}
			if n := count(); n != before+1 {
				t.Fatalf("%d warehouses made, want 1", n-before)
			}
		})
	})
}
