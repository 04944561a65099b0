package register

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// pendingUploads counts closed receipts the back office has not accepted yet.
func (a *Agent) pendingUploads(ctx context.Context) (int, error) {
	var n int
	err := a.local.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM outbox WHERE accepted_at IS NULL AND rejected IS NULL").Scan(&n)
	return n, err
}

// drainOutbox uploads closed receipts, oldest first, until the back office accepts each; it retries
// with growing pauses while the back office cannot be reached, and wakes at once when a receipt is
// closed or the back office comes back.
func (a *Agent) drainOutbox(ctx context.Context) {
	b := newBackoff()
	for ctx.Err() == nil {
		done, err := a.uploadPending(ctx)
		if done {
			b.reset()
			select {
			case <-ctx.Done():
				return
			case <-a.upload:
			case <-time.After(30 * time.Second):
			}
			continue
		}
		if err != nil && ctx.Err() == nil {
			a.log.Warn("uploading transactions", "err", err)
		}
		b.wait(ctx, a.upload)
	}
}

// uploadPending sends every pending receipt; done is false when one must be tried again later.
func (a *Agent) uploadPending(ctx context.Context) (done bool, err error) {
	rows, err := a.local.db.QueryContext(ctx, "SELECT id, body FROM outbox WHERE accepted_at IS NULL AND rejected IS NULL ORDER BY created_at")
	if err != nil {
		return false, err
	}
	type item struct{ id, body string }
	var items []item
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.id, &it.body); err != nil {
			rows.Close()
			return false, err
		}
		items = append(items, it)
	}
	rows.Close()
	for _, it := range items {
		err := a.server.upload(ctx, json.RawMessage(it.body))
		var p *problem
		switch {
		case err == nil:
			a.setOnline(true, nil)
			_, err = a.local.db.ExecContext(ctx, "UPDATE outbox SET accepted_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
				time.Now().UnixMicro(), it.id)
		case errors.As(err, &p) && (p.Status == http.StatusConflict || p.Status == http.StatusUnprocessableEntity):
			// The back office will never take this one as it is: keep it for a person, and go on.
			a.log.Error("the back office refused a transaction", "id", it.id, "problem", p.Error())
			_, err = a.local.db.ExecContext(ctx, "UPDATE outbox SET rejected = ?, attempts = attempts + 1 WHERE id = ?", p.Error(), it.id)
		default:
			if !errors.As(err, &p) {
				a.setOnline(false, err)
			}
			a.local.db.ExecContext(ctx, "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?", err.Error(), it.id)
			return false, err
		}
		if err != nil {
			return false, err
		}
	}
	return true, nil
}

func itoa(i int) string { return strconv.Itoa(i) }
