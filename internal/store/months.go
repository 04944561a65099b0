package store

import (
	"context"
	"math/bits"
	"slices"
	"strings"
	"time"
)

// Month totals (stock_months, cash_months, debt_months) are the movements summed per owner and
// calendar month of UTC, each with three sums: two the reports classify by the document (receipts
// and shipments; cash in and out; invoiced and returned) and the net of every movement. They are
// written with the movements, in the same transaction, one sorted statement per kind, after the
// running balances (the lock order every writer keeps). Reports over a period read whole months
// from them and the movements of the period's first and last months only (turnover.go).

// monthOf is the first instant of the UTC month of a time in microseconds.
func monthOf(us int64) int64 {
	t := time.UnixMicro(us).UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).UnixMicro()
}

// nextMonth is the first instant of the month after the one starting at m.
func nextMonth(m int64) int64 {
	return time.UnixMicro(m).UTC().AddDate(0, 1, 0).UnixMicro()
}

// monthRow is one addition to an owner's month: owner holds the owner's key columns' values.
type monthRow struct {
	owner   []string
	month   int64
	a, b, n int64
}

// monthTable names a month totals table and its columns.
type monthTable struct {
	table string
	owner []string // the owner's key columns
	a, b  string   // the two classified sums
}

var (
	stockMonths = monthTable{table: "stock_months", owner: []string{"warehouse_id", "product_id"}, a: "receipts", b: "shipments"}
	cashMonths  = monthTable{table: "cash_months", owner: []string{"cash_desk_id"}, a: "cash_in", b: "cash_out"}
	debtMonths  = monthTable{table: "debt_months", owner: []string{"customer_id"}, a: "invoiced", b: "returned"}
)

