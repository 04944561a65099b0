package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"torg"
	"torg/internal/api"
	"torg/internal/api/openapicheck"
	"torg/internal/exchange"
	"torg/internal/kkmtransfer"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

// testServer is the API's handler, wired as torg serve wires it, served by httptest on a fresh
// database: the contract tests' whole back office, without the process around it.
type testServer struct {
	t     testing.TB
	url   string
	admin string
	store *store.Store
	dsn   string
}

const testAdminToken = "test-admin-token-0123456789"

// startServer serves the API on a fresh database of the dialect until the test ends.
func startServer(t testing.TB, dialect string) *testServer {
	t.Helper()
	dsn := storetest.DSN(t, dialect)
	ctx := context.Background()
	hub := exchange.NewHub()
	st, err := store.Open(ctx, dsn, store.OnPackages(hub.Wake))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := st.Migrate(ctx, log); err != nil {
		st.Close()
		t.Fatal(err)
	}
	srv := api.New(api.Config{Store: st, Log: log, AdminToken: testAdminToken, Hub: hub, KKM: kkmtransfer.New(st, log, 0)})
	srv.SetReady(true)
	hs := httptest.NewServer(srv.Handler(nil))
	t.Cleanup(func() {
		srv.Drain()
		hs.Close()
		st.Close()
	})
	return &testServer{t: t, url: hs.URL, admin: testAdminToken, store: st, dsn: dsn}
}

// forEachDialect runs fn on a fresh server of every dialect the tests run on.
func forEachDialect(t *testing.T, fn func(t *testing.T, s *testServer)) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) { fn(t, startServer(t, d)) })
	}
}

// response is what a test request got back.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a map: for the few checks of a body's exact set of keys.
func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return m
}

// problem decodes the body as a problem.
func (r response) problem(t testing.TB) torg.Problem {
	t.Helper()
	return decode[torg.Problem](t, r.body)
}

// slug is the last segment of a problem's type.
func (r response) slug(t testing.TB) string {
	typ := r.problem(t).Type
	return typ[strings.LastIndex(typ, "/")+1:]
}

// decode reads a body into a value of type T, refusing a field T lacks: the answer must be what the
// domain type says, not only what the test looks at.
func decode[T any](t testing.TB, body []byte) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decoding %T from %.500s: %v", v, body, err)
	}
	return v
}

// do sends a request with a bearer token (none when token is empty) and optional headers as
// name, value pairs, and checks the answer against the OpenAPI document (openapicheck.Send).
func (s *testServer) do(method, path, token, body string, headers ...string) response {
	s.t.Helper()
	status, header, b := openapicheck.Send(s.t, s.url, method, path, token, body, headers...)
	return response{status: status, header: header, body: b}
}

// checkAnswer checks an answer against the OpenAPI document.
func checkAnswer(t testing.TB, method, path string, resp *http.Response, body []byte) {
	t.Helper()
	openapicheck.Check(t, method, path, resp, body)
}

// send sends a request as the admin and fails the test unless it gets the status.
func (s *testServer) send(status int, method, path, body string) response {
	s.t.Helper()
	r := s.do(method, path, s.admin, body)
	if r.status != status {
		s.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, status, r.body)
	}
	return r
}

// call sends a request as the admin, fails the test unless it gets the status, and decodes the
// answer into a T: an order into torg.Order, a list into torg.List[…].
func call[T any](s *testServer, status int, method, path, body string) T {
	s.t.Helper()
	return decode[T](s.t, s.send(status, method, path, body).body)
}

// must sends a request as the admin, fails the test unless it gets the status, and decodes the
// answer into a map: for the checks of a body's exact set of keys, or of a value no domain type holds.
func (s *testServer) must(status int, method, path, body string) map[string]any {
	s.t.Helper()
	r := s.send(status, method, path, body)
	if len(r.body) == 0 {
		return nil
	}
	return r.json(s.t)
}

// hasField reports whether a problem names the field.
func hasField(p torg.Problem, field string) bool {
	for _, e := range p.Errors {
		if e.Field == field {
			return true
		}
	}
	return false
}

// listAll reads every page of a list.
func listAll[T any](t testing.TB, s *testServer, path string) []T {
	t.Helper()
	var out []T
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	for next := ""; ; {
		p := path + sep + "limit=500"
		if next != "" {
			p += "&after=" + next
		}
		list := call[torg.List[T]](s, 200, "GET", p, "")
		out = append(out, list.Items...)
		if list.Next == nil {
			return out
		}
		next = *list.Next
	}
}

// reportItems is a report's items, as maps: for reports whose rows the test reads by name.
func reportItems(t testing.TB, s *testServer, path string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, it := range s.must(200, "GET", path, "")["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

// retailIDs caches the retail customer's id by server.
var retailIDs sync.Map

// retailID is the id of the retail customer every database has.
func retailID(t testing.TB, s *testServer) string {
	t.Helper()
	if v, ok := retailIDs.Load(s.url); ok {
		return v.(string)
	}
	id := call[torg.List[torg.Customer]](s, 200, "GET", "/api/v1/customers?code=retail", "").Items[0].ID
	retailIDs.Store(s.url, id)
	return id
}
