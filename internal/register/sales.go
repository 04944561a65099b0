package register

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"torg"
)

// Receipt is a receipt open at this register, filled from an order.
type Receipt struct {
	ID           string              `json:"id"`
	OrderID      string              `json:"order_id"`
	OrderNumber  string              `json:"order_number"`
	OrderVersion int64               `json:"order_version"`
	Lines        []torg.SnapshotLine `json:"lines"`
	Total        torg.Money          `json:"total"`
	State        string              `json:"state"`
}

// Closed is what closing a receipt answers.
type Closed struct {
	TransactionID string     `json:"transaction_id"`
	ShiftNumber   int64      `json:"shift_number"`
	ReceiptNumber int64      `json:"receipt_number"`
	Change        torg.Money `json:"change"`
}

// LocalOrder is an order this register holds, with whether a receipt is open for it here or another
// register is selling it.
type LocalOrder struct {
	torg.OrderSnapshot
	State      string     `json:"state"`       // available, picked (here) or taken (by another register)
	TakenBy    string     `json:"taken_by"`    // the register that took it, when taken
	TakenUntil *time.Time `json:"taken_until"` // when that register's claim ends unless renewed
}

// orders lists the orders this register holds now, by number.
func (a *Agent) orders(ctx context.Context) ([]LocalOrder, error) {
	rows, err := a.local.db.QueryContext(ctx, "SELECT o.snapshot, EXISTS (SELECT 1 FROM receipts r WHERE r.order_id = o.id AND r.state = 'open'),"+
		" o.taken_by, o.taken_until FROM orders o ORDER BY o.number")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []LocalOrder{}
	for rows.Next() {
		var snap string
		var picked bool
		var takenBy sql.NullString
		var takenUntil sql.NullInt64
		if err := rows.Scan(&snap, &picked, &takenBy, &takenUntil); err != nil {
			return nil, err
		}
		o := LocalOrder{State: "available"}
		if err := json.Unmarshal([]byte(snap), &o.OrderSnapshot); err != nil {
			return nil, err
		}
		switch until := time.UnixMicro(takenUntil.Int64).UTC(); {
		case picked:
			o.State = "picked"
		case takenBy.Valid && until.After(time.Now()):
			o.State, o.TakenBy, o.TakenUntil = "taken", takenBy.String, &until
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// pick claims the order on the server («Подобрать чек») and opens a receipt filled from it. A receipt
// already open for the order is answered again.
func (a *Agent) pick(ctx context.Context, orderID string) (Receipt, error) {
	if r, err := a.receiptOf(ctx, "order_id = ? AND state = 'open'", orderID); err == nil {
		return r, nil
	}
	var snap string
	err := a.local.db.QueryRowContext(ctx, "SELECT snapshot FROM orders WHERE id = ?", orderID).Scan(&snap)
	if errors.Is(err, sql.ErrNoRows) {
		return Receipt{}, torg.Errorf(torg.CodeNotFound, "this register does not hold order %s", orderID)
	}
	if err != nil {
		return Receipt{}, err
	}
	var o torg.OrderSnapshot
	if err := json.Unmarshal([]byte(snap), &o); err != nil {
		return Receipt{}, err
	}
	if _, err := a.server.claim(ctx, o.ID, o.Version); err != nil {
		return Receipt{}, a.claimRefused(ctx, o, err)
	}
	r := Receipt{ID: uuid.NewString(), OrderID: o.ID, OrderNumber: o.Number, OrderVersion: o.Version, Lines: o.Lines, Total: o.Total, State: "open"}
	lines, _ := json.Marshal(r.Lines)
	_, err = a.local.db.ExecContext(ctx, "INSERT INTO receipts (id, order_id, order_number, order_version, lines, ordered, total, state, opened_at)"+
		" VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)", r.ID, r.OrderID, r.OrderNumber, r.OrderVersion, string(lines), string(lines), int64(r.Total),
		time.Now().UnixMicro())
	return r, err
}

// LineChange sets the quantity of one line of an open receipt («Изменить количество»); 0 removes the
// line («Удалить строку»).
type LineChange struct {
	LineNo   int           `json:"line_no"`
	Quantity torg.Quantity `json:"quantity"`
}

// changeReceipt sells part of the order: each changed line takes its new quantity, up to what was
// ordered, with the order line's discount scaled to it (torg.SellPart) and the total recomputed. A
// receipt keeps at least one line: to sell nothing, the cashier cancels it.
func (a *Agent) changeReceipt(ctx context.Context, id string, changes []LineChange) (Receipt, error) {
	var out Receipt
	err := a.local.update(ctx, func(tx *sql.Tx) error {
		r, err := readReceipt(ctx, tx, "id = ?", id)
		if err != nil {
			return err
		}
		if r.State != "open" {
			return torg.Errorf(torg.CodeStateConflict, "the receipt is %s", r.State)
		}
		var orderedText sql.NullString
		if err := tx.QueryRowContext(ctx, "SELECT ordered FROM receipts WHERE id = ?", id).Scan(&orderedText); err != nil {
			return err
		}
		ordered := r.Lines // a receipt opened before it kept its order's lines: they are these
		if orderedText.Valid {
			ordered = nil // decoded into a slice of its own, never into the receipt's lines
			if err := json.Unmarshal([]byte(orderedText.String), &ordered); err != nil {
				return err
			}
		}
		r.Lines, r.Total, err = partOfOrder(ordered, r.Lines, changes)
		if err != nil {
			return err
		}
		lines, _ := json.Marshal(r.Lines)
		_, err = tx.ExecContext(ctx, "UPDATE receipts SET lines = ?, total = ? WHERE id = ?", string(lines), int64(r.Total), id)
		out = r
		return err
	})
	return out, err
}

// partOfOrder is the receipt's lines after the changes: every ordered line at its new quantity, or at
// the one it has now, or gone at 0; and their total.
func partOfOrder(ordered, now []torg.SnapshotLine, changes []LineChange) ([]torg.SnapshotLine, torg.Money, error) {
	qty := map[int]torg.Quantity{}
	for _, l := range now {
		qty[l.LineNo] = l.Quantity
	}
	byNo := map[int]torg.SnapshotLine{}
	for _, l := range ordered {
		byNo[l.LineNo] = l
	}
	var f torg.Fields
	if len(changes) == 0 {
		f.Add("lines", "name at least one line and its new quantity")
	}
	for i, c := range changes {
		o, ok := byNo[c.LineNo]
		switch {
		case !ok:
			f.Add(fmt.Sprintf("lines[%d].line_no", i), "the order has no line %d", c.LineNo)
		case c.Quantity < 0 || c.Quantity > o.Quantity:
			f.Add(fmt.Sprintf("lines[%d].quantity", i), "must be from 0 to the %s ordered", o.Quantity)
		default:
			qty[c.LineNo] = c.Quantity
		}
	}
	var lines []torg.SnapshotLine
	var total torg.Money
	for _, o := range ordered {
		if q := qty[o.LineNo]; q > 0 {
			l := torg.SellPart(o, q)
			lines, total = append(lines, l), total+l.Amount // each at most the order line's amount: no overflow
		}
	}
	if len(f) == 0 && len(lines) == 0 {
		f.Add("lines", "a receipt keeps at least one line: to sell nothing, cancel the receipt")
	}
	return lines, total, f.Err()
}

// claimRefused explains why the server did not give the order, forgetting an order that is gone.
func (a *Agent) claimRefused(ctx context.Context, o torg.OrderSnapshot, err error) error {
	var p *problem
	if !errors.As(err, &p) {
		a.setOnline(false, err)
		return torg.Errorf(torg.CodeUnavailable, "no connection to the back office: the order cannot be picked now")
	}
	switch p.slug() {
	case "claimed":
		return torg.Errorf(torg.CodeClaimed, "%s", p.Detail)
	case "sold", "withdrawn":
		a.local.db.ExecContext(ctx, "DELETE FROM orders WHERE id = ?", o.ID)
		if p.slug() == "sold" {
			return torg.Errorf(torg.CodeSold, "order %s is already sold", o.Number)
		}
		return torg.Errorf(torg.CodeWithdrawn, "order %s is no longer offered to this register", o.Number)
	case "stale-version":
		poke(a.resync)
		return torg.Errorf(torg.CodeStaleVersion, "order %s has changed; it is being updated, pick it again", o.Number)
	}
	return torg.Errorf(torg.CodeUnavailable, "the back office refused: %s", p.Detail)
}

// querier is the local database or one of its transactions.
type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// receiptOf reads one receipt matching the condition.
func (a *Agent) receiptOf(ctx context.Context, where string, args ...any) (Receipt, error) {
	return readReceipt(ctx, a.local.db, where, args...)
}

func readReceipt(ctx context.Context, q querier, where string, args ...any) (Receipt, error) {
	var r Receipt
	var lines string
	err := q.QueryRowContext(ctx, "SELECT id, order_id, order_number, order_version, lines, total, state FROM receipts WHERE "+where, args...).
		Scan(&r.ID, &r.OrderID, &r.OrderNumber, &r.OrderVersion, &lines, &r.Total, &r.State)
	if errors.Is(err, sql.ErrNoRows) {
		return r, torg.Errorf(torg.CodeNotFound, "no such receipt")
	}
	if err != nil {
		return r, err
	}
	return r, json.Unmarshal([]byte(lines), &r.Lines)
}

func (a *Agent) openReceipts(ctx context.Context) ([]Receipt, error) {
	rows, err := a.local.db.QueryContext(ctx, "SELECT id FROM receipts WHERE state = 'open'")
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []Receipt{}
	for _, id := range ids {
		if r, err := a.receiptOf(ctx, "id = ?", id); err == nil {
			out = append(out, r)
		}
	}
	return out, nil
}

// closeReceipt takes the payments, fiscalises the receipt and writes its transaction to the outbox,
// all in one local transaction; the upload follows in the background. Cash beyond what is due is
// change. A transaction the back office would refuse is refused here, before anything is fiscalised.
func (a *Agent) closeReceipt(ctx context.Context, id string, pays []torg.Payment) (Closed, error) {
	var out Closed
	err := a.local.update(ctx, func(tx *sql.Tx) error {
		r, err := readReceipt(ctx, tx, "id = ?", id)
		if err != nil {
			return err
		}
		if r.State != "open" {
			return torg.Errorf(torg.CodeStateConflict, "the receipt is %s", r.State)
		}
		now := torg.Now()
		t, change, err := a.transaction(r, pays, now)
		if err != nil {
			return err
		}
		cash, card := t.Paid(torg.PaymentCash), t.Paid(torg.PaymentCard)
		doc, err := a.fiscal.Fiscalize(ctx, tx, FiscalReceipt{Total: r.Total, Cash: cash, Card: card, ClosedAt: now})
		if err != nil {
			return err
		}
		t.ShiftNumber, t.ReceiptNumber, t.Fiscal = doc.ShiftNumber, doc.ReceiptNumber, &doc.Fiscal
		body, _ := json.Marshal(t)
		if _, err := tx.ExecContext(ctx, "INSERT INTO outbox (id, body, shift_number, receipt_number, total, cash, card, created_at, fd)"+
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", t.ID, string(body), doc.ShiftNumber, doc.ReceiptNumber, int64(r.Total), int64(cash), int64(card), now.UnixMicro(),
			doc.Fiscal.FD); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE receipts SET state = 'closed', closed_at = ?, transaction_id = ? WHERE id = ?", now.UnixMicro(), t.ID, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM orders WHERE id = ?", r.OrderID); err != nil {
			return err
		}
		out = Closed{TransactionID: t.ID, ShiftNumber: doc.ShiftNumber, ReceiptNumber: doc.ReceiptNumber, Change: change}
		return nil
	})
	if err == nil {
		poke(a.upload)
	}
	return out, err
}

// transaction is the closed receipt as the back office takes it (docs/API.md, «The register channel»), checked by the back
// office's own rules, without the fiscal device's numbers yet; its id is made here, before the first
// attempt to send it. Its payments are the ones handed over, with the change taken off the cash.
func (a *Agent) transaction(r Receipt, pays []torg.Payment, closed time.Time) (torg.TransactionInput, torg.Money, error) {
	kept, change, settleErr := settle(r.Total, pays)
	orderID, version := r.OrderID, r.OrderVersion
	t := torg.TransactionInput{ID: uuid.NewString(), OrderID: &orderID, OrderVersion: &version, ClosedAt: closed,
		Cashier: a.cfg.Cashier, Total: r.Total, Payments: kept}
	for _, l := range r.Lines {
		t.Lines = append(t.Lines, torg.TxLine{ProductID: l.ProductID, Quantity: l.Quantity, Price: l.Price, Discount: l.Discount, Amount: l.Amount})
	}
	// The fiscal device numbers the receipt only once it passes: stand-ins take its numbers' place.
	check := t
	check.ShiftNumber, check.ReceiptNumber = 1, 1
	return t, change, merged(settleErr, check.Validate())
}

// merged is one validation error naming every field of both, the first's message winning where both
// name the same field.
func merged(first, second error) error {
	var f torg.Fields
	named := map[string]bool{}
	for _, err := range []error{first, second} {
		var e *torg.Error
		if err == nil {
			continue
		}
		if !errors.As(err, &e) || e.Code != torg.CodeValidation {
			return err
		}
		for _, fe := range e.Fields {
			if !named[fe.Field] {
				f = append(f, fe)
			}
		}
		for _, fe := range e.Fields {
			named[fe.Field] = true
		}
	}
	return f.Err()
}

// settle takes what the customer handed over and keeps of it what pays the total, payment by
// payment; the rest is change. A card pays at most the total, and only cash gives change, taken off
// the last cash payments first. Payments of a kind or amount the back office refuses are left for its
// rules to name; sums that leave the int64 range are refused rather than wrapped.
func settle(total torg.Money, pays []torg.Payment) (kept []torg.Payment, change torg.Money, err error) {
	var f torg.Fields
	var cash, card torg.Money
	overflow := false
	for _, p := range pays {
		sum := &cash
		if p.Type == torg.PaymentCard {
			sum = &card
		}
		if p.Amount <= 0 || (p.Type != torg.PaymentCash && p.Type != torg.PaymentCard) {
			continue
		}
		s, ok := sum.Plus(p.Amount)
		overflow = overflow || !ok
		*sum = s
	}
	given, ok := cash.Plus(card)
	switch {
	case overflow || !ok:
		f.Add("payments", "add up beyond any amount")
	case card > total:
		f.Add("payments", "the card pays more than the total")
	case given < total:
		f.Add("payments", "%s is still due", total-given)
	}
	kept = append([]torg.Payment(nil), pays...)
	if err := f.Err(); err != nil {
		return kept, 0, err
	}
	change = given - total
	rest := change
	for i := len(kept) - 1; i >= 0 && rest > 0; i-- {
		if kept[i].Type != torg.PaymentCash || kept[i].Amount <= 0 {
			continue
		}
		back := min(kept[i].Amount, rest)
		kept[i].Amount -= back
		rest -= back
		if kept[i].Amount == 0 {
			f.Add(fieldIndex(i)+".amount", "is not needed: the other payments already pay the total")
		}
	}
	return kept, change, f.Err()
}

func fieldIndex(i int) string { return "payments[" + itoa(i) + "]" }

// cancelReceipt cancels an open receipt and gives the order back to the back office.
func (a *Agent) cancelReceipt(ctx context.Context, id string) error {
	r, err := a.receiptOf(ctx, "id = ?", id)
	if err != nil {
		return err
	}
	if r.State != "open" {
		return torg.Errorf(torg.CodeStateConflict, "the receipt is %s", r.State)
	}
	if _, err := a.local.db.ExecContext(ctx, "UPDATE receipts SET state = 'cancelled', closed_at = ? WHERE id = ?", time.Now().UnixMicro(), id); err != nil {
		return err
	}
	if err := a.server.release(ctx, r.OrderID); err != nil {
		a.log.Warn("releasing the order; its claim will lapse by itself", "order", r.OrderNumber, "err", err)
	}
	return nil
}

// ZReport is a shift's summary: its sales (receipts, cash, card, total) and, apart, its returns, cash
// ins and cash outs, and the cash expected in the drawer: the sales' cash and the cash put in, less
// the cash paid back and taken out.
type ZReport struct {
	Shift
	ClosedAt     time.Time  `json:"closed_at"`
	Receipts     int        `json:"receipts"`
	Cash         torg.Money `json:"cash"`
	Card         torg.Money `json:"card"`
	Total        torg.Money `json:"total"`
	Returns      KindSums   `json:"returns"`
	CashIn       KindSums   `json:"cash_in"`
	CashOut      KindSums   `json:"cash_out"`
	ExpectedCash torg.Money `json:"expected_cash"`
}

// KindSums sums one kind of the shift's transactions.
type KindSums struct {
	Count int        `json:"count"`
	Cash  torg.Money `json:"cash"`
	Card  torg.Money `json:"card"`
	Total torg.Money `json:"total"`
}

// closeShift closes the fiscal shift and sums its receipts: the Z-report.
func (a *Agent) closeShift(ctx context.Context) (ZReport, error) { return a.shiftReport(ctx, true) }

// xReport sums the open shift's receipts so far without closing it: the X-report.
func (a *Agent) xReport(ctx context.Context) (ZReport, error) { return a.shiftReport(ctx, false) }

// shiftReport sums the open shift's receipts, closing the shift first when closing, in one local
// transaction. Its closed_at is when the report was made.
func (a *Agent) shiftReport(ctx context.Context, closing bool) (ZReport, error) {
	var z ZReport
	err := a.local.update(ctx, func(tx *sql.Tx) error {
		take := a.fiscal.Shift
		if closing {
			take = a.fiscal.CloseShift
		}
		sh, err := take(ctx, tx)
		if err == nil && !sh.Open {
			err = errNoShift
		}
		if errors.Is(err, errNoShift) {
			return torg.Errorf(torg.CodeStateConflict, "no shift is open: a shift opens with its first sale")
		}
		if err != nil {
			return err
		}
		z = ZReport{Shift: sh, ClosedAt: torg.Now()}
		z.Open = !closing
		sums, err := shiftSums(ctx, tx, sh.Number)
		if err != nil {
			return err
		}
		sale := sums[torg.KindSale]
		z.Receipts, z.Cash, z.Card, z.Total, z.Returns = sale.Count, sale.Cash, sale.Card, sale.Total, sums[torg.KindReturn]
		z.CashIn, z.CashOut, z.ExpectedCash = sums[torg.KindCashIn], sums[torg.KindCashOut], expectedCash(sums)
		return nil
	})
	return z, err
}

// shiftSums sums the shift's transactions by kind.
func shiftSums(ctx context.Context, tx *sql.Tx, shift int64) (map[string]KindSums, error) {
	rows, err := tx.QueryContext(ctx, "SELECT kind, COUNT(*), COALESCE(SUM(cash), 0), COALESCE(SUM(card), 0), COALESCE(SUM(total), 0)"+
		" FROM outbox WHERE shift_number = ? GROUP BY kind", shift)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]KindSums{}
	for rows.Next() {
		var kind string
		var k KindSums
		if err := rows.Scan(&kind, &k.Count, &k.Cash, &k.Card, &k.Total); err != nil {
			return nil, err
		}
		out[kind] = k
	}
	return out, rows.Err()
}
