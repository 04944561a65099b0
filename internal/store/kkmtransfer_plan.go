package store

import (
	"context"
	"database/sql"
	"fmt"

	"torg"
)

// plan is what KKMTransfer makes of one transaction (docs/API.md, «KKMTransfer»): a posted sales invoice dated
// closed_at for the register's warehouse and the order's customer (or the retail customer); a cash
// receipt order for the cash part, posted into the register's cash desk when it has one; a posted
// card payment for the card part; and, when it sold an order, the order closed.
type plan struct {
	w        waitingTx
	customer string
	sells    bool // it closes its order

	invoiceID  string
	invoiceNo  int64
	vat        torg.Money
	lines      [][]any // sales_invoice_lines rows
	cash, card torg.Money
	cashID     string
	cashNo     int64
	cashPosted bool
	cardID     string
	cardNo     int64
	stock      []stockMove
	cashMoves  []moneyMove
	debtMoves  []moneyMove
}

// count adds the plan's documents to a run's result.
func (p *plan) count(res *torg.TransferResult) {
	res.Processed++
	res.SalesInvoices++
	if p.cash > 0 {
		res.CashReceipts++
		if p.cashPosted {
			res.CashReceiptsPosted++
		}
	}
	if p.card > 0 {
		res.CardPayments++
	}
}

// planBatch reads what the batch needs in a few queries (its orders, locked; its products; the running
// totals it changes) and plans each transaction. Transactions whose data cannot make documents, or
// whose documents would take a running total beyond int64, are returned in failed.
func (tx *Tx) planBatch(ctx context.Context, batch []waitingTx, retail string) ([]*plan, map[string]error, error) {
	customers, err := tx.orderCustomers(ctx, batch)
	if err != nil {
		return nil, nil, err
	}
	var ids []string
	for _, w := range batch {
		for _, l := range w.in.Lines {
			ids = append(ids, l.ProductID)
		}
	}
	prods, err := tx.products(ctx, dedupe(ids), nil)
	if err != nil {
		return nil, nil, err
	}
	failed := map[string]error{}
	var plans []*plan
	for _, w := range batch {
		p, err := makePlan(w, retail, customers, prods)
		if err != nil {
			failed[w.id] = err
			continue
		}
		plans = append(plans, p)
	}
	plans, err = tx.keepInRange(ctx, plans, failed)
	if err != nil {
		return nil, nil, err
	}
	return plans, failed, tx.numberPlans(ctx, plans)
}

// keepInRange drops, in the batch's order, every plan that would take a running total (stock, cash,
// debt) beyond int64 after the plans before it, and records it in failed.
func (tx *Tx) keepInRange(ctx context.Context, plans []*plan, failed map[string]error) ([]*plan, error) {
	var stock []stockMove
	var cash, debt []moneyMove
	for _, p := range plans {
		stock, cash, debt = append(stock, p.stock...), append(cash, p.cashMoves...), append(debt, p.debtMoves...)
	}
	l, err := tx.readLedger(ctx, stock, cash, debt)
	if err != nil {
		return nil, err
	}
	kept := plans[:0]
	for _, p := range plans {
		if bad := l.apply(p.stock, p.cashMoves, p.debtMoves); len(bad) > 0 {
			failed[p.w.id] = tx.describe(ctx, &bad[0])
			continue
		}
		kept = append(kept, p)
	}
	return kept, nil
}

// orderCustomers locks the orders the batch closes and returns their customers.
func (tx *Tx) orderCustomers(ctx context.Context, batch []waitingTx) (map[string]string, error) {
	var ids []string
	for _, w := range batch {
		if w.orderID != nil && !w.detached {
			ids = append(ids, *w.orderID)
		}
	}
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	ids = dedupe(ids)
	rows, err := tx.query(ctx, "SELECT id, customer_id FROM orders WHERE id IN ("+marks(len(ids))+") ORDER BY id"+tx.d.forUpdate, anys(ids)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, customer string
		if err := rows.Scan(&id, &customer); err != nil {
			return nil, err
		}
		out[id] = customer
	}
	return out, rows.Err()
}

