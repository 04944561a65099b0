package register

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"torg"
)

// SaleQuery is how the cashier names a sale to return: its transaction id, its fiscal document (fn
// and fd), or the receipt's QR string (t=…&s=…&fn=…&i=…&fp=…&n=1, where i is the fd).
type SaleQuery struct {
	TransactionID string
	FN            string
	FD            int64
}

// parseSaleQuery reads a sale query from the local API's parameters: transaction_id, fn and fd, or qr.
func parseSaleQuery(q url.Values) (SaleQuery, error) {
	var f torg.Fields
	s := SaleQuery{TransactionID: q.Get("transaction_id"), FN: q.Get("fn")}
	fd := q.Get("fd")
	if qr := q.Get("qr"); qr != "" {
		v, err := url.ParseQuery(strings.TrimSpace(qr))
		if err != nil || v.Get("fn") == "" || v.Get("i") == "" || v.Get("n") != "1" {
			f.Add("qr", "is not the QR string of a sale receipt (t=…&s=…&fn=…&i=…&fp=…&n=1)")
		}
		s.FN, fd = v.Get("fn"), v.Get("i")
	}
	if s.TransactionID == "" {
		n, err := strconv.ParseInt(fd, 10, 64)
		switch {
		case s.FN == "" && len(f) == 0:
			f.Add("transaction_id", "name the sale: transaction_id, fn and fd, or qr")
		case (err != nil || n < 1) && len(f) == 0:
			f.Add("fd", "must be the fiscal document number, a positive integer")
		}
		s.FD = n
	}
	return s, f.Err()
}

// encode is the query for the back office's register channel.
func (s SaleQuery) encode() string {
	if s.TransactionID != "" {
		return "transaction_id=" + url.QueryEscape(s.TransactionID)
	}
	return "fn=" + url.QueryEscape(s.FN) + "&fd=" + strconv.FormatInt(s.FD, 10)
}

// findSale finds a sale to return, with what is left of it. The back office knows every register's
// sales of this warehouse and every return of them, so it is asked first; when it cannot be reached,
// or does not know the sale yet (its upload still in the outbox), this register's own sales are found
// in its outbox, with the returns made here.
func (a *Agent) findSale(ctx context.Context, q SaleQuery) (torg.SaleForReturn, error) {
	s, err := a.server.sale(ctx, q.encode())
	if err == nil {
		return s, nil
	}
	var p *problem
	if errors.As(err, &p) && p.Status != http.StatusNotFound {
		return s, torg.Errorf(torg.CodeUnavailable, "the back office refused: %s", p.Detail)
	}
	return a.localSale(ctx, q)
}

// localSale finds a sale of this register in its outbox.
func (a *Agent) localSale(ctx context.Context, q SaleQuery) (torg.SaleForReturn, error) {
	var out torg.SaleForReturn
	cond, args := "id = ?", []any{q.TransactionID}
	if q.TransactionID == "" {
		cond, args = "fd = ?", []any{q.FD}
	}
	var body string
	err := a.local.db.QueryRowContext(ctx, "SELECT body FROM outbox WHERE kind = 'sale' AND "+cond, args...).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return out, torg.Errorf(torg.CodeNotFound, "no sale found: another register's sale is found only while the back office answers")
	}
	if err != nil {
		return out, err
	}
	t := &out.Transaction
	if err := json.Unmarshal([]byte(body), &t.TransactionInput); err != nil {
		return out, err
	}
	if q.FN != "" && (t.Fiscal == nil || t.Fiscal.FN != q.FN) {
		return out, torg.Errorf(torg.CodeNotFound, "no sale found: another register's sale is found only while the back office answers")
	}
	t.Kind = torg.KindSale
	returned, err := a.localReturned(ctx, t.ID)
	out.Returnable = torg.Returnable(&t.TransactionInput, returned)
	return out, err
}

// localReturned sums the returns made here of a sale.
func (a *Agent) localReturned(ctx context.Context, saleID string) (torg.ReturnedSoFar, error) {
	rows, err := a.local.db.QueryContext(ctx, "SELECT body FROM outbox WHERE kind = 'return' AND original_id = ? AND rejected IS NULL", saleID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var returns []torg.TransactionInput
	for rows.Next() {
		var body string
		var in torg.TransactionInput
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(body), &in); err != nil {
			return nil, err
		}
		returns = append(returns, in)
	}
	return torg.Returned(returns), rows.Err()
}

// ReturnRequest is a return the cashier makes at the till («Возврат»): lines of a sale with the
// quantities brought back, and how the money is paid back.
type ReturnRequest struct {
	OriginalTransactionID string         `json:"original_transaction_id"`
	Lines                 []LineChange   `json:"lines"`
	Payments              []torg.Payment `json:"payments"`
}

