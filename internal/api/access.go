package api

import (
	"context"
	"net/http"

	"torg"
	"torg/internal/store"
)

func (s *Server) createAPIToken(w http.ResponseWriter, r *request) error {
	var in torg.APITokenInput
	if err := decodeInput(r.body, &in, func() error { return in.Validate() }); err != nil {
		return err
	}
	return s.writeSecret(w, r, http.StatusCreated, func(ctx context.Context, tx *store.Tx) (any, error) {
		return tx.CreateAPIToken(ctx, in.Name.Value, in.Role.Value, nil)
	})
}

func (s *Server) listAPITokens(w http.ResponseWriter, r *request) error {
	p, format, err := fileListParams(r)
	if err != nil {
		return err
	}
	return answerList(s, w, r, p, format, func(ctx context.Context, tx *store.Tx, p torg.Page) (torg.List[torg.APIToken], error) {
		return tx.APITokens(ctx, p)
	})
}

func (s *Server) revokeAPIToken(w http.ResponseWriter, r *request) error {
	err := s.store.Update(r.Context(), func(tx *store.Tx) error { return tx.RevokeAPIToken(r.Context(), r.PathValue("id")) })
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// issueRegisterToken makes a register's token; the one it had stops working.
func (s *Server) issueRegisterToken(w http.ResponseWriter, r *request) error {
	if len(r.body) > 0 {
		var none struct{}
		if err := decodeBody(r.body, &none); err != nil {
			return err
		}
	}
	return s.writeSecret(w, r, http.StatusCreated, func(ctx context.Context, tx *store.Tx) (any, error) {
		t, err := tx.IssueRegisterToken(ctx, r.PathValue("id"))
		return map[string]string{"token": t.Token, "register_id": r.PathValue("id")}, err
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *request) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 once the database is migrated and answers, 503 otherwise.
func (s *Server) readyz(w http.ResponseWriter, r *request) error {
	if !s.ready.Load() {
		return torg.Errorf(torg.CodeUnavailable, "the server is starting")
	}
	if err := s.store.Ping(r.Context()); err != nil {
		return torg.Errorf(torg.CodeUnavailable, "the database does not answer")
	}
	version, err := s.store.SchemaVersion(r.Context())
	if err != nil {
		return torg.Errorf(torg.CodeUnavailable, "the database does not answer")
	}
	return writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "schema_version": version})
}
