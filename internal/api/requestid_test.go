package api

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// Every answer carries a request id — the proxy's when it sent a sensible one — and the request's log
// line carries it too, with the order the route names.
func TestEveryRequestHasAnIDInItsAnswerAndItsLogLine(t *testing.T) {
	var logs bytes.Buffer
	h := New(Config{Log: slog.New(slog.NewTextHandler(&logs, nil))}).Handler(nil)
	ask := func(path, id string) string {
		r := httptest.NewRequest("GET", path, nil)
		if id != "" {
			r.Header.Set("X-Request-Id", id)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Header().Get("X-Request-Id")
	}
	if got := ask("/healthz", ""); !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(got) {
		t.Errorf("a request without an id got %q, want a new one", got)
	}
	if got := ask("/healthz", "edge-7f3a"); got != "edge-7f3a" {
		t.Errorf("the proxy's id came back as %q", got)
	}
	for _, bad := range []string{"two words", "x\x01y", strings.Repeat("a", 129)} {
		if got := ask("/healthz", bad); got == bad || got == "" {
			t.Errorf("the id %q came back as %q, want a new one", bad, got)
		}
	}
	logs.Reset()
	ask("/api/v1/orders/01a2-order", "edge-8b4c")
	line := logs.String()
	want := regexp.MustCompile(`level=INFO msg=request request_id=edge-8b4c method=GET route=/api/v1/orders/\{id\} status=401 duration=\S+ order_id=01a2-order\n$`)
	if !want.MatchString(line) {
		t.Errorf("the log line %q is not %s", line, want)
	}
	logs.Reset()
	ask("/api/v1/registers/K1-id", "")
	if line := logs.String(); !strings.Contains(line, "register_id=K1-id") {
		t.Errorf("the log line %q lacks the register", line)
	}
}
