package api

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"torg"
	"torg/internal/store"
)

// specDoc parses the embedded OpenAPI document.
func specDoc(t *testing.T) *apiDoc {
	t.Helper()
	d, err := parseAPIDoc(openAPIDoc)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// specOp finds the operation of a method and path, nil when the document has none.
func specOp(d *apiDoc, method, path string) *apiOperation {
	item, ok := d.Paths.vals[path]
	if !ok {
		return nil
	}
	return item.vals[strings.ToLower(method)]
}

func TestOpenAPIHasEveryRouteAndNoOther(t *testing.T) {
	d := specDoc(t)
	routes := map[string]bool{}
	for _, rt := range (&Server{}).routes() {
		routes[rt.Method+" "+rt.Path] = true
		if specOp(d, rt.Method, rt.Path) == nil {
			t.Errorf("route %s %s has no operation in openapi.json", rt.Method, rt.Path)
		}
	}
	for _, path := range d.Paths.keys {
		for _, method := range d.Paths.vals[path].keys {
			if method != strings.ToLower(method) {
				t.Errorf("%s %s: methods are lower case in OpenAPI", method, path)
			}
			if !routes[strings.ToUpper(method)+" "+path] {
				t.Errorf("openapi.json has %s %s, which is not in the route table", strings.ToUpper(method), path)
			}
		}
	}
}

func TestOpenAPISecurityMatchesPermissions(t *testing.T) {
	d := specDoc(t)
	for _, rt := range (&Server{}).routes() {
		op := specOp(d, rt.Method, rt.Path)
		if op == nil {
			continue // reported by TestOpenAPIHasEveryRouteAndNoOther
		}
		name := rt.Method + " " + rt.Path
		if op.Permission != rt.Perm {
			t.Errorf("%s: x-permission is %q, the route needs %q", name, op.Permission, rt.Perm)
		}
		public := op.Security != nil && len(op.Security) == 0
		bearer := len(op.Security) == 1 && op.Security[0]["bearerAuth"] != nil && len(op.Security[0]) == 1
		switch {
		case rt.Perm == torg.PermPublic && !public:
			t.Errorf("%s is public: want security: []", name)
		case rt.Perm != torg.PermPublic && !bearer:
			t.Errorf("%s needs a token: want security: [{\"bearerAuth\": []}], have %v", name, op.Security)
		}
		if rt.Perm != torg.PermPublic && !hasResponse(op, "401") {
			t.Errorf("%s needs a token but does not document 401", name)
		}
	}
}

// hasResponse reports whether the operation documents the status.
func hasResponse(op *apiOperation, status string) bool {
	_, ok := op.Responses.vals[status]
	return ok
}

// specSchemas pairs each Go type that the API sends or reads with its schema.
var specSchemas = []struct {
	v      any
	schema string
	input  bool // an input: fields are optional, so no required list to check
}{
	{torg.Warehouse{}, "Warehouse", false},
	{torg.WebhookInput{}, "WebhookInput", true},
	{torg.Webhook{}, "Webhook", false},
	{torg.List[torg.Webhook]{}, "WebhookList", false},
	{torg.WebhookDelivery{}, "WebhookDelivery", false},
	{torg.List[torg.WebhookDelivery]{}, "WebhookDeliveryList", false},
	{torg.Event{}, "Event", false},
	{torg.EventData{}, "EventData", false},
	{torg.EventOrder{}, "EventOrder", false},
	{torg.WarehouseInput{}, "WarehouseInput", true},
	{torg.CashDesk{}, "CashDesk", false},
	{torg.CashDeskInput{}, "CashDeskInput", true},
	{torg.Product{}, "Product", false},
	{torg.ProductInput{}, "ProductInput", true},
	{torg.Customer{}, "Customer", false},
	{torg.CustomerInput{}, "CustomerInput", true},
	{torg.Register{}, "Register", false},
	{torg.RegisterInput{}, "RegisterInput", true},
	{torg.APIToken{}, "APIToken", false},
	{torg.APITokenInput{}, "APITokenInput", true},
	{torg.FieldError{}, "FieldError", false},
	{torg.Problem{}, "Problem", false},
	{torg.ProblemField{}, "ProblemField", false},
	{torg.List[torg.Warehouse]{}, "WarehouseList", false},
	{torg.List[torg.CashDesk]{}, "CashDeskList", false},
	{torg.List[torg.Product]{}, "ProductList", false},
	{torg.List[torg.Customer]{}, "CustomerList", false},
	{torg.List[torg.Register]{}, "RegisterList", false},
	{torg.List[torg.APIToken]{}, "APITokenList", false},
	{torg.Order{}, "Order", false},
	{torg.OrderLine{}, "OrderLine", false},
	{torg.OrderRegister{}, "OrderRegister", false},
	{torg.Claim{}, "Claim", false},
	{torg.OrderInput{}, "OrderInput", true},
	{torg.OrderLineInput{}, "OrderLineInput", true},
	{torg.OrderPatch{}, "OrderPatch", true},
	{torg.Transaction{}, "Transaction", false},
	{torg.TransactionInput{}, "TransactionInput", true},
	{torg.TxLine{}, "TxLine", false},
	{torg.Payment{}, "Payment", false},
	{torg.Fiscal{}, "Fiscal", false},
	{torg.Package{}, "Package", false},
	{torg.Packages{}, "Packages", false},
	{torg.OrderSnapshot{}, "OrderSnapshot", false},
	{torg.CustomerRef{}, "CustomerRef", false},
	{torg.SnapshotLine{}, "SnapshotLine", false},
	{torg.Resolution{}, "Resolution", false},
	{torg.List[torg.Order]{}, "OrderList", false},
	{torg.List[torg.Transaction]{}, "TransactionList", false},
	{torg.Resolution{}, "ResolutionInput", true},
	{torg.GoodsReceipt{}, "GoodsReceipt", false},
	{torg.GoodsReceiptLine{}, "GoodsReceiptLine", false},
	{torg.GoodsReceiptInput{}, "GoodsReceiptInput", true},
	{torg.GoodsReceiptLineInput{}, "GoodsReceiptLineInput", true},
	{torg.SalesInvoice{}, "SalesInvoice", false},
	{torg.CashReceipt{}, "CashReceipt", false},
	{torg.CardPayment{}, "CardPayment", false},
	{torg.List[torg.GoodsReceipt]{}, "GoodsReceiptList", false},
	{torg.List[torg.SalesInvoice]{}, "SalesInvoiceList", false},
	{torg.List[torg.CashReceipt]{}, "CashReceiptList", false},
	{torg.List[torg.CardPayment]{}, "CardPaymentList", false},
	{torg.TransferResult{}, "TransferResult", false},
	{torg.JobRun{}, "JobRun", false},
	{torg.JobStatus{}, "JobStatus", false},
	{torg.StockItem{}, "StockItem", false},
	{torg.CashItem{}, "CashItem", false},
	{torg.DebtItem{}, "DebtItem", false},
	{torg.Report[torg.StockItem]{}, "StockReport", false},
	{torg.Report[torg.CashItem]{}, "CashReport", false},
	{torg.Report[torg.DebtItem]{}, "SettlementsReport", false},
}

// jsonNames lists a struct's JSON field names, and those that are always sent (no omitempty), as
// encoding/json sees them: the fields of an embedded struct without a JSON name are promoted, and of
// fields with one name the shallowest wins (at equal depth a tagged one; two of a kind hide each other).
func jsonNames(t reflect.Type) (names, always []string) {
	type field struct {
		depth          int
		tagged, always bool
	}
	byName := map[string][]field{}
	var walk func(t reflect.Type, depth int)
	walk = func(t reflect.Type, depth int) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
				walk(ft, depth+1) // even an unexported struct type: its exported fields are promoted
				continue
			}
			if !f.IsExported() {
				continue
			}
			omit := slices.ContainsFunc(strings.Split(opts, ","), func(o string) bool { return o == "omitempty" || o == "omitzero" })
			byName[cmp.Or(name, f.Name)] = append(byName[cmp.Or(name, f.Name)], field{depth, name != "", !omit})
		}
	}
	walk(t, 0)
	for name, fs := range byName {
		top := slices.MinFunc(fs, func(a, b field) int { return a.depth - b.depth }).depth
		fs = slices.DeleteFunc(fs, func(f field) bool { return f.depth != top })
		if tagged := slices.DeleteFunc(slices.Clone(fs), func(f field) bool { return !f.tagged }); len(tagged) > 0 {
			fs = tagged
		}
		if len(fs) != 1 {
			continue // encoding/json drops names that are ambiguous
		}
		names = append(names, name)
		if fs[0].always {
			always = append(always, name)
		}
	}
	slices.Sort(names)
	slices.Sort(always)
	return names, always
}

