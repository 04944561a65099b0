package api_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"torg"
)

// A problem names its message and each field's by a stable code with its parameters, so that a
// client can show it in its own language; the English texts stay exactly as they were.
func TestProblemsCarryCodesAndParams(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		t.Run("a validation problem: every field's code and params beside its unchanged message", func(t *testing.T) {
			r := s.do("POST", "/api/v1/products", s.admin, `{"code":"`+strings.Repeat("x", 70)+`","name":"n","unit":"","price":-3}`)
			if r.status != 422 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			var p struct {
				Detail string           `json:"detail"`
				Code   string           `json:"code"`
				Params []any            `json:"params"`
				Errors []map[string]any `json:"errors"`
			}
			if err := json.Unmarshal(r.body, &p); err != nil {
				t.Fatal(err)
			}
			if p.Detail != "the request has invalid fields" || p.Code != "invalid_fields" || len(p.Params) != 0 {
				t.Errorf("problem: %s", r.body)
			}
			want := []map[string]any{
				{"field": "code", "message": "must be at most 64 printable characters", "code": "max_chars", "params": []any{64.0}},
				{"field": "unit", "message": "is required, at most 16 printable characters", "code": "unit_required"},
				{"field": "price", "message": "must not be negative", "code": "not_negative"},
			}
			if !reflect.DeepEqual(p.Errors, want) {
				t.Errorf("errors:\n%v\nwant\n%v", p.Errors, want)
			}
			if !strings.Contains(string(r.body), `{"field":"unit","message":"is required, at most 16 printable characters",`) {
				t.Errorf("field and message no longer lead each entry as before: %s", r.body)
			}
		})
		t.Run("a pick conflict: the code, the order, the register and the time as RFC 3339", func(t *testing.T) {
			sh := newShop(t, s)
			o := sh.order(t, fmt.Sprintf(`,"status":"agreed","register_ids":[%q,%q],"post":true`, sh.reg["R1"], sh.reg["R2"]))
			id, number := o.ID, o.Number
			c := s.do("POST", "/api/v1/register/orders/"+id+"/claim", sh.tok["R1"], "")
			if c.status != 200 {
				t.Fatalf("claim: %d %s", c.status, c.body)
			}
			exp := decode[torg.Claim](t, c.body).ExpiresAt
			expires := exp.UTC().Format(time.RFC3339)
			r := s.do("POST", "/api/v1/register/orders/"+id+"/claim", sh.tok["R2"], "")
			p := r.problem(t)
			wantDetail := fmt.Sprintf("order %s is being sold at register R1 (Касса R1) until %s", number, expires)
			if r.status != 409 || p.Detail != wantDetail || p.Code != "claimed" {
				t.Fatalf("%d %s, want detail %q", r.status, r.body, wantDetail)
			}
			if want := []any{number, "R1", "Касса R1", expires}; !reflect.DeepEqual(p.Params, want) {
				t.Errorf("params %v, want %v", p.Params, want)
			}
		})
	})
}
