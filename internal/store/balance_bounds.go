package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"torg"
)

// Running totals (stock on hand, cash in cash desks, customers' debts) are int64 columns. A write
// that would take one beyond int64 is refused before it is made: the totals it changes are read
// into a ledger, and every addition is checked in Go. Behind that check the database refuses too
// (PostgreSQL's bigint arithmetic fails; on SQLite, which would store a REAL, triggers fail), so a
// total changed concurrently since it was read still cannot overflow.

// The kinds of running totals.
const (
	kindStock = "stock"
	kindCash  = "cash"
	kindDebt  = "debt"
)

// stockKey names the running total of a product's stock in a warehouse.
type stockKey struct{ wh, p string }

// balanceOverflow is a change that would take a running total beyond int64. owner is the cash desk,
// the customer, or (for stock) the warehouse of product. When only the kind is known, so are
// the others empty.
type balanceOverflow struct {
	kind, owner, product string
}

func (o *balanceOverflow) Error() string {
	what := map[string]string{kindStock: "a product's stock", kindCash: "a cash desk's balance", kindDebt: "a customer's debt"}[o.kind]
	return what + " would leave the range the system can hold"
}

// describe is the overflow's error naming the running total by its codes, such as "cash desk
// MAIN's balance would leave the range the system can hold".
func (tx *Tx) describe(ctx context.Context, o *balanceOverflow) error {
	if o.owner == "" {
		return o
	}
	code := func(table, id string) string {
		var c string
		if err := tx.queryRow(ctx, "SELECT code FROM "+table+" WHERE id = ?", id).Scan(&c); err != nil {
			return id
		}
		return c
	}
	switch o.kind {
	case kindCash:
		return fmt.Errorf("cash desk %s's balance would leave the range the system can hold", code("cash_desks", o.owner))
	case kindDebt:
		return fmt.Errorf("customer %s's debt would leave the range the system can hold", code("customers", o.owner))
	}
	return fmt.Errorf("stock of product %s in warehouse %s would leave the range the system can hold",
		code("products", o.product), code("warehouses", o.owner))
}

// outOfRange turns the database's refusal of a running total beyond int64 into a state conflict
// saying which kind of total it was; other errors pass.
func outOfRange(err error, kind string) error {
	var pgErr *pgconn.PgError
	var sqErr *sqlite.Error
	switch {
	case errors.As(err, &pgErr) && pgErr.Code == "22003", // numeric_value_out_of_range
		errors.As(err, &sqErr) && sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_TRIGGER:
		return &torg.Error{Code: torg.CodeStateConflict, Message: (&balanceOverflow{kind: kind}).Error(), Cause: err}
	}
	return err
}

// addable is an integer amount with a checked addition: torg.Money or torg.Quantity.
type addable[T any] interface {
	~int64
	Plus(T) (T, bool)
}

// change is one addition to the running total of key k.
type change[K comparable, T any] struct {
	k K
	v T
}

// totals are running totals by key as read from the database. beyond holds the keys of totals an
// older version stored beyond int64 (a REAL on SQLite): no change may touch them.
type totals[K comparable, T addable[T]] struct {
	v      map[K]T
	beyond map[K]bool
}

func newTotals[K comparable, T addable[T]]() totals[K, T] {
	return totals[K, T]{v: map[K]T{}, beyond: map[K]bool{}}
}

// add works out the totals after the changes. It returns the new totals of the keys changed, and
// the keys (in the order first changed) whose total would leave int64; it changes nothing itself.
// A plan changes a few totals, so the keys are searched in a slice rather than hashed.
func (t totals[K, T]) add(changes []change[K, T]) (next []change[K, T], bad []K) {
	next = make([]change[K, T], 0, len(changes))
	var broken []bool
outer:
	for _, c := range changes {
		for i := range next {
			if next[i].k == c.k {
				s, ok := next[i].v.Plus(c.v)
				next[i].v, broken[i] = s, broken[i] || !ok
				continue outer
			}
		}
		next, broken = append(next, c), append(broken, false)
	}
	for i := range next {
		s, ok := t.v[next[i].k].Plus(next[i].v)
		if broken[i] || !ok || t.beyond[next[i].k] {
			bad = append(bad, next[i].k)
		}
		next[i].v = s
	}
	return next, bad
}

// set takes the new totals.
func (t totals[K, T]) set(next []change[K, T]) {
	for _, c := range next {
		t.v[c.k] = c.v
	}
}

// ledger is the running totals a write will change, read before it.
type ledger struct {
	stock totals[stockKey, torg.Quantity]
	cash  totals[string, torg.Money]
	debt  totals[string, torg.Money]
}

