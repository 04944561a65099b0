package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"torg"
)

const webhookCols = "id, url, events, description, secret, created_at"

func scanWebhook(s scanner, w *torg.Webhook) error {
	var events string
	var created int64
	if err := s.Scan(&w.ID, &w.URL, &events, &w.Description, &w.Secret, &created); err != nil {
		return err
	}
	w.CreatedAt = fromMicros(created)
	return json.Unmarshal([]byte(events), &w.Events)
}

// CreateWebhook registers a webhook with a new secret. The input is validated by the caller, which
// knows whether private addresses are allowed.
func (tx *Tx) CreateWebhook(ctx context.Context, in torg.WebhookInput) (torg.Webhook, error) {
	events, err := json.Marshal(in.Events)
	if err != nil {
		return torg.Webhook{}, err
	}
	b := make([]byte, 24)
	rand.Read(b)
	w := torg.Webhook{ID: newID(), URL: in.URL, Events: in.Events, Description: in.Description,
		Secret: "whsec_" + hex.EncodeToString(b), CreatedAt: torg.Now().Truncate(time.Microsecond)}
	_, err = tx.exec(ctx, "INSERT INTO webhooks ("+webhookCols+") VALUES (?, ?, ?, ?, ?, ?)",
		w.ID, w.URL, string(events), w.Description, w.Secret, micros(w.CreatedAt))
	return w, err
}

// Webhook returns the webhook with the id.
func (tx *Tx) Webhook(ctx context.Context, id string) (torg.Webhook, error) {
	var w torg.Webhook
	err := scanWebhook(tx.queryRow(ctx, "SELECT "+webhookCols+" FROM webhooks WHERE id = ? AND deleted_at IS NULL", id), &w)
	if errNoRows(err) {
		return w, notFound("webhook", id)
	}
	return w, err
}

// Webhooks lists the registered webhooks, the oldest first.
func (tx *Tx) Webhooks(ctx context.Context) (torg.List[torg.Webhook], error) {
	out := torg.List[torg.Webhook]{Items: []torg.Webhook{}}
	err := tx.eachRow(ctx, func(row scanner) error {
		var w torg.Webhook
		if err := scanWebhook(row, &w); err != nil {
			return err
		}
		out.Items = append(out.Items, w)
		return nil
	}, "SELECT "+webhookCols+" FROM webhooks WHERE deleted_at IS NULL ORDER BY created_at, id")
	if err != nil {
		return out, err
	}
	return out, nil
}

// DeleteWebhook stops the webhook: nothing more is written for it or sent to it. Its delivery log is kept.
func (tx *Tx) DeleteWebhook(ctx context.Context, id string) error {
	res, err := tx.exec(ctx, "UPDATE webhooks SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL", micros(torg.Now()), id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return notFound("webhook", id)
	}
	return err
}

// orderEvent is an event about one order to write: its type, and the transaction that made it.
type orderEvent struct {
	orderID       string
	transactionID *string
}

// emitOrders writes an event of the type about each order, in the transaction that changed them, for
// every webhook that wants it; nothing when none does. Each event carries the order as the
// transaction left it.
func (tx *Tx) emitOrders(ctx context.Context, typ string, evs []orderEvent) error {
	hooks, err := tx.subscribers(ctx, typ)
	if err != nil || len(hooks) == 0 || len(evs) == 0 {
		return err
	}
	for _, ev := range evs {
		o, err := tx.eventOrder(ctx, ev.orderID)
		if err != nil {
			return err
		}
		data := torg.EventData{Order: &o, TransactionID: ev.transactionID}
		if err := tx.writeEvent(ctx, hooks, typ, ev.orderID, data); err != nil {
			return err
		}
	}
	return nil
}

// emitConflict writes a transaction.conflict event for a receipt stored as a conflict.
func (tx *Tx) emitConflict(ctx context.Context, t torg.TransactionInput, reason string) error {
	hooks, err := tx.subscribers(ctx, torg.EventTransactionConflict)
	if err != nil || len(hooks) == 0 {
		return err
	}
	data := torg.EventData{TransactionID: &t.ID, ConflictReason: &reason}
	key := "transaction:" + t.ID
	if t.OrderID != nil {
		o, err := tx.eventOrder(ctx, *t.OrderID)
		switch {
		case err == nil:
			data.Order, key = &o, o.ID
		case torg.ErrorCode(err) != torg.CodeNotFound:
			return err
		}
	}
	return tx.writeEvent(ctx, hooks, torg.EventTransactionConflict, key, data)
}

// subscribers are the ids of the webhooks that want events of the type.
func (tx *Tx) subscribers(ctx context.Context, typ string) ([]string, error) {
	return queryStrings(ctx, tx, "SELECT id FROM webhooks WHERE deleted_at IS NULL AND events LIKE ?", `%"`+typ+`"%`)
}