// addMonths adds the rows to the month totals: summed per owner and month first, in sorted order.
// A sum that would leave int64 within one batch is written in a statement of its own, so that the
// database (NUMERIC on PostgreSQL; on SQLite a REAL the reports name as beyond range) holds it.
func (tx *Tx) addMonths(ctx context.Context, t monthTable, rows []monthRow) error {
	sums := map[string]*monthRow{}
	flush := func() error {
		if len(sums) == 0 {
			return nil
		}
		keys := make([]string, 0, len(sums))
		for k := range sums {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		width := len(t.owner) + 4
		cols := strings.Join(t.owner, ", ") + ", month, " + t.a + ", " + t.b + ", net"
		conflict := strings.Join(t.owner, ", ") + ", month"
		set := t.a + " = " + t.table + "." + t.a + " + excluded." + t.a + ", " + t.b + " = " + t.table + "." + t.b + " + excluded." + t.b +
			", net = " + t.table + ".net + excluded.net"
		for len(keys) > 0 {
			n := min(len(keys), maxParams/width)
			args := make([]any, 0, n*width)
			for _, k := range keys[:n] {
				r := sums[k]
				for _, o := range r.owner {
					args = append(args, o)
				}
				args = append(args, r.month, r.a, r.b, r.n)
			}
			if _, err := tx.exec(ctx, "INSERT INTO "+t.table+" ("+cols+") VALUES "+rowsOf(n, width)+
				" ON CONFLICT ("+conflict+") DO UPDATE SET "+set, args...); err != nil {
				return err
			}
			keys = keys[n:]
		}
		clear(sums)
		return nil
	}
	for _, r := range rows {
		k := strings.Join(r.owner, "\x00") + "\x00" + itoa64(r.month)
		s := sums[k]
		if s == nil {
			c := r
			sums[k] = &c
			continue
		}
		a, ok1 := add64(s.a, r.a)
		b, ok2 := add64(s.b, r.b)
		n, ok3 := add64(s.n, r.n)
		if !ok1 || !ok2 || !ok3 {
			if err := flush(); err != nil {
				return err
			}
			c := r
			sums[k] = &c
			continue
		}
		s.a, s.b, s.n = a, b, n
	}
	return flush()
}

// add64 adds with a check that the sum fits int64.
func add64(x, y int64) (int64, bool) {
	s, _ := bits.Add64(uint64(x), uint64(y), 0)
	return int64(s), (x >= 0) != (y >= 0) || (int64(s) >= 0) == (x >= 0)
}

// docsIn is the set of ids that are rows of the table.
func (tx *Tx) docsIn(ctx context.Context, table string, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for len(ids) > 0 {
		n := min(len(ids), maxParams)
		err := tx.eachRow(ctx, func(row scanner) error {
			var id string
			if err := row.Scan(&id); err != nil {
				return err
			}
			out[id] = true
			return nil
		}, "SELECT id FROM "+table+" WHERE id IN ("+marks(n)+")", anys(ids[:n])...)
		if err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}

// stockMonthsOf adds stock movements to the month totals: receipts are the goods receipts' lines.
func (tx *Tx) stockMonthsOf(ctx context.Context, moves []stockMove) error {
	var in []string
	for _, m := range moves {
		if m.Quantity > 0 {
			in = append(in, m.DocID)
		}
	}
	receipts, err := tx.docsIn(ctx, "goods_receipts", in)
	if err != nil {
		return err
	}
	rows := make([]monthRow, len(moves))
	for i, m := range moves {
		q := int64(m.Quantity)
		r := monthRow{owner: []string{m.WarehouseID, m.ProductID}, month: monthOf(micros(m.Date)), n: q}
		switch {
		case q > 0 && receipts[m.DocID]:
			r.a = q
		case q < 0:
			r.b = -q // q > math.MinInt64: a movement is checked against its balance
		}
		rows[i] = r
	}
	return tx.addMonths(ctx, stockMonths, rows)
}

// moneyMonthsOf adds cash or debt movements to the month totals.
func (tx *Tx) moneyMonthsOf(ctx context.Context, kind string, moves []moneyMove) error {
	t := cashMonths
	var invoices, returns map[string]bool
	if kind == kindDebt {
		t = debtMonths
		var up, down []string
		for _, m := range moves {
			if m.Amount > 0 {
				up = append(up, m.DocID)
			} else {
				down = append(down, m.DocID)
			}
		}
		var err error
		if invoices, err = tx.docsIn(ctx, "sales_invoices", up); err != nil {
			return err
		}
		if returns, err = tx.docsIn(ctx, "customer_returns", down); err != nil {
			return err
		}
	}
	rows := make([]monthRow, len(moves))
	for i, m := range moves {
		v := int64(m.Amount)
		r := monthRow{owner: []string{m.Owner}, month: monthOf(micros(m.Date)), n: v}
		switch {
		case kind == kindCash && v > 0, kind == kindDebt && v > 0 && invoices[m.DocID]:
			r.a = v
		case kind == kindCash && v < 0, kind == kindDebt && v < 0 && returns[m.DocID]:
			r.b = -v
		}
		rows[i] = r
	}
	return tx.addMonths(ctx, t, rows)
}

// monthSpan splits a period for the month totals. Months wholly before the period make the
// opening, months wholly inside it the turnover. Of a month the period starts or ends inside, the
// report reads the movements of the smaller side of the bound only: every sum is additive, so the
// other side is the month's total less them. A period inside one month reads its movements from
// the month's start to the period's end.
type monthSpan struct {
	from, to     int64
	openTo       int64 // months before openTo make the opening
	inFrom, inTo int64 // months in [inFrom, inTo) make the turnover
	edges        []edge
	split        bool // one month: the movements of [lo, to) of edges[0] are split at from
}

// edge is a span of movements [lo, hi) inside one month, counted sO times to the opening and sI
// times to the turnover.
type edge struct {
	lo, hi int64
	sO, sI int
}

func spanOf(from, to int64) monthSpan {
	sp := monthSpan{from: from, to: to}
	first, last := monthOf(from), monthOf(to)
	if first == last && from != first { // inside one month
		sp.openTo, sp.inFrom, sp.inTo, sp.split = first, first, first, true
		sp.edges = []edge{{lo: first, hi: to}}
		return sp
	}
	sp.openTo, sp.inFrom, sp.inTo = first, first, last
	if from != first {
		next := nextMonth(first)
		if from-first <= next-from { // read [first, from): opening, and out of the month's turnover
			sp.edges = append(sp.edges, edge{lo: first, hi: from, sO: 1, sI: -1})
		} else { // read [from, next): turnover, and out of the month's opening
			sp.openTo, sp.inFrom = next, next
			sp.edges = append(sp.edges, edge{lo: from, hi: next, sO: -1, sI: 1})
		}
	}
	if to != last {
		next := nextMonth(last)
		if to-last <= next-to { // read [last, to): turnover
			sp.edges = append(sp.edges, edge{lo: last, hi: to, sI: 1})
		} else { // read [to, next): out of the month's turnover
			sp.inTo = next
			sp.edges = append(sp.edges, edge{lo: to, hi: next, sI: -1})
		}
	}
	return sp
}

// signed is the value column times the sign, as SQL.
func signed(v string, sign int) string {
	switch sign {
	case 1:
		return "m." + v
	case -1:
		return "-m." + v
	}
	return "0"
}

// periodSums is the query of the opening and the period's three sums (the table's a, b and net)
// per owner: "owner columns…, opening, a, b, net". moves is the movements' table, value its
// column; rawA and rawB tell a movement (m) that counts to a or to b (b as −value). Each part is
// summed by owner where it is read: the month totals in their key's order, the edges' movements
// from the index in date order.
func (sp monthSpan) periodSums(t monthTable, moves, value, rawA, rawB string, filters [][2]string) (string, []any) {
	owners := strings.Join(t.owner, ", ")
	var where []string
	var wargs []any
	for _, f := range filters {
		if f[1] != "" {
			where, wargs = append(where, " AND "+f[0]+" = ?"), append(wargs, f[1])
		}
	}
	w := strings.Join(where, "")
	in := "month >= ? AND month < ?"
	parts := []string{"SELECT " + owners + ", SUM(CASE WHEN month < ? THEN net ELSE 0 END) AS opening," +
		" SUM(CASE WHEN " + in + " THEN " + t.a + " ELSE 0 END) AS a, SUM(CASE WHEN " + in + " THEN " + t.b + " ELSE 0 END) AS b," +
		" SUM(CASE WHEN " + in + " THEN net ELSE 0 END) AS net FROM " + t.table + " WHERE (month < ? OR (" + in + "))" + w +
		" GROUP BY " + owners}
	args := append([]any{sp.openTo, sp.inFrom, sp.inTo, sp.inFrom, sp.inTo, sp.inFrom, sp.inTo, sp.openTo, sp.inFrom, sp.inTo}, wargs...)
	for _, e := range sp.edges {
		if e.lo >= e.hi {
			continue
		}
		cols := "SUM(" + signed(value, e.sO) + "), SUM(CASE WHEN " + rawA + " THEN " + signed(value, e.sI) + " ELSE 0 END)," +
			" SUM(CASE WHEN " + rawB + " THEN " + signed(value, -e.sI) + " ELSE 0 END), SUM(" + signed(value, e.sI) + ")"
		var cargs []any
		if sp.split {
			cols = "SUM(CASE WHEN m.date < ? THEN m." + value + " ELSE 0 END), SUM(CASE WHEN m.date >= ? AND " + rawA + " THEN m." + value + " ELSE 0 END)," +
				" SUM(CASE WHEN m.date >= ? AND " + rawB + " THEN -m." + value + " ELSE 0 END), SUM(CASE WHEN m.date >= ? THEN m." + value + " ELSE 0 END)"
			cargs = []any{sp.from, sp.from, sp.from, sp.from}
		}
		parts = append(parts, "SELECT "+owners+", "+cols+" FROM "+moves+" m WHERE m.date >= ? AND m.date < ?"+w+" GROUP BY "+owners)
		args = append(append(append(args, cargs...), e.lo, e.hi), wargs...)
	}
	return "SELECT " + owners + ", SUM(opening) AS opening, SUM(a) AS a, SUM(b) AS b, SUM(net) AS net FROM (" +
		strings.Join(parts, " UNION ALL ") + ") u GROUP BY " + owners, args
}