func TestJSONNamesFollowsEncodingJSON(t *testing.T) {
	type inner struct {
		A int `json:"a"`
		B int `json:"b,omitempty"`
		E string
		G int `json:"G"`
		x int
	}
	type other struct {
		E string // as deep as inner.E: both are dropped
		G int    `json:",omitempty"` // inner.G is tagged with the name, so it wins
	}
	type outer struct {
		inner
		other
		B  string `json:"b"`
		C  *int   `json:"c,omitempty"`
		Tx struct {
			Z int `json:"z"`
		} `json:"tx"`
		Skip int `json:"-"`
	}
	names, always := jsonNames(reflect.TypeFor[outer]())
	if want := []string{"G", "a", "b", "c", "tx"}; !slices.Equal(names, want) {
		t.Errorf("names %v, want %v", names, want)
	}
	if want := []string{"G", "a", "b", "tx"}; !slices.Equal(always, want) {
		t.Errorf("always %v, want %v", always, want)
	}
	// The check itself: what the names are is what encoding/json writes.
	b, _ := json.Marshal(outer{})
	var sent map[string]any
	json.Unmarshal(b, &sent)
	if keys := slices.Sorted(maps.Keys(sent)); !slices.Equal(keys, always) {
		t.Errorf("encoding/json sends %v, jsonNames says %v", keys, always)
	}
	b, _ = json.Marshal(torg.Transaction{})
	sent = nil
	json.Unmarshal(b, &sent)
	names, always = jsonNames(reflect.TypeFor[torg.Transaction]())
	if keys := slices.Sorted(maps.Keys(sent)); !slices.Equal(keys, always) || !slices.Equal(names, always) {
		t.Errorf("a Transaction is sent with %v, jsonNames says %v (always %v)", keys, names, always)
	}
}

