package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"torg"
)

// nextNumbers takes the next number of each named counter, in the calling transaction.
func (tx *Tx) nextNumbers(ctx context.Context, names ...string) (map[string]int64, error) {
	out := make(map[string]int64, len(names))
	err := tx.eachRow(ctx, func(row scanner) error {
		var name string
		var v int64
		if err := row.Scan(&name, &v); err != nil {
			return err
		}
		out[name] = v
		return nil
	}, "UPDATE counters SET value = value + 1 WHERE name IN ("+marks(len(names))+") RETURNING name, value", anys(names)...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// numbered lists documents of a table newest first, by their number, with equality filters.
func numbered[T any](ctx context.Context, tx *Tx, sel string, filters [][2]string, page torg.Page,
	scan func(scanner, *T) error, number func(*T) string) (torg.List[T], error) {
	q, args := sel+" WHERE 1 = 1", []any{}
	for _, f := range filters {
		if f[1] != "" {
			q, args = q+" AND "+f[0]+" = ?", append(args, f[1])
		}
	}
	if page.After != "" {
		n, err := strconv.ParseInt(page.After, 10, 64)
		if err != nil {
			return torg.List[T]{}, torg.Invalid("after", "is not a cursor this server made")
		}
		q, args = q+" AND number < ?", append(args, n)
	}
	out := torg.List[T]{Items: []T{}}
	err := tx.eachRow(ctx, func(row scanner) error {
		var v T
		if err := scan(row, &v); err != nil {
			return err
		}
		out.Items = append(out.Items, v)
		return nil
	}, q+" ORDER BY number DESC LIMIT ?", append(args, page.Limit+1)...)
	if err != nil {
		return torg.List[T]{}, err
	}
	if len(out.Items) > page.Limit {
		out.Items = out.Items[:page.Limit]
		n, _ := strconv.ParseInt(number(&out.Items[page.Limit-1]), 10, 64)
		next := torg.EncodeCursor(strconv.FormatInt(n, 10))
		out.Next = &next
	}
	return out, nil
}

// one reads the row of sel with the id, or answers not-found; lock holds the row until commit.
func one[T any](ctx context.Context, tx *Tx, sel, noun, id string, lock bool, scan func(scanner, *T) error) (T, error) {
	var v T
	q := sel + " WHERE id = ?"
	if lock {
		q += tx.d.forUpdate
	}
	err := scan(tx.queryRow(ctx, q, id), &v)
	if errNoRows(err) {
		return v, notFound(noun, id)
	}
	return v, err
}

const goodsReceiptSelect = "SELECT id, number, date, warehouse_id, supplier, posted, total_cost FROM goods_receipts"

func scanGoodsReceipt(s scanner, g *torg.GoodsReceipt) error {
	var number, date int64
	err := s.Scan(&g.ID, &number, &date, &g.WarehouseID, &g.Supplier, &g.Posted, &g.TotalCost)
	g.Number, g.Date, g.Lines = formatNumber(number), fromMicros(date), []torg.GoodsReceiptLine{}
	return err
}

// CreateGoodsReceipt makes a goods receipt and posts it: stock on hand rises.
func (tx *Tx) CreateGoodsReceipt(ctx context.Context, in torg.GoodsReceiptInput) (torg.GoodsReceipt, error) {
	if err := in.Validate(); err != nil {
		return torg.GoodsReceipt{}, err
	}
	var f torg.Fields
	g := torg.GoodsReceipt{ID: newID(), Date: torg.Now(), Posted: true, Supplier: strings.TrimSpace(in.Supplier)}
	g.WarehouseID = tx.resolve(ctx, &f, "warehouses", "warehouse", in.WarehouseID, in.WarehouseCode)
	var ids, codes []string
	for _, l := range in.Lines {
		ids, codes = append(ids, l.ProductID), append(codes, l.ProductCode)
	}
	prods, err := tx.products(ctx, ids, codes)
	if err != nil {
		return g, err
	}
	moves := make([]stockMove, len(in.Lines))
	for i, l := range in.Lines {
		p, ok := prods["id:"+l.ProductID]
		if l.ProductID == "" {
			p, ok = prods["code:"+l.ProductCode]
		}
		if !ok {
			f.Add("lines["+strconv.Itoa(i)+"].product_id", "no product has this id or code")
			continue
		}
		amount, _ := torg.LineAmount(l.Quantity, l.Cost, 0)
		g.Lines = append(g.Lines, torg.GoodsReceiptLine{LineNo: i + 1, ProductID: p.id, Quantity: l.Quantity, Cost: l.Cost, Amount: amount})
		var sumOK bool
		if g.TotalCost, sumOK = g.TotalCost.Plus(amount); !sumOK {
			f.Add("lines["+strconv.Itoa(i)+"].quantity", "the receipt's total is too large")
		}
		moves[i] = stockMove{DocID: g.ID, LineNo: i + 1, WarehouseID: g.WarehouseID, ProductID: p.id, Quantity: l.Quantity}
	}
	if err := f.Err(); err != nil {
		return g, err
	}
	if err := tx.stockInRange(ctx, moves); err != nil {
		return g, err
	}
	if in.Date.Set && !in.Date.Null {
		g.Date = in.Date.Value.UTC().Truncate(time.Microsecond)
	}
	nums, err := tx.nextNumbers(ctx, "goods_receipt_number")
	if err != nil {
		return g, err
	}
	n := nums["goods_receipt_number"]
	g.Number = formatNumber(n)
	if _, err := tx.exec(ctx, "INSERT INTO goods_receipts (id, number, date, warehouse_id, supplier, posted, total_cost, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		g.ID, n, micros(g.Date), g.WarehouseID, g.Supplier, true, int64(g.TotalCost), micros(torg.Now())); err != nil {
		return g, err
	}
	args := make([]any, 0, len(g.Lines)*5)
	for _, l := range g.Lines {
		args = append(args, g.ID, l.LineNo, l.ProductID, int64(l.Quantity), int64(l.Cost))
	}
	if _, err := tx.exec(ctx, "INSERT INTO goods_receipt_lines (receipt_id, line_no, product_id, quantity, cost) VALUES "+
		rowsOf(len(g.Lines), 5), args...); err != nil {
		return g, err
	}
	for i := range moves {
		moves[i].Date = g.Date
	}
	return g, tx.moveStock(ctx, moves)
}

// stockInRange names, as a validation error, every line whose product's stock the moves would take
// beyond int64.
func (tx *Tx) stockInRange(ctx context.Context, moves []stockMove) error {
	l, err := tx.readLedger(ctx, moves, nil, nil)
	if err != nil {
		return err
	}
	var f torg.Fields
	for _, o := range l.apply(moves, nil, nil) {
		msg := tx.describe(ctx, &o).Error()
		for i, m := range moves {
			if m.WarehouseID == o.owner && m.ProductID == o.product {
				f.Add("lines["+strconv.Itoa(i)+"].quantity", "%s", msg)
			}
		}
	}
	return f.Err()
}

// GoodsReceipt returns a goods receipt with its lines.
func (tx *Tx) GoodsReceipt(ctx context.Context, id string) (torg.GoodsReceipt, error) {
	g, err := one(ctx, tx, goodsReceiptSelect, "goods receipt", id, false, scanGoodsReceipt)
	if err != nil {
		return g, err
	}
	lines, err := queryAll(ctx, tx, scanGoodsReceiptLine, "SELECT line_no, product_id, quantity, cost FROM goods_receipt_lines WHERE receipt_id = ? ORDER BY line_no", id)
	g.Lines = orEmpty(lines)
	return g, err
}

func scanGoodsReceiptLine(s scanner) (torg.GoodsReceiptLine, error) {
	var l torg.GoodsReceiptLine
	err := s.Scan(&l.LineNo, &l.ProductID, &l.Quantity, &l.Cost)
	l.Amount, _ = torg.LineAmount(l.Quantity, l.Cost, 0)
	return l, err
}

// GoodsReceipts lists goods receipts, newest first.
func (tx *Tx) GoodsReceipts(ctx context.Context, warehouseID string, page torg.Page) (torg.List[torg.GoodsReceipt], error) {
	return numbered(ctx, tx, goodsReceiptSelect, [][2]string{{"warehouse_id", warehouseID}}, page, scanGoodsReceipt,
		func(g *torg.GoodsReceipt) string { return g.Number })
}

const salesInvoiceSelect = "SELECT id, number, date, posted, order_id, transaction_id, register_id, customer_id, warehouse_id, total, vat_total FROM sales_invoices"

func scanSalesInvoice(s scanner, v *torg.SalesInvoice) error {
	var number, date int64
	var order sql.NullString
	err := s.Scan(&v.ID, &number, &date, &v.Posted, &order, &v.TransactionID, &v.RegisterID, &v.CustomerID, &v.WarehouseID, &v.Total, &v.VATTotal)
	v.Number, v.Date, v.OrderID, v.Lines = formatNumber(number), fromMicros(date), nullString(order), []torg.OrderLine{}
	return err
}

// SalesInvoice returns a sales invoice with its lines.
func (tx *Tx) SalesInvoice(ctx context.Context, id string) (torg.SalesInvoice, error) {
	v, err := one(ctx, tx, salesInvoiceSelect, "sales invoice", id, false, scanSalesInvoice)
	if err != nil {
		return v, err
	}
	lines, err := queryAll(ctx, tx, scanInvoiceLine, "SELECT line_no, product_id, quantity, price, discount, amount, vat_rate, vat_amount"+
		" FROM sales_invoice_lines WHERE invoice_id = ? ORDER BY line_no", id)
	v.Lines = orEmpty(lines)
	return v, err
}

func scanInvoiceLine(s scanner) (torg.OrderLine, error) {
	var l torg.OrderLine
	err := s.Scan(&l.LineNo, &l.ProductID, &l.Quantity, &l.Price, &l.Discount, &l.Amount, &l.VATRate, &l.VATAmount)
	return l, err
}

// SalesInvoices lists sales invoices, newest first; the list leaves out their lines.
func (tx *Tx) SalesInvoices(ctx context.Context, orderID, transactionID string, page torg.Page) (torg.List[torg.SalesInvoice], error) {
	return numbered(ctx, tx, salesInvoiceSelect, [][2]string{{"order_id", orderID}, {"transaction_id", transactionID}}, page,
		scanSalesInvoice, func(v *torg.SalesInvoice) string { return v.Number })
}

const cashReceiptSelect = "SELECT id, number, date, posted, not_posted_reason, cash_desk_id, customer_id, sales_invoice_id, order_id, transaction_id," +
	" amount, purpose, counterpart, comment FROM cash_receipts"

func scanCashReceipt(s scanner, v *torg.CashReceipt) error {
	var number, date int64
	var reason, desk, order, customer, invoice sql.NullString
	err := s.Scan(&v.ID, &number, &date, &v.Posted, &reason, &desk, &customer, &invoice, &order, &v.TransactionID, &v.Amount,
		&v.Purpose, &v.Counterpart, &v.Comment)
	v.Number, v.Date = formatNumber(number), fromMicros(date)
	v.NotPostedReason, v.CashDeskID, v.OrderID = nullString(reason), nullString(desk), nullString(order)
	v.CustomerID, v.SalesInvoiceID = nullString(customer), nullString(invoice)
	return err
}

// CashReceipt returns a cash receipt order.
func (tx *Tx) CashReceipt(ctx context.Context, id string) (torg.CashReceipt, error) {
	return one(ctx, tx, cashReceiptSelect, "cash receipt order", id, false, scanCashReceipt)
}

// CashReceipts lists cash receipt orders, newest first; posted is "", "true" or "false", purpose ""
// (every one), "sale" or "cash_in".
func (tx *Tx) CashReceipts(ctx context.Context, posted, purpose, transactionID string, page torg.Page) (torg.List[torg.CashReceipt], error) {
	sel := cashReceiptSelect
	switch posted {
	case "true":
		sel += " WHERE posted"
	case "false":
		sel += " WHERE NOT posted"
	}
	if posted != "" {
		sel = "SELECT * FROM (" + sel + ") c"
	}
	return numbered(ctx, tx, sel, [][2]string{{"purpose", purpose}, {"transaction_id", transactionID}}, page, scanCashReceipt,
		func(v *torg.CashReceipt) string { return v.Number })
}

// PostCashReceipt posts an unposted cash receipt order into the cash desk: the cash enters it and
// the customer's debt falls.
func (tx *Tx) PostCashReceipt(ctx context.Context, id, cashDeskID string) (torg.CashReceipt, error) {
	c, err := one(ctx, tx, cashReceiptSelect, "cash receipt order", id, true, scanCashReceipt)
	if err != nil {
		return c, err
	}
	if c.Posted {
		return c, torg.Errorf(torg.CodeStateConflict, "cash receipt order %s is already posted", c.Number)
	}
	doc := cashPosting{table: "cash_receipts", id: c.ID, date: c.Date, amount: c.Amount, customerID: c.CustomerID}
	if err := tx.postCash(ctx, doc, cashDeskID); err != nil {
		return c, err
	}
	return tx.CashReceipt(ctx, id)
}

// cashPosting is what posting a cash document by hand needs of it: amount enters the cash desk (a
// cash expense's is negative: it leaves), and the customer's debt, when it has one, moves the other way.
type cashPosting struct {
	table, id  string
	date       time.Time
	amount     torg.Money
	customerID *string
}

// postCash posts a cash document not yet posted on the cash desk: a sale's cash pays the customer's
// debt, a refund's raises it back; a cash in's or out's is no one's.
func (tx *Tx) postCash(ctx context.Context, c cashPosting, cashDeskID string) error {
	if ok, err := tx.exists(ctx, "cash_desks", cashDeskID); err != nil || !ok {
		return cmpErr(err, torg.Invalid("cash_desk_id", "no cash desk has this id"))
	}
	cash := []moneyMove{{DocID: c.id, Date: c.date, Owner: cashDeskID, Amount: c.amount}}
	var debt []moneyMove
	if c.customerID != nil {
		debt = []moneyMove{{DocID: c.id, Date: c.date, Owner: *c.customerID, Amount: -c.amount}}
	}
	l, err := tx.readLedger(ctx, nil, cash, debt)
	if err != nil {
		return err
	}
	if bad := l.apply(nil, cash, debt); len(bad) > 0 {
		msg := tx.describe(ctx, &bad[0]).Error()
		if bad[0].kind == kindCash {
			return torg.Invalid("cash_desk_id", "%s", msg)
		}
		return torg.Errorf(torg.CodeStateConflict, "%s", msg)
	}
	if _, err := tx.exec(ctx, "UPDATE "+c.table+" SET posted = ?, cash_desk_id = ?, not_posted_reason = NULL WHERE id = ?", true, cashDeskID, c.id); err != nil {
		return err
	}
	if err := tx.moveCash(ctx, cash...); err != nil {
		return err
	}
	return tx.moveDebt(ctx, debt...)
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

const cardPaymentSelect = "SELECT id, number, date, posted, customer_id, sales_invoice_id, transaction_id, amount FROM card_payments"

func scanCardPayment(s scanner, v *torg.CardPayment) error {
	var number, date int64
	err := s.Scan(&v.ID, &number, &date, &v.Posted, &v.CustomerID, &v.SalesInvoiceID, &v.TransactionID, &v.Amount)
	v.Number, v.Date = formatNumber(number), fromMicros(date)
	return err
}

// CardPayment returns a card payment.
func (tx *Tx) CardPayment(ctx context.Context, id string) (torg.CardPayment, error) {
	return one(ctx, tx, cardPaymentSelect, "card payment", id, false, scanCardPayment)
}

// CardPayments lists card payments, newest first.
func (tx *Tx) CardPayments(ctx context.Context, transactionID string, page torg.Page) (torg.List[torg.CardPayment], error) {
	return numbered(ctx, tx, cardPaymentSelect, [][2]string{{"transaction_id", transactionID}}, page, scanCardPayment,
		func(v *torg.CardPayment) string { return v.Number })
}
