// Package openapicheck checks the server's real answers against the OpenAPI document: an answer's
// status must be one its operation documents, and its body must match that response's schema, so
// that every field the document calls required is really sent, and null only where it may be.
// Tests use it; the server does not.
package openapicheck

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"torg/internal/api"
)

// docURL names the document among the compiler's resources.
const docURL = "openapi.json"

// Checker checks answers against one OpenAPI document.
type Checker struct {
	doc      map[string]any
	routes   []route
	compiler *jsonschema.Compiler
	mu       sync.Mutex
	schemas  map[string]*jsonschema.Schema // by JSON pointer
}

// route is a path template of the document, as a pattern that matches real paths.
type route struct {
	template string
	pattern  *regexp.Regexp
	params   int
}

// New reads the document the server publishes.
func New() (*Checker, error) { return Of(api.OpenAPIDocument()) }

// Of reads an OpenAPI document.
func Of(document []byte) (*Checker, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(document))
	if err != nil {
		return nil, err
	}
	c := &Checker{compiler: jsonschema.NewCompiler(), schemas: map[string]*jsonschema.Schema{}}
	c.doc, _ = doc.(map[string]any)
	c.compiler.DefaultDraft(jsonschema.Draft2020)
	c.compiler.AssertFormat()
	if err := c.compiler.AddResource(docURL, doc); err != nil {
		return nil, err
	}
	paths, _ := c.doc["paths"].(map[string]any)
	param := regexp.MustCompile(`\\\{[^}]+\\\}`)
	for template := range paths {
		expr := param.ReplaceAllString(regexp.QuoteMeta(template), `[^/]+`)
		c.routes = append(c.routes, route{template, regexp.MustCompile("^" + expr + "$"), strings.Count(template, "{")})
	}
	// A literal segment wins over a parameter: /orders/{id}/registers/fill before /orders/{id}/registers/{rid}.
	slices.SortFunc(c.routes, func(a, b route) int { return a.params - b.params })
	return c, nil
}

// Answer checks one answer to method and path (without the query). It returns nil for a path and
// method the document does not describe: what the server answers there is not the document's business.
func (c *Checker) Answer(method, path string, status int, contentType string, body []byte) error {
	template, op := c.operation(strings.ToLower(method), path)
	if op == nil {
		return nil
	}
	name := fmt.Sprintf("%s %s (%s) answered %d", method, path, template, status)
	responses, _ := op["responses"].(map[string]any)
	key := strconv.Itoa(status)
	if responses[key] == nil {
		key = key[:1] + "XX"
	}
	if responses[key] == nil {
		key = "default"
	}
	resp, ptr := c.resolve(responses[key], "/paths/"+escape(template)+"/"+strings.ToLower(method)+"/responses/"+escape(key))
	if resp == nil {
		return fmt.Errorf("%s, a status the document does not list", name)
	}
	content, _ := resp["content"].(map[string]any)
	if len(content) == 0 {
		if len(bytes.TrimSpace(body)) > 0 {
			return fmt.Errorf("%s with a body; the document describes none: %.200s", name, body)
		}
		return nil
	}
	media, _, _ := mime.ParseMediaType(contentType)
	if content[media] == nil {
		return fmt.Errorf("%s with Content-Type %q; the document describes %v", name, contentType, keys(content))
	}
	if _, ok := content[media].(map[string]any)["schema"]; !ok || (media != "application/json" && !strings.HasSuffix(media, "+json")) {
		return nil // a page or a file: its media type is all the document says
	}
	schema, err := c.schema(ptr + "/content/" + escape(media) + "/schema")
	if err != nil {
		return fmt.Errorf("%s: the document's schema does not compile: %v", name, err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s with a body that is not JSON: %v: %.200s", name, err, body)
	}
	if err := schema.Validate(v); err != nil {
		return fmt.Errorf("%s with a body that does not match its schema: %v\n%.2000s", name, err, body)
	}
	return nil
}

// operation finds the operation of a method on a real path.
func (c *Checker) operation(method, path string) (string, map[string]any) {
	paths, _ := c.doc["paths"].(map[string]any)
	for _, r := range c.routes {
		if !r.pattern.MatchString(path) {
			continue
		}
		item, _ := paths[r.template].(map[string]any)
		if op, ok := item[method].(map[string]any); ok {
			return r.template, op
		}
	}
	return "", nil
}

// resolve follows a response's $ref, and says where the response it reached lies.
func (c *Checker) resolve(v any, ptr string) (map[string]any, string) {
	m, _ := v.(map[string]any)
	if ref, ok := m["$ref"].(string); ok && strings.HasPrefix(ref, "#/") {
		ptr = ref[1:]
		v = c.doc
		for _, k := range strings.Split(ptr[1:], "/") {
			next, _ := v.(map[string]any)
			v = next[strings.ReplaceAll(strings.ReplaceAll(k, "~1", "/"), "~0", "~")]
		}
		m, _ = v.(map[string]any)
	}
	return m, ptr
}

// schema compiles the schema at a JSON pointer of the document, once.
func (c *Checker) schema(ptr string) (*jsonschema.Schema, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.schemas[ptr]; s != nil {
		return s, nil
	}
	s, err := c.compiler.Compile(docURL + "#" + ptr)
	if err != nil {
		return nil, err
	}
	c.schemas[ptr] = s
	return s, nil
}

// escape makes a key a JSON pointer token.
func escape(key string) string {
	return strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
}

// keys lists a map's keys in order.
func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
