package store

import (
	"context"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"torg"
)

// Reports over a period read the month totals and the movements of the period's edges (months.go)
// and the sales invoices: an opening balance is the sum of what moved before the period, a turnover
// what moved inside it. Each figure is classified by the document that moved it: in the stock turnover what
// is neither a goods receipt nor a shipment is a customer return; in the settlements what is
// neither a sales invoice nor a customer return is money paid in (less money paid back). Sums are scanned through int64Cell: a sum beyond int64 is a
// state conflict naming what it is about, never a wrong number.

// turnoverFilter adds "AND column = ?" for each non-empty filter.
func turnoverFilter(q string, args []any, filters ...[2]string) (string, []any) {
	for _, f := range filters {
		if f[1] != "" {
			q, args = q+" AND "+f[0]+" = ?", append(args, f[1])
		}
	}
	return q, args
}

func beyondRange(what string) error {
	return torg.Errorf(torg.CodeStateConflict, "a sum of %s in this report is beyond the range the system can hold", what)
}

// cells checks that every scanned sum fits int64.
func cells(what string, cs ...*int64Cell) error {
	for _, c := range cs {
		if !c.ok {
			return beyondRange(what)
		}
	}
	return nil
}

// StockTurnover reports each product's opening stock, receipts, shipments, returns and closing
// stock in each warehouse over the period, optionally of one warehouse or product. Reserved and
// available are given when the period reaches the present (p.Current).
func (tx *Tx) StockTurnover(ctx context.Context, p torg.Period, warehouseID, productID string) ([]torg.StockTurnover, error) {
	sums, args := spanOf(micros(p.From), micros(p.To)).periodSums(stockMonths, "stock_moves", "quantity",
		"m.quantity > 0 AND EXISTS (SELECT 1 FROM goods_receipts r WHERE r.id = m.doc_id)", "m.quantity < 0",
		[][2]string{{"warehouse_id", warehouseID}, {"product_id", productID}})
	out := []torg.StockTurnover{}
	err := tx.eachRow(ctx, func(row scanner) error {
		var it torg.StockTurnover
		var opening, receipts, shipments, net int64Cell
		if err := row.Scan(&it.WarehouseID, &it.ProductID, &it.ProductCode, &opening, &receipts, &shipments, &net); err != nil {
			return err
		}
		if err := cells("stock of product "+it.ProductCode, &opening, &receipts, &shipments, &net); err != nil {
			return err
		}
		it.Opening, it.Receipts, it.Shipments = torg.Quantity(opening.v), torg.Quantity(receipts.v), torg.Quantity(shipments.v)
		returns, ok1 := torg.Quantity(net.v).Plus(-it.Receipts)
		returns, ok2 := returns.Plus(it.Shipments)
		closing, ok3 := it.Opening.Plus(torg.Quantity(net.v))
		if !ok1 || !ok2 || !ok3 {
			return beyondRange("stock of product " + it.ProductCode)
		}
		it.Returns, it.Closing = returns, closing
		out = append(out, it)
		return nil
	}, "SELECT t.warehouse_id, t.product_id, pr.code, t.opening, t.a, t.b, t.net FROM ("+sums+") t"+
		" JOIN products pr ON pr.id = t.product_id ORDER BY t.warehouse_id, pr.code", args...)
	if err != nil {
		return nil, outOfRange(err, kindStock)
	}
	if !p.Current {
		return out, nil
	}
	return out, tx.addReservations(ctx, out, warehouseID, productID)
}

// addReservations sets reserved and available on each row from the order reservations now.
func (tx *Tx) addReservations(ctx context.Context, items []torg.StockTurnover, warehouseID, productID string) error {
	stock, err := tx.StockReport(ctx, warehouseID, productID)
	if err != nil {
		return err
	}
	reserved := map[[2]string]torg.Quantity{}
	for _, s := range stock {
		reserved[[2]string{s.WarehouseID, s.ProductID}] = s.Reserved
	}
	for i := range items {
		r := reserved[[2]string{items[i].WarehouseID, items[i].ProductID}]
		a, ok := items[i].Closing.Plus(-r)
		if !ok || r == math.MinInt64 {
			return beyondRange("stock of product " + items[i].ProductCode)
		}
		items[i].Reserved, items[i].Available = &r, &a
	}
	return nil
}

