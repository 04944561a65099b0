package openapicheck

import (
	"strings"
	"testing"
)

func TestAnswer(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	const warehouse = `{"id":"w1","code":"MAIN","name":"Основной склад"}`
	const problem = `{"type":"/docs/problems/not-found","title":"Not found","status":404,"detail":"no such warehouse"}`
	for _, c2 := range []struct {
		name, method, path string
		status             int
		contentType, body  string
		wrong              string // what the error must say; empty when the answer is right
	}{
		{"a right answer passes", "GET", "/api/v1/warehouses/w1", 200, "application/json", warehouse, ""},
		{"a literal segment is found before a parameter", "POST", "/api/v1/orders/o1/registers/fill", 401, "application/problem+json",
			`{"type":"/docs/problems/unauthorized","title":"Unauthorized","status":401,"detail":"no token"}`, ""},
		{"a problem passes", "GET", "/api/v1/warehouses/w1", 404, "application/problem+json", problem, ""},
		{"a required field left out fails", "GET", "/api/v1/warehouses/w1", 200, "application/json", `{"id":"w1","code":"MAIN"}`, "name"},
		{"a null where none may be fails", "GET", "/api/v1/warehouses/w1", 200, "application/json", `{"id":"w1","code":"MAIN","name":null}`, "name"},
		{"a field the schema lacks fails", "GET", "/api/v1/warehouses/w1", 200, "application/json", `{"id":"w1","code":"MAIN","name":"a","extra":1}`, "extra"},
		{"a status the operation does not list fails", "GET", "/api/v1/warehouses/w1", 418, "application/json", warehouse, "does not list"},
		{"another content type fails", "GET", "/api/v1/warehouses/w1", 200, "text/plain", warehouse, "Content-Type"},
		{"a path the document lacks is not checked", "GET", "/nowhere", 404, "text/plain", "gone", ""},
	} {
		t.Run(c2.name, func(t *testing.T) {
			err := c.Answer(c2.method, c2.path, c2.status, c2.contentType, []byte(c2.body))
			switch {
			case c2.wrong == "" && err != nil:
				t.Errorf("want no error, have %v", err)
			case c2.wrong != "" && (err == nil || !strings.Contains(err.Error(), c2.wrong)):
				t.Errorf("want an error naming %q, have %v", c2.wrong, err)
			}
		})
	}
}