// makePlan works out one transaction's documents, without their numbers.
func makePlan(w waitingTx, retail string, customers map[string]string, prods map[string]productInfo) (*plan, error) {
	p := &plan{w: w, customer: retail, sells: w.orderID != nil && !w.detached, invoiceID: newID(),
		cash: w.in.Paid(torg.PaymentCash), card: w.in.Paid(torg.PaymentCard)}
	date := w.in.ClosedAt
	if p.sells {
		c, ok := customers[*w.orderID]
		if !ok {
			return nil, fmt.Errorf("the transaction's order %s does not exist", *w.orderID)
		}
		p.customer = c
	}
	for i, l := range w.in.Lines {
		prod, ok := prods["id:"+l.ProductID]
		if !ok {
			return nil, fmt.Errorf("product %s of line %d does not exist", l.ProductID, i+1)
		}
		v := prod.vat.VATAmount(l.Amount)
		p.vat += v
		p.lines = append(p.lines, []any{p.invoiceID, i + 1, l.ProductID, int64(l.Quantity), int64(l.Price), int64(l.Discount),
			int64(l.Amount), string(prod.vat), int64(v)})
		// Stock may go negative: the goods have left.
		p.stock = append(p.stock, stockMove{docID: p.invoiceID, lineNo: i + 1, date: date, warehouseID: w.warehouseID,
			productID: l.ProductID, quantity: -l.Quantity})
	}
	p.debtMoves = append(p.debtMoves, moneyMove{docID: p.invoiceID, date: date, owner: p.customer, amount: w.in.Total})
	if p.cash > 0 {
		p.cashID, p.cashPosted = newID(), w.cashDeskID != nil
		if p.cashPosted {
			p.cashMoves = append(p.cashMoves, moneyMove{docID: p.cashID, date: date, owner: *w.cashDeskID, amount: p.cash})
			p.debtMoves = append(p.debtMoves, moneyMove{docID: p.cashID, date: date, owner: p.customer, amount: -p.cash})
		}
	}
	if p.card > 0 {
		p.cardID = newID()
		p.debtMoves = append(p.debtMoves, moneyMove{docID: p.cardID, date: date, owner: p.customer, amount: -p.card})
	}
	return p, nil
}

// numberPlans gives the plans' documents their sequential numbers, taking each counter's range in
// one statement.
func (tx *Tx) numberPlans(ctx context.Context, plans []*plan) error {
	if len(plans) == 0 {
		return nil
	}
	var cash, card int64
	for _, p := range plans {
		if p.cash > 0 {
			cash++
		}
		if p.card > 0 {
			card++
		}
	}
	rows, err := tx.query(ctx, "UPDATE counters SET value = value + CASE name WHEN 'sales_invoice_number' THEN CAST(? AS BIGINT) WHEN 'cash_receipt_number' THEN CAST(? AS BIGINT) ELSE CAST(? AS BIGINT) END"+
		" WHERE name IN ('sales_invoice_number', 'cash_receipt_number', 'card_payment_number') RETURNING name, value",
		int64(len(plans)), cash, card)
	if err != nil {
		return err
	}
	defer rows.Close()
	last := map[string]int64{}
	for rows.Next() {
		var name string
		var v int64
		if err := rows.Scan(&name, &v); err != nil {
			return err
		}
		last[name] = v
	}
	if err := rows.Err(); err != nil {
		return err
	}
	inv, cr, cp := last["sales_invoice_number"]-int64(len(plans)), last["cash_receipt_number"]-cash, last["card_payment_number"]-card
	for _, p := range plans {
		inv++
		p.invoiceNo = inv
		if p.cash > 0 {
			cr++
			p.cashNo = cr
		}
		if p.card > 0 {
			cp++
			p.cardNo = cp
		}
	}
	return nil
}