// CashTurnover reports each cash desk's opening cash, cash in, cash out and closing cash over the
// period, of every cash desk or of one.
func (tx *Tx) CashTurnover(ctx context.Context, p torg.Period, cashDeskID string) ([]torg.CashTurnover, error) {
	sums, args := spanOf(micros(p.From), micros(p.To)).periodSums(cashMonths, "cash_moves", "amount", "m.amount > 0", "m.amount < 0",
		[][2]string{{"cash_desk_id", cashDeskID}})
	q, args := turnoverFilter("SELECT d.id, d.code, t.opening, t.a, t.b FROM cash_desks d LEFT JOIN ("+sums+") t ON t.cash_desk_id = d.id WHERE 1 = 1",
		args, [2]string{"d.id", cashDeskID})
	out := []torg.CashTurnover{}
	err := tx.eachRow(ctx, func(row scanner) error {
		var it torg.CashTurnover
		var code string
		var opening, in, outs int64Cell
		if err := row.Scan(&it.CashDeskID, &code, &opening, &in, &outs); err != nil {
			return err
		}
		if err := cells("cash of cash desk "+code, &opening, &in, &outs); err != nil {
			return err
		}
		it.Opening, it.In, it.Out = torg.Money(opening.v), torg.Money(in.v), torg.Money(outs.v)
		closing, ok1 := it.Opening.Plus(it.In)
		closing, ok2 := closing.Plus(-it.Out)
		if !ok1 || !ok2 || it.Out == math.MinInt64 {
			return beyondRange("cash of cash desk " + code)
		}
		it.Closing = closing
		out = append(out, it)
		return nil
	}, q+" ORDER BY d.code", args...)
	if err != nil {
		return nil, outOfRange(err, kindCash)
	}
	return out, nil
}

// CashMoves lists the documents that moved cash through a cash desk in the period, oldest first: the
// drill-down of the cash turnover. One page at a time, after the position page.After.
func (tx *Tx) CashMoves(ctx context.Context, p torg.Period, cashDeskID string, page torg.Page) (torg.List[torg.CashMove], error) {
	q := "SELECT m.doc_id, m.date, m.amount, c.number, e.number FROM cash_moves m LEFT JOIN cash_receipts c ON c.id = m.doc_id" +
		" LEFT JOIN cash_expenses e ON e.id = m.doc_id WHERE m.cash_desk_id = ? AND m.date >= ? AND m.date < ?"
	args := []any{cashDeskID, micros(p.From), micros(p.To)}
	if date, id, ok := strings.Cut(page.After, "/"); ok {
		d, err := strconv.ParseInt(date, 10, 64)
		if err != nil {
			return torg.List[torg.CashMove]{}, torg.Invalid("after", "is not a cursor this server made")
		}
		q, args = q+" AND (m.date > ? OR (m.date = ? AND m.doc_id > ?))", append(args, d, d, id)
	}
	list := torg.List[torg.CashMove]{Items: []torg.CashMove{}}
	err := tx.eachRow(ctx, func(row scanner) error {
		var m torg.CashMove
		var date int64
		var receipt, expense *int64
		if err := row.Scan(&m.DocumentID, &date, &m.Amount, &receipt, &expense); err != nil {
			return err
		}
		m.CashDeskID, m.Date, m.Document = cashDeskID, fromMicros(date), "other"
		switch {
		case receipt != nil:
			m.Document, m.Number = "cash-receipts", formatNumber(*receipt)
		case expense != nil:
			m.Document, m.Number = "cash-expenses", formatNumber(*expense)
		}
		list.Items = append(list.Items, m)
		return nil
	}, q+" ORDER BY m.date, m.doc_id LIMIT "+itoa(page.Limit+1), args...)
	if err != nil {
		return torg.List[torg.CashMove]{}, err
	}
	if len(list.Items) > page.Limit {
		list.Items = list.Items[:page.Limit]
		last := list.Items[page.Limit-1]
		next := torg.EncodeCursor(itoa64(micros(last.Date)) + "/" + last.DocumentID)
		list.Next = &next
	}
	return list, nil
}

