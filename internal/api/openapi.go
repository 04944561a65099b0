package api

import (
	"bytes"
	"cmp"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"torg"
)

// openAPIDoc is the OpenAPI 3.1 document of the API.
//
//go:embed openapi.json
var openAPIDoc []byte

// openAPI serves the OpenAPI document.
func (s *Server) openAPI(w http.ResponseWriter, r *request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPIDoc)
	return nil
}

// docs serves the browsable API reference, built from the OpenAPI document.
func (s *Server) docs(w http.ResponseWriter, r *request) error {
	page, err := docsPage()
	if err != nil {
		return err
	}
	return writeHTML(w, "docs", page)
}

// problemDoc serves the page that explains one problem type, named by its slug.
func (s *Server) problemDoc(w http.ResponseWriter, r *request) error {
	slug := r.PathValue("slug")
	if _, ok := problemKinds[torg.Code(slug)]; !ok {
		return torg.Errorf(torg.CodeNotFound, "there is no problem type %q", slug)
	}
	return writeHTML(w, "problem", problemViewOf(torg.Code(slug)))
}

// writeHTML renders the named template of docTemplates and answers 200 with it.
func writeHTML(w http.ResponseWriter, name string, data any) error {
	var buf bytes.Buffer
	if err := docTemplates.ExecuteTemplate(&buf, name, data); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
	return nil
}

// problemHelp explains each problem type to the people who meet it.
var problemHelp = map[torg.Code]string{
	torg.CodeMalformed:        "The request could not be read: its body is missing where one is needed, is not valid JSON, or is not a JSON object.",
	torg.CodeUnauthorized:     "The request has no `Authorization: Bearer TOKEN` header, or its token is unknown or revoked.",
	torg.CodeForbidden:        "The token is valid, but its role may not do this. Register tokens may use only `/api/v1/register/…`, and back-office tokens may not use it.",
	torg.CodeNotFound:         "There is no such route, or no item has the id that the path names.",
	torg.CodeStateConflict:    "The item's state does not allow this change, such as editing a sold, closed or cancelled order; read it again and decide.",
	torg.CodeClaimed:          "Another register is selling this order right now (it picked the receipt); `detail` names it. Wait until its claim ends.",
	torg.CodeSold:             "The order has already been sold by a register, so it cannot be picked or sold again.",
	torg.CodeDuplicate:        "Another item already has this unique value, such as a catalog `code` or a product barcode; `errors` names the field.",
	torg.CodeIdemInProgress:   "A request with the same `Idempotency-Key` is still running; retry a little later to get its answer.",
	torg.CodeWithdrawn:        "The order is not offered to this register any more; fetch the exchange packages to learn why.",
	torg.CodeStaleVersion:     "The item changed since the version the request names (`If-Match` or `version`); read it again and retry.",
	torg.CodeTooLarge:         "The request body is larger than 1 MiB.",
	torg.CodeUnsupportedMedia: "The request has a body that is not sent as `Content-Type: application/json`.",
	torg.CodeValidation:       "Fields of the request are invalid: `errors` names every bad field by its path (such as `lines[0].quantity`) with what is wrong, not just the first.",
	torg.CodeIdemConflict:     "The `Idempotency-Key` was used before with a different request; a new request needs a new key.",
	torg.CodeUnavailable:      "The database does not answer, or the server is still starting; retry after a short pause.",
	torg.CodeInternal:         "The server failed to handle the request; the cause is in the server's log.",
}

// problemView is one problem type as the reference shows it.
type problemView struct {
	Slug   string
	Status int
	Title  string
	Help   template.HTML
}

// problemViewOf describes the problem type of the code.
func problemViewOf(code torg.Code) problemView {
	k := problemKinds[code]
	return problemView{Slug: string(code), Status: k.status, Title: k.title, Help: inline(problemHelp[code])}
}

// problemViews lists every problem type by status, then slug.
func problemViews() []problemView {
	var out []problemView
	for code := range problemKinds {
		out = append(out, problemViewOf(code))
	}
	slices.SortFunc(out, func(a, b problemView) int {
		if a.Status != b.Status {
			return a.Status - b.Status
		}
		return strings.Compare(a.Slug, b.Slug)
	})
	return out
}

