package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"

	"torg"
)

const transactionCols = "id, register_id, body, state, conflict_reason, error, received_at, sales_invoice_id, cash_receipt_id, card_payment_id," +
	" resolution_action, resolution_comment, partial, mismatches, kind, customer_return_id, cash_expense_id, card_refund_id"

// TransactionFilter selects transactions in a list; empty fields select everything.
type TransactionFilter struct {
	State      torg.TxState
	RegisterID string
	OrderID    string
	Kind       string
}

func scanTransaction(s scanner, t *torg.Transaction) error {
	var body string
	var conflict, errText, invoice, receipt, card, action, comment, mismatches, ret, expense, refund sql.NullString
	var received int64
	err := s.Scan(&t.ID, &t.RegisterID, &body, &t.State, &conflict, &errText, &received, &invoice, &receipt, &card, &action, &comment,
		&t.Partial, &mismatches, &t.Kind, &ret, &expense, &refund)
	if err != nil {
		return err
	}
	t.Mismatches = []torg.FieldError{}
	if mismatches.Valid {
		if err := json.Unmarshal([]byte(mismatches.String), &t.Mismatches); err != nil {
			return err
		}
	}
	if action.Valid {
		t.Resolution = &torg.Resolution{Action: action.String, Comment: comment.String}
	}
	if err := json.Unmarshal([]byte(body), &t.TransactionInput); err != nil {
		return err
	}
	t.CustomerReturnID, t.CashExpenseID, t.CardRefundID = nullString(ret), nullString(expense), nullString(refund)
	t.OriginalTransactionID, t.Comment, t.Counterpart = t.TransactionInput.OriginalTransactionID, t.TransactionInput.Comment, t.TransactionInput.Counterpart
	t.ConflictReason, t.Error, t.ReceivedAt = nullString(conflict), nullString(errText), fromMicros(received)
	t.SalesInvoiceID, t.CashReceiptID, t.CardPaymentID = nullString(invoice), nullString(receipt), nullString(card)
	return nil
}

// Transaction returns the register transaction with the id.
func (tx *Tx) Transaction(ctx context.Context, id string) (torg.Transaction, error) {
	var t torg.Transaction
	err := scanTransaction(tx.queryRow(ctx, "SELECT "+transactionCols+" FROM transactions WHERE id = ?", id), &t)
	if errNoRows(err) {
		return t, notFound("transaction", id)
	}
	return t, err
}

// Transactions lists register transactions, the latest received first.
func (tx *Tx) Transactions(ctx context.Context, f TransactionFilter, page torg.Page) (torg.List[torg.Transaction], error) {
	q, args := "SELECT "+transactionCols+" FROM transactions WHERE 1 = 1", []any{}
	for _, c := range []struct{ col, v string }{{"state", string(f.State)}, {"register_id", f.RegisterID}, {"order_id", f.OrderID}, {"kind", f.Kind}} {
		if c.v != "" {
			q, args = q+" AND "+c.col+" = ?", append(args, c.v)
		}
	}
	if page.After != "" {
		atText, id, ok := strings.Cut(page.After, "|")
		at, err := strconv.ParseInt(atText, 10, 64)
		if !ok || err != nil {
			return torg.List[torg.Transaction]{}, torg.Invalid("after", "is not a cursor this server made")
		}
		q, args = q+" AND (received_at < ? OR (received_at = ? AND id < ?))", append(args, at, at, id)
	}
	out := torg.List[torg.Transaction]{Items: []torg.Transaction{}}
	err := tx.eachRow(ctx, func(row scanner) error {
		var t torg.Transaction
		if err := scanTransaction(row, &t); err != nil {
			return err
		}
		out.Items = append(out.Items, t)
		return nil
	}, q+" ORDER BY received_at DESC, id DESC LIMIT ?", append(args, page.Limit+1)...)
	if err != nil {
		return torg.List[torg.Transaction]{}, err
	}
	if len(out.Items) > page.Limit {
		out.Items = out.Items[:page.Limit]
		last := out.Items[page.Limit-1]
		next := torg.EncodeCursor(itoa64(micros(last.ReceivedAt)) + "|" + last.ID)
		out.Next = &next
	}
	return out, nil
}

