package web

import (
	"context"
	"net/http"

	"torg"
	"torg/internal/store"
)

// The back office's pages of what returns, cash ins and cash outs made: customer returns, cash
// expense orders and card refunds, each linked to its sale, its transaction and its order.

func (u *UI) listCustomerReturns(p *page) error {
	return u.listDocs(p, "customer-returns", func(ctx context.Context, tx *store.Tx, page torg.Page) ([]docRow, *string, error) {
		list, err := tx.CustomerReturns(ctx, "", "", "", page)
		if err != nil {
			return nil, nil, err
		}
		var rows []docRow
		for _, v := range list.Items {
			rows = append(rows, docRow{ID: v.ID, Number: v.Number, customerID: v.CustomerID, extraID: v.WarehouseID,
				Date: v.Date, Posted: v.Posted, Amount: v.Total, OrderID: deref(v.OrderID)})
		}
		rows, err = nameRows(ctx, tx, rows, "warehouses")
		return rows, list.Next, err
	})
}

func (u *UI) listCashExpenses(p *page) error {
	return u.listDocs(p, "cash-expenses", func(ctx context.Context, tx *store.Tx, page torg.Page) ([]docRow, *string, error) {
		list, err := tx.CashExpenses(ctx, p.r.URL.Query().Get("posted"), "", "", page)
		if err != nil {
			return nil, nil, err
		}
		var rows []docRow
		for _, v := range list.Items {
			rows = append(rows, docRow{ID: v.ID, Number: v.Number, customerID: deref(v.CustomerID), Customer: v.Counterpart,
				extraID: deref(v.CashDeskID), Posted: v.Posted, Amount: v.Amount, OrderID: deref(v.OrderID), Date: v.Date, Purpose: v.Purpose})
		}
		rows, err = nameRows(ctx, tx, rows, "cash_desks")
		return rows, list.Next, err
	})
}

func (u *UI) listCardRefunds(p *page) error {
	return u.listDocs(p, "card-refunds", func(ctx context.Context, tx *store.Tx, page torg.Page) ([]docRow, *string, error) {
		list, err := tx.CardRefunds(ctx, "", page)
		if err != nil {
			return nil, nil, err
		}
		var rows []docRow
		for _, v := range list.Items {
			rows = append(rows, docRow{ID: v.ID, Number: v.Number, customerID: v.CustomerID, Posted: v.Posted, Amount: v.Amount, Date: v.Date})
		}
		rows, err = nameRows(ctx, tx, rows, "")
		return rows, list.Next, err
	})
}

// returnData is a customer return's page, with the documents of its transaction.
type returnData struct {
	torg.CustomerReturn
	Customer, Warehouse, Register store.CodeName
	OrderNumber, InvoiceNumber    string
	Lines                         []docLine
	CashExpenseID, CardRefundID   *string
}

func (u *UI) showCustomerReturn(p *page) error {
	var d returnData
	err := u.store.View(p.ctx, func(tx *store.Tx) error {
		v, err := tx.CustomerReturn(p.ctx, p.r.PathValue("id"))
		if err != nil {
			return err
		}
		d.CustomerReturn = v
		if d.Customer, d.Warehouse, d.Register, err = names3(p.ctx, tx, v.CustomerID, v.WarehouseID, v.RegisterID); err != nil {
			return err
		}
		if d.OrderNumber, err = orderNumber(p.ctx, tx, v.OrderID); err != nil {
			return err
		}
		inv, err := tx.SalesInvoice(p.ctx, v.SalesInvoiceID)
		if err != nil {
			return err
		}
		d.InvoiceNumber = inv.Number
		t, err := tx.Transaction(p.ctx, v.TransactionID)
		if err != nil {
			return err
		}
		d.CashExpenseID, d.CardRefundID = t.CashExpenseID, t.CardRefundID
		lines := make([]torg.OrderLine, len(v.Lines))
		for i, l := range v.Lines {
			lines[i] = l.OrderLine
		}
		d.Lines, err = docLines(p.ctx, tx, lines)
		for i := range d.Lines {
			d.Lines[i].SaleLineNo = v.Lines[i].SaleLineNo
		}
		return err
	})
	if err != nil {
		return err
	}
	return u.render(p, http.StatusOK, "customer_return", view{Nav: "customer-returns", Title: "doc.return", Data: d})
}

