package torg

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strconv"
	"testing"
)

// TestEveryCodeHasItsStatusAndSlug: every Code constant declared in error.go is in Codes and is
// answered with the status and slug of the contract's table (docs/API.md, «HTTP conventions»), plus
// the two the server adds: unavailable and internal.
func TestEveryCodeHasItsStatusAndSlug(t *testing.T) {
	want := map[string]int{
		"malformed": 400, "unauthorized": 401, "forbidden": 403, "not-found": 404, "state-conflict": 409,
		"claimed": 409, "sold": 409, "duplicate": 409, "idempotency-in-progress": 409, "withdrawn": 410,
		"stale-version": 412, "too-large": 413, "unsupported-media-type": 415, "validation": 422,
		"idempotency-conflict": 422, "unavailable": 503, "internal": 500,
	}
	declared := declaredCodes(t)
	if !slices.Equal(slices.Sorted(slices.Values(declared)), slices.Sorted(slices.Values(Codes))) {
		t.Errorf("error.go declares the codes %v; Codes lists %v", declared, Codes)
	}
	seen := map[string]bool{}
	for _, c := range Codes {
		slug := c.Slug()
		if slug == "" || seen[slug] {
			t.Errorf("code %q has the slug %q, empty or taken by another code", c, slug)
		}
		seen[slug] = true
		if status, ok := want[slug]; !ok || c.Status() != status {
			t.Errorf("code %q is answered with %d %q, want %d", c, c.Status(), slug, status)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("Codes has %d slugs, the contract %d", len(seen), len(want))
	}
	if s := Code("no-such-code").Status(); s != 500 {
		t.Errorf("an unknown code is answered with %d, want 500", s)
	}
}

// declaredCodes are the values of the constants of type Code in error.go.
func declaredCodes(t *testing.T) []Code {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "error.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []Code
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
			return true
		}
		for _, v := range vs.Values {
			lit, ok := v.(*ast.BasicLit)
			if !ok {
				t.Fatalf("a Code constant is not a string literal: %T", v)
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, Code(s))
		}
		return true
	})
	if len(out) == 0 {
		t.Fatal("error.go declares no Code constants")
	}
	return out
}

// TestProblemSlugsAgreeWithTheOpenAPIDocument: the OpenAPI document's ProblemSlug enum lists the slug
// of every code and nothing else, and every problem type a response lists is answered with that
// response's status.
func TestProblemSlugsAgreeWithTheOpenAPIDocument(t *testing.T) {
	raw, err := os.ReadFile("internal/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas struct {
				ProblemSlug struct {
					Enum []string `json:"enum"`
				} `json:"ProblemSlug"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, c := range Codes {
		slugs = append(slugs, c.Slug())
	}
	if have := slices.Sorted(slices.Values(doc.Components.Schemas.ProblemSlug.Enum)); !slices.Equal(have, slices.Sorted(slices.Values(slugs))) {
		t.Errorf("the ProblemSlug enum is %v, the codes' slugs are %v", have, slugs)
	}
	checked := 0
	for path, ops := range doc.Paths {
		for method, raw := range ops {
			var op struct {
				Responses map[string]struct {
					ProblemTypes []string `json:"x-problem-types"`
				} `json:"responses"`
			}
			if json.Unmarshal(raw, &op) != nil {
				continue // not an operation (such as shared parameters)
			}
			for status, r := range op.Responses {
				for _, slug := range r.ProblemTypes {
					checked++
					if n, _ := strconv.Atoi(status); Code(slug).Status() != n || !slices.Contains(slugs, slug) {
						t.Errorf("%s %s %s lists the problem type %q, which is answered with %d", method, path, status, slug, Code(slug).Status())
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Error("no response of the OpenAPI document lists a problem type")
	}
}
