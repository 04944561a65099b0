package register

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"torg"
)

// ClosedReceipt is a sale or return receipt this register fiscalised, as GET
// /api/receipts?state=closed lists it.
type ClosedReceipt struct {
	TransactionID         string     `json:"transaction_id"`
	Kind                  string     `json:"kind"` // sale or return
	ShiftNumber           int64      `json:"shift_number"`
	ReceiptNumber         int64      `json:"receipt_number"`
	ClosedAt              time.Time  `json:"closed_at"`
	Total                 torg.Money `json:"total"`
	Cash                  torg.Money `json:"cash"`
	Card                  torg.Money `json:"card"`
	OrderID               string     `json:"order_id,omitempty"`     // a sale of an order
	OrderNumber           string     `json:"order_number,omitempty"` // the order's number
	OriginalTransactionID string     `json:"original_transaction_id,omitempty"`
	Upload                string     `json:"upload"` // pending, accepted or rejected by the back office
}

// receiptsQuery is what GET /api/receipts asks for.
type receiptsQuery struct {
	state string // open or closed
	shift int64  // closed receipts of this shift only, when above 0
	limit int
}

// parseReceiptsQuery reads state (open or closed, required), shift_number and limit (1 to 500,
// default 100), naming every bad or unknown parameter.
func parseReceiptsQuery(q url.Values) (receiptsQuery, error) {
	var f torg.Fields
	out := receiptsQuery{state: q.Get("state"), limit: 100}
	for k := range q {
		if k != "state" && k != "shift_number" && k != "limit" {
			f.Add(k, "is not a parameter here (known: state, shift_number, limit)")
		}
	}
	if out.state != "open" && out.state != "closed" {
		f.Add("state", "must be open or closed")
	}
	if v := q.Get("shift_number"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			f.Add("shift_number", "must be a shift's number, a positive integer")
		}
		out.shift = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			f.Add("limit", "must be from 1 to 500")
		}
		out.limit = n
	}
	return out, f.Err()
}

// apiReceipts lists the receipts being rung up (state=open), or the sale and return receipts this
// register closed, newest first (state=closed).
func (a *Agent) apiReceipts(r *http.Request) (int, any, error) {
	q, err := parseReceiptsQuery(r.URL.Query())
	if err != nil {
		return 0, nil, err
	}
	if q.state == "open" {
		items, err := a.openReceipts(r.Context())
		return http.StatusOK, map[string]any{"items": items}, err
	}
	items, err := a.closedReceipts(r.Context(), q)
	return http.StatusOK, map[string]any{"items": items}, err
}

// closedReceipts reads the sales and returns in the outbox (a row stays there once accepted), with
// the order of each sale from its receipt.
func (a *Agent) closedReceipts(ctx context.Context, q receiptsQuery) ([]ClosedReceipt, error) {
	rows, err := a.local.db.QueryContext(ctx, "SELECT o.id, o.kind, o.shift_number, o.receipt_number, o.created_at, o.total, o.cash, o.card,"+
		" COALESCE(r.order_id, ''), COALESCE(r.order_number, ''), COALESCE(o.original_id, ''), o.accepted_at IS NOT NULL, o.rejected IS NOT NULL"+
		" FROM outbox o LEFT JOIN receipts r ON r.transaction_id = o.id"+
		" WHERE o.kind IN ('sale', 'return') AND (? = 0 OR o.shift_number = ?)"+
		" ORDER BY o.shift_number DESC, o.receipt_number DESC LIMIT ?", q.shift, q.shift, q.limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	items := []ClosedReceipt{}
	for rows.Next() {
		var c ClosedReceipt
		var at int64
		var accepted, rejected bool
		if err := rows.Scan(&c.TransactionID, &c.Kind, &c.ShiftNumber, &c.ReceiptNumber, &at, &c.Total, &c.Cash, &c.Card,
			&c.OrderID, &c.OrderNumber, &c.OriginalTransactionID, &accepted, &rejected); err != nil {
			return nil, err
		}
		c.ClosedAt = time.UnixMicro(at).UTC()
		c.Upload = uploadState(accepted, rejected)
		items = append(items, c)
	}
	return items, rows.Err()
}

// uploadState names where an outbox row stands with the back office.
func uploadState(accepted, rejected bool) string {
	switch {
	case accepted:
		return "accepted"
	case rejected:
		return "rejected"
	}
	return "pending"
}
