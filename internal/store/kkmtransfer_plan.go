package store

import (
	"context"
	"database/sql"
	"slices"

	"torg"
)

// plan is what KKMTransfer makes of one transaction: torg.PlanTransfer decides it, this file numbers
// and writes it.
type plan = torg.TransferPlan

// planBatch reads what the batch needs in a few queries (its orders, locked; its products; the running
// totals it changes) and plans each transaction. Transactions whose data cannot make documents, or
// whose documents would take a running total beyond int64, are returned in failed.
func (tx *Tx) planBatch(ctx context.Context, batch []torg.TransferSource, retail string) ([]*plan, map[string]error, error) {
	facts, err := tx.transferFacts(ctx, batch, retail)
	if err != nil {
		return nil, nil, err
	}
	failed := map[string]error{}
	var plans []*plan
	for _, w := range batch {
		p, err := torg.PlanTransfer(w, facts)
		if err != nil {
			failed[w.ID] = err
			continue
		}
		if p.Invoice != nil { // a return of it later in the batch finds it
			facts.Sales[w.ID] = torg.SaleDocs{InvoiceID: p.Invoice.ID, CustomerID: p.CustomerID, OrderID: saleOrder(w)}
		}
		plans = append(plans, p)
	}
	plans, err = tx.keepInRange(ctx, plans, failed)
	if err != nil {
		return nil, nil, err
	}
	return plans, failed, tx.numberPlans(ctx, plans)
}

// transferFacts reads what planning the batch needs: its orders' customers (the orders locked) and
// its products' VAT rates.
func (tx *Tx) transferFacts(ctx context.Context, batch []torg.TransferSource, retail string) (torg.TransferFacts, error) {
	facts := torg.TransferFacts{Retail: retail, VAT: map[string]torg.VATRate{}, NewID: newID}
	var err error
	if facts.Customers, err = tx.orderCustomers(ctx, batch); err != nil {
		return facts, err
	}
	var ids []string
	for _, w := range batch {
		for _, l := range w.In.Lines {
			ids = append(ids, l.ProductID)
		}
	}
	prods, err := tx.products(ctx, dedupe(ids), nil)
	if err != nil {
		return facts, err
	}
	for _, p := range prods {
		facts.VAT[p.id] = p.vat
	}
	facts.Sales, err = tx.saleDocs(ctx, batch)
	return facts, err
}

// saleOrder is the order a sale closes, or nil.
func saleOrder(w torg.TransferSource) *string {
	if w.Sells() {
		return w.OrderID
	}
	return nil
}