// apply adds the moves to the ledger when every total they change stays within int64. Otherwise it
// changes nothing and returns every total that would not.
func (l *ledger) apply(stock []stockMove, cash, debt []moneyMove) []balanceOverflow {
	sc := make([]change[stockKey, torg.Quantity], len(stock))
	for i, m := range stock {
		sc[i] = change[stockKey, torg.Quantity]{stockKey{m.WarehouseID, m.ProductID}, m.Quantity}
	}
	nextStock, badStock := l.stock.add(sc)
	nextCash, badCash := l.cash.add(moneyChanges(cash))
	nextDebt, badDebt := l.debt.add(moneyChanges(debt))
	var bad []balanceOverflow
	for _, k := range badStock {
		bad = append(bad, balanceOverflow{kind: kindStock, owner: k.wh, product: k.p})
	}
	for _, k := range badCash {
		bad = append(bad, balanceOverflow{kind: kindCash, owner: k})
	}
	for _, k := range badDebt {
		bad = append(bad, balanceOverflow{kind: kindDebt, owner: k})
	}
	if len(bad) == 0 {
		l.stock.set(nextStock)
		l.cash.set(nextCash)
		l.debt.set(nextDebt)
	}
	return bad
}

func moneyChanges(moves []moneyMove) []change[string, torg.Money] {
	out := make([]change[string, torg.Money], len(moves))
	for i, m := range moves {
		out[i] = change[string, torg.Money]{m.Owner, m.Amount}
	}
	return out
}

// readLedger reads the running totals the moves change, in a query per kind.
func (tx *Tx) readLedger(ctx context.Context, stock []stockMove, cash, debt []moneyMove) (*ledger, error) {
	l := &ledger{stock: newTotals[stockKey, torg.Quantity](), cash: newTotals[string, torg.Money](), debt: newTotals[string, torg.Money]()}
	var whs, prods []string
	for _, m := range stock {
		whs, prods = append(whs, m.WarehouseID), append(prods, m.ProductID)
	}
	if whs = unique(whs); len(whs) > 0 {
		err := tx.readTotals(ctx, "SELECT warehouse_id, product_id, on_hand FROM stock_balances WHERE warehouse_id IN ("+marks(len(whs))+")",
			anys(whs), "product_id", unique(prods), func(wh, p string, v int64, ok bool) {
				l.stock.v[stockKey{wh, p}], l.stock.beyond[stockKey{wh, p}] = torg.Quantity(v), !ok
			})
		if err != nil {
			return nil, err
		}
	}
	for _, t := range []struct {
		table, col, total string
		moves             []moneyMove
		into              totals[string, torg.Money]
	}{{"cash_balances", "cash_desk_id", "balance", cash, l.cash}, {"debt_balances", "customer_id", "debt", debt, l.debt}} {
		owners := make([]string, len(t.moves))
		for i, m := range t.moves {
			owners[i] = m.Owner
		}
		err := tx.readTotals(ctx, "SELECT "+t.col+", '', "+t.total+" FROM "+t.table+" WHERE 1 = 1", nil, t.col, unique(owners),
			func(owner, _ string, v int64, ok bool) { t.into.v[owner], t.into.beyond[owner] = torg.Money(v), !ok })
		if err != nil {
			return nil, err
		}
	}
	return l, nil
}

// readTotals runs sel (its args bound first) for the values of col, in chunks; each row gives two
// keys and a total.
func (tx *Tx) readTotals(ctx context.Context, sel string, args []any, col string, vals []string, each func(a, b string, v int64, ok bool)) error {
	for len(vals) > 0 {
		n := min(len(vals), maxParams/2)
		err := tx.eachRow(ctx, func(s scanner) error {
			var a, b string
			var v int64Cell
			if err := s.Scan(&a, &b, &v); err != nil {
				return err
			}
			each(a, b, v.v, v.ok)
			return nil
		}, sel+" AND "+col+" IN ("+marks(n)+")", append(slices.Clip(args), anys(vals[:n])...)...)
		if err != nil {
			return err
		}
		vals = vals[n:]
	}
	return nil
}

// unique is the strings without repeats, in their first order.
func unique(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := ss[:0:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// int64Cell scans an integer that may be beyond int64: a REAL an older version let SQLite store on
// overflow, or a PostgreSQL numeric sum. ok is false then.
type int64Cell struct {
	v  int64
	ok bool
}

func (c *int64Cell) Scan(src any) error {
	c.v, c.ok = 0, true
	var err error
	switch x := src.(type) {
	case nil:
	case int64:
		c.v = x
	case string:
		c.v, err = strconv.ParseInt(x, 10, 64)
	case []byte:
		c.v, err = strconv.ParseInt(string(x), 10, 64)
	default:
		c.ok = false
	}
	if err != nil {
		c.v, c.ok = 0, false
	}
	return nil
}
