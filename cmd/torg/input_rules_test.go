package main

import (
	"testing"
)

// TestInputRules checks, over HTTP on every dialect, how the API treats input that a lenient
// parser would take silently: each refusal names what it refuses and changes nothing.
func TestInputRules(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		t.Run("a query joined by semicolons is refused naming its parameters", func(t *testing.T) {
			r := s.do("GET", "/api/v1/products?limit=5;colour=red", s.admin, "")
			p := r.json(t)
			if r.status != 422 || r.slug(t) != "validation" || !hasField(p, "limit") || !hasField(p, "colour") {
				t.Fatalf("got %d %s", r.status, r.body)
			}
		})
		t.Run("every answer says nosniff", func(t *testing.T) {
			for _, path := range []string{"/api/v1/products", "/api/v1/nothing", "/openapi.json", "/docs", "/healthz"} {
				if r := s.do("GET", path, s.admin, ""); r.header.Get("X-Content-Type-Options") != "nosniff" {
					t.Errorf("GET %s (%d): X-Content-Type-Options %q", path, r.status, r.header.Get("X-Content-Type-Options"))
				}
			}
		})
	})
}