// writePlans writes the plans' documents, movements and running totals, closes their orders and
// marks their transactions processed, with a few multi-row statements for the whole batch.
func (tx *Tx) writePlans(ctx context.Context, plans []*plan) error {
	if len(plans) == 0 {
		return nil
	}
	now := micros(torg.Now())
	var invoices, lines, receipts, cards [][]any
	var stock []stockMove
	var cash, debts []moneyMove
	var closes []*plan
	for _, p := range plans {
		w := p.w
		var order any
		if p.sells {
			order = *w.orderID
			closes = append(closes, p)
		}
		invoices = append(invoices, []any{p.invoiceID, p.invoiceNo, micros(w.in.ClosedAt), true, order, w.id, w.registerID, p.customer,
			w.warehouseID, int64(w.in.Total), int64(p.vat), now})
		lines = append(lines, p.lines...)
		if p.cash > 0 {
			var reason any
			if !p.cashPosted {
				reason = fmt.Sprintf("register %s has no cash desk for recording operations («Наличная касса для отражения операций»); post it into a cash desk by hand", w.registerCode)
			}
			receipts = append(receipts, []any{p.cashID, p.cashNo, micros(w.in.ClosedAt), p.cashPosted, reason, w.cashDeskID, p.customer,
				p.invoiceID, order, w.id, int64(p.cash), now})
		}
		if p.card > 0 {
			cards = append(cards, []any{p.cardID, p.cardNo, micros(w.in.ClosedAt), true, p.customer, p.invoiceID, w.id, int64(p.card), now})
		}
		stock, cash, debts = append(stock, p.stock...), append(cash, p.cashMoves...), append(debts, p.debtMoves...)
	}
	steps := []func() error{
		func() error {
			return tx.insertRows(ctx, "sales_invoices", []string{"id", "number", "date", "posted", "order_id", "transaction_id", "register_id",
				"customer_id", "warehouse_id", "total", "vat_total", "created_at"}, invoices)
		},
		func() error {
			return tx.insertRows(ctx, "sales_invoice_lines", []string{"invoice_id", "line_no", "product_id", "quantity", "price", "discount",
				"amount", "vat_rate", "vat_amount"}, lines)
		},
		func() error {
			return tx.insertRows(ctx, "cash_receipts", []string{"id", "number", "date", "posted", "not_posted_reason", "cash_desk_id",
				"customer_id", "sales_invoice_id", "order_id", "transaction_id", "amount", "created_at"}, receipts)
		},
		func() error {
			return tx.insertRows(ctx, "card_payments", []string{"id", "number", "date", "posted", "customer_id", "sales_invoice_id",
				"transaction_id", "amount", "created_at"}, cards)
		},
		func() error { return tx.moveStock(ctx, stock) },
		func() error { return tx.moveCash(ctx, cash...) },
		func() error { return tx.moveDebt(ctx, debts...) },
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
			ids[i] = *p.w.orderID
			args = append(args, *p.w.orderID, p.invoiceID, nullIfEmpty(p.cashID))
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
		plans = plans[n:]
	}
	return nil
}

// markProcessed links the transactions to their documents.
func (tx *Tx) markProcessed(ctx context.Context, plans []*plan) error {
	for len(plans) > 0 {
		n := min(len(plans), 1000)
		args := make([]any, 0, n*4)
		for _, p := range plans[:n] {
			args = append(args, p.w.id, p.invoiceID, nullIfEmpty(p.cashID), nullIfEmpty(p.cardID))
		}
		_, err := tx.exec(ctx, "WITH v (id, invoice, receipt, card) AS (VALUES "+rowsOf(n, 4)+") UPDATE transactions SET state = 'processed',"+
			" error = NULL, sales_invoice_id = v.invoice, cash_receipt_id = v.receipt, card_payment_id = v.card FROM v WHERE transactions.id = v.id", args...)
		if err != nil {
			return err
		}
		plans = plans[n:]
	}
	return nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return sql.NullString{}
	}
	return s
}
