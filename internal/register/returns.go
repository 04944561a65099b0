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
// and fd), the receipt's QR string (t=…&s=…&fn=…&i=…&fp=…&n=1, where i is the fd), or its receipt
// number at this register (in a shift, the current or last one by default).
type SaleQuery struct {
	TransactionID string
	FN            string
	FD            int64
	Shift         int64
	Receipt       int64
}

// parseSaleQuery reads a sale query from the local API's parameters: transaction_id, fn and fd, qr,
// or receipt_number with shift_number.
func parseSaleQuery(q url.Values) (SaleQuery, error) {
	var f torg.Fields
	s := SaleQuery{TransactionID: q.Get("transaction_id"), FN: q.Get("fn")}
	if r := q.Get("receipt_number"); r != "" && s.TransactionID == "" && s.FN == "" && q.Get("qr") == "" {
		n, err := strconv.ParseInt(r, 10, 64)
		if err != nil || n < 1 {
			f.Add("receipt_number", "must be the receipt's number in its shift, a positive integer")
		}
		s.Receipt = n
		if sh := q.Get("shift_number"); sh != "" {
			if s.Shift, err = strconv.ParseInt(sh, 10, 64); err != nil || s.Shift < 1 {
				f.Add("shift_number", "must be a shift's number, a positive integer")
			}
		}
		return s, f.Err()
	}
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
	if q.Receipt > 0 {
		id, err := a.saleByNumber(ctx, q.Shift, q.Receipt)
		if err != nil {
			return torg.SaleForReturn{}, err
		}
		q = SaleQuery{TransactionID: id}
	}
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

// saleByNumber finds the id of this register's sale by its receipt number in the shift (the current
// or last shift when shift is 0).
func (a *Agent) saleByNumber(ctx context.Context, shift, receipt int64) (string, error) {
	if shift == 0 {
		if err := a.local.db.QueryRowContext(ctx, "SELECT COALESCE(MAX(shift_number), 0) FROM outbox").Scan(&shift); err != nil {
			return "", err
		}
	}
	var id string
	err := a.local.db.QueryRowContext(ctx, "SELECT id FROM outbox WHERE kind = 'sale' AND shift_number = ? AND receipt_number = ?", shift, receipt).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", torg.Errorf(torg.CodeNotFound, "no sale of this register has receipt number %d in shift %d", receipt, shift)
	}
	return id, err
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
	if err == nil {
		err = a.nameLines(ctx, t.ID, out.Returnable)
	}
	return out, err
}

// nameLines fills in the names of a sale's returnable lines from the receipt this register sold it
// with (a sale's lines are its receipt's, in order).
func (a *Agent) nameLines(ctx context.Context, transactionID string, lines []torg.ReturnableLine) error {
	r, err := a.receiptOf(ctx, "transaction_id = ?", transactionID)
	if torg.ErrorCode(err) == torg.CodeNotFound || errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	for i := range lines {
		if n := lines[i].LineNo; n >= 1 && n <= len(r.Lines) {
			lines[i].Name = r.Lines[n-1].Name
		}
	}
	return nil
}

// localReturned sums the returns made here of a sale.
func (a *Agent) localReturned(ctx context.Context, saleID string) (torg.ReturnedSoFar, error) {
	rows, err := a.local.db.QueryContext(ctx, "SELECT body FROM outbox WHERE kind = 'return' AND original_id = ? AND rejected IS NULL", saleID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var bodies []string
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		bodies = append(bodies, body)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return torg.ReturnedOf(bodies)
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
	sale, err := a.returnedSale(ctx, req)
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

// previewReturn works out a return's lines and total, as making it would, without fiscalising
// anything or asking for payments: the cashier screen shows the total to refund before the cashier
// says how.
func (a *Agent) previewReturn(ctx context.Context, req ReturnRequest) (ReturnPreview, error) {
	sale, err := a.returnedSale(ctx, req)
	if err != nil {
		return ReturnPreview{}, err
	}
	t, err := returnLines(&sale, req, a.cfg.Cashier)
	return ReturnPreview{Lines: t.Lines, Total: t.Total}, err
}

// ReturnPreview is what a return would refund: its lines and total.
type ReturnPreview struct {
	Lines []torg.TxLine `json:"lines"`
	Total torg.Money    `json:"total"`
}

// returnedSale finds the sale a return request names.
func (a *Agent) returnedSale(ctx context.Context, req ReturnRequest) (torg.SaleForReturn, error) {
	if req.OriginalTransactionID == "" {
		return torg.SaleForReturn{}, torg.Invalid("original_transaction_id", "is required: the sale the return refunds")
	}
	sale, err := a.findSale(ctx, SaleQuery{TransactionID: req.OriginalTransactionID})
	if torg.ErrorCode(err) == torg.CodeNotFound {
		return sale, torg.Invalid("original_transaction_id", "is not a sale this register can find")
	}
	return sale, err
}

// returnTransaction is the return as the back office takes it, checked by its rules: each line a
// line of the sale, at most what is left of it, with its share of the sale's discount; the payments
// exactly the total (a refund gives no change).
func returnTransaction(sale *torg.SaleForReturn, req ReturnRequest, cashier string) (torg.TransactionInput, error) {
	t, err := returnLines(sale, req, cashier)
	if err != nil {
		return t, err
	}
	t.Payments = req.Payments
	check := t
	check.ShiftNumber, check.ReceiptNumber = 1, 1
	return t, check.Validate()
}

// returnLines is a return's lines, each checked against what is left of the sale's line, and its
// total.
func returnLines(sale *torg.SaleForReturn, req ReturnRequest, cashier string) (torg.TransactionInput, error) {
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
	t := torg.TransactionInput{ID: id, Kind: torg.KindReturn, OriginalTransactionID: &original, ClosedAt: torg.Now(), Cashier: cashier}
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
	return t, f.Err()
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