// The parsed OpenAPI document: only the parts the reference shows and the tests check.
type (
	apiDoc struct {
		OpenAPI    string                          `json:"openapi"`
		Info       apiInfo                         `json:"info"`
		Tags       []apiTag                        `json:"tags"`
		Paths      ordered[ordered[*apiOperation]] `json:"paths"`
		Components apiComponents                   `json:"components"`
	}
	apiInfo struct {
		Title       string `json:"title"`
		Version     string `json:"version"`
		Description string `json:"description"`
	}
	apiTag struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	}
	apiComponents struct {
		Schemas    ordered[*apiSchema]      `json:"schemas"`
		Parameters map[string]*apiParameter `json:"parameters"`
		Headers    map[string]*apiParameter `json:"headers"`
		Responses  map[string]*apiResponse  `json:"responses"`
	}
	apiOperation struct {
		Tags        []string              `json:"tags"`
		OperationID string                `json:"operationId"`
		Summary     string                `json:"summary"`
		Description string                `json:"description"`
		Permission  torg.Permission       `json:"x-permission"`
		Security    []map[string][]string `json:"security"`
		Parameters  []*apiParameter       `json:"parameters"`
		RequestBody *apiBody              `json:"requestBody"`
		Responses   ordered[*apiResponse] `json:"responses"`
	}
	// apiParameter is a parameter, or a response header (which has no name or place).
	apiParameter struct {
		Ref         string     `json:"$ref"`
		Name        string     `json:"name"`
		In          string     `json:"in"`
		Description string     `json:"description"`
		Required    bool       `json:"required"`
		Schema      *apiSchema `json:"schema"`
	}
	apiBody struct {
		Description string            `json:"description"`
		Required    bool              `json:"required"`
		Content     ordered[apiMedia] `json:"content"`
	}
	apiMedia struct {
		Schema *apiSchema `json:"schema"`
	}
	apiResponse struct {
		Ref          string                 `json:"$ref"`
		Description  string                 `json:"description"`
		ProblemTypes []string               `json:"x-problem-types"`
		Headers      ordered[*apiParameter] `json:"headers"`
		Content      ordered[apiMedia]      `json:"content"`
	}
	apiSchema struct {
		Ref         string              `json:"$ref"`
		Type        any                 `json:"type"` // a name, or a list of names such as ["string", "null"]
		Format      string              `json:"format"`
		Description string              `json:"description"`
		Enum        []any               `json:"enum"`
		Default     any                 `json:"default"`
		Items       *apiSchema          `json:"items"`
		Properties  ordered[*apiSchema] `json:"properties"`
		Required    []string            `json:"required"`
		AllOf       []*apiSchema        `json:"allOf"`
		AnyOf       []*apiSchema        `json:"anyOf"` // alternatives, such as a schema or null
		OneOf       []*apiSchema        `json:"oneOf"`
		MinLength   *int                `json:"minLength"`
		MaxLength   *int                `json:"maxLength"`
		Minimum     *float64            `json:"minimum"`
		Maximum     *float64            `json:"maximum"`
		MultipleOf  *float64            `json:"multipleOf"`
		Pattern     string              `json:"pattern"`
		MinItems    *int                `json:"minItems"`
		MaxItems    *int                `json:"maxItems"`
		ReadOnly    bool                `json:"readOnly"`
		UniqueItems bool                `json:"uniqueItems"`
	}
)

// ordered is a JSON object that keeps the order of its keys.
type ordered[T any] struct {
	keys []string
	vals map[string]T
}

// UnmarshalJSON decodes an object key by key; a key that appears twice is an error.
func (o *ordered[T]) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("want a JSON object, have %.20s", b)
	}
	o.keys, o.vals = nil, map[string]T{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		key := t.(string)
		if _, dup := o.vals[key]; dup {
			return fmt.Errorf("the key %q appears twice", key)
		}
		var v T
		if err := dec.Decode(&v); err != nil {
			return err
		}
		o.add(key, v)
	}
	return nil
}

// add appends a key, or replaces the value of one it has.
func (o *ordered[T]) add(key string, v T) {
	if o.vals == nil {
		o.vals = map[string]T{}
	}
	if _, ok := o.vals[key]; !ok {
		o.keys = append(o.keys, key)
	}
	o.vals[key] = v
}

