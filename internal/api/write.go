package api

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"torg"
	"torg/internal/store"
)

// write runs fn in one database transaction and answers status with its result as JSON. A POST with
// an Idempotency-Key stores its response in that same transaction, so the effect and the stored
// answer commit together: a retry with the same key and body replays it byte for byte, a retry with
// another body gets idempotency-conflict, and one that comes while the first still runs gets
// idempotency-in-progress. A request that fails stores nothing, and may be retried with its key.
// Without a key the answer is rendered after the commit, outside SQLite's single writer.
func (s *Server) write(w http.ResponseWriter, r *request, status int, fn func(ctx context.Context, tx *store.Tx) (any, error)) error {
	return s.writePrepared(w, r, status, nil, fn)
}

// writePrepared is write with work done before the transaction, once the Idempotency-Key (if any)
// is taken: prepare reads and computes what fn then only writes, so that SQLite's single writer
// does less (store.DraftOrder). An error of prepare is the request's answer, and stores nothing.
func (s *Server) writePrepared(w http.ResponseWriter, r *request, status int, prepare func(ctx context.Context) error,
	fn func(ctx context.Context, tx *store.Tx) (any, error)) error {
	ctx := r.Context()
	key, err := idempotencyKey(r)
	if err != nil {
		return err
	}
	if key != "" {
		stored, err := s.store.BeginIdempotent(ctx, r.principal.ID, key, requestHash(r))
		if err != nil {
			return err
		}
		if stored != nil {
			w.Header().Set("Idempotent-Replayed", "true")
			writeBody(w, stored.Status, stored.Body)
			return nil
		}
	}
	var body []byte
	if key != "" {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, store.IdemDeadline) // never outlive the key's lease
		defer cancel()
	}
	var answer any
	if prepare != nil {
		err = prepare(ctx)
	}
	if err == nil {
		err = s.store.Update(ctx, func(tx *store.Tx) error {
			v, err := fn(ctx, tx)
			if err != nil || key == "" {
				answer = v
				return err
			}
			if body, err = json.Marshal(v); err != nil {
				return err
			}
			return tx.CompleteIdempotent(ctx, r.principal.ID, key, store.IdemResponse{Status: status, Body: body})
		})
	}
	if err == nil && key == "" {
		body, err = json.Marshal(answer)
	}
	if err != nil {
		if key != "" {
			if rerr := s.store.ReleaseIdempotent(context.WithoutCancel(ctx), r.principal.ID, key); rerr != nil {
				s.log.Warn("releasing an idempotency key", "key", key, "err", rerr)
			}
		}
		return err
	}
	writeBody(w, status, body)
	return nil
}

// writeSecret runs fn like write but never stores its response, which carries a secret that the
// server keeps only as a hash; an Idempotency-Key is not honoured, and a retry makes a new secret.
func (s *Server) writeSecret(w http.ResponseWriter, r *request, status int, fn func(ctx context.Context, tx *store.Tx) (any, error)) error {
	var v any
	err := s.store.Update(r.Context(), func(tx *store.Tx) (err error) {
		v, err = fn(r.Context(), tx)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, status, v)
}

// idempotencyKey reads the Idempotency-Key header of a POST, bare or quoted.
func idempotencyKey(r *request) (string, error) {
	raw := r.Header.Get("Idempotency-Key")
	if raw == "" || r.Method != http.MethodPost {
		return "", nil
	}
	key := raw
	if len(key) >= 2 && key[0] == '"' && key[len(key)-1] == '"' {
		key = key[1 : len(key)-1]
	}
	ok := key != "" && len(key) <= 255
	for _, c := range key {
		ok = ok && c < unicode.MaxASCII && unicode.IsPrint(c)
	}
	if !ok {
		return "", torg.Invalid("Idempotency-Key", "must be 1 to 255 printable ASCII characters")
	}
	return key, nil
}

// requestHash identifies a request for its idempotency key: method, path with query, and body.
func requestHash(r *request) []byte {
	h := sha256.New()
	h.Write([]byte(r.Method + " " + r.URL.RequestURI() + "\n"))
	h.Write(r.body)
	return h.Sum(nil)
}

// read runs fn in a read-only transaction and answers 200 with its result.
func (s *Server) read(w http.ResponseWriter, r *request, fn func(ctx context.Context, tx *store.Tx) (any, error)) error {
	var v any
	err := s.store.View(r.Context(), func(tx *store.Tx) (err error) {
		v, err = fn(r.Context(), tx)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// listParams reads the limit and after query parameters of a list and refuses parameters it does not
// know, naming every bad one.
func listParams(r *request, known ...string) (torg.Page, error) {
	var f torg.Fields
	p := torg.Page{Limit: torg.DefaultPageLimit}
	q := r.URL.Query()
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > torg.MaxPageLimit {
			f.Add("limit", "must be an integer from 1 to %d", torg.MaxPageLimit)
		}
		p.Limit = n
	}
	if v := q.Get("after"); v != "" {
		after, err := torg.DecodeCursor(v)
		if err != nil {
			f.Add("after", "is not a cursor this server made")
		}
		p.After = after
	}
	for k := range q {
		if k != "limit" && k != "after" && !slices.Contains(known, k) {
			f.Add(k, "is not a query parameter of this list (known: %s)", strings.Join(append(known, "limit", "after"), ", "))
		}
	}
	return p, f.Err()
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }
