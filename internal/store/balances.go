package store

import (
	"context"
	"math"
	"slices"
	"strings"

	"torg"
)

// Balances are kept as movements — each change, by the document that made it — and running totals
// updated in the same transaction: the balance now, and the sums of each month (months.go). Running totals are written in one sorted statement per kind, so
// that concurrent transactions lock them in one order.

// stockMove is a change of a product's stock in a warehouse by one document line.
type stockMove = torg.StockMove

// moveStock records stock movements and adds them to the stock on hand.
func (tx *Tx) moveStock(ctx context.Context, moves []stockMove) error {
	if len(moves) == 0 {
		return nil
	}
	rows := make([][]any, len(moves))
	sums := map[stockKey]torg.Quantity{}
	for i, m := range moves {
		rows[i] = []any{m.DocID, m.LineNo, micros(m.Date), m.WarehouseID, m.ProductID, int64(m.Quantity)}
		k := stockKey{m.WarehouseID, m.ProductID}
		sum, ok := sums[k].Plus(m.Quantity)
		if !ok {
			return &balanceOverflow{kind: kindStock, owner: k.wh, product: k.p}
		}
		sums[k] = sum
	}
	if err := tx.insertRows(ctx, "stock_moves", []string{"doc_id", "line_no", "date", "warehouse_id", "product_id", "quantity"}, rows); err != nil {
		return err
	}
	keys := make([]stockKey, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b stockKey) int {
		if a.wh != b.wh {
			return compare(a.wh, b.wh)
		}
		return compare(a.p, b.p)
	})
	args := make([]any, 0, len(keys)*3)
	for _, k := range keys {
		args = append(args, k.wh, k.p, int64(sums[k]))
	}
	_, err := tx.exec(ctx, "INSERT INTO stock_balances (warehouse_id, product_id, on_hand) VALUES "+rowsOf(len(keys), 3)+
		" ON CONFLICT (warehouse_id, product_id) DO UPDATE SET on_hand = stock_balances.on_hand + excluded.on_hand", args...)
	if err != nil {
		return outOfRange(err, kindStock)
	}
	return tx.stockMonthsOf(ctx, moves)
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

// moneyMove is a document's change of a money balance: cash in a cash desk, or a customer's debt
// (positive: the customer owes more).
type moneyMove = torg.MoneyMove

// moveCash records cash entering (or leaving) cash desks.
func (tx *Tx) moveCash(ctx context.Context, moves ...moneyMove) error {
	return tx.moveMoney(ctx, kindCash, "cash_moves", "cash_desk_id", "cash_balances", "balance", moves)
}

// moveDebt records changes of what customers owe.
func (tx *Tx) moveDebt(ctx context.Context, moves ...moneyMove) error {
	return tx.moveMoney(ctx, kindDebt, "debt_moves", "customer_id", "debt_balances", "debt", moves)
}

// moveMoney inserts the movements and adds their sums, by owner in sorted order, to the running totals.
func (tx *Tx) moveMoney(ctx context.Context, kind, movesTable, ownerCol, totalsTable, totalCol string, moves []moneyMove) error {
	if len(moves) == 0 {
		return nil
	}
	rows := make([][]any, len(moves))
	sums := map[string]torg.Money{}
	for i, m := range moves {
		rows[i] = []any{m.DocID, micros(m.Date), m.Owner, int64(m.Amount)}
		sum, ok := sums[m.Owner].Plus(m.Amount)
		if !ok {
			return &balanceOverflow{kind: kind, owner: m.Owner}
		}
		sums[m.Owner] = sum
	}
	if err := tx.insertRows(ctx, movesTable, []string{"doc_id", "date", ownerCol, "amount"}, rows); err != nil {
		return err
	}
	owners := make([]string, 0, len(sums))
	for o := range sums {
		owners = append(owners, o)
	}
	slices.Sort(owners)
	args := make([]any, 0, len(owners)*2)
	for _, o := range owners {
		args = append(args, o, int64(sums[o]))
	}
	_, err := tx.exec(ctx, "INSERT INTO "+totalsTable+" ("+ownerCol+", "+totalCol+") VALUES "+rowsOf(len(owners), 2)+
		" ON CONFLICT ("+ownerCol+") DO UPDATE SET "+totalCol+" = "+totalsTable+"."+totalCol+" + excluded."+totalCol, args...)
	if err != nil {
		return outOfRange(err, kind)
	}
	return tx.moneyMonthsOf(ctx, kind, moves)
}

// maxParams keeps one statement's parameters under SQLite's and PostgreSQL's limits.
const maxParams = 30000