// parseAPIDoc parses an OpenAPI document.
func parseAPIDoc(b []byte) (*apiDoc, error) {
	var d apiDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	return &d, nil
}

// docsPage is the reference page, built once from the embedded document.
var docsPage = sync.OnceValues(func() (*docPage, error) {
	d, err := parseAPIDoc(openAPIDoc)
	if err != nil {
		return nil, err
	}
	return d.page(), nil
})

// refName is the last element of a $ref such as "#/components/schemas/Money".
func refName(ref string) string { return ref[strings.LastIndex(ref, "/")+1:] }

// parameter follows a parameter's $ref.
func (d *apiDoc) parameter(p *apiParameter) *apiParameter {
	if p.Ref != "" {
		if q := d.Components.Parameters[refName(p.Ref)]; q != nil {
			return q
		}
	}
	return p
}

// header follows a response header's $ref.
func (d *apiDoc) header(h *apiParameter) *apiParameter {
	if h.Ref != "" {
		if q := d.Components.Headers[refName(h.Ref)]; q != nil {
			return q
		}
	}
	return h
}

// response follows a response's $ref.
func (d *apiDoc) response(r *apiResponse) *apiResponse {
	if r.Ref != "" {
		if q := d.Components.Responses[refName(r.Ref)]; q != nil {
			return q
		}
	}
	return r
}

// flatten follows a schema's $ref and merges its allOf parts; name is the component it comes from.
func (d *apiDoc) flatten(s *apiSchema) (name string, out *apiSchema) {
	if s.Ref != "" {
		name, s = refName(s.Ref), d.Components.Schemas.vals[refName(s.Ref)]
		if s == nil {
			return name, &apiSchema{}
		}
	}
	if len(s.AllOf) == 0 {
		return name, s
	}
	m := &apiSchema{Type: "object", Description: s.Description}
	for _, part := range s.AllOf {
		n, p := d.flatten(part)
		name = cmp.Or(name, n)
		m.Description = cmp.Or(m.Description, p.Description)
		for _, k := range p.Properties.keys {
			m.Properties.add(k, p.Properties.vals[k])
		}
		m.Required = append(m.Required, p.Required...)
	}
	return name, m
}

// The reference page: what the docs template shows.
type (
	docPage struct {
		Title, Version string
		Intro          template.HTML
		Groups         []opGroup
		Schemas        []schemaView
		Problems       []problemView
	}
	opGroup struct {
		Name        string
		Description template.HTML
		Ops         []opView
	}
	opView struct {
		ID, Method, Path, Summary string
		Description               template.HTML
		Access                    string
		Params                    []paramView
		Body                      *bodyView
		Responses                 []responseView
	}
	paramView struct {
		Name, In, Rules string
		Type            typeView
		Required        bool
		Description     template.HTML
	}
	bodyView struct {
		ContentType string
		Required    bool
		Description template.HTML
		Schema      schemaView
	}
	responseView struct {
		Status, ContentType string
		Description         template.HTML
		Schema              *schemaView
		Problems            []string
		Headers             []paramView
	}
	schemaView struct {
		Name        string
		Type        typeView
		Description template.HTML
		Props       []propView
	}
	propView struct {
		Name, Rules string
		Type        typeView
		Required    bool
		Description template.HTML
	}
	// typeView is a type: Prefix (such as "array of "), either a link to the schema Ref or Text, and
	// Suffix (such as " or null").
	typeView struct {
		Prefix, Ref, Text, Suffix string
	}
)

// page builds the reference page of the document.
func (d *apiDoc) page() *docPage {
	p := &docPage{Title: d.Info.Title, Version: d.Info.Version, Intro: richText(d.Info.Description),
		Groups: d.groups(), Problems: problemViews()}
	for _, name := range d.Components.Schemas.keys {
		p.Schemas = append(p.Schemas, d.schemaView(&apiSchema{Ref: "#/components/schemas/" + name}, true))
	}
	return p
}

