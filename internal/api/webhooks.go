package api

import (
	"context"
	"net/http"

	"torg"
	"torg/internal/store"
)

// createWebhook registers a webhook and answers it with its secret. With an Idempotency-Key a retry
// answers the same webhook, secret and all.
func (s *Server) createWebhook(w http.ResponseWriter, r *request) error {
	var in torg.WebhookInput
	if err := decodeInput(r.body, &in, func() error { return in.Validate(s.hooksLocal) }); err != nil {
		return err
	}
	return s.write(w, r, http.StatusCreated, func(ctx context.Context, tx *store.Tx) (any, error) {
		return tx.CreateWebhook(ctx, in)
	})
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *request) error {
	if _, err := listParams(r); err != nil {
		return err
	}
	return s.read(w, r, func(ctx context.Context, tx *store.Tx) (any, error) { return tx.Webhooks(ctx) })
}

func (s *Server) getWebhook(w http.ResponseWriter, r *request) error {
	return s.read(w, r, func(ctx context.Context, tx *store.Tx) (any, error) { return tx.Webhook(ctx, r.PathValue("id")) })
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *request) error {
	err := s.store.Update(r.Context(), func(tx *store.Tx) error { return tx.DeleteWebhook(r.Context(), r.PathValue("id")) })
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// webhookDeliveries is a webhook's delivery log, the latest event first.
func (s *Server) webhookDeliveries(w http.ResponseWriter, r *request) error {
	p, err := listParams(r, "state")
	state := r.URL.Query().Get("state")
	switch state {
	case "", torg.DeliveryPending, torg.DeliveryDelivered, torg.DeliveryFailed:
	default:
		err = mergeFields(err, torg.Invalid("state", `must be "pending", "delivered" or "failed"`))
	}
	if err != nil {
		return err
	}
	return s.read(w, r, func(ctx context.Context, tx *store.Tx) (any, error) {
		return tx.WebhookDeliveries(ctx, r.PathValue("id"), state, p)
	})
}

// redeliver sends an event to the webhook again, whatever became of it before.
func (s *Server) redeliver(w http.ResponseWriter, r *request) error {
	if err := noBody(r); err != nil {
		return err
	}
	return s.write(w, r, http.StatusAccepted, func(ctx context.Context, tx *store.Tx) (any, error) {
		return tx.RedeliverWebhookEvent(ctx, r.PathValue("id"), r.PathValue("event_id"))
	})
}
