package api

import (
	"context"
	"net/http"

	"golang.org/x/text/unicode/norm"

	"torg"
	"torg/internal/store"
)

// catalogRoutes gives a catalog its four routes: create, list (by cursor, optionally by code), get
// and patch.
func catalogRoutes[T any, In interface{ Apply(*T) error }](s *Server, kind string, c *store.Catalog[T, In], read, write torg.Permission) []Route {
	base := "/api/v1/" + kind
	create := func(w http.ResponseWriter, r *request) error {
		var in In
		if err := decodeInput(r.body, &in, func() error { return c.Validate(in) }); err != nil {
			return err
		}
		return s.write(w, r, http.StatusCreated, func(ctx context.Context, tx *store.Tx) (any, error) {
			return c.Create(ctx, tx, in)
		})
	}
	list := func(w http.ResponseWriter, r *request) error {
		p, format, err := fileListParams(r, "code")
		if err != nil {
			return err
		}
		return answerList(s, w, r, p, format, func(ctx context.Context, tx *store.Tx, p torg.Page) (torg.List[T], error) {
			return c.List(ctx, tx, norm.NFC.String(r.URL.Query().Get("code")), p) // codes are stored NFC
		})
	}
	get := func(w http.ResponseWriter, r *request) error {
		return s.read(w, r, func(ctx context.Context, tx *store.Tx) (any, error) {
			return c.Get(ctx, tx, r.PathValue("id"))
		})
	}
	patch := func(w http.ResponseWriter, r *request) error {
		var in In
		if err := decodeBody(r.body, &in); err != nil {
			return err
		}
		return s.write(w, r, http.StatusOK, func(ctx context.Context, tx *store.Tx) (any, error) {
			return c.Patch(ctx, tx, r.PathValue("id"), in)
		})
	}
	return []Route{
		{"POST", base, write, create},
		{"GET", base, read, list},
		{"GET", base + "/{id}", read, get},
		{"PATCH", base + "/{id}", write, patch},
	}
}