func TestOpenAPISchemasMatchGoTypes(t *testing.T) {
	d := specDoc(t)
	for _, c := range specSchemas {
		if d.Components.Schemas.vals[c.schema] == nil {
			t.Errorf("openapi.json has no schema %s", c.schema)
			continue
		}
		_, s := d.flatten(&apiSchema{Ref: "#/components/schemas/" + c.schema}) // allOf parts merged
		names, always := jsonNames(reflect.TypeOf(c.v))
		props := slices.Sorted(slices.Values(s.Properties.keys))
		if !slices.Equal(props, names) {
			t.Errorf("schema %s has properties %v; %T has JSON fields %v", c.schema, props, c.v, names)
		}
		required := slices.Sorted(slices.Values(s.Required))
		if !c.input && !slices.Equal(required, always) {
			t.Errorf("schema %s requires %v; %T always sends %v", c.schema, required, c.v, always)
		}
	}
}

func TestOpenAPIEnumsMatchCode(t *testing.T) {
	d := specDoc(t)
	enum := func(name string) []string {
		var out []string
		for _, v := range d.Components.Schemas.vals[name].Enum {
			out = append(out, v.(string))
		}
		return slices.Sorted(slices.Values(out))
	}
	var rates, slugs []string
	for _, r := range torg.VATRates {
		rates = append(rates, string(r))
	}
	for code := range problemKinds {
		slugs = append(slugs, string(code))
	}
	slices.Sort(rates)
	slices.Sort(slugs)
	if have := enum("VATRate"); !slices.Equal(have, rates) {
		t.Errorf("VATRate enum is %v, torg.VATRates is %v", have, rates)
	}
	if have := enum("ProblemSlug"); !slices.Equal(have, slugs) {
		t.Errorf("ProblemSlug enum is %v, problemKinds has %v", have, slugs)
	}
	if max := d.Components.Parameters["Limit"].Schema.Maximum; max == nil || int(*max) != torg.MaxPageLimit {
		t.Errorf("limit's maximum is %v, torg.MaxPageLimit is %d", max, torg.MaxPageLimit)
	}
	strs := func(vs ...any) []string {
		var out []string
		for _, v := range vs {
			out = append(out, reflect.ValueOf(v).String())
		}
		return slices.Sorted(slices.Values(out))
	}
	for _, c := range []struct {
		schema string
		code   []string
	}{
		{"OrderStatus", strs(torg.StatusNew, torg.StatusAgreed, torg.StatusSold, torg.StatusClosed, torg.StatusCancelled)},
		{"DeliveryState", strs(torg.DeliveryNotSent, torg.DeliverySent, torg.DeliveryReceived, torg.DeliveryWithdrawalSent, torg.DeliveryWithdrawn)},
		{"TxState", strs(torg.TxNew, torg.TxProcessed, torg.TxConflict, torg.TxFailed, torg.TxIgnored)},
		{"ConflictReason", strs(torg.ConflictUnknownOrder, torg.ConflictAlreadySold, torg.ConflictCancelled, torg.ConflictNotOffered, torg.ConflictMismatch,
			torg.ConflictOverReturn, torg.ConflictUnknownSale, torg.ConflictOverCashOut)},
		{"TxKind", strs(torg.TxKinds[0], torg.TxKinds[1], torg.TxKinds[2], torg.TxKinds[3])},
		{"CashReceiptPurpose", strs(torg.PurposeSale, torg.PurposeCashIn)},
		{"CashExpensePurpose", strs(torg.PurposeRefund, torg.PurposeCashOut)},
		{"PackageKind", strs(torg.PackageUpsert, torg.PackageDelete, torg.PackageClaimed, torg.PackageReleased)},
		{"DeleteReason", strs(torg.ReasonSold, torg.ReasonCancelled, torg.ReasonUnposted, torg.ReasonNotAgreed, torg.ReasonRemoved)},
		{"PaymentType", strs(torg.PaymentCash, torg.PaymentCard)},
		{"ResolutionAction", strs(torg.ResolveAccept, torg.ResolveWithoutOrder, torg.ResolveIgnore)},
		{"WebhookEvent", strs(torg.WebhookEvents[0], torg.WebhookEvents[1], torg.WebhookEvents[2], torg.WebhookEvents[3], torg.WebhookEvents[4])},
		{"WebhookDeliveryState", strs(torg.DeliveryPending, torg.DeliveryDelivered, torg.DeliveryFailed)},
	} {
		if have := enum(c.schema); !slices.Equal(have, c.code) {
			t.Errorf("%s enum is %v, the code has %v", c.schema, have, c.code)
		}
	}
	var waitMax *float64
	if op := specOp(d, "GET", "/api/v1/register/packages"); op != nil {
		for _, p := range op.Parameters {
			if p := d.parameter(p); p.Name == "wait" && p.In == "query" && p.Schema != nil {
				waitMax = p.Schema.Maximum
			}
		}
	}
	if seconds := int(MaxWait / time.Second); waitMax == nil || int(*waitMax) != seconds {
		t.Errorf("the packages' wait parameter does not have the maximum %d (MaxWait)", seconds)
	}
	if s := d.Components.Schemas.vals["Packages"]; s == nil || s.Properties.vals["packages"] == nil ||
		!strings.Contains(s.Properties.vals["packages"].Description, "at most "+strconv.Itoa(store.MaxPackages)) {
		t.Errorf("Packages.packages does not say that it holds at most %d packages (store.MaxPackages)", store.MaxPackages)
	}
}

// knownParams matches the list of query parameters that a handler names when it refuses an unknown
// one; unknownParam matches the refusal itself.
var (
	knownParams  = regexp.MustCompile(`\(known: ([^)]*)\)`)
	unknownParam = regexp.MustCompile(`is not a (query )?parameter`)
)

// TestOpenAPIQueryParametersMatchHandlers asks each handler of a GET with documented query parameters
// (without a store: it must refuse an unknown parameter before using one) whether it knows each
// documented parameter, and, where its refusal lists the parameters it knows, that they are exactly
// the documented ones.
func TestOpenAPIQueryParametersMatchHandlers(t *testing.T) {
	d := specDoc(t)
	for _, rt := range (&Server{}).routes() {
		op := specOp(d, rt.Method, rt.Path)
		if op == nil || rt.Method != "GET" {
			continue
		}
		var documented []string
		for _, p := range op.Parameters {
			if p := d.parameter(p); p.In == "query" {
				documented = append(documented, p.Name)
			}
		}
		if len(documented) == 0 {
			continue // such handlers ignore the query
		}
		name := rt.Method + " " + rt.Path
		fields, err := refusedQuery(rt, "no-such-parameter=1")
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, f := range fields {
			if m := knownParams.FindStringSubmatch(f.Message); f.Field == "no-such-parameter" && m != nil {
				if known := strings.Split(m[1], ", "); !slices.Equal(slices.Sorted(slices.Values(documented)), slices.Sorted(slices.Values(known))) {
					t.Errorf("%s documents the query parameters %v; the handler knows %v", name, documented, known)
				}
			}
		}
		for _, param := range documented {
			fields, err := refusedQuery(rt, url.Values{param: {"1"}, "no-such-parameter": {"1"}}.Encode())
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			for _, f := range fields {
				if f.Field == param && unknownParam.MatchString(f.Message) {
					t.Errorf("%s documents the query parameter %s, which the handler refuses: %s", name, param, f.Message)
				}
			}
		}
	}
}