// makeReturn checks a return against its sale and what is left of it, fiscalises it as a return
// receipt («Возврат прихода») and writes it to the outbox in one local transaction; the upload
// follows in the background, exactly once, like a sale's. Anything the back office would refuse or
// store as a conflict is refused here, before anything is fiscalised.
func (a *Agent) makeReturn(ctx context.Context, req ReturnRequest) (Closed, error) {
	if req.OriginalTransactionID == "" {
		return Closed{}, torg.Invalid("original_transaction_id", "is required: the sale the return refunds")
	}
	sale, err := a.findSale(ctx, SaleQuery{TransactionID: req.OriginalTransactionID})
	if torg.ErrorCode(err) == torg.CodeNotFound {
		return Closed{}, torg.Invalid("original_transaction_id", "is not a sale this register can find")
	}
	if err != nil {
		return Closed{}, err
	}
	t, err := returnTransaction(&sale, req, a.cfg.Cashier)
	if err != nil {
		return Closed{}, err
	}
	var out Closed
	err = a.local.update(ctx, func(tx *sql.Tx) error {
		cash, card := t.Paid(torg.PaymentCash), t.Paid(torg.PaymentCard)
		doc, err := a.fiscal.Fiscalize(ctx, tx, FiscalReceipt{Total: t.Total, Cash: cash, Card: card, ClosedAt: t.ClosedAt, Refund: true})
		if err != nil {
			return err
		}
		t.ShiftNumber, t.ReceiptNumber, t.Fiscal = doc.ShiftNumber, doc.ReceiptNumber, &doc.Fiscal
		body, _ := json.Marshal(t)
		_, err = tx.ExecContext(ctx, "INSERT INTO outbox (id, body, shift_number, receipt_number, total, cash, card, created_at, fd, kind, original_id)"+
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'return', ?)", t.ID, string(body), doc.ShiftNumber, doc.ReceiptNumber, int64(t.Total), int64(cash),
			int64(card), t.ClosedAt.UnixMicro(), doc.Fiscal.FD, req.OriginalTransactionID)
		out = Closed{TransactionID: t.ID, ShiftNumber: doc.ShiftNumber, ReceiptNumber: doc.ReceiptNumber}
		return err
	})
	if err == nil {
		poke(a.upload)
	}
	return out, err
}

// returnTransaction is the return as the back office takes it, checked by its rules: each line a
// line of the sale, at most what is left of it, with its share of the sale's discount; the payments
// exactly the total (a refund gives no change).
func returnTransaction(sale *torg.SaleForReturn, req ReturnRequest, cashier string) (torg.TransactionInput, error) {
	orig := &sale.Transaction.TransactionInput
	left := map[int]torg.Quantity{}
	returned := torg.ReturnedSoFar{}
	for _, r := range sale.Returnable {
		left[r.LineNo] = r.Quantity
	}
	for n, l := range orig.Lines {
		returned[n+1] = torg.TxLine{Quantity: l.Quantity - left[n+1], Amount: l.Amount - remaining(sale, n+1)}
	}
	var f torg.Fields
	if sale.Transaction.Kind != torg.KindSale {
		f.Add("original_transaction_id", "is a return, not a sale: a return is not returned")
	}
	if len(req.Lines) == 0 {
		f.Add("lines", "name at least one line of the sale and the quantity brought back")
	}
	id, original := uuid.NewString(), sale.Transaction.ID
	t := torg.TransactionInput{ID: id, Kind: torg.KindReturn, OriginalTransactionID: &original, ClosedAt: torg.Now(), Cashier: cashier, Payments: req.Payments}
	seen := map[int]bool{}
	for i, c := range req.Lines {
		p := fmt.Sprintf("lines[%d]", i)
		switch {
		case c.LineNo < 1 || c.LineNo > len(orig.Lines) || seen[c.LineNo]:
			f.Add(p+".line_no", "must be a line of the sale, each at most once")
		case c.Quantity <= 0:
			f.Add(p+".quantity", "must be greater than 0")
		case c.Quantity > left[c.LineNo]:
			f.Add(p+".quantity", "is more than is left to return of the sale's line, %s", left[c.LineNo])
		default:
			l := torg.ReturnPart(orig, returned, c.LineNo, c.Quantity)
			t.Lines, t.Total = append(t.Lines, l), t.Total+l.Amount
		}
		seen[c.LineNo] = true
	}
	if err := f.Err(); err != nil {
		return t, err
	}
	check := t
	check.ShiftNumber, check.ReceiptNumber = 1, 1
	return t, check.Validate()
}

// remaining is what is left to refund of the sale's line n: the amount of its returnable line.
func remaining(sale *torg.SaleForReturn, n int) torg.Money {
	for _, r := range sale.Returnable {
		if r.LineNo == n {
			return r.Amount
		}
	}
	return 0
}
