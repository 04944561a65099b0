package api

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"torg"
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

// net/http drops a query pair with a ";" in it without a word; the API names what it would lose.
func TestSemicolonsInAQueryAreNamed(t *testing.T) {
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"limit=5;colour=red", []string{"limit", "colour"}},
		{"code=a;b&limit=5", []string{"code", "b"}},
		{"after=x&st%61tus=new;x", []string{"status", "x"}},
		{";", nil},
	} {
		err := cleanURL(httptest.NewRequest("GET", "/api/v1/orders?"+c.query, nil))
		got := fields(err)
		if torg.ErrorCode(err) != torg.CodeValidation || len(got) != max(len(c.want), 1) {
			t.Errorf("?%s: %v, want 422 naming %v", c.query, err, c.want)
		}
		for _, f := range c.want {
			if _, ok := got[f]; !ok {
				t.Errorf("?%s: %s is not named: %v", c.query, f, got)
			}
		}
	}
	if err := cleanURL(httptest.NewRequest("GET", "/api/v1/orders?code=a%3Bb&limit=5", nil)); err != nil {
		t.Errorf("an escaped semicolon is refused: %v", err)
	}
}