// groups lists the operations by tag, tags in the document's order, operations in path order.
func (d *apiDoc) groups() []opGroup {
	var groups []opGroup
	index := map[string]int{}
	group := func(name, desc string) *opGroup {
		if i, ok := index[name]; ok {
			return &groups[i]
		}
		index[name] = len(groups)
		groups = append(groups, opGroup{Name: name, Description: richText(desc)})
		return &groups[len(groups)-1]
	}
	for _, t := range d.Tags {
		group(t.Name, t.Description)
	}
	for _, path := range d.Paths.keys {
		item := d.Paths.vals[path]
		for _, method := range item.keys {
			op := item.vals[method]
			tag := "Other"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			g := group(tag, "")
			g.Ops = append(g.Ops, d.opView(strings.ToUpper(method), path, op))
		}
	}
	return slices.DeleteFunc(groups, func(g opGroup) bool { return len(g.Ops) == 0 })
}

// opView describes one operation.
func (d *apiDoc) opView(method, path string, op *apiOperation) opView {
	v := opView{ID: "op-" + cmp.Or(op.OperationID, method+path), Method: method, Path: path, Summary: op.Summary,
		Description: richText(op.Description), Access: accessText(op.Permission)}
	for _, p := range op.Parameters {
		v.Params = append(v.Params, d.paramView(d.parameter(p)))
	}
	if b := op.RequestBody; b != nil && len(b.Content.keys) > 0 {
		ct := b.Content.keys[0]
		v.Body = &bodyView{ContentType: ct, Required: b.Required, Description: richText(b.Description),
			Schema: d.schemaView(b.Content.vals[ct].Schema, true)}
	}
	for _, status := range op.Responses.keys {
		v.Responses = append(v.Responses, d.responseView(status, d.response(op.Responses.vals[status])))
	}
	return v
}

// paramView describes a parameter or a header.
func (d *apiDoc) paramView(p *apiParameter) paramView {
	v := paramView{Name: p.Name, In: p.In, Required: p.Required, Description: richText(p.Description)}
	if p.Schema != nil {
		v.Type, v.Rules = d.typeOf(p.Schema), rules(p.Schema)
	}
	return v
}

// responseView describes a response; JSON bodies other than problems get their properties listed.
func (d *apiDoc) responseView(status string, r *apiResponse) responseView {
	v := responseView{Status: status, Description: richText(r.Description), Problems: r.ProblemTypes}
	for _, name := range r.Headers.keys {
		h := d.paramView(d.header(r.Headers.vals[name]))
		h.Name = name
		v.Headers = append(v.Headers, h)
	}
	if len(r.Content.keys) > 0 {
		v.ContentType = r.Content.keys[0]
		s := d.schemaView(r.Content.vals[v.ContentType].Schema, v.ContentType == "application/json")
		v.Schema = &s
	}
	return v
}

// schemaView describes a schema, with a row per property when expand is set.
func (d *apiDoc) schemaView(s *apiSchema, expand bool) schemaView {
	if s == nil {
		return schemaView{}
	}
	name, flat := d.flatten(s)
	v := schemaView{Name: name, Type: d.typeOf(s), Description: richText(flat.Description)}
	if !expand {
		return v
	}
	for _, k := range flat.Properties.keys {
		v.Props = append(v.Props, d.propView(k, flat.Properties.vals[k], slices.Contains(flat.Required, k)))
	}
	return v
}

// propView describes one property; a $ref (or a choice of one) without a description of its own shows
// the target's.
func (d *apiDoc) propView(name string, s *apiSchema, required bool) propView {
	desc := s.Description
	for _, alt := range append([]*apiSchema{s}, alternatives(s)...) {
		if desc == "" && alt.Ref != "" {
			_, t := d.flatten(alt)
			desc = t.Description
		}
	}
	return propView{Name: name, Type: d.typeOf(s), Required: required, Rules: rules(s), Description: richText(desc)}
}

// alternatives lists the choices of an anyOf or oneOf schema.
func alternatives(s *apiSchema) []*apiSchema { return append(slices.Clip(s.AnyOf), s.OneOf...) }

