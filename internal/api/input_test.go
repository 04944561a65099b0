package api_test

import (
	"strings"
	"testing"

	"torg"
)

func TestBadInputChangesNothing(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		call[torg.Product](s, 201, "POST", "/api/v1/products", `{"code":"TAKEN","name":"existing"}`)
		count := func() int {
			return len(call[torg.List[torg.Product]](s, 200, "GET", "/api/v1/products?limit=500", "").Items)
		}
		before := count()
		cases := []struct {
			name        string
			body        string
			contentType string
			status      int
			slug        string
			fields      []string
		}{
			{"malformed JSON", `{"code": "X", "name": }`, "", 400, "malformed", nil},
			{"a body that is not an object", `["code"]`, "", 400, "malformed", nil},
			{"the wrong content type", `{"code":"X","name":"n"}`, "text/plain", 415, "unsupported-media-type", nil},
			{"a form instead of JSON", `code=X&name=n`, "application/x-www-form-urlencoded", 415, "unsupported-media-type", nil},
			{"a body over 1 MiB", `{"code":"X","name":"` + strings.Repeat("я", 600_000) + `"}`, "", 413, "too-large", nil},
			{"an unknown field", `{"code":"X","name":"n","colour":"red"}`, "", 422, "validation", []string{"colour"}},
			{"a negative price", `{"code":"X","name":"n","price":-1}`, "", 422, "validation", []string{"price"}},
			{"a price with kopeck fractions", `{"code":"X","name":"n","price":150.5}`, "", 422, "validation", []string{"price"}},
			{"an overflowing price", `{"code":"X","name":"n","price":99999999999999999999999}`, "", 422, "validation", []string{"price"}},
			{"a price beyond the money limit", `{"code":"X","name":"n","price":1000000000000000001}`, "", 422, "validation", []string{"price"}},
			{"a price as a string", `{"code":"X","name":"n","price":"100"}`, "", 422, "validation", []string{"price"}},
			{"a duplicate code", `{"code":"TAKEN","name":"n"}`, "", 409, "duplicate", []string{"code"}},
			{"an unknown VAT rate", `{"code":"X","name":"n","vat_rate":"18"}`, "", 422, "validation", []string{"vat_rate"}},
			{"every bad field at once", `{"code":"","name":5,"price":-3,"vat_rate":"x","barcodes":["ok",""],"extra":1}`, "", 422, "validation",
				[]string{"name", "barcodes[1]", "extra"}},
			{"every bad value after decoding", `{"code":"","price":-3,"vat_rate":"x","barcodes":["ok","ok"]}`, "", 422, "validation",
				[]string{"code", "name", "price", "vat_rate", "barcodes[1]"}},
			{"SQL in a code is only text", `{"code":"x'); DROP TABLE products; --","name":"n","price":-1}`, "", 422, "validation", []string{"price"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				headers := []string{}
				if c.contentType != "" {
					headers = append(headers, "Content-Type", c.contentType)
				}
				resp := s.do("POST", "/api/v1/products", s.admin, c.body, headers...)
				if resp.status != c.status {
					t.Fatalf("status %d, want %d: %.300s", resp.status, c.status, resp.body)
				}
				if ct := resp.header.Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("content type %q", ct)
				}
				p := resp.problem(t)
				if resp.slug(t) != c.slug || p.Status != c.status || p.Title == "" || p.Detail == "" {
					t.Errorf("problem %v, want slug %s", p, c.slug)
				}
				for _, f := range c.fields {
					if !hasField(p, f) {
						t.Errorf("the problem does not name %s: %s", f, resp.body)
					}
				}
				if n := count(); n != before {
					t.Fatalf("%d products after a refused request, want %d", n, before)
				}
			})
		}
		t.Run("bad list parameters are named", func(t *testing.T) {
			resp := s.do("GET", "/api/v1/products?limit=501&after=!!!&colour=red", s.admin, "")
			p := resp.problem(t)
			if resp.status != 422 || !hasField(p, "limit") || !hasField(p, "after") || !hasField(p, "colour") {
				t.Fatalf("got %d %s", resp.status, resp.body)
			}
		})
		t.Run("an unknown route is a not-found problem", func(t *testing.T) {
			resp := s.do("GET", "/api/v1/nothing-here", s.admin, "")
			if resp.status != 404 || resp.slug(t) != "not-found" {
				t.Fatalf("got %d %s", resp.status, resp.body)
			}
		})
	})
}