// saleDocs reads the sales invoices of the sales the batch's returns refund.
func (tx *Tx) saleDocs(ctx context.Context, batch []torg.TransferSource) (map[string]torg.SaleDocs, error) {
	out := map[string]torg.SaleDocs{}
	var ids []string
	for _, w := range batch {
		if w.In.OriginalTransactionID != nil {
			ids = append(ids, *w.In.OriginalTransactionID)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	ids = dedupe(ids)
	err := tx.eachRow(ctx, func(row scanner) error {
		var tid string
		var d torg.SaleDocs
		var order sql.NullString
		if err := row.Scan(&tid, &d.InvoiceID, &d.CustomerID, &order); err != nil {
			return err
		}
		d.OrderID = nullString(order)
		out[tid] = d
		return nil
	}, "SELECT transaction_id, id, customer_id, order_id FROM sales_invoices WHERE transaction_id IN ("+marks(len(ids))+")", anys(ids)...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// keepInRange drops, in the batch's order, every plan that would take a running total (stock, cash,
// debt) beyond int64 after the plans before it, and records it in failed.
func (tx *Tx) keepInRange(ctx context.Context, plans []*plan, failed map[string]error) ([]*plan, error) {
	var stock []stockMove
	var cash, debt []moneyMove
	for _, p := range plans {
		stock, cash, debt = append(stock, p.Stock...), append(cash, p.Cash...), append(debt, p.Debt...)
	}
	l, err := tx.readLedger(ctx, stock, cash, debt)
	if err != nil {
		return nil, err
	}
	kept := plans[:0]
	for _, p := range plans {
		if bad := l.apply(p.Stock, p.Cash, p.Debt); len(bad) > 0 {
			failed[p.Source.ID] = tx.describe(ctx, &bad[0])
			continue
		}
		kept = append(kept, p)
	}
	return kept, nil
}

// orderCustomers locks the orders the batch closes and returns their customers.
func (tx *Tx) orderCustomers(ctx context.Context, batch []torg.TransferSource) (map[string]string, error) {
	var ids []string
	for _, w := range batch {
		if w.Sells() {
			ids = append(ids, *w.OrderID)
		}
	}
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	ids = dedupe(ids)
	err := tx.eachRow(ctx, func(row scanner) error {
		var id, customer string
		if err := row.Scan(&id, &customer); err != nil {
			return err
		}
		out[id] = customer
		return nil
	}, "SELECT id, customer_id FROM orders WHERE id IN ("+marks(len(ids))+") ORDER BY id"+tx.d.forUpdate, anys(ids)...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// numberPlans gives the plans' documents their sequential numbers, taking each counter's range in
// one statement.
func (tx *Tx) numberPlans(ctx context.Context, plans []*plan) error {
	need := map[string]int64{}
	for _, p := range plans {
		for _, d := range planNumbers(p) {
			need[d.counter]++
		}
	}
	if len(need) == 0 {
		return nil
	}
	names := make([]string, 0, len(need))
	for name := range need {
		names = append(names, name)
	}
	slices.Sort(names)
	q, args := "UPDATE counters SET value = value + CASE name", []any{}
	for _, name := range names {
		q, args = q+" WHEN ? THEN CAST(? AS BIGINT)", append(args, name, need[name])
	}
	next := map[string]int64{}
	err := tx.eachRow(ctx, func(row scanner) error {
		var name string
		var v int64
		if err := row.Scan(&name, &v); err != nil {
			return err
		}
		next[name] = v - need[name]
		return nil
	}, q+" END WHERE name IN ("+marks(len(names))+") RETURNING name, value", append(args, anys(names)...)...)
	if err != nil {
		return err
	}
	for _, p := range plans {
		for _, d := range planNumbers(p) {
			next[d.counter]++
			*d.number = next[d.counter]
		}
	}
	return nil
}

// numberedDoc is a planned document's number and the counter it is taken from.
type numberedDoc struct {
	counter string
	number  *int64
}

// planNumbers lists the plan's documents that take a number, in a fixed order.
func planNumbers(p *plan) []numberedDoc {
	var out []numberedDoc
	if p.Invoice != nil {
		out = append(out, numberedDoc{"sales_invoice_number", &p.Invoice.Number})
	}
	if p.CashReceipt != nil {
		out = append(out, numberedDoc{"cash_receipt_number", &p.CashReceipt.Number})
	}
	if p.CardPayment != nil {
		out = append(out, numberedDoc{"card_payment_number", &p.CardPayment.Number})
	}
	if p.Return != nil {
		out = append(out, numberedDoc{"customer_return_number", &p.Return.Number})
	}
	if p.CashExpense != nil {
		out = append(out, numberedDoc{"cash_expense_number", &p.CashExpense.Number})
	}
	if p.CardRefund != nil {
		out = append(out, numberedDoc{"card_refund_number", &p.CardRefund.Number})
	}
	return out
}

// docRows are the rows a batch of plans inserts, by table.
type docRows struct {
	invoices, lines, receipts, cards        [][]any
	returns, returnLines, expenses, refunds [][]any
}

// add appends one plan's rows.
func (r *docRows) add(p *plan, now int64) {
	w, date := &p.Source, micros(p.Source.In.ClosedAt)
	var order any
	if w.Sells() {
		order = *w.OrderID
	}
	if inv := p.Invoice; inv != nil {
		r.invoices = append(r.invoices, []any{inv.ID, inv.Number, date, true, order, w.ID, w.RegisterID, p.CustomerID,
			w.WarehouseID, int64(w.In.Total), int64(inv.VATTotal), now})
		for _, l := range inv.Lines {
			r.lines = append(r.lines, []any{inv.ID, l.LineNo, l.ProductID, int64(l.Quantity), int64(l.Price), int64(l.Discount),
				int64(l.Amount), string(l.VATRate), int64(l.VATAmount)})
		}
	}
	if c := p.CashReceipt; c != nil && p.Invoice != nil {
		r.receipts = append(r.receipts, []any{c.ID, c.Number, date, c.Posted, nullIfEmpty(c.NotPostedReason), w.CashDeskID, p.CustomerID,
			p.Invoice.ID, order, w.ID, int64(c.Amount), torg.PurposeSale, "", "", now})
	}
	if c := p.CardPayment; c != nil {
		r.cards = append(r.cards, []any{c.ID, c.Number, date, true, p.CustomerID, p.Invoice.ID, w.ID, int64(c.Amount), now})
	}
	r.addReturn(p, now)
	r.addCashMove(p, now)
}

// addCashMove appends the row of a cash in's cash receipt order or a cash out's cash expense order.
func (r *docRows) addCashMove(p *plan, now int64) {
	w, date := &p.Source, micros(p.Source.In.ClosedAt)
	switch w.In.Kind {
	case torg.KindCashIn:
		c := p.CashReceipt
		r.receipts = append(r.receipts, []any{c.ID, c.Number, date, c.Posted, nullIfEmpty(c.NotPostedReason), w.CashDeskID, nil,
			nil, nil, w.ID, int64(c.Amount), torg.PurposeCashIn, w.In.Counterpart, w.In.Comment, now})
	case torg.KindCashOut:
		c := p.CashExpense
		r.expenses = append(r.expenses, []any{c.ID, c.Number, date, c.Posted, nullIfEmpty(c.NotPostedReason), torg.PurposeCashOut, w.CashDeskID,
			nil, nil, nil, w.ID, int64(c.Amount), w.In.Counterpart, w.In.Comment, now})
	}
}

// addReturn appends the rows of a return's documents.
func (r *docRows) addReturn(p *plan, now int64) {
	ret, w, date := p.Return, &p.Source, micros(p.Source.In.ClosedAt)
	if ret == nil {
		return
	}
	r.returns = append(r.returns, []any{ret.ID, ret.Number, date, true, ret.Sale.OrderID, ret.Sale.InvoiceID, w.ID, *w.In.OriginalTransactionID,
		w.RegisterID, p.CustomerID, w.WarehouseID, int64(w.In.Total), int64(ret.VATTotal), now})
	for _, l := range ret.Lines {
		r.returnLines = append(r.returnLines, []any{ret.ID, l.LineNo, l.SaleLineNo, l.ProductID, int64(l.Quantity), int64(l.Price),
			int64(l.Discount), int64(l.Amount), string(l.VATRate), int64(l.VATAmount)})
	}
	if c := p.CashExpense; c != nil {
		r.expenses = append(r.expenses, []any{c.ID, c.Number, date, c.Posted, nullIfEmpty(c.NotPostedReason), torg.PurposeRefund, w.CashDeskID,
			p.CustomerID, ret.ID, ret.Sale.OrderID, w.ID, int64(c.Amount), "", "", now})
	}
	if c := p.CardRefund; c != nil {
		r.refunds = append(r.refunds, []any{c.ID, c.Number, date, true, p.CustomerID, ret.ID, w.ID, int64(c.Amount), now})
	}
}

// writePlans writes the plans' documents, movements and running totals, closes their orders and
// marks their transactions processed, with a few multi-row statements for the whole batch.
func (tx *Tx) writePlans(ctx context.Context, plans []*plan) error {
	if len(plans) == 0 {
		return nil
	}
	now := micros(torg.Now())
	var r docRows
	var stock []stockMove
	var cash, debts []moneyMove
	var closes []*plan
	for _, p := range plans {
		r.add(p, now)
		if p.Source.Sells() {
			closes = append(closes, p)
		}
		stock, cash, debts = append(stock, p.Stock...), append(cash, p.Cash...), append(debts, p.Debt...)
	}
	steps := []func() error{
		func() error {
			return tx.insertRows(ctx, "sales_invoices", []string{"id", "number", "date", "posted", "order_id", "transaction_id", "register_id",
				"customer_id", "warehouse_id", "total", "vat_total", "created_at"}, r.invoices)
		},
		func() error {
			return tx.insertRows(ctx, "sales_invoice_lines", []string{"invoice_id", "line_no", "product_id", "quantity", "price", "discount",
				"amount", "vat_rate", "vat_amount"}, r.lines)
		},
		func() error {
			return tx.insertRows(ctx, "cash_receipts", []string{"id", "number", "date", "posted", "not_posted_reason", "cash_desk_id",
				"customer_id", "sales_invoice_id", "order_id", "transaction_id", "amount", "purpose", "counterpart", "comment", "created_at"}, r.receipts)
		},
		func() error {
			return tx.insertRows(ctx, "card_payments", []string{"id", "number", "date", "posted", "customer_id", "sales_invoice_id",
				"transaction_id", "amount", "created_at"}, r.cards)
		},
		func() error {
			return tx.insertRows(ctx, "customer_returns", []string{"id", "number", "date", "posted", "order_id", "sales_invoice_id", "transaction_id",
				"original_transaction_id", "register_id", "customer_id", "warehouse_id", "total", "vat_total", "created_at"}, r.returns)
		},
		func() error {
			return tx.insertRows(ctx, "customer_return_lines", []string{"return_id", "line_no", "sale_line_no", "product_id", "quantity", "price",
				"discount", "amount", "vat_rate", "vat_amount"}, r.returnLines)
		},
		func() error {
			return tx.insertRows(ctx, "cash_expenses", []string{"id", "number", "date", "posted", "not_posted_reason", "purpose", "cash_desk_id",
				"customer_id", "customer_return_id", "order_id", "transaction_id", "amount", "counterpart", "comment", "created_at"}, r.expenses)
		},
		func() error {
			return tx.insertRows(ctx, "card_refunds", []string{"id", "number", "date", "posted", "customer_id", "customer_return_id",
				"transaction_id", "amount", "created_at"}, r.refunds)
		},
		func() error { return tx.moveStock(ctx, stock) },
		func() error { return tx.moveCash(ctx, cash...) },
		func() error { return tx.moveDebt(ctx, debts...) },
		func() error { return tx.addSalesTotals(ctx, plans) },
		func() error { return tx.closeOrders(ctx, closes, now) },
		func() error { return tx.markProcessed(ctx, plans) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// closeOrders closes the orders the plans sold, links their documents and ends their reservations.
func (tx *Tx) closeOrders(ctx context.Context, plans []*plan, now int64) error {
	for len(plans) > 0 {
		n := min(len(plans), 1000)
		ids := make([]any, n)
		args := make([]any, 0, n*3+2)
		for i, p := range plans[:n] {
			ids[i] = *p.Source.OrderID
			args = append(args, *p.Source.OrderID, p.Invoice.ID, docID(p.CashReceipt))
		}
		_, err := tx.exec(ctx, "WITH v (id, invoice, receipt) AS (VALUES "+rowsOf(n, 3)+") UPDATE orders SET status = ?, version = version + 1,"+
			" sales_invoice_id = v.invoice, cash_receipt_id = v.receipt, updated_at = ? FROM v WHERE orders.id = v.id",
			append(args, string(torg.StatusClosed), now)...)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM reservations WHERE order_id IN ("+marks(n)+")", ids...); err != nil {
			return err
		}
		evs := make([]orderEvent, n)
		for i, p := range plans[:n] {
			evs[i] = orderEvent{orderID: *p.Source.OrderID, transactionID: &p.Source.ID}
		}
		if err := tx.emitOrders(ctx, torg.EventOrderClosed, evs); err != nil {
			return err
		}
		plans = plans[n:]
	}
	return nil
}

// markProcessed links the transactions to their documents.
func (tx *Tx) markProcessed(ctx context.Context, plans []*plan) error {
	for len(plans) > 0 {
		n := min(len(plans), 1000)
		args := make([]any, 0, n*7)
		for _, p := range plans[:n] {
			var invoice, ret any = sql.NullString{}, sql.NullString{}
			if p.Invoice != nil {
				invoice = p.Invoice.ID
			}
			if p.Return != nil {
				ret = p.Return.ID
			}
			args = append(args, p.Source.ID, invoice, docID(p.CashReceipt), cardID(p.CardPayment), ret, docID(p.CashExpense), cardID(p.CardRefund))
		}
		_, err := tx.exec(ctx, "WITH v (id, invoice, receipt, card, ret, expense, refund) AS (VALUES "+rowsOf(n, 7)+") UPDATE transactions SET state = 'processed',"+
			" error = NULL, sales_invoice_id = v.invoice, cash_receipt_id = v.receipt, card_payment_id = v.card, customer_return_id = v.ret,"+
			" cash_expense_id = v.expense, card_refund_id = v.refund FROM v WHERE transactions.id = v.id", args...)
		if err != nil {
			return err
		}
		plans = plans[n:]
	}
	return nil
}

// docID is a planned cash document's id, or NULL.
func docID(d *torg.PlannedCashDoc) any {
	if d == nil {
		return sql.NullString{}
	}
	return d.ID
}

// cardID is a planned card document's id, or NULL.
func cardID(d *torg.PlannedCardDoc) any {
	if d == nil {
		return sql.NullString{}
	}
	return d.ID
}

func nullIfEmpty(s string) any {
	if s == "" {
		return sql.NullString{}
	}
	return s
}
