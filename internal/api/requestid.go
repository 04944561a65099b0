package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
)

// requestIDKey is where a request's id is kept in its context.
type requestIDKey struct{}

// maxRequestID bounds the length of an X-Request-Id a proxy may set.
const maxRequestID = 128

// withRequestID gives every request an id — the X-Request-Id a proxy in front sent, when it is a
// sensible one, or a new one — answers it in X-Request-Id, and keeps it in the request's context for
// the log lines the request makes, so that a line in torg's log can be found from the proxy's.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			b := make([]byte, 8)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// validRequestID accepts 1 to maxRequestID visible ASCII characters: what proxies send (UUIDs, hex,
// base64), and nothing that could forge a log line.
func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestID {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] > '~' {
			return false
		}
	}
	return true
}

// requestID is the id withRequestID gave the request, "" outside it.
func requestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey{}).(string)
	return id
}