// eventOrder reads what an event tells of an order.
func (tx *Tx) eventOrder(ctx context.Context, id string) (torg.EventOrder, error) {
	var o torg.EventOrder
	var number int64
	var ext, txID, invoice, receipt sql.NullString
	err := tx.queryRow(ctx, "SELECT id, number, external_number, status, version, transaction_id, sales_invoice_id, cash_receipt_id FROM orders WHERE id = ?", id).
		Scan(&o.ID, &number, &ext, &o.Status, &o.Version, &txID, &invoice, &receipt)
	if errNoRows(err) {
		return o, notFound("order", id)
	}
	o.Number, o.ExternalNumber = formatNumber(number), nullString(ext)
	o.TransactionID, o.SalesInvoiceID, o.CashReceiptID = nullString(txID), nullString(invoice), nullString(receipt)
	return o, err
}

// writeEvent appends the event to the outbox and queues its delivery to each webhook. orderKey keeps
// one order's events in line: a delivery waits while an earlier event with its key is pending.
func (tx *Tx) writeEvent(ctx context.Context, hooks []string, typ, orderKey string, data torg.EventData) error {
	now := torg.Now().Truncate(time.Microsecond)
	ev := torg.Event{ID: "evt_" + newID(), Type: typ, CreatedAt: now, Data: data}
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	var seq int64
	err = tx.queryRow(ctx, "INSERT INTO webhook_events (id, type, order_key, body, created_at) VALUES (?, ?, ?, ?, ?) RETURNING seq",
		ev.ID, typ, orderKey, string(body), micros(now)).Scan(&seq)
	if err != nil {
		return err
	}
	args := make([]any, 0, len(hooks)*6)
	for _, h := range hooks {
		args = append(args, h, seq, orderKey, torg.DeliveryPending, micros(now), micros(now.Add(torg.WebhookRetryFor)))
	}
	_, err = tx.exec(ctx, "INSERT INTO webhook_deliveries (webhook_id, event_seq, order_key, state, next_attempt_at, give_up_at) VALUES "+
		rowsOf(len(hooks), 6), args...)
	return err
}

