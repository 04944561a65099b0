package register

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
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
	_, err = a.local.db.ExecContext(ctx, "INSERT INTO receipts (id, order_id, order_number, order_version, lines, total, state, opened_at)"+
		" VALUES (?, ?, ?, ?, ?, ?, 'open', ?)", r.ID, r.OrderID, r.OrderNumber, r.OrderVersion, string(lines), int64(r.Total), time.Now().UnixMicro())
	return r, err
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
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	var out []Receipt
	for _, id := range ids {
		if r, err := a.receiptOf(ctx, "id = ?", id); err == nil {
			out = append(out, r)
		}
	}
	return out, nil
}

// closeReceipt takes the payments, fiscalises the receipt and writes its transaction to the outbox,
// all in one local transaction; the upload follows in the background. Cash beyond what is due is
// change.
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
		cash, card, change, err := settle(r.Total, pays)
		if err != nil {
			return err
		}
		now := torg.Now()
		doc, err := a.fiscal.Fiscalize(ctx, tx, FiscalReceipt{Total: r.Total, Cash: cash, Card: card, ClosedAt: now})
		if err != nil {
			return err
		}
		t := a.transaction(r, doc, now, cash, card)
		body, _ := json.Marshal(t)
		if _, err := tx.ExecContext(ctx, "INSERT INTO outbox (id, body, shift_number, receipt_number, total, cash, card, created_at)"+
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?)", t.ID, string(body), doc.ShiftNumber, doc.ReceiptNumber, int64(r.Total), int64(cash), int64(card), now.UnixMicro()); err != nil {
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

// transaction is the closed receipt as the back office takes it (CONTRACT §6); its id is made here,
// before the first attempt to send it.
func (a *Agent) transaction(r Receipt, doc FiscalDoc, closed time.Time, cash, card torg.Money) torg.TransactionInput {
	orderID, version := r.OrderID, r.OrderVersion
	t := torg.TransactionInput{ID: uuid.NewString(), OrderID: &orderID, OrderVersion: &version, ShiftNumber: doc.ShiftNumber,
		ReceiptNumber: doc.ReceiptNumber, ClosedAt: closed, Cashier: a.cfg.Cashier, Total: r.Total, Fiscal: &doc.Fiscal}
	for _, l := range r.Lines {
		t.Lines = append(t.Lines, torg.TxLine{ProductID: l.ProductID, Quantity: l.Quantity, Price: l.Price, Discount: l.Discount, Amount: l.Amount})
	}
	if cash > 0 {
		t.Payments = append(t.Payments, torg.Payment{Type: torg.PaymentCash, Amount: cash})
	}
	if card > 0 {
		t.Payments = append(t.Payments, torg.Payment{Type: torg.PaymentCard, Amount: card})
	}
	return t
}

// settle splits what the customer handed over into the cash kept, the card part and the change:
// a card pays at most the total, and only cash gives change.
func settle(total torg.Money, pays []torg.Payment) (cash, card, change torg.Money, err error) {
	var f torg.Fields
	var given torg.Money
	for i, p := range pays {
		switch {
		case p.Amount < 0:
			f.Add("payments["+itoa(i)+"].amount", "must not be negative")
		case p.Type == torg.PaymentCash:
			given += p.Amount
		case p.Type == torg.PaymentCard:
			card += p.Amount
		default:
			f.Add("payments["+itoa(i)+"].type", `must be "cash" or "card"`)
		}
	}
	switch {
	case card > total:
		f.Add("payments", "the card pays more than the total")
	case given+card < total:
		f.Add("payments", "%s is still due", torg.Money(total-given-card))
	}
	if err := f.Err(); err != nil {
		return 0, 0, 0, err
	}
	cash = total - card
	return cash, card, given - cash, nil
}

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

// ZReport is a closed shift's summary.
type ZReport struct {
	Shift
	ClosedAt time.Time  `json:"closed_at"`
	Receipts int        `json:"receipts"`
	Cash     torg.Money `json:"cash"`
	Card     torg.Money `json:"card"`
	Total    torg.Money `json:"total"`
}

// closeShift closes the fiscal shift and sums its receipts.
func (a *Agent) closeShift(ctx context.Context) (ZReport, error) {
	var z ZReport
	err := a.local.update(ctx, func(tx *sql.Tx) error {
		sh, err := a.fiscal.CloseShift(ctx, tx)
		if errors.Is(err, errNoShift) {
			return torg.Errorf(torg.CodeStateConflict, "no shift is open: a shift opens with its first sale")
		}
		if err != nil {
			return err
		}
		z = ZReport{Shift: sh, ClosedAt: torg.Now()}
		z.Open = false
		return tx.QueryRowContext(ctx, "SELECT COUNT(*), COALESCE(SUM(cash), 0), COALESCE(SUM(card), 0), COALESCE(SUM(total), 0) FROM outbox WHERE shift_number = ?",
			sh.Number).Scan(&z.Receipts, &z.Cash, &z.Card, &z.Total)
	})
	return z, err
}