// SettlementTurnover reports each customer's opening debt, invoiced, paid, returned and closing debt
// over the period, of every customer with documents or of one. Invoiced is what sales invoices
// added, returned what customer returns took off; paid is the rest: what cash receipt orders and
// card payments took off, less what cash expense orders and card refunds paid back (negative
// when more was paid back than paid in).
func (tx *Tx) SettlementTurnover(ctx context.Context, p torg.Period, customerID string) ([]torg.SettlementTurnover, error) {
	sums, args := spanOf(micros(p.From), micros(p.To)).periodSums(debtMonths, "debt_moves", "amount",
		"m.amount > 0 AND EXISTS (SELECT 1 FROM sales_invoices v WHERE v.id = m.doc_id)",
		"m.amount < 0 AND EXISTS (SELECT 1 FROM customer_returns r WHERE r.id = m.doc_id)", [][2]string{{"customer_id", customerID}})
	out := []torg.SettlementTurnover{}
	err := tx.eachRow(ctx, func(row scanner) error {
		var it torg.SettlementTurnover
		var code string
		var opening, invoiced, returned, net int64Cell
		if err := row.Scan(&it.CustomerID, &code, &opening, &invoiced, &returned, &net); err != nil {
			return err
		}
		if err := cells("the debt of customer "+code, &opening, &invoiced, &returned, &net); err != nil {
			return err
		}
		it.Opening, it.Invoiced, it.Returned = torg.Money(opening.v), torg.Money(invoiced.v), torg.Money(returned.v)
		// net = invoiced − paid − returned
		paid, ok1 := it.Invoiced.Plus(-it.Returned)
		paid, ok2 := paid.Plus(-torg.Money(net.v))
		closing, ok3 := it.Opening.Plus(torg.Money(net.v))
		if !ok1 || !ok2 || !ok3 || it.Returned == math.MinInt64 || net.v == math.MinInt64 {
			return beyondRange("the debt of customer " + code)
		}
		it.Paid, it.Closing = paid, closing
		out = append(out, it)
		return nil
	}, "SELECT t.customer_id, c.code, t.opening, t.a, t.b, t.net FROM ("+sums+") t"+
		" JOIN customers c ON c.id = t.customer_id ORDER BY c.code", args...)
	if err != nil {
		return nil, outOfRange(err, kindDebt)
	}
	return out, nil
}

// dayBucket is the span the raw part of the sales analysis sums by before it folds the sums into
// days of the server's zone: a quarter of an hour, which every zone's offset is a multiple of.
const dayBucket = 15 * 60 * 1_000_000

// errStraddles tells that an hour of the sales totals falls into two days of the server's zone (an
// offset that is not whole hours): the analysis by day then reads the documents themselves.
var errStraddles = errors.New("an hour of the sales totals straddles two days of the server's zone")

// SalesAnalysis groups the posted sales invoices of the period by day (in the server's zone),
// register, cashier or product: receipts, quantity, revenue, VAT, returns and the average receipt.
// Returns count where they were made: the day, the register and the cashier of the return.
//
// It reads whole hours (by day, register or cashier) or whole months (by product) from the sales
// totals (sales_totals.go) and the documents of the period's partial first and last hour or month:
// of each, the smaller side of the bound, with its sign (monthSpan's device). A product filter on
// the grouping by day, register or cashier keeps the receipts that contain the product, whole: the
// totals do not hold that, so it reads the documents that contain the product through their index
// by product. So does the grouping by day when an hour of the period falls into two days of the
// server's zone (a zone whose offset is not whole hours).
func (tx *Tx) SalesAnalysis(ctx context.Context, p torg.Period, by string, filters SalesFilters) ([]torg.SalesRow, error) {
	from, to := micros(p.From), micros(p.To)
	var parts salesParts
	switch by {
	case "day", "register", "cashier":
		if filters.ProductID != "" {
			return tx.salesRaw(ctx, from, to, by, filters)
		}
		key := map[string]string{"day": "hour", "register": "register_id", "cashier": "cashier"}[by]
		lo, hi, edges := salesSpan(from, to, hourOf, nextHour)
		if lo < hi {
			q, args := turnoverFilter("SELECT "+key+", "+itoa(hourMicros)+", SUM(receipts), SUM(quantity), SUM(revenue), SUM(vat),"+
				" SUM(returns), SUM(return_count) FROM sales_hours WHERE hour >= ? AND hour < ?", []any{lo, hi},
				[2]string{"warehouse_id", filters.WarehouseID}, [2]string{"register_id", filters.RegisterID})
			parts.add(q+" GROUP BY 1", args)
		}
		for _, e := range edges {
			parts.documents(by, e, filters)
		}
		out, err := tx.salesFold(ctx, parts, by == "day")
		if errors.Is(err, errStraddles) {
			return tx.salesRaw(ctx, from, to, by, filters)
		}
		return out, err
	case "product":
	default:
		return nil, torg.Invalid("by", "must be day, register, cashier or product")
	}
	lo, hi, edges := salesSpan(from, to, monthOf, nextMonth)
	if lo < hi {
		q, args := turnoverFilter("SELECT product_id, 0, SUM(receipts), SUM(quantity), SUM(revenue), SUM(vat), SUM(returns), SUM(return_count)"+
			" FROM sales_product_months WHERE month >= ? AND month < ?", []any{lo, hi}, [2]string{"warehouse_id", filters.WarehouseID},
			[2]string{"register_id", filters.RegisterID}, [2]string{"product_id", filters.ProductID})
		parts.add(q+" GROUP BY 1", args)
	}
	for _, e := range edges {
		parts.productLines(e, filters)
	}
	return tx.salesFold(ctx, parts, false)
}