// refusedQuery calls the route's handler, without a store, with a query that has an unknown
// parameter, and returns the fields its refusal names.
func refusedQuery(rt Route, query string) (fields []torg.FieldError, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the handler did not refuse an unknown query parameter before using the store: %v", p)
		}
	}()
	path := regexp.MustCompile(`{[^}]+}`).ReplaceAllString(rt.Path, "x")
	r := &request{Request: httptest.NewRequest(rt.Method, path+"?"+query, nil)}
	var e *torg.Error
	if !errors.As(rt.handle(httptest.NewRecorder(), r), &e) || e.Code != torg.CodeValidation ||
		!slices.ContainsFunc(e.Fields, func(f torg.FieldError) bool { return f.Field == "no-such-parameter" }) {
		return nil, errors.New("an unknown query parameter is not refused with 422 naming it")
	}
	return e.Fields, nil
}

func TestOpenAPIProblemTypesMatchStatuses(t *testing.T) {
	d := specDoc(t)
	for _, path := range d.Paths.keys {
		for _, method := range d.Paths.vals[path].keys {
			op := d.Paths.vals[path].vals[method]
			for _, status := range op.Responses.keys {
				checkProblemTypes(t, strings.ToUpper(method)+" "+path+" "+status, status, d.response(op.Responses.vals[status]))
			}
		}
	}
	for code := range problemKinds {
		if problemHelp[code] == "" {
			t.Errorf("problem %s has no explanation in problemHelp", code)
		}
	}
}

