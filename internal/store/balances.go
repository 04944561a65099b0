package store

import (
	"context"
	"slices"
	"time"

	"torg"
)

// Balances are kept as movements — each change, by the document that made it — and running totals
// updated in the same transaction. Running totals are written in one sorted statement per kind, so
// that concurrent transactions lock them in one order.

// stockMove is a change of a product's stock in a warehouse by one document line.
type stockMove struct {
	docID       string
	lineNo      int
	warehouseID string
	productID   string
	quantity    torg.Quantity // positive in, negative out
}

// moveStock records the movements of one document and adds them to the stock on hand.
func (tx *Tx) moveStock(ctx context.Context, date time.Time, moves []stockMove) error {
	if len(moves) == 0 {
		return nil
	}
	args := make([]any, 0, len(moves)*6)
	type key struct{ wh, p string }
	sums := map[key]torg.Quantity{}
	for _, m := range moves {
		args = append(args, m.docID, m.lineNo, micros(date), m.warehouseID, m.productID, int64(m.quantity))
		sums[key{m.warehouseID, m.productID}] += m.quantity
	}
	if _, err := tx.exec(ctx, "INSERT INTO stock_moves (doc_id, line_no, date, warehouse_id, product_id, quantity) VALUES "+
		rowsOf(len(moves), 6), args...); err != nil {
		return err
	}
	keys := make([]key, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.wh != b.wh {
			return compare(a.wh, b.wh)
		}
		return compare(a.p, b.p)
	})
	args = args[:0]
	for _, k := range keys {
		args = append(args, k.wh, k.p, int64(sums[k]))
	}
	_, err := tx.exec(ctx, "INSERT INTO stock_balances (warehouse_id, product_id, on_hand) VALUES "+rowsOf(len(keys), 3)+
		" ON CONFLICT (warehouse_id, product_id) DO UPDATE SET on_hand = stock_balances.on_hand + excluded.on_hand", args...)
	return err
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// moveCash records a document's cash entering (or leaving) a cash desk.
func (tx *Tx) moveCash(ctx context.Context, docID string, date time.Time, cashDeskID string, amount torg.Money) error {
	if _, err := tx.exec(ctx, "INSERT INTO cash_moves (doc_id, date, cash_desk_id, amount) VALUES (?, ?, ?, ?)",
		docID, micros(date), cashDeskID, int64(amount)); err != nil {
		return err
	}
	_, err := tx.exec(ctx, "INSERT INTO cash_balances (cash_desk_id, balance) VALUES (?, ?)"+
		" ON CONFLICT (cash_desk_id) DO UPDATE SET balance = cash_balances.balance + excluded.balance", cashDeskID, int64(amount))
	return err
}

// debtMove is a change of what a customer owes, by one document.
type debtMove struct {
	docID  string
	amount torg.Money // positive: the customer owes more
}

// moveDebt records what documents change in a customer's debt, and adds it to the running total.
func (tx *Tx) moveDebt(ctx context.Context, date time.Time, customerID string, moves []debtMove) error {
	if len(moves) == 0 {
		return nil
	}
	args := make([]any, 0, len(moves)*4)
	var sum torg.Money
	for _, m := range moves {
		args = append(args, m.docID, micros(date), customerID, int64(m.amount))
		sum += m.amount
	}
	if _, err := tx.exec(ctx, "INSERT INTO debt_moves (doc_id, date, customer_id, amount) VALUES "+rowsOf(len(moves), 4), args...); err != nil {
		return err
	}
	_, err := tx.exec(ctx, "INSERT INTO debt_balances (customer_id, debt) VALUES (?, ?)"+
		" ON CONFLICT (customer_id) DO UPDATE SET debt = debt_balances.debt + excluded.debt", customerID, int64(sum))
	return err
}

// StockReport lists stock on hand, reserved and available, by warehouse and product, optionally of
// one warehouse or one product.
func (tx *Tx) StockReport(ctx context.Context, warehouseID, productID string) ([]torg.StockItem, error) {
	q := "SELECT k.warehouse_id, k.product_id, p.code, COALESCE(b.on_hand, 0), COALESCE(r.reserved, 0) FROM" +
		" (SELECT warehouse_id, product_id FROM stock_balances UNION SELECT warehouse_id, product_id FROM reservations) k" +
		" JOIN products p ON p.id = k.product_id" +
		" LEFT JOIN stock_balances b ON b.warehouse_id = k.warehouse_id AND b.product_id = k.product_id" +
		" LEFT JOIN (SELECT warehouse_id, product_id, SUM(quantity) AS reserved FROM reservations GROUP BY warehouse_id, product_id) r" +
		" ON r.warehouse_id = k.warehouse_id AND r.product_id = k.product_id WHERE 1 = 1"
	var args []any
	if warehouseID != "" {
		q, args = q+" AND k.warehouse_id = ?", append(args, warehouseID)
	}
	if productID != "" {
		q, args = q+" AND k.product_id = ?", append(args, productID)
	}
	rows, err := tx.query(ctx, q+" ORDER BY k.warehouse_id, p.code", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []torg.StockItem{}
	for rows.Next() {
		var it torg.StockItem
		if err := rows.Scan(&it.WarehouseID, &it.ProductID, &it.ProductCode, &it.OnHand, &it.Reserved); err != nil {
			return nil, err
		}
		it.Available = it.OnHand - it.Reserved
		out = append(out, it)
	}
	return out, rows.Err()
}

// CashReport lists the balance of every cash desk, or of one.
func (tx *Tx) CashReport(ctx context.Context, cashDeskID string) ([]torg.CashItem, error) {
	q, args := "SELECT d.id, COALESCE(b.balance, 0) FROM cash_desks d LEFT JOIN cash_balances b ON b.cash_desk_id = d.id", []any{}
	if cashDeskID != "" {
		q, args = q+" WHERE d.id = ?", append(args, cashDeskID)
	}
	rows, err := tx.query(ctx, q+" ORDER BY d.code", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []torg.CashItem{}
	for rows.Next() {
		var it torg.CashItem
		if err := rows.Scan(&it.CashDeskID, &it.Balance); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// SettlementsReport lists what customers owe, of every customer with documents, or of one.
func (tx *Tx) SettlementsReport(ctx context.Context, customerID string) ([]torg.DebtItem, error) {
	q, args := "SELECT b.customer_id, b.debt FROM debt_balances b JOIN customers c ON c.id = b.customer_id", []any{}
	if customerID != "" {
		q, args = q+" WHERE b.customer_id = ?", append(args, customerID)
	}
	rows, err := tx.query(ctx, q+" ORDER BY c.code", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []torg.DebtItem{}
	for rows.Next() {
		var it torg.DebtItem
		if err := rows.Scan(&it.CustomerID, &it.Debt); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}
