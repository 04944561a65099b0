package api

import (
	"context"
	"net/http"
	"strings"

	"torg"
	"torg/internal/forms"
	"torg/internal/store"
)

// printForm answers a document's print form as an HTML page (docs/API.md, «Print forms»): the
// kind's first form, or the one ?form= names.
func (s *Server) printForm(kind string) handler {
	return func(w http.ResponseWriter, r *request) error {
		_, ferr := forms.Choose(kind, r.URL.Query().Get("form"))
		if err := mergeFields(onlyParams(r, "form"), ferr); err != nil {
			return err
		}
		var page []byte
		err := s.store.View(r.Context(), func(tx *store.Tx) error {
			d, err := forms.Load(r.Context(), tx, kind, r.PathValue("id"), r.URL.Query().Get("form"))
			if err != nil {
				return err
			}
			page, err = forms.Render(d)
			return err
		})
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, err = w.Write(page)
		return err
	}
}

// organisation answers the organisation's details.
func (s *Server) organisation(w http.ResponseWriter, r *request) error {
	return s.read(w, r, func(ctx context.Context, tx *store.Tx) (any, error) { return tx.Organisation(ctx) })
}

// saveOrganisation replaces the organisation's details.
func (s *Server) saveOrganisation(w http.ResponseWriter, r *request) error {
	var in torg.Organisation
	if err := decodeInput(r.body, &in, in.Validate); err != nil {
		return err
	}
	return s.write(w, r, http.StatusOK, func(ctx context.Context, tx *store.Tx) (any, error) { return tx.SaveOrganisation(ctx, in) })
}

// onlyParams refuses every query parameter but the known ones, naming each.
func onlyParams(r *request, known ...string) error {
	var f torg.Fields
	for k := range r.URL.Query() {
		if !contains(known, k) {
			f.Add(k, "is not a parameter of this report (known: %s)", strings.Join(known, ", "))
		}
	}
	return f.Err()
}