// UploadTransaction stores a closed receipt uploaded by the register, exactly once by its id. The
// first upload answers created; the same content again answers the stored transaction; other
// content under the id is a duplicate. A receipt is a fact — the money was taken — so it is never refused for a
// business reason: when its order cannot be sold to it, it is stored as a conflict with a reason.
// Otherwise its order becomes sold, the claim ends, and every other register holding the order gets
// order.delete.
func (tx *Tx) UploadTransaction(ctx context.Context, registerID string, in torg.TransactionInput) (torg.Transaction, bool, error) {
	if err := in.Validate(); err != nil {
		return torg.Transaction{}, false, err
	}
	body, err := json.Marshal(in)
	if err != nil {
		return torg.Transaction{}, false, err
	}
	hash := sha256.Sum256(append([]byte(registerID+"\n"), body...))
	seen, err := tx.seen(ctx, in)
	switch {
	case err != nil:
		return torg.Transaction{}, false, err
	case seen.hash != nil && bytes.Equal(seen.hash, hash[:]):
		t, err := tx.Transaction(ctx, in.ID)
		return t, false, err
	case seen.hash != nil:
		return torg.Transaction{}, false, torg.Errorf(torg.CodeDuplicate, "transaction %s was already uploaded with other content", in.ID)
	}
	if err := tx.checkProducts(ctx, in.Lines); err != nil {
		return torg.Transaction{}, false, err
	}
	if seen.fiscalOf != "" {
		return torg.Transaction{}, false, fiscalTaken(seen.fiscalOf, in.Fiscal)
	}
	sold, err := tx.checkKind(ctx, registerID, &in)
	if err != nil {
		return torg.Transaction{}, false, err
	}
	t := torg.Transaction{RegisterID: registerID, State: torg.TxNew, Partial: sold.Partial, Mismatches: []torg.FieldError{},
		Kind: in.Kind, ReceivedAt: fromMicros(micros(torg.Now()))}
	if sold.conflict != "" {
		t.State, t.ConflictReason = torg.TxConflict, &sold.conflict
	}
	var mismatches any
	if len(sold.Mismatches) > 0 {
		b, err := json.Marshal(sold.Mismatches)
		if err != nil {
			return torg.Transaction{}, false, err
		}
		mismatches, t.Mismatches = string(b), sold.Mismatches
	}
	var fn, fd any
	if in.Fiscal != nil {
		fn, fd = in.Fiscal.FN, in.Fiscal.FD
	}
	if t.Kind == "" {
		t.Kind = torg.KindSale
	}
	_, err = tx.exec(ctx, "INSERT INTO transactions (id, register_id, order_id, order_version, shift_number, receipt_number, closed_at,"+
		" cashier, total, cash_amount, card_amount, fiscal_fn, fiscal_fd, body, content_hash, state, conflict_reason, received_at,"+
		" partial, mismatches, kind, original_transaction_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		in.ID, registerID, in.OrderID, in.OrderVersion, in.ShiftNumber, in.ReceiptNumber, micros(in.ClosedAt), in.Cashier,
		int64(in.Total), int64(in.Paid(torg.PaymentCash)), int64(in.Paid(torg.PaymentCard)), fn, fd, string(body), hash[:],
		string(t.State), t.ConflictReason, micros(t.ReceivedAt), sold.Partial, mismatches, t.Kind, sold.original)
	if err != nil {
		return torg.Transaction{}, false, uploadConflict(translate(err))
	}
	if err := tx.emitUpload(ctx, in, sold); err != nil {
		return torg.Transaction{}, false, err
	}
	// The answer is what was stored, made as Transaction makes it from the row (the input from its
	// body) without reading the row back.
	if err := json.Unmarshal(body, &t.TransactionInput); err != nil {
		return torg.Transaction{}, false, err
	}
	t.OriginalTransactionID, t.Comment, t.Counterpart = t.TransactionInput.OriginalTransactionID, t.TransactionInput.Comment, t.TransactionInput.Counterpart
	return t, true, nil
}