// ClaimWebhookDeliveries leases up to limit deliveries that are due, for lease, to the caller, which
// then sends them and reports with FinishWebhookDelivery. Only the first pending event of each order
// (for each webhook) is due, so one order's events arrive in the order they were written. On
// PostgreSQL, processes that claim at once skip each other's rows (SKIP LOCKED), and a lease that is
// running keeps a delivery from every other process: no two send one event at once.
func (s *Store) ClaimWebhookDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]torg.OutgoingDelivery, error) {
	var out []torg.OutgoingDelivery
	err := s.write(ctx, func(tx *Tx) error {
		out = out[:0]
		q := "SELECT d.webhook_id, d.event_seq FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id AND w.deleted_at IS NULL" +
			" WHERE d.state = 'pending' AND d.next_attempt_at <= ? AND d.lease_until <= ? AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e" +
			" WHERE e.webhook_id = d.webhook_id AND e.order_key = d.order_key AND e.state = 'pending' AND e.event_seq < d.event_seq)" +
			" ORDER BY d.event_seq LIMIT ?" + tx.d.lockOf("d", true)
		type key struct {
			hook string
			seq  int64
		}
		var keys []key
		err := tx.eachRow(ctx, func(row scanner) error {
			var k key
			if err := row.Scan(&k.hook, &k.seq); err != nil {
				return err
			}
			keys = append(keys, k)
			return nil
		}, q, micros(now), micros(now), limit)
		if err != nil {
			return err
		}
		for _, k := range keys {
			d := torg.OutgoingDelivery{WebhookID: k.hook, EventSeq: k.seq}
			var body string
			err := tx.queryRow(ctx, "UPDATE webhook_deliveries SET lease_until = ?, attempts = attempts + 1, last_attempt_at = ?"+
				" WHERE webhook_id = ? AND event_seq = ? RETURNING attempts", micros(now.Add(lease)), micros(now), k.hook, k.seq).Scan(&d.Attempt)
			if err != nil {
				return err
			}
			err = tx.queryRow(ctx, "SELECT e.id, e.type, e.body, w.url, w.secret FROM webhook_events e, webhooks w WHERE e.seq = ? AND w.id = ?",
				k.seq, k.hook).Scan(&d.EventID, &d.Type, &body, &d.URL, &d.Secret)
			if err != nil {
				return err
			}
			d.Body = []byte(body)
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// FinishWebhookDelivery records how an attempt ended: delivered on 2xx; otherwise the next attempt is
// due after backoff, or, once the event is older than its retry period, the delivery failed.
func (s *Store) FinishWebhookDelivery(ctx context.Context, d torg.OutgoingDelivery, res torg.DeliveryResult, now time.Time, backoff time.Duration) error {
	var status, errText any
	if res.Status != 0 {
		status = res.Status
	}
	if res.Error != "" {
		errText = res.Error
	}
	return s.write(ctx, func(tx *Tx) error {
		if res.OK() {
			_, err := tx.exec(ctx, "UPDATE webhook_deliveries SET state = 'delivered', delivered_at = ?, lease_until = 0, last_status = ?, last_error = NULL"+
				" WHERE webhook_id = ? AND event_seq = ? AND state = 'pending'", micros(now), status, d.WebhookID, d.EventSeq)
			return err
		}
		next := now.Add(torg.WebhookBackoff(d.Attempt, backoff))
		_, err := tx.exec(ctx, "UPDATE webhook_deliveries SET state = CASE WHEN give_up_at <= ? THEN 'failed' ELSE 'pending' END,"+
			" next_attempt_at = ?, lease_until = 0, last_status = ?, last_error = ? WHERE webhook_id = ? AND event_seq = ? AND state = 'pending'",
			micros(now), micros(next), status, errText, d.WebhookID, d.EventSeq)
		return err
	})
}

// RedeliverWebhookEvent sends the event to the webhook again, soon and with a new retry period,
// whatever became of it before; its attempts count from 0 again.
func (tx *Tx) RedeliverWebhookEvent(ctx context.Context, webhookID, eventID string) (torg.WebhookDelivery, error) {
	if _, err := tx.Webhook(ctx, webhookID); err != nil {
		return torg.WebhookDelivery{}, err
	}
	now := torg.Now()
	res, err := tx.exec(ctx, "UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = ?, give_up_at = ?, delivered_at = NULL"+
		" WHERE webhook_id = ? AND event_seq = (SELECT seq FROM webhook_events WHERE id = ?)",
		micros(now), micros(now.Add(torg.WebhookRetryFor)), webhookID, eventID)
	if err != nil {
		return torg.WebhookDelivery{}, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return torg.WebhookDelivery{}, notFound("delivery of event", eventID)
	}
	list, _, err := tx.webhookDeliveries(ctx, webhookID, " AND e.id = ?", []any{eventID}, 1)
	if err != nil || len(list) == 0 {
		return torg.WebhookDelivery{}, err
	}
	return list[0], nil
}

// WebhookDeliveries is the webhook's delivery log, the latest event first; state filters it when not "".
func (tx *Tx) WebhookDeliveries(ctx context.Context, webhookID, state string, page torg.Page) (torg.List[torg.WebhookDelivery], error) {
	out := torg.List[torg.WebhookDelivery]{Items: []torg.WebhookDelivery{}}
	if _, err := tx.Webhook(ctx, webhookID); err != nil {
		return out, err
	}
	cond, args := "", []any{}
	if state != "" {
		cond, args = cond+" AND d.state = ?", append(args, state)
	}
	if page.After != "" {
		seq, err := strconv.ParseInt(page.After, 10, 64)
		if err != nil {
			return out, torg.Invalid("after", "is not a cursor this server made")
		}
		cond, args = cond+" AND d.event_seq < ?", append(args, seq)
	}
	items, seqs, err := tx.webhookDeliveries(ctx, webhookID, cond, args, page.Limit+1)
	if err != nil {
		return out, err
	}
	out.Items = items
	if len(items) > page.Limit {
		out.Items = items[:page.Limit]
		next := torg.EncodeCursor(itoa64(seqs[page.Limit-1]))
		out.Next = &next
	}
	return out, nil
}

// webhookDeliveries reads deliveries of the webhook matching cond, the latest event first, with
// their events' seqs.
func (tx *Tx) webhookDeliveries(ctx context.Context, webhookID, cond string, args []any, limit int) ([]torg.WebhookDelivery, []int64, error) {
	out, seqs := []torg.WebhookDelivery{}, []int64{}
	err := tx.eachRow(ctx, func(row scanner) error {
		var d torg.WebhookDelivery
		var key string
		var seq, created, next int64
		var body string
		var status sql.NullInt64
		var lastErr sql.NullString
		if err := row.Scan(&seq, &d.EventID, &d.Type, &key, &created, &d.State, &d.Attempts, &next, nullMicros{&d.LastAttemptAt},
			&status, &lastErr, nullMicros{&d.DeliveredAt}, &body); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(body), &d.Event); err != nil {
			return err
		}
		d.CreatedAt, d.LastError = fromMicros(created), nullString(lastErr)
		if status.Valid {
			v := int(status.Int64)
			d.LastStatus = &v
		}
		if d.State == torg.DeliveryPending {
			t := fromMicros(next)
			d.NextAttemptAt = &t
		}
		if !strings.HasPrefix(key, "transaction:") {
			d.OrderID = &key
		}
		out, seqs = append(out, d), append(seqs, seq)
		return nil
	}, "SELECT e.seq, e.id, e.type, e.order_key, e.created_at, d.state, d.attempts, d.next_attempt_at, d.last_attempt_at,"+
		" d.last_status, d.last_error, d.delivered_at, e.body FROM webhook_deliveries d JOIN webhook_events e ON e.seq = d.event_seq"+
		" WHERE d.webhook_id = ?"+cond+" ORDER BY d.event_seq DESC LIMIT ?", append(append([]any{webhookID}, args...), limit)...)
	if err != nil {
		return nil, nil, err
	}
	return out, seqs, nil
}

// emitCancelled writes order.cancelled when a change left the order cancelled: only a change that
// cancels it can, since a cancelled order takes no other.
func (tx *Tx) emitCancelled(ctx context.Context, o *torg.Order) error {
	if o.Status != torg.StatusCancelled {
		return nil
	}
	return tx.emitOrders(ctx, torg.EventOrderCancelled, []orderEvent{{orderID: o.ID}})
}
