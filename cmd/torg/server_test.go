package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"torg/internal/api/openapicheck"
	"torg/internal/store/storetest"
)

// testServer is a real torg serve on a random loopback port, on a fresh database.
type testServer struct {
	t     testing.TB
	url   string
	admin string
	out   *syncBuffer // what serve printed
}

const testAdminToken = "test-admin-token-0123456789"

// startServer runs torg serve in-process until the test ends, and waits until it listens.
func startServer(t testing.TB, dialect string, extra ...string) *testServer {
	t.Helper()
	return startServerOn(t, storetest.DSN(t, dialect), extra...)
}

// startServerOn runs torg serve on an existing database: several may share one PostgreSQL.
func startServerOn(t testing.TB, dsn string, extra ...string) *testServer {
	t.Helper()
	s, _ := startServerAt(t, dsn, "127.0.0.1:0", extra...)
	return s
}

// startServerAt runs torg serve on the address until stop is called or the test ends.
func startServerAt(t testing.TB, dsn, listen string, extra ...string) (*testServer, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	args := append([]string{"serve", "--listen", listen, "--db", dsn, "--admin-token", testAdminToken, "--kkm-transfer-every", "0"}, extra...)
	go func() { done <- run(ctx, args, strings.NewReader(""), out, io.Discard) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve stopped with %v", err)
			}
		})
	}
	t.Cleanup(stop)
	addr := regexp.MustCompile(`listening on (http://\S+)`)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := addr.FindStringSubmatch(out.String()); m != nil {
			return &testServer{t: t, url: m[1], admin: testAdminToken, out: out}, stop
		}
		select {
		case err := <-done:
			done <- err // stop, run at cleanup, reads it again
			t.Fatalf("serve exited early: %v\n%s", err, out.String())
		default:
		}
	}
	t.Fatalf("serve did not start:\n%s", out.String())
	return nil, nil
}

// response is what a test request got back.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a map.
func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return m
}

// slug is the last segment of a problem's type.
func (r response) slug(t testing.TB) string {
	typ, _ := r.json(t)["type"].(string)
	return typ[strings.LastIndex(typ, "/")+1:]
}

// do sends a request with a bearer token (none when token is empty) and optional headers as
// name, value pairs, and checks the answer against the OpenAPI document (openapicheck.Send).
func (s *testServer) do(method, path, token, body string, headers ...string) response {
	s.t.Helper()
	status, header, b := openapicheck.Send(s.t, s.url, method, path, token, body, headers...)
	return response{status: status, header: header, body: b}
}

// must sends a request as the admin and fails the test unless it gets the status.
func (s *testServer) must(status int, method, path, body string) map[string]any {
	s.t.Helper()
	r := s.do(method, path, s.admin, body)
	if r.status != status {
		s.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, status, r.body)
	}
	if len(r.body) == 0 {
		return nil
	}
	return r.json(s.t)
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// forEachDialect runs fn on a fresh server of every dialect.
func forEachDialect(t *testing.T, fn func(t *testing.T, s *testServer)) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) { fn(t, startServer(t, d)) })
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