// checkProblemTypes checks that an error response names its problem types, each with its status.
func checkProblemTypes(t *testing.T, name, status string, r *apiResponse) {
	t.Helper()
	n, _ := strconv.Atoi(status)
	if n >= 400 && len(r.ProblemTypes) == 0 {
		t.Errorf("%s: an error response lists no x-problem-types", name)
	}
	for _, slug := range r.ProblemTypes {
		k, ok := problemKinds[torg.Code(slug)]
		if !ok || k.status != n {
			t.Errorf("%s: problem type %q is answered with %d", name, slug, k.status)
		}
	}
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	if !json.Valid(openAPIDoc) {
		t.Fatal("openapi.json is not valid JSON")
	}
	var raw map[string]any
	json.Unmarshal(openAPIDoc, &raw)
	if raw["openapi"] != "3.1.0" {
		t.Errorf("openapi is %v, want 3.1.0", raw["openapi"])
	}
	if pointer(raw, "/components/securitySchemes/bearerAuth/scheme") != "bearer" {
		t.Error("components.securitySchemes.bearerAuth is not an HTTP bearer scheme")
	}
	checkRefs(t, raw, raw)
	d := specDoc(t)
	ids := map[string]bool{}
	for _, path := range d.Paths.keys {
		for _, method := range d.Paths.vals[path].keys {
			op := d.Paths.vals[path].vals[method]
			if op.OperationID == "" || ids[op.OperationID] || op.Summary == "" || op.Description == "" || len(op.Tags) != 1 {
				t.Errorf("%s %s: want a unique operationId, a summary, a description and one tag", method, path)
			}
			ids[op.OperationID] = true
			checkPathParams(t, d, strings.ToUpper(method)+" "+path, path, op)
		}
	}
}

// checkPathParams checks that the operation declares exactly the parameters of its path template.
func checkPathParams(t *testing.T, d *apiDoc, name, path string, op *apiOperation) {
	t.Helper()
	var inPath, declared []string
	for _, m := range regexp.MustCompile(`{([^}]+)}`).FindAllStringSubmatch(path, -1) {
		inPath = append(inPath, m[1])
	}
	for _, p := range op.Parameters {
		if p := d.parameter(p); p.In == "path" {
			declared = append(declared, p.Name)
			if !p.Required {
				t.Errorf("%s: path parameter %s must be required", name, p.Name)
			}
		}
	}
	if !slices.Equal(slices.Sorted(slices.Values(inPath)), slices.Sorted(slices.Values(declared))) {
		t.Errorf("%s: path parameters %v, declared %v", name, inPath, declared)
	}
}

// checkRefs fails for every $ref under v that does not point into the document.
func checkRefs(t *testing.T, root map[string]any, v any) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		if ref, ok := v["$ref"].(string); ok && (!strings.HasPrefix(ref, "#/") || pointer(root, ref[1:]) == nil) {
			t.Errorf("$ref %q points nowhere", ref)
		}
		for _, x := range v {
			checkRefs(t, root, x)
		}
	case []any:
		for _, x := range v {
			checkRefs(t, root, x)
		}
	}
}

// pointer follows a JSON pointer such as "/components/schemas/Money" through objects.
func pointer(v any, ptr string) any {
	for _, key := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[strings.ReplaceAll(strings.ReplaceAll(key, "~1", "/"), "~0", "~")]
	}
	return v
}

func TestOpenAPIServerIsTheRoot(t *testing.T) {
	// Every path carries its whole prefix (/api/v1/…, /healthz, /docs), so the one server is the
	// relative root: a client adds a path to the origin it read the document from and reaches the route.
	var raw struct {
		Servers []struct {
			URL string `json:"url"`
		} `json:"servers"`
	}
	if err := json.Unmarshal(openAPIDoc, &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw.Servers) != 1 || raw.Servers[0].URL != "/" {
		t.Errorf("servers is %+v, want one server with the url \"/\"", raw.Servers)
	}
	for _, rt := range (&Server{}).routes() {
		if !strings.HasPrefix(rt.Path, "/") || strings.HasPrefix(rt.Path, "//") {
			t.Errorf("route %s %s does not start with one /, so \"/\" and its path would not join", rt.Method, rt.Path)
		}
	}
}