// typeOf names a schema's type, linking to components.
func (d *apiDoc) typeOf(s *apiSchema) typeView {
	switch alts := alternatives(s); {
	case len(alts) > 0:
		t := d.typeOf(alts[0])
		for _, alt := range alts[1:] {
			u := d.typeOf(alt)
			t.Suffix += " or " + u.Prefix + cmp.Or(u.Ref, u.Text) + u.Suffix
		}
		return t
	case s.Ref != "" || len(s.AllOf) > 0:
		name, _ := d.flatten(s)
		return typeView{Ref: name}
	case s.Items != nil:
		t := d.typeOf(s.Items)
		t.Prefix = "array of " + t.Prefix
		return t
	}
	var names []string
	switch t := s.Type.(type) {
	case string:
		names = []string{t}
	case []any:
		for _, n := range t {
			names = append(names, fmt.Sprint(n))
		}
	}
	text := cmp.Or(strings.Join(names, " or "), "any")
	if s.Format != "" {
		text += " (" + s.Format + ")"
	}
	return typeView{Text: text}
}

// rules lists a schema's constraints in words.
func rules(s *apiSchema) string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if len(s.Enum) > 0 {
		add("one of %s", jsonList(s.Enum))
	}
	if s.Default != nil {
		add("default %s", jsonText(s.Default))
	}
	switch {
	case s.MinLength != nil && *s.MinLength == 1:
		add("not empty")
	case s.MinLength != nil && *s.MinLength > 1:
		add("at least %d characters", *s.MinLength)
	}
	if s.MaxLength != nil {
		add("at most %d characters", *s.MaxLength)
	}
	if s.Minimum != nil {
		add("≥ %s", number(*s.Minimum))
	}
	if s.Maximum != nil {
		add("≤ %s", number(*s.Maximum))
	}
	if s.MultipleOf != nil {
		add("multiple of %s", number(*s.MultipleOf))
	}
	if s.Pattern != "" {
		add("matches %s", s.Pattern)
	}
	if s.MinItems != nil {
		add("at least %d item%s", *s.MinItems, plural(*s.MinItems))
	}
	if s.MaxItems != nil {
		add("at most %d item%s", *s.MaxItems, plural(*s.MaxItems))
	}
	if s.UniqueItems {
		add("no repeats")
	}
	if s.ReadOnly {
		add("read-only")
	}
	return strings.Join(out, "; ")
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func jsonList(vs []any) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = jsonText(v)
	}
	return strings.Join(parts, ", ")
}