// checkKind does what an upload of its kind does beyond storing it: a sale sells its order, a
// return is compared with its sale, a cash out with the drawer; a cash in needs nothing.
func (tx *Tx) checkKind(ctx context.Context, registerID string, in *torg.TransactionInput) (sale, error) {
	switch in.Kind {
	case "":
		return tx.sell(ctx, registerID, *in)
	case torg.KindReturn:
		return tx.checkReturn(ctx, registerID, in)
	case torg.KindCashOut:
		return tx.checkCashOut(ctx, registerID, in)
	}
	return sale{}, nil
}

// emitUpload writes the events of an uploaded receipt: transaction.conflict when it needs a person,
// order.returned when it is a return of an order's sale.
func (tx *Tx) emitUpload(ctx context.Context, in torg.TransactionInput, sold sale) error {
	if sold.conflict != "" {
		return tx.emitConflict(ctx, in, sold.conflict)
	}
	if sold.returnedOrder != nil {
		return tx.emitOrders(ctx, torg.EventOrderReturned, []orderEvent{{orderID: *sold.returnedOrder, transactionID: &in.ID}})
	}
	return nil
}

// uploadConflict turns a unique violation of an upload — a retry racing the first upload on
// PostgreSQL — into a request to run the transaction again, which then answers with the stored one.
func uploadConflict(err error) error {
	if isUnique(err) {
		return errRetry
	}
	return err
}

// seenUpload is what the store already holds of a receipt being uploaded.
type seenUpload struct {
	hash     []byte // the content hash stored under its id; nil when the id is new
	fiscalOf string // another transaction that carries its fiscal document, or ""
}

// seen reads with one statement the content stored under the receipt's id and the transaction that
// already carries its fiscal document.
func (tx *Tx) seen(ctx context.Context, in torg.TransactionInput) (seenUpload, error) {
	q, args := "SELECT id, content_hash FROM transactions WHERE id = ?", []any{in.ID}
	if f := in.Fiscal; f != nil {
		q, args = q+" OR (fiscal_fn = ? AND fiscal_fd = ?)", append(args, f.FN, f.FD)
	}
	var seen seenUpload
	err := tx.eachRow(ctx, func(row scanner) error {
		var id string
		var hash []byte
		if err := row.Scan(&id, &hash); err != nil {
			return err
		}
		if id == in.ID {
			seen.hash = append([]byte{}, hash...) // never nil, even for an empty hash
		} else {
			seen.fiscalOf = id
		}
		return nil
	}, q, args...)
	return seen, err
}

// fiscalTaken refuses a fiscal document that another transaction already carries.
func fiscalTaken(other string, f *torg.Fiscal) error {
	return &torg.Error{Code: torg.CodeDuplicate,
		Message: "transaction " + other + " already carries fiscal document fn " + f.FN + ", fd " + itoa64(f.FD),
		Fields:  []torg.FieldError{{Field: "fiscal", Message: "this fiscal document is already uploaded"}}}
}

// checkProducts names every line whose product does not exist.
func (tx *Tx) checkProducts(ctx context.Context, lines []torg.TxLine) error {
	if len(lines) == 0 { // a cash in or cash out
		return nil
	}
	ids := make([]string, len(lines))
	for i, l := range lines {
		ids[i] = l.ProductID
	}
	prods, err := tx.products(ctx, dedupe(ids), nil)
	if err != nil {
		return err
	}
	var f torg.Fields
	for i, id := range ids {
		if _, ok := prods["id:"+id]; !ok {
			f.Add("lines["+itoa(i)+"].product_id", "no product has this id")
		}
	}
	return f.Err()
}

