package store

import (
	"context"
	"database/sql"

	"torg"
)

// This file reads the documents KKMTransfer makes of returns and cash outs: customer returns, cash
// expense orders and card refunds; and posts a cash expense order by hand.

const customerReturnSelect = "SELECT id, number, date, posted, order_id, sales_invoice_id, transaction_id, original_transaction_id," +
	" register_id, customer_id, warehouse_id, total, vat_total FROM customer_returns"

func scanCustomerReturn(s scanner, v *torg.CustomerReturn) error {
	var number, date int64
	var order sql.NullString
	err := s.Scan(&v.ID, &number, &date, &v.Posted, &order, &v.SalesInvoiceID, &v.TransactionID, &v.OriginalTransactionID,
		&v.RegisterID, &v.CustomerID, &v.WarehouseID, &v.Total, &v.VATTotal)
	v.Number, v.Date, v.OrderID, v.Lines = formatNumber(number), fromMicros(date), nullString(order), []torg.ReturnLine{}
	return err
}

// CustomerReturn returns a customer return with its lines.
func (tx *Tx) CustomerReturn(ctx context.Context, id string) (torg.CustomerReturn, error) {
	v, err := one(ctx, tx, customerReturnSelect, "customer return", id, false, scanCustomerReturn)
	if err != nil {
		return v, err
	}
	lines, err := queryAll(ctx, tx, scanReturnLine, "SELECT line_no, sale_line_no, product_id, quantity, price, discount, amount, vat_rate, vat_amount"+
		" FROM customer_return_lines WHERE return_id = ? ORDER BY line_no", id)
	v.Lines = orEmpty(lines)
	return v, err
}

func scanReturnLine(s scanner) (torg.ReturnLine, error) {
	var l torg.ReturnLine
	err := s.Scan(&l.LineNo, &l.SaleLineNo, &l.ProductID, &l.Quantity, &l.Price, &l.Discount, &l.Amount, &l.VATRate, &l.VATAmount)
	return l, err
}

// CustomerReturns lists customer returns, newest first, by the order or the sales invoice they
// return against; the list leaves out their lines.
func (tx *Tx) CustomerReturns(ctx context.Context, orderID, salesInvoiceID, transactionID string, page torg.Page) (torg.List[torg.CustomerReturn], error) {
	return numbered(ctx, tx, customerReturnSelect, [][2]string{{"order_id", orderID}, {"sales_invoice_id", salesInvoiceID}, {"transaction_id", transactionID}},
		page, scanCustomerReturn, func(v *torg.CustomerReturn) string { return v.Number })
}

const cashExpenseSelect = "SELECT id, number, date, posted, not_posted_reason, purpose, cash_desk_id, customer_id, customer_return_id," +
	" order_id, transaction_id, amount, counterpart, comment FROM cash_expenses"

func scanCashExpense(s scanner, v *torg.CashExpense) error {
	var number, date int64
	var reason, desk, customer, ret, order sql.NullString
	err := s.Scan(&v.ID, &number, &date, &v.Posted, &reason, &v.Purpose, &desk, &customer, &ret, &order, &v.TransactionID, &v.Amount,
		&v.Counterpart, &v.Comment)
	v.Number, v.Date = formatNumber(number), fromMicros(date)
	v.NotPostedReason, v.CashDeskID, v.CustomerID = nullString(reason), nullString(desk), nullString(customer)
	v.CustomerReturnID, v.OrderID = nullString(ret), nullString(order)
	return err
}

// CashExpense returns a cash expense order.
func (tx *Tx) CashExpense(ctx context.Context, id string) (torg.CashExpense, error) {
	return one(ctx, tx, cashExpenseSelect, "cash expense order", id, false, scanCashExpense)
}

// CashExpenses lists cash expense orders, newest first; posted is "", "true" or "false".
func (tx *Tx) CashExpenses(ctx context.Context, posted, purpose, transactionID string, page torg.Page) (torg.List[torg.CashExpense], error) {
	sel := cashExpenseSelect
	switch posted {
	case "true":
		sel = "SELECT * FROM (" + sel + " WHERE posted) c"
	case "false":
		sel = "SELECT * FROM (" + sel + " WHERE NOT posted) c"
	}
	return numbered(ctx, tx, sel, [][2]string{{"purpose", purpose}, {"transaction_id", transactionID}}, page, scanCashExpense,
		func(v *torg.CashExpense) string { return v.Number })
}

// PostCashExpense posts an unposted cash expense order out of the cash desk: the cash leaves it, and
// for a refund the customer's debt rises back by what was paid out.
func (tx *Tx) PostCashExpense(ctx context.Context, id, cashDeskID string) (torg.CashExpense, error) {
	c, err := one(ctx, tx, cashExpenseSelect, "cash expense order", id, true, scanCashExpense)
	if err != nil {
		return c, err
	}
	if c.Posted {
		return c, torg.Errorf(torg.CodeStateConflict, "cash expense order %s is already posted", c.Number)
	}
	doc := cashPosting{table: "cash_expenses", id: c.ID, date: c.Date, amount: -c.Amount, customerID: c.CustomerID}
	if err := tx.postCash(ctx, doc, cashDeskID); err != nil {
		return c, err
	}
	return tx.CashExpense(ctx, id)
}

const cardRefundSelect = "SELECT id, number, date, posted, customer_id, customer_return_id, transaction_id, amount FROM card_refunds"

func scanCardRefund(s scanner, v *torg.CardRefund) error {
	var number, date int64
	err := s.Scan(&v.ID, &number, &date, &v.Posted, &v.CustomerID, &v.CustomerReturnID, &v.TransactionID, &v.Amount)
	v.Number, v.Date = formatNumber(number), fromMicros(date)
	return err
}

// CardRefund returns a card refund.
func (tx *Tx) CardRefund(ctx context.Context, id string) (torg.CardRefund, error) {
	return one(ctx, tx, cardRefundSelect, "card refund", id, false, scanCardRefund)
}

// CardRefunds lists card refunds, newest first.
func (tx *Tx) CardRefunds(ctx context.Context, transactionID string, page torg.Page) (torg.List[torg.CardRefund], error) {
	return numbered(ctx, tx, cardRefundSelect, [][2]string{{"transaction_id", transactionID}}, page, scanCardRefund,
		func(v *torg.CardRefund) string { return v.Number })
}