// salesRaw is the sales analysis by day, register or cashier read from the documents alone.
func (tx *Tx) salesRaw(ctx context.Context, from, to int64, by string, filters SalesFilters) ([]torg.SalesRow, error) {
	var parts salesParts
	parts.documents(by, salesEdge{lo: from, hi: to, sign: 1}, filters)
	return tx.salesFold(ctx, parts, by == "day")
}

// SalesFilters narrow the sales analysis.
type SalesFilters struct {
	WarehouseID, RegisterID, ProductID string
}

// salesEdge is a span of documents [lo, hi) the analysis reads, counted sign times.
type salesEdge struct {
	lo, hi int64
	sign   int
}

// salesSpan splits a period for the sales totals of buckets that floor and next tell: the totals of
// the buckets in [lo, hi) and the documents of the edges. Of a bucket the period starts or ends
// inside, the documents of the smaller side of the bound are read, added or taken off the bucket's
// total; a period inside one bucket reads its documents alone.
func salesSpan(from, to int64, floor, next func(int64) int64) (lo, hi int64, edges []salesEdge) {
	first, last := floor(from), floor(to)
	if first == last {
		return 0, 0, []salesEdge{{lo: from, hi: to, sign: 1}}
	}
	lo, hi = first, last
	if from != first {
		if n := next(first); from-first <= n-from {
			edges = append(edges, salesEdge{lo: first, hi: from, sign: -1})
		} else {
			lo, edges = n, append(edges, salesEdge{lo: from, hi: n, sign: 1})
		}
	}
	if to != last {
		if n := next(last); to-last <= n-to {
			edges = append(edges, salesEdge{lo: last, hi: to, sign: 1})
		} else {
			hi, edges = n, append(edges, salesEdge{lo: to, hi: n, sign: -1})
		}
	}
	return lo, hi, edges
}

// salesParts is a query of sales sums, one SELECT a part, each giving "key, span, receipts,
// quantity, revenue, VAT, returns, count of returns": span is the length of the bucket that starts
// at key when the key is a time.
type salesParts struct {
	parts []string
	args  []any
}

func (sp *salesParts) add(q string, args []any) {
	sp.parts, sp.args = append(sp.parts, q), append(sp.args, args...)
}

// documents adds the sums of the posted sales invoices and customer returns of [e.lo, e.hi), by
// day (quarter-hour buckets), register or cashier.
func (sp *salesParts) documents(by string, e salesEdge, f SalesFilters) {
	if e.lo >= e.hi {
		return
	}
	s := "-"
	if e.sign > 0 {
		s = ""
	}
	sale, ret, span := "v.date / "+itoa(dayBucket)+" * "+itoa(dayBucket), "r.date / "+itoa(dayBucket)+" * "+itoa(dayBucket), itoa(dayBucket)
	switch by {
	case "register":
		sale, ret, span = "v.register_id", "r.register_id", "0"
	case "cashier":
		sale, ret, span = "t.cashier", "t.cashier", "0"
	}
	q, args := turnoverFilter("SELECT "+sale+", "+span+", "+s+"COUNT(*), "+s+"SUM((SELECT SUM(l.quantity) FROM sales_invoice_lines l WHERE l.invoice_id = v.id)),"+
		" "+s+"SUM(v.total), "+s+"SUM(v.vat_total), 0, 0 FROM sales_invoices v JOIN transactions t ON t.id = v.transaction_id"+
		" WHERE v.posted AND v.date >= ? AND v.date < ?", []any{e.lo, e.hi}, [2]string{"v.warehouse_id", f.WarehouseID}, [2]string{"v.register_id", f.RegisterID})
	if f.ProductID != "" {
		q, args = q+" AND v.id IN (SELECT pl.invoice_id FROM sales_invoice_lines pl WHERE pl.product_id = ?)", append(args, f.ProductID)
	}
	sp.add(q+" GROUP BY 1", args)
	q, args = turnoverFilter("SELECT "+ret+", "+span+", 0, 0, 0, 0, "+s+"SUM(r.total), "+s+"COUNT(*) FROM customer_returns r"+
		" JOIN transactions t ON t.id = r.transaction_id WHERE r.posted AND r.date >= ? AND r.date < ?", []any{e.lo, e.hi},
		[2]string{"r.warehouse_id", f.WarehouseID}, [2]string{"r.register_id", f.RegisterID})
	if f.ProductID != "" {
		q, args = q+" AND r.id IN (SELECT pl.return_id FROM customer_return_lines pl WHERE pl.product_id = ?)", append(args, f.ProductID)
	}
	sp.add(q+" GROUP BY 1", args)
}