// TestOpenAPIDocumentsRefusedQuery sends every route a query the server refuses before anything
// else (a pair joined by ";") and checks that the answer, 422 `validation`, is in the route's
// operation: every operation, public ones included, can get it.
func TestOpenAPIDocumentsRefusedQuery(t *testing.T) {
	d := specDoc(t)
	h := New(Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler(nil)
	for _, rt := range (&Server{}).routes() {
		name := rt.Method + " " + rt.Path
		path := regexp.MustCompile(`{[^}]+}`).ReplaceAllString(rt.Path, "x")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(rt.Method, path+"?a=1;b=2", nil))
		var p torg.Problem
		json.Unmarshal(w.Body.Bytes(), &p)
		if w.Code != http.StatusUnprocessableEntity || p.Type != problemTypeBase+string(torg.CodeValidation) {
			t.Errorf("%s?a=1;b=2: %d %s, want 422 validation", name, w.Code, p.Type)
			continue
		}
		op := specOp(d, rt.Method, rt.Path)
		if op == nil {
			continue // reported by TestOpenAPIHasEveryRouteAndNoOther
		}
		r, ok := op.Responses.vals["422"]
		if !ok || !slices.Contains(d.response(r).ProblemTypes, string(torg.CodeValidation)) {
			t.Errorf("%s answers a refused query with 422 validation, which its operation does not document", name)
		}
	}
}

// get asks a server without a store for a public page.
func get(t *testing.T, path string) *httptest.ResponseRecorder {
	t.Helper()
	s := New(Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	w := httptest.NewRecorder()
	s.Handler(nil).ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}

func TestDocsShowsEveryRoute(t *testing.T) {
	w := get(t, "/docs")
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET /docs: %d %s\n%s", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
	page := w.Body.String()
	for _, rt := range (&Server{}).routes() {
		if !strings.Contains(page, ">"+rt.Path+"<") {
			t.Errorf("/docs does not show %s", rt.Path)
		}
	}
	for _, want := range []string{`id="schema-Warehouse"`, `id="schema-Order"`, `id="schema-Transaction"`, `href="/docs/problems/validation"`,
		`href="/docs/problems/withdrawn"`, `<a href="/docs#schema-Claim">Claim</a> or null`, "<style>", "replayed byte for byte", "Bearer realm"} {
		if !strings.Contains(page, want) {
			t.Errorf("/docs lacks %s", want)
		}
	}
}

func TestOpenAPIIsServed(t *testing.T) {
	w := get(t, "/openapi.json")
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/json" || w.Body.String() != string(openAPIDoc) {
		t.Errorf("GET /openapi.json: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
}

func TestProblemDocs(t *testing.T) {
	for code, k := range problemKinds {
		w := get(t, "/docs/problems/"+string(code))
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), k.title) {
			t.Errorf("GET /docs/problems/%s: %d, want 200 with the title %q", code, w.Code, k.title)
		}
	}
	w := get(t, "/docs/problems/nope")
	var p torg.Problem
	json.Unmarshal(w.Body.Bytes(), &p)
	if w.Code != http.StatusNotFound || p.Type != problemTypeBase+string(torg.CodeNotFound) {
		t.Errorf("GET /docs/problems/nope: %d %s, want 404 not-found", w.Code, w.Body)
	}
}

// walkSchemas calls fn with every schema in the document (components, parameters, headers, bodies
// and the schemas nested in them) and a path that names where it is.
func walkSchemas(v any, path string, fn func(path string, s map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			p := path + "/" + k
			if m, ok := x.(map[string]any); ok && isSchemaKey(k, path) {
				fn(p, m)
			}
			walkSchemas(x, p, fn)
		}
	case []any:
		for i, x := range v {
			p := path + "/" + strconv.Itoa(i)
			if m, ok := x.(map[string]any); ok && regexp.MustCompile(`/(allOf|anyOf|oneOf)$`).MatchString(path) {
				fn(p, m)
			}
			walkSchemas(x, p, fn)
		}
	}
}

// isSchemaKey reports whether the key k of the object at path holds a schema.
func isSchemaKey(k, path string) bool {
	switch {
	case k == "schema" || k == "items" || k == "additionalProperties":
		return true
	case strings.HasSuffix(path, "/components/schemas") || strings.HasSuffix(path, "/properties"):
		return true
	}
	return false
}

