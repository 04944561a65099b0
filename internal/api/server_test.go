package api

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
)

// Every answer of the API, its OpenAPI document and its reference pages tells browsers not to guess
// another content type than the one sent.
func TestEveryAnswerForbidsContentSniffing(t *testing.T) {
	s := New(Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	h := s.Handler(nil)
	for _, c := range []struct{ method, path string }{
		{"GET", "/openapi.json"},
		{"GET", "/docs"},
		{"GET", "/docs/problems/validation"},
		{"GET", "/healthz"},
		{"GET", "/readyz"},
		{"GET", "/api/v1/orders"},
		{"POST", "/api/v1/orders"},
		{"GET", "/api/v1/no-such-route"},
		{"GET", "/no-such-page"},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(c.method, c.path, nil))
		if got := w.Header().Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s %s (%d): X-Content-Type-Options %q, want nosniff", c.method, c.path, w.Code, got)
		}
	}
}