// insertRows inserts rows of values for the columns, in as few statements as the limits allow.
func (tx *Tx) insertRows(ctx context.Context, table string, cols []string, rows [][]any) error {
	per := maxParams / len(cols)
	for len(rows) > 0 {
		n := min(len(rows), per)
		args := make([]any, 0, n*len(cols))
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if _, err := tx.exec(ctx, "INSERT INTO "+table+" ("+strings.Join(cols, ", ")+") VALUES "+rowsOf(n, len(cols)), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// Reports scan running totals through int64Cell and add with a check: a total an older version
// stored beyond int64, or a sum beyond it, is answered as a state conflict naming it, never as a
// wrong number or an internal error.

// reservedHalf splits each reserved quantity in two, q = hi × 2³² + lo, so that neither SQL sum can
// overflow (SQLite fails on it, PostgreSQL answers a numeric); Go joins them with a check.
const reservedHalf = "4294967296"

// StockReport lists stock on hand, reserved and available, by warehouse and product, optionally of
// one warehouse or one product.
func (tx *Tx) StockReport(ctx context.Context, warehouseID, productID string) ([]torg.StockItem, error) {
	q := "SELECT k.warehouse_id, w.code, k.product_id, p.code, b.on_hand, r.hi, r.lo FROM" +
		" (SELECT warehouse_id, product_id FROM stock_balances UNION SELECT warehouse_id, product_id FROM reservations) k" +
		" JOIN products p ON p.id = k.product_id JOIN warehouses w ON w.id = k.warehouse_id" +
		" LEFT JOIN stock_balances b ON b.warehouse_id = k.warehouse_id AND b.product_id = k.product_id" +
		" LEFT JOIN (SELECT warehouse_id, product_id, SUM(quantity / " + reservedHalf + ") AS hi, SUM(quantity % " + reservedHalf + ") AS lo" +
		" FROM reservations GROUP BY warehouse_id, product_id) r" +
		" ON r.warehouse_id = k.warehouse_id AND r.product_id = k.product_id WHERE 1 = 1"
	var args []any
	if warehouseID != "" {
		q, args = q+" AND k.warehouse_id = ?", append(args, warehouseID)
	}
	if productID != "" {
		q, args = q+" AND k.product_id = ?", append(args, productID)
	}
	out := []torg.StockItem{}
	err := tx.eachRow(ctx, func(row scanner) error {
		var it torg.StockItem
		var whCode string
		var onHand, hi, lo int64Cell
		if err := row.Scan(&it.WarehouseID, &whCode, &it.ProductID, &it.ProductCode, &onHand, &hi, &lo); err != nil {
			return err
		}
		reserved, ok := joinHalves(hi, lo)
		beyond := func(what string) error {
			return torg.Errorf(torg.CodeStateConflict, "the quantity of product %s %s warehouse %s is beyond the range the system can hold",
				it.ProductCode, what, whCode)
		}
		switch {
		case !onHand.ok:
			return beyond("on hand in")
		case !ok:
			return beyond("reserved in")
		}
		it.OnHand, it.Reserved = torg.Quantity(onHand.v), reserved
		if it.Available, ok = it.OnHand.Plus(-reserved); !ok || reserved == math.MinInt64 {
			return beyond("available in")
		}
		out = append(out, it)
		return nil
	}, q+" ORDER BY k.warehouse_id, p.code", args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// joinHalves is hi × 2³² + lo, with ok false when it is beyond int64.
func joinHalves(hi, lo int64Cell) (torg.Quantity, bool) {
	if !hi.ok || !lo.ok || hi.v > math.MaxInt64>>32 || hi.v < math.MinInt64>>32 {
		return 0, false
	}
	return torg.Quantity(hi.v << 32).Plus(torg.Quantity(lo.v))
}

// CashReport lists the balance of every cash desk, or of one.
func (tx *Tx) CashReport(ctx context.Context, cashDeskID string) ([]torg.CashItem, error) {
	q, args := "SELECT d.id, d.code, b.balance FROM cash_desks d LEFT JOIN cash_balances b ON b.cash_desk_id = d.id", []any{}
	if cashDeskID != "" {
		q, args = q+" WHERE d.id = ?", append(args, cashDeskID)
	}
	out := []torg.CashItem{}
	err := tx.eachRow(ctx, func(row scanner) error {
		var it torg.CashItem
		var code string
		var v int64Cell
		if err := row.Scan(&it.CashDeskID, &code, &v); err != nil {
			return err
		}
		if !v.ok {
			return torg.Errorf(torg.CodeStateConflict, "cash desk %s's balance is beyond the range the system can hold", code)
		}
		it.Balance = torg.Money(v.v)
		out = append(out, it)
		return nil
	}, q+" ORDER BY d.code", args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SettlementsReport lists what customers owe, of every customer with documents, or of one.
func (tx *Tx) SettlementsReport(ctx context.Context, customerID string) ([]torg.DebtItem, error) {
	q, args := "SELECT b.customer_id, c.code, b.debt FROM debt_balances b JOIN customers c ON c.id = b.customer_id", []any{}
	if customerID != "" {
		q, args = q+" WHERE b.customer_id = ?", append(args, customerID)
	}
	out := []torg.DebtItem{}
	err := tx.eachRow(ctx, func(row scanner) error {
		var it torg.DebtItem
		var code string
		var v int64Cell
		if err := row.Scan(&it.CustomerID, &code, &v); err != nil {
			return err
		}
		if !v.ok {
			return torg.Errorf(torg.CodeStateConflict, "customer %s's debt is beyond the range the system can hold", code)
		}
		it.Debt = torg.Money(v.v)
		out = append(out, it)
		return nil
	}, q+" ORDER BY c.code", args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}