func TestOpenAPINumbersNameTheirFormat(t *testing.T) {
	// A generator picks a number's Go (or PHP, or TypeScript) type by its format: without one,
	// oapi-codegen makes a quantity a float32, which loses the third decimal of 123456.789.
	var raw map[string]any
	json.Unmarshal(openAPIDoc, &raw)
	walkSchemas(raw, "", func(path string, s map[string]any) {
		types := []any{s["type"]}
		if list, ok := s["type"].([]any); ok {
			types = list
		}
		for _, typ := range types {
			switch format, _ := s["format"].(string); {
			case typ == "number" && format != "double":
				t.Errorf("%s: a number with the format %q, want double", path, format)
			case typ == "integer" && format != "int64":
				t.Errorf("%s: an integer with the format %q, want int64", path, format)
			}
		}
	})
	d := specDoc(t)
	if q := d.Components.Schemas.vals["Quantity"]; q == nil || q.Type != "number" || q.Format != "double" {
		t.Errorf("Quantity is %+v, want a number in the format double", q)
	}
	if m := d.Components.Schemas.vals["Money"]; m == nil || m.Type != "integer" || m.Format != "int64" {
		t.Errorf("Money is %+v, want an integer in the format int64", m)
	}
}

func TestOpenAPIHeadersAndEnumsAreNamedComponents(t *testing.T) {
	// ogen types a header's inline schema once per operation and then cannot assign one to another;
	// a header, or an enum, that is a named component is one type in every generated client.
	var raw map[string]any
	json.Unmarshal(openAPIDoc, &raw)
	walkSchemas(raw, "", func(path string, s map[string]any) {
		if s["enum"] != nil && !regexp.MustCompile(`^/components/schemas/[^/]+$`).MatchString(path) {
			t.Errorf("%s: an inline enum; name it in components.schemas", path)
		}
	})
	d := specDoc(t)
	for _, path := range d.Paths.keys {
		for _, method := range d.Paths.vals[path].keys {
			op := d.Paths.vals[path].vals[method]
			for _, status := range op.Responses.keys {
				r := d.response(op.Responses.vals[status])
				for _, name := range r.Headers.keys {
					if h := r.Headers.vals[name]; h.Ref == "" || !strings.HasPrefix(h.Ref, "#/components/headers/") {
						t.Errorf("%s %s %s: the header %s is written inline; refer to components.headers", method, path, status, name)
					}
				}
			}
		}
	}
	for name, r := range d.Components.Responses {
		for _, h := range r.Headers.keys {
			if r.Headers.vals[h].Ref == "" {
				t.Errorf("components.responses.%s: the header %s is written inline; refer to components.headers", name, h)
			}
		}
	}
}

// requestSchemas names the schemas a request body reaches, through $ref, allOf, anyOf, oneOf,
// properties and items.
func requestSchemas(d *apiDoc) map[string]bool {
	seen := map[string]bool{}
	var visit func(s *apiSchema)
	visit = func(s *apiSchema) {
		if s == nil {
			return
		}
		if s.Ref != "" {
			name := refName(s.Ref)
			if seen[name] {
				return
			}
			seen[name] = true
			visit(d.Components.Schemas.vals[name])
		}
		for _, part := range slices.Concat(s.AllOf, s.AnyOf, s.OneOf, []*apiSchema{s.Items}) {
			visit(part)
		}
		for _, k := range s.Properties.keys {
			visit(s.Properties.vals[k])
		}
	}
	for _, path := range d.Paths.keys {
		for _, method := range d.Paths.vals[path].keys {
			if b := d.Paths.vals[path].vals[method].RequestBody; b != nil {
				for _, ct := range b.Content.keys {
					visit(b.Content.vals[ct].Schema)
				}
			}
		}
	}
	return seen
}

func TestOpenAPIAnswersHaveNoReadOnlyFields(t *testing.T) {
	// readOnly means "the server ignores it in a request". In a schema that only answers it says
	// nothing, and generators such as oapi-codegen then make a required field an optional pointer
	// (an order's id a *string) so that the same type could be sent.
	d := specDoc(t)
	inRequests := requestSchemas(d)
	for _, name := range d.Components.Schemas.keys {
		if inRequests[name] {
			continue
		}
		s := d.Components.Schemas.vals[name]
		for _, k := range s.Properties.keys {
			if s.Properties.vals[k].ReadOnly {
				t.Errorf("%s.%s is readOnly, but %s is never sent in a request", name, k, name)
			}
		}
	}
}
