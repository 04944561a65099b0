package register

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/google/uuid"

	"torg"
)

// CashMoveRequest is a cash in («Внесение») or cash out («Выемка») the cashier makes at the till: the
// amount, a comment, and where the money came from or went (the store's main cash desk, the bank).
type CashMoveRequest struct {
	Amount      torg.Money `json:"amount"`
	Comment     string     `json:"comment"`
	Counterpart string     `json:"counterpart"`
}

// moveCash fiscalises a cash in or cash out and writes it to the outbox in one local transaction; the
// upload follows in the background, exactly once, like a sale's. A cash out of more than the open
// shift left in the drawer is refused, as the back office would store it as a conflict: nothing is
// fiscalised.
func (a *Agent) moveCash(ctx context.Context, kind string, req CashMoveRequest) (Closed, error) {
	now := torg.Now()
	t := torg.TransactionInput{ID: uuid.NewString(), Kind: kind, ClosedAt: now, Cashier: a.cfg.Cashier, Total: req.Amount,
		Payments: []torg.Payment{{Type: torg.PaymentCash, Amount: req.Amount}}, Comment: req.Comment, Counterpart: req.Counterpart}
	if err := cashMoveRequestErr(t); err != nil {
		return Closed{}, err
	}
	var out Closed
	err := a.local.update(ctx, func(tx *sql.Tx) error {
		if kind == torg.KindCashOut {
			if drawer, err := a.drawer(ctx, tx); err != nil {
				return err
			} else if req.Amount > drawer {
				return torg.Invalid("amount", "takes out more than the shift left in the drawer, %s", drawer)
			}
		}
		doc, err := a.fiscal.Fiscalize(ctx, tx, FiscalReceipt{Total: t.Total, Cash: t.Total, ClosedAt: now, Kind: kind})
		if err != nil {
			return err
		}
		t.ShiftNumber, t.ReceiptNumber, t.Fiscal = doc.ShiftNumber, doc.ReceiptNumber, &doc.Fiscal
		body, _ := json.Marshal(t)
		_, err = tx.ExecContext(ctx, "INSERT INTO outbox (id, body, shift_number, receipt_number, total, cash, card, created_at, fd, kind)"+
			" VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)", t.ID, string(body), doc.ShiftNumber, doc.ReceiptNumber, int64(t.Total), int64(t.Total),
			now.UnixMicro(), doc.Fiscal.FD, kind)
		out = Closed{TransactionID: t.ID, ShiftNumber: doc.ShiftNumber, ReceiptNumber: doc.ReceiptNumber}
		return err
	})
	if err == nil {
		poke(a.upload)
	}
	return out, err
}

// cashMoveRequestErr checks a cash move by the back office's rules, naming the cashier's fields:
// amount for the total and the payment.
func cashMoveRequestErr(t torg.TransactionInput) error {
	check := t
	check.ShiftNumber, check.ReceiptNumber = 1, 1
	err := check.Validate()
	e, ok := err.(*torg.Error)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	var f torg.Fields
	amount := false
	for _, fe := range e.Fields {
		switch fe.Field {
		case "total", "payments", "payments[0].amount":
			if !amount {
				f.Add("amount", "must be greater than 0")
			}
			amount = true
		default:
			f = append(f, fe)
		}
	}
	return f.Err()
}

// drawer is the cash the open shift left in the drawer: the cash taken for sales and put in, less
// the cash paid back and taken out (no shift open: nothing).
func (a *Agent) drawer(ctx context.Context, tx *sql.Tx) (torg.Money, error) {
	sh, err := a.fiscal.Shift(ctx, tx)
	if err != nil || !sh.Open {
		return 0, err
	}
	sums, err := shiftSums(ctx, tx, sh.Number)
	return expectedCash(sums), err
}

// expectedCash is the cash a shift's sums leave in the drawer.
func expectedCash(sums map[string]KindSums) torg.Money {
	return sums[torg.KindSale].Cash - sums[torg.KindReturn].Cash + sums[torg.KindCashIn].Cash - sums[torg.KindCashOut].Cash
}