// productLines adds the sums of the lines of the posted sales invoices and customer returns of
// [e.lo, e.hi), by product.
func (sp *salesParts) productLines(e salesEdge, f SalesFilters) {
	if e.lo >= e.hi {
		return
	}
	s := "-"
	if e.sign > 0 {
		s = ""
	}
	filters := func(d string) [][2]string {
		return [][2]string{{d + ".warehouse_id", f.WarehouseID}, {d + ".register_id", f.RegisterID}, {"l.product_id", f.ProductID}}
	}
	q, args := turnoverFilter("SELECT l.product_id, 0, "+s+"COUNT(DISTINCT v.id), "+s+"SUM(l.quantity), "+s+"SUM(l.amount), "+s+"SUM(l.vat_amount), 0, 0"+
		" FROM sales_invoice_lines l JOIN sales_invoices v ON v.id = l.invoice_id WHERE v.posted AND v.date >= ? AND v.date < ?",
		[]any{e.lo, e.hi}, filters("v")...)
	sp.add(q+" GROUP BY l.product_id", args)
	q, args = turnoverFilter("SELECT l.product_id, 0, 0, 0, 0, 0, "+s+"SUM(l.amount), "+s+"COUNT(DISTINCT r.id) FROM customer_return_lines l"+
		" JOIN customer_returns r ON r.id = l.return_id WHERE r.posted AND r.date >= ? AND r.date < ?", []any{e.lo, e.hi}, filters("r")...)
	sp.add(q+" GROUP BY l.product_id", args)
}

// dayKey is the day of the server's zone an instant in microseconds falls in.
func dayKey(us int64) string {
	return time.UnixMicro(us).In(time.Local).Format("2006-01-02")
}

// salesFold sums the parts' rows by key, time buckets folded into days of the server's zone
// (errStraddles when a bucket falls into two), and orders the rows by key. A key whose receipts and
// returns come to none (an edge taken off its bucket's total) is no row.
func (tx *Tx) salesFold(ctx context.Context, parts salesParts, days bool) ([]torg.SalesRow, error) {
	out := []torg.SalesRow{}
	if len(parts.parts) == 0 {
		return out, nil
	}
	returns := []int64{}
	index := map[string]int{}
	err := tx.eachRow(ctx, func(row scanner) error {
		var key string
		var bucket, span int64
		var count, quantity, revenue, vat, ret, retCount int64Cell
		target := any(&key)
		if days {
			target = &bucket
		}
		if err := row.Scan(target, &span, &count, &quantity, &revenue, &vat, &ret, &retCount); err != nil {
			return err
		}
		if err := cells("sales", &count, &quantity, &revenue, &vat, &retCount); err != nil {
			return err
		}
		if err := cells("returns", &ret); err != nil {
			return err
		}
		if days {
			if key = dayKey(bucket); dayKey(bucket+span-1) != key {
				return errStraddles
			}
		}
		i, seen := index[key]
		if !seen {
			i, index[key] = len(out), len(out)
			out, returns = append(out, torg.SalesRow{Key: key}), append(returns, 0)
		}
		r := &out[i]
		var ok [4]bool
		r.Receipts += count.v
		returns[i] += retCount.v
		r.Quantity, ok[0] = r.Quantity.Plus(torg.Quantity(quantity.v))
		r.Revenue, ok[1] = r.Revenue.Plus(torg.Money(revenue.v))
		r.VAT, ok[2] = r.VAT.Plus(torg.Money(vat.v))
		if r.Returns, ok[3] = r.Returns.Plus(torg.Money(ret.v)); !ok[3] {
			return beyondRange("returns")
		}
		if slices.Contains(ok[:3], false) {
			return beyondRange("sales")
		}
		return nil
	}, strings.Join(parts.parts, " UNION ALL "), parts.args...)
	if err != nil {
		return nil, err
	}
	kept := out[:0]
	for i, r := range out {
		if r.Receipts != 0 || returns[i] != 0 {
			r.AverageReceipt = torg.DivRound(r.Revenue, r.Receipts)
			kept = append(kept, r)
		}
	}
	slices.SortFunc(kept, func(a, b torg.SalesRow) int { return strings.Compare(a.Key, b.Key) })
	return kept, nil
}