func number(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// tokenRoles are the roles that can hold a bearer token or log in, in the order the reference names them.
var tokenRoles = []torg.Role{torg.RoleAdmin, torg.RoleIntegration, torg.RoleViewer, torg.RoleManager, torg.RoleRegister, torg.RoleMetrics}

// accessText says who may call an operation.
func accessText(perm torg.Permission) string {
	if perm == torg.PermPublic {
		return "Public: no token needed."
	}
	var roles []string
	for _, r := range tokenRoles {
		if r.Allows(perm) {
			roles = append(roles, string(r))
		}
	}
	return fmt.Sprintf("Bearer token with the %q permission; roles: %s.", perm, strings.Join(roles, ", "))
}

var codeSpan = regexp.MustCompile("`([^`]+)`")

// inline escapes text and shows `quoted` parts as code.
func inline(s string) template.HTML {
	return template.HTML(codeSpan.ReplaceAllString(template.HTMLEscapeString(s), "<code>$1</code>"))
}

// richText turns a description into HTML: paragraphs split by blank lines, "- " lines as a list.
func richText(s string) template.HTML {
	var b strings.Builder
	for _, para := range strings.Split(strings.TrimSpace(s), "\n\n") {
		if para == "" {
			continue
		}
		lines := strings.Split(para, "\n")
		if !slices.ContainsFunc(lines, func(l string) bool { return !strings.HasPrefix(l, "- ") }) {
			b.WriteString("<ul>")
			for _, l := range lines {
				b.WriteString("<li>" + string(inline(strings.TrimPrefix(l, "- "))) + "</li>")
			}
			b.WriteString("</ul>")
			continue
		}
		b.WriteString("<p>" + string(inline(para)) + "</p>")
	}
	return template.HTML(b.String())
}

// docTemplates are the reference page ("docs") and a problem type's page ("problem").
var docTemplates = template.Must(template.New("").Funcs(template.FuncMap{
	"lower": strings.ToLower,
}).Parse(docTemplateText))

const docTemplateText = `
{{define "css"}}<style>
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa; --link: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); }
a { color: var(--link); text-decoration: none; } a:hover { text-decoration: underline; }
code, .path { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { background: var(--bg); border-radius: 4px; padding: 1px 4px; }
nav { position: fixed; top: 0; bottom: 0; left: 0; width: 300px; overflow-y: auto; padding: 20px 16px;
      background: var(--bg); border-right: 1px solid var(--line); font-size: 13px; }
nav h1 { font-size: 18px; margin: 0 0 12px; } nav h2 { font-size: 12px; text-transform: uppercase;
      letter-spacing: .05em; color: var(--muted); margin: 18px 0 6px; }
nav ul { list-style: none; margin: 0; padding: 0; } nav li { margin: 2px 0; }
nav li a { display: flex; gap: 6px; align-items: baseline; color: var(--fg); }
main { margin-left: 300px; padding: 24px 40px 80px; max-width: 1100px; }
main > h1 { margin-top: 0; }
h2.tag { border-bottom: 2px solid var(--line); padding-bottom: 4px; margin-top: 48px; }
section.op { border: 1px solid var(--line); border-radius: 8px; padding: 4px 20px 16px; margin: 20px 0; }
section.op h3 { display: flex; gap: 10px; align-items: center; font-size: 17px; }
h4 { margin: 18px 0 6px; font-size: 14px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.method { display: inline-block; min-width: 54px; text-align: center; border-radius: 4px; padding: 1px 6px;
          font: bold 11px/1.6 ui-monospace, monospace; color: #fff; background: #6e7781; }
.get { background: #1a7f37; } .post { background: #0969da; } .patch { background: #9a6700; }
.put { background: #8250df; } .delete { background: #cf222e; }
.summary { color: var(--muted); font-weight: normal; }
.access { background: var(--bg); border-left: 3px solid var(--link); padding: 6px 10px; font-size: 14px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: 6px 0; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); padding: 6px 8px; }
th { background: var(--bg); font-weight: 600; } td p { margin: 0 0 4px; }
td.name { white-space: nowrap; font-family: ui-monospace, monospace; font-size: 13px; }
.req { color: #cf222e; font-size: 12px; } .rules { color: var(--muted); font-size: 13px; }
.status { font-weight: bold; } .s2 { color: #1a7f37; } .s4 { color: #9a6700; } .s5 { color: #cf222e; }
.meta { color: var(--muted); font-size: 13px; margin: 4px 0; } .meta p { display: inline; margin: 0; }
@media (max-width: 860px) { nav { position: static; width: auto; border-right: 0; } main { margin-left: 0; padding: 16px; } }
</style>{{end}}

{{define "type"}}{{.Prefix}}{{if .Ref}}<a href="/docs#schema-{{.Ref}}">{{.Ref}}</a>{{else}}{{.Text}}{{end}}{{.Suffix}}{{end}}

{{define "props"}}{{if .}}<table>
<tr><th>Field</th><th>Type</th><th>Description</th></tr>
{{range .}}<tr><td class="name">{{.Name}}{{if .Required}} <span class="req">required</span>{{end}}</td>
<td>{{template "type" .Type}}</td>
<td>{{.Description}}{{if .Rules}}<div class="rules">{{.Rules}}</div>{{end}}</td></tr>
{{end}}</table>{{end}}{{end}}

{{define "schema"}}{{if .Name}}<p class="meta">Schema <a href="/docs#schema-{{.Name}}">{{.Name}}</a></p>{{end}}{{template "props" .Props}}{{end}}

{{define "docs"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} reference</title>{{template "css"}}</head>
<body>
<nav>
<h1>{{.Title}}</h1>
<a href="/openapi.json">openapi.json</a>
{{range .Groups}}<h2>{{.Name}}</h2><ul>
{{range .Ops}}<li><a href="#{{.ID}}"><span class="method {{lower .Method}}">{{.Method}}</span><span class="path">{{.Path}}</span></a></li>
{{end}}</ul>{{end}}
<h2>Reference</h2><ul><li><a href="#schemas">Schemas</a></li><li><a href="#problems">Problem types</a></li></ul>
</nav>
<main>
<h1>{{.Title}} <small class="summary">version {{.Version}}</small></h1>
{{.Intro}}
{{range .Groups}}<h2 class="tag">{{.Name}}</h2>{{.Description}}
{{range .Ops}}<section class="op" id="{{.ID}}">
<h3><span class="method {{lower .Method}}">{{.Method}}</span><span class="path">{{.Path}}</span>
<span class="summary">{{.Summary}}</span></h3>
{{.Description}}
<p class="access">{{.Access}}</p>
{{if .Params}}<h4>Parameters</h4><table>
<tr><th>Name</th><th>In</th><th>Type</th><th>Description</th></tr>
{{range .Params}}<tr><td class="name">{{.Name}}{{if .Required}} <span class="req">required</span>{{end}}</td><td>{{.In}}</td>
<td>{{template "type" .Type}}</td><td>{{.Description}}{{if .Rules}}<div class="rules">{{.Rules}}</div>{{end}}</td></tr>
{{end}}</table>{{end}}
{{with .Body}}<h4>Request body <code>{{.ContentType}}</code>{{if not .Required}} (optional){{end}}</h4>
{{.Description}}{{template "schema" .Schema}}{{end}}
<h4>Responses</h4>
<table><tr><th>Status</th><th>Description</th></tr>
{{range .Responses}}<tr><td class="status s{{slice .Status 0 1}}">{{.Status}}</td><td>{{.Description}}
{{range .Headers}}<div class="meta">Header <code>{{.Name}}</code>: {{.Description}}</div>{{end}}
{{if .ContentType}}<div class="meta"><code>{{.ContentType}}</code>{{with .Schema}}{{if .Name}} · <a href="/docs#schema-{{.Name}}">{{.Name}}</a>{{end}}{{end}}
{{- if .Problems}} · problem type{{if gt (len .Problems) 1}}s{{end}}: {{range $i, $p := .Problems}}{{if $i}}, {{end}}<a href="/docs/problems/{{$p}}">{{$p}}</a>{{end}}{{end}}</div>{{end}}
{{with .Schema}}{{template "props" .Props}}{{end}}
</td></tr>
{{end}}</table>
</section>
{{end}}{{end}}
<h2 class="tag" id="schemas">Schemas</h2>
{{range .Schemas}}<section class="op" id="schema-{{.Name}}"><h3>{{.Name}}</h3>{{.Description}}
{{if .Props}}{{template "props" .Props}}{{else}}<p>Type: {{template "type" .Type}}</p>{{end}}</section>
{{end}}
<h2 class="tag" id="problems">Problem types</h2>
<p>Every error is answered as <code>application/problem+json</code> (schema <a href="#schema-Problem">Problem</a>) whose <code>type</code> is <code>/docs/problems/</code> followed by one of these slugs.</p>
<table><tr><th>Slug</th><th>Status</th><th>Title</th><th>Meaning</th></tr>
{{range .Problems}}<tr><td class="name"><a href="/docs/problems/{{.Slug}}">{{.Slug}}</a></td><td>{{.Status}}</td><td>{{.Title}}</td><td>{{.Help}}</td></tr>
{{end}}</table>
</main>
</body></html>
{{end}}

{{define "problem"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Slug}} — torg problem type</title>{{template "css"}}</head>
<body><main style="margin: 0 auto; max-width: 760px">
<p><a href="/docs#problems">← All problem types</a></p>
<h1><code>{{.Slug}}</code></h1>
<p class="access"><span class="status">{{.Status}}</span> — {{.Title}}</p>
<p>{{.Help}}</p>
<p>A problem of this type is answered with status {{.Status}} as <code>application/problem+json</code>, with
<code>"type": "/docs/problems/{{.Slug}}"</code>, <code>"title": "{{.Title}}"</code> and a <code>detail</code> that
explains this occurrence. See <a href="/docs#schema-Problem">Problem</a>.</p>
</main></body></html>
{{end}}
`

// OpenAPIDocument is a copy of the OpenAPI document the server publishes at /openapi.json.
func OpenAPIDocument() []byte { return bytes.Clone(openAPIDoc) }
