package register

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"torg"
)

// pendingUploads counts closed receipts the back office has not accepted yet, rejected ones included.
func (a *Agent) pendingUploads(ctx context.Context) (int, error) {
	var n int
	err := a.local.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM outbox WHERE accepted_at IS NULL").Scan(&n)
	return n, err
}

// Rejection is a closed receipt whose upload the back office refused as invalid: it stays in the
// outbox, in state rejected, with the back office's problem, until a person sends it again.
type Rejection struct {
	TransactionID string     `json:"transaction_id"`
	ShiftNumber   int64      `json:"shift_number"`
	ReceiptNumber int64      `json:"receipt_number"`
	Total         torg.Money `json:"total"`
	ClosedAt      time.Time  `json:"closed_at"`
	Problem       problem    `json:"problem"`
}

// maxRejections bounds the rejected uploads the status lists, newest first.
const maxRejections = 100

// rejections lists the rejected uploads, newest first.
func rejections(ctx context.Context, tx *sql.Tx) ([]Rejection, error) {
	rows, err := tx.QueryContext(ctx, "SELECT id, shift_number, receipt_number, total, created_at, rejected FROM outbox"+
		" WHERE accepted_at IS NULL AND rejected IS NOT NULL ORDER BY created_at DESC LIMIT ?", maxRejections)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Rejection{}
	for rows.Next() {
		var r Rejection
		var closed int64
		var p string
		if err := rows.Scan(&r.TransactionID, &r.ShiftNumber, &r.ReceiptNumber, &r.Total, &closed, &p); err != nil {
			return nil, err
		}
		r.ClosedAt = time.UnixMicro(closed).UTC()
		if json.Unmarshal([]byte(p), &r.Problem) != nil {
			r.Problem = problem{Detail: p} // kept as text by an older agent
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// retryRejected puts a rejected upload back in line, once a person has fixed what the back office
// refused.
func (a *Agent) retryRejected(ctx context.Context, id string) error {
	res, err := a.local.db.ExecContext(ctx, "UPDATE outbox SET rejected = NULL WHERE id = ? AND accepted_at IS NULL AND rejected IS NOT NULL", id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		poke(a.upload)
		return err
	}
	var exists bool
	if err := a.local.db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM outbox WHERE id = ?)", id).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		return torg.Errorf(torg.CodeNotFound, "no closed receipt %s in the outbox", id)
	}
	return torg.Errorf(torg.CodeStateConflict, "transaction %s is not rejected: it is accepted or still being sent", id)
}

// refusedForGood tells the answers of the back office that sending the same transaction again
// cannot change: it is malformed, too large, a conflicting duplicate, or invalid.
func refusedForGood(status int) bool {
	switch status {
	case http.StatusBadRequest, http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
		return true
	}
	return false
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
		case errors.As(err, &p) && refusedForGood(p.Status):
			// The back office will never take this one as it is: keep it for a person, and go on.
			a.log.Error("the back office refused a transaction; it stays in the outbox as rejected until a person sends it again",
				"id", it.id, "status", p.Status, "detail", p.Detail, "errors", p.Errors)
			kept, _ := json.Marshal(p)
			_, err = a.local.db.ExecContext(ctx, "UPDATE outbox SET rejected = ?, attempts = attempts + 1 WHERE id = ?", string(kept), it.id)
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