// expenseData is a cash expense order's page.
type expenseData struct {
	torg.CashExpense
	cashDoc
}

func (u *UI) showCashExpense(p *page) error {
	d, err := u.loadCashExpense(p)
	if err != nil {
		return err
	}
	return u.render(p, http.StatusOK, "cash_expense", view{Nav: "cash-expenses", Title: "doc.expense", Data: d})
}

func (u *UI) loadCashExpense(p *page) (expenseData, error) {
	var d expenseData
	err := u.store.View(p.ctx, func(tx *store.Tx) (err error) {
		if d.CashExpense, err = tx.CashExpense(p.ctx, p.r.PathValue("id")); err != nil {
			return err
		}
		d.cashDoc, err = loadCashDoc(p, tx, d.CustomerID, d.CashDeskID, d.OrderID)
		return err
	})
	return d, err
}

func (u *UI) postCashExpense(p *page) error {
	return u.postCashDoc(p, "cash-expenses", func(tx *store.Tx, id, desk string) error {
		_, err := tx.PostCashExpense(p.ctx, id, desk)
		return err
	}, func(desk string, errs formErrors) error {
		d, err := u.loadCashExpense(p)
		if err != nil {
			return err
		}
		d.Desk = desk
		return u.render(p, http.StatusUnprocessableEntity, "cash_expense", view{Nav: "cash-expenses", Title: "doc.expense", Data: d, Errors: errs})
	})
}

// refundData is a card refund's page.
type refundData struct {
	torg.CardRefund
	Customer store.CodeName
}

func (u *UI) showCardRefund(p *page) error {
	var d refundData
	err := u.store.View(p.ctx, func(tx *store.Tx) error {
		v, err := tx.CardRefund(p.ctx, p.r.PathValue("id"))
		if err != nil {
			return err
		}
		cs, err := tx.Names(p.ctx, "customers", []string{v.CustomerID})
		d.CardRefund, d.Customer = v, cs[v.CustomerID]
		return err
	})
	if err != nil {
		return err
	}
	return u.render(p, http.StatusOK, "card_refund", view{Nav: "card-refunds", Title: "doc.card_refund", Data: d})
}

// setCounterpart records, from a cash in's or a cash out's page, where the money came from or went.
func (u *UI) setCounterpart(kind, table string) func(*page) error {
	return func(p *page) error {
		id := p.r.PathValue("id")
		err := u.store.Update(p.ctx, func(tx *store.Tx) error { return tx.SetCounterpart(p.ctx, table, id, p.r.PostFormValue("counterpart")) })
		if err == nil {
			return redirect(p, "/"+kind+"/"+id+"?ok=saved")
		}
		if c := torg.ErrorCode(err); c != torg.CodeValidation && c != torg.CodeStateConflict {
			return err
		}
		slot := func(f string) string {
			if f == "counterpart" {
				return f
			}
			return ""
		}
		v := view{Nav: kind, Errors: formErrorsOf(p.lang, err, slot)}
		if kind == "cash-receipts" {
			d, lerr := u.loadReceipt(p)
			if lerr != nil {
				return lerr
			}
			v.Title, v.Data = "doc.receipt", d
			return u.render(p, http.StatusUnprocessableEntity, "receipt", v)
		}
		d, lerr := u.loadCashExpense(p)
		if lerr != nil {
			return lerr
		}
		v.Title, v.Data = "doc.expense", d
		return u.render(p, http.StatusUnprocessableEntity, "cash_expense", v)
	}
}
