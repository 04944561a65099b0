package web

import (
	"net/http"
	"strings"

	"torg"
	"torg/internal/store"
)

// webhooksData is the webhooks page: the registered ones and the form that registers one.
type webhooksData struct {
	Webhooks []torg.Webhook
	Events   []string
	In       torg.WebhookInput
}

// Wants tells whether the form's input asks for the event.
func (d webhooksData) Wants(event string) bool {
	for _, e := range d.In.Events {
		if e == event {
			return true
		}
	}
	return false
}

func (u *UI) listWebhooks(p *page) error {
	return u.renderWebhooks(p, http.StatusOK, webhooksData{In: torg.WebhookInput{Events: torg.WebhookEvents}}, formErrors{})
}

func (u *UI) renderWebhooks(p *page, status int, d webhooksData, errs formErrors) error {
	d.Events = torg.WebhookEvents
	err := u.store.View(p.ctx, func(tx *store.Tx) error {
		list, err := tx.Webhooks(p.ctx)
		d.Webhooks = list.Items
		return err
	})
	if err != nil {
		return err
	}
	return u.render(p, status, "webhooks", view{Nav: "webhooks", Title: "nav.webhooks", Data: d, Errors: errs})
}

func (u *UI) createWebhook(p *page) error {
	if err := p.r.ParseForm(); err != nil {
		return err
	}
	in := torg.WebhookInput{URL: strings.TrimSpace(p.r.PostFormValue("url")), Events: p.r.PostForm["events"],
		Description: strings.TrimSpace(p.r.PostFormValue("description"))}
	if err := in.Validate(u.hooksLocal); err != nil {
		slot := func(f string) string {
			if strings.HasPrefix(f, "events") {
				return "events"
			}
			return f
		}
		return u.renderWebhooks(p, http.StatusUnprocessableEntity, webhooksData{In: in}, formErrorsOf(p.lang, err, slot))
	}
	var w torg.Webhook
	err := u.store.Update(p.ctx, func(tx *store.Tx) (err error) { w, err = tx.CreateWebhook(p.ctx, in); return err })
	if err != nil {
		return err
	}
	return redirect(p, "/webhooks/"+w.ID+"?ok=saved")
}

// webhookData is one webhook's page: its secret and its delivery log.
type webhookData struct {
	Webhook    torg.Webhook
	Deliveries []torg.WebhookDelivery
	State      string
}

func (u *UI) showWebhook(p *page) error {
	d := webhookData{State: p.r.URL.Query().Get("state")}
	switch d.State {
	case "", torg.DeliveryPending, torg.DeliveryDelivered, torg.DeliveryFailed:
	default:
		d.State = ""
	}
	err := u.store.View(p.ctx, func(tx *store.Tx) (err error) {
		if d.Webhook, err = tx.Webhook(p.ctx, p.r.PathValue("id")); err != nil {
			return err
		}
		list, err := tx.WebhookDeliveries(p.ctx, d.Webhook.ID, d.State, torg.Page{Limit: torg.DefaultPageLimit})
		d.Deliveries = list.Items
		return err
	})
	if err != nil {
		return err
	}
	return u.render(p, http.StatusOK, "webhook", view{Nav: "webhooks", Title: "nav.webhooks", Data: d})
}

func (u *UI) redeliverWebhook(p *page) error {
	id := p.r.PathValue("id")
	err := u.store.Update(p.ctx, func(tx *store.Tx) error {
		_, err := tx.RedeliverWebhookEvent(p.ctx, id, p.r.PathValue("event_id"))
		return err
	})
	if err != nil {
		return err
	}
	return redirect(p, "/webhooks/"+id+"?ok=redelivered")
}

func (u *UI) deleteWebhook(p *page) error {
	err := u.store.Update(p.ctx, func(tx *store.Tx) error { return tx.DeleteWebhook(p.ctx, p.r.PathValue("id")) })
	if err != nil {
		return err
	}
	return redirect(p, "/webhooks?ok=webhook_deleted")
}