// sell marks the receipt's order sold by the register, or returns why it cannot be ("" for a sale
// without an order). A sale that differs from its order still sells it (the goods have left), but as
// a conflict with the fields that differ, so that a person looks before it closes the order.
func (tx *Tx) sell(ctx context.Context, registerID string, in torg.TransactionInput) (sale, error) {
	if in.OrderID == nil {
		return sale{}, nil
	}
	o, err := tx.order(ctx, *in.OrderID, true)
	if torg.ErrorCode(err) == torg.CodeNotFound {
		return sale{conflict: torg.ConflictUnknownOrder}, nil
	}
	if err != nil {
		return sale{}, err
	}
	switch err := o.OfferedTo(registerID); {
	case o.Status == torg.StatusCancelled:
		return sale{conflict: torg.ConflictCancelled}, nil
	case torg.ErrorCode(err) == torg.CodeSold:
		return sale{conflict: torg.ConflictAlreadySold}, nil
	case err != nil:
		return sale{conflict: torg.ConflictNotOffered}, nil
	}
	ordered, err := tx.orderedLines(ctx, &o, in.OrderVersion)
	if err != nil {
		return sale{}, err
	}
	s := sale{SaleComparison: torg.CompareSale(ordered, o.CreatedAt, &in, torg.Now())}
	if len(s.Mismatches) > 0 {
		s.conflict = torg.ConflictMismatch
	}
	p := o.Sell(registerID, in.ID)
	// A sold order has no claim: the claim ends in the same statement (not in the plan's own).
	_, err = tx.exec(ctx, "UPDATE orders SET status = ?, version = ?, transaction_id = ?, updated_at = ?,"+
		" claim_register_id = NULL, claim_expires_at = NULL WHERE id = ?", string(o.Status), o.Version, in.ID, micros(torg.Now()), o.ID)
	if err != nil {
		return sale{}, err
	}
	p.ClaimChanged = false
	if err := tx.write(ctx, &o, p); err != nil {
		return sale{}, err
	}
	return s, tx.emitOrders(ctx, torg.EventOrderSold, []orderEvent{{orderID: o.ID, transactionID: &in.ID}})
}

// sale is what uploading a receipt made of its order.
type sale struct {
	torg.SaleComparison
	conflict string // why it could not simply sell its order, or ""
	original any    // the sale a return refunds, when the back office knows it
	// returnedOrder is the order of the sale a return refunds, when it had one
	returnedOrder *string
}

// orderedLines are the lines of the order version the sale names, or the order's current lines when
// that version was never sent.
func (tx *Tx) orderedLines(ctx context.Context, o *torg.Order, version *int64) ([]torg.OrderLine, error) {
	if version == nil || *version == o.Version {
		return o.Lines, nil
	}
	var body string
	err := tx.queryRow(ctx, "SELECT body FROM order_snapshots WHERE order_id = ? AND version = ?", o.ID, *version).Scan(&body)
	if errNoRows(err) {
		return o.Lines, nil
	}
	if err != nil {
		return nil, err
	}
	var snap torg.OrderSnapshot
	if err := json.Unmarshal([]byte(body), &snap); err != nil {
		return nil, err
	}
	lines := make([]torg.OrderLine, len(snap.Lines))
	for i, l := range snap.Lines {
		lines[i] = torg.OrderLine{LineNo: l.LineNo, ProductID: l.ProductID, Quantity: l.Quantity, Price: l.Price, Discount: l.Discount, Amount: l.Amount, VATRate: l.VATRate}
	}
	return lines, nil
}

// SaleOrderLines are the lines of the order version a sale names (the order's current lines when that
// version was never sent); nil for a sale without a known order.
func (tx *Tx) SaleOrderLines(ctx context.Context, t torg.Transaction) ([]torg.OrderLine, error) {
	if t.OrderID == nil {
		return nil, nil
	}
	o, err := tx.order(ctx, *t.OrderID, false)
	if torg.ErrorCode(err) == torg.CodeNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return tx.orderedLines(ctx, &o, t.OrderVersion)
}
