package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"torg"
)

const orderCols = "id, number, external_number, date, customer_id, warehouse_id, status, comment, total, posted, version," +
	" claim_register_id, claim_expires_at, transaction_id, sales_invoice_id, cash_receipt_id, created_at, updated_at," +
	" (SELECT t.total FROM transactions t WHERE t.id = orders.transaction_id) AS sold_total"

// OrderFilter selects orders in a list; empty fields select everything.
type OrderFilter struct {
	Status         torg.Status
	WarehouseID    string
	CustomerID     string
	ExternalNumber string
}

// formatNumber writes an order's sequential number as the back office shows it.
func formatNumber(n int64) string { return fmt.Sprintf("%06d", n) }

func scanOrder(s scanner, o *torg.Order, now time.Time) error {
	var number, date, created, updated int64
	var ext, claimReg, txID, invoiceID, receiptID sql.NullString
	var claimExp, sold sql.NullInt64
	err := s.Scan(&o.ID, &number, &ext, &date, &o.CustomerID, &o.WarehouseID, &o.Status, &o.Comment, &o.Total, &o.Posted,
		&o.Version, &claimReg, &claimExp, &txID, &invoiceID, &receiptID, &created, &updated, &sold)
	if err != nil {
		return err
	}
	o.SoldTotal = nil
	if sold.Valid {
		total := torg.Money(sold.Int64)
		o.SoldTotal = &total
	}
	o.Number, o.Date, o.CreatedAt, o.UpdatedAt = formatNumber(number), fromMicros(date), fromMicros(created), fromMicros(updated)
	o.ExternalNumber, o.TransactionID = nullString(ext), nullString(txID)
	o.SalesInvoiceID, o.CashReceiptID = nullString(invoiceID), nullString(receiptID)
	o.Claim = nil
	if claimReg.Valid && claimExp.Valid && claimExp.Int64 > micros(now) {
		o.Claim = &torg.Claim{RegisterID: claimReg.String, ExpiresAt: fromMicros(claimExp.Int64)}
	}
	return nil
}

func nullString(v sql.NullString) *string {
	if !v.Valid {
		return nil
	}
	return &v.String
}

// Order returns the order with its lines and registers.
func (tx *Tx) Order(ctx context.Context, id string) (torg.Order, error) {
	return tx.order(ctx, id, false)
}

// order reads an order; lock holds its row until the transaction ends, which every change takes first.
func (tx *Tx) order(ctx context.Context, id string, lock bool) (torg.Order, error) {
	var o torg.Order
	q := "SELECT " + orderCols + " FROM orders WHERE id = ?"
	if lock {
		q += tx.d.forUpdate
	}
	err := scanOrder(tx.queryRow(ctx, q, id), &o, torg.Now())
	if errNoRows(err) {
		return o, notFound("order", id)
	}
	if err != nil {
		return o, err
	}
	orders := []torg.Order{o}
	err = tx.loadOrderDetails(ctx, orders)
	return orders[0], err
}

// Orders lists orders, newest first.
func (tx *Tx) Orders(ctx context.Context, f OrderFilter, page torg.Page) (torg.List[torg.Order], error) {
	q, args := "SELECT "+orderCols+" FROM orders WHERE 1 = 1", []any{}
	for _, c := range []struct{ col, v string }{{"status", string(f.Status)}, {"warehouse_id", f.WarehouseID},
		{"customer_id", f.CustomerID}, {"external_number", f.ExternalNumber}} {
		if c.v != "" {
			q, args = q+" AND "+c.col+" = ?", append(args, c.v)
		}
	}
	if page.After != "" {
		n, err := strconv.ParseInt(page.After, 10, 64)
		if err != nil {
			return torg.List[torg.Order]{}, torg.Invalid("after", "is not a cursor this server made")
		}
		q, args = q+" AND number < ?", append(args, n)
	}
	out := torg.List[torg.Order]{Items: []torg.Order{}}
	now := torg.Now()
	err := tx.eachRow(ctx, func(row scanner) error {
		var o torg.Order
		if err := scanOrder(row, &o, now); err != nil {
			return err
		}
		out.Items = append(out.Items, o)
		return nil
	}, q+" ORDER BY number DESC LIMIT ?", append(args, page.Limit+1)...)
	if err != nil {
		return torg.List[torg.Order]{}, err
	}
	if len(out.Items) > page.Limit {
		out.Items = out.Items[:page.Limit]
		next := torg.EncodeCursor(strings.TrimLeft(out.Items[page.Limit-1].Number, "0"))
		out.Next = &next
	}
	return out, tx.loadOrderDetails(ctx, out.Items)
}

// loadOrderDetails fills the lines and registers of the orders, with one query.
func (tx *Tx) loadOrderDetails(ctx context.Context, orders []torg.Order) error {
	if len(orders) == 0 {
		return nil
	}
	byID := make(map[string]*torg.Order, len(orders))
	ids := make([]any, len(orders))
	for i := range orders {
		o := &orders[i]
		o.Lines, o.Registers = []torg.OrderLine{}, []torg.OrderRegister{}
		byID[o.ID], ids[i] = o, o.ID
	}
	if err := tx.writeHeldRows(ctx, byID); err != nil {
		return err
	}
	// The lines and the registers are read with one statement, each row tagged with its part.
	// A register has what it was sent once it acknowledged the package's seq: the state is stored
	// as sent, and read as received from then on (likewise a withdrawal), so that an acknowledgement
	// writes only the register's own row.
	err := tx.eachRow(ctx, func(row scanner) error {
		var part int
		var id, text1, text2 string
		var ord, n1, n2, n3, n4, n5 int64
		if err := row.Scan(&part, &id, &ord, &text1, &text2, &n1, &n2, &n3, &n4, &n5); err != nil {
			return err
		}
		o := byID[id]
		if part == 0 {
			o.Lines = append(o.Lines, torg.OrderLine{LineNo: int(ord), ProductID: text1, VATRate: torg.VATRate(text2),
				Quantity: torg.Quantity(n1), Price: torg.Money(n2), Discount: torg.Money(n3), Amount: torg.Money(n4), VATAmount: torg.Money(n5)})
			return nil
		}
		r := torg.OrderRegister{RegisterID: text1, State: torg.DeliveryState(text2), SentVersion: n1, Sends: n2}
		if seq := n3; tx.acks != nil && seq > 0 && seq <= tx.acks.acked(r.RegisterID) { // acknowledged to this process, written or not
			switch r.State {
			case torg.DeliverySent:
				r.State = torg.DeliveryReceived
			case torg.DeliveryWithdrawalSent:
				r.State = torg.DeliveryWithdrawn
			}
		}
		o.Registers = append(o.Registers, r)
		return nil
	}, "SELECT 0, order_id, line_no, product_id, vat_rate, quantity, price, discount, amount, vat_amount"+
		" FROM order_lines WHERE order_id IN ("+marks(len(ids))+")"+
		" UNION ALL SELECT 1, x.order_id, x.position, x.register_id, CASE WHEN x.package_seq > 0 AND x.package_seq <= r.acked_seq"+
		" THEN CASE x.state WHEN 'sent' THEN 'received' WHEN 'withdrawal_sent' THEN 'withdrawn' ELSE x.state END ELSE x.state END,"+
		" x.sent_version, x.sends, x.package_seq, 0, 0 FROM order_registers x JOIN registers r ON r.id = x.register_id"+
		" WHERE x.order_id IN ("+marks(len(ids))+") ORDER BY 2, 1, 3", append(ids, ids...)...)
	return err
}

// marks is n placeholders separated by commas.
func marks(n int) string {
	if n == 0 {
		return "NULL"
	}
	return "?" + strings.Repeat(", ?", n-1)
}

// anys converts strings to query arguments.
func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// CreateOrder makes an order; with register_ids, fill_registers and post it also does Add, Fill and
// post in the same transaction. It reads what it needs in one batch and writes the order, its lines,
// registers, reservation, snapshot and packages in another (on PostgreSQL one round trip each).
func (tx *Tx) CreateOrder(ctx context.Context, in torg.OrderInput) (torg.Order, error) {
	d, err := tx.draftOrder(ctx, in)
	if err != nil {
		return d.order, err
	}
	return tx.writeOrder(ctx, d)
}

// draftOrder reads what a new order needs and works it out, all but its number: the order, the
// plan of its posting and the snapshot registers receive. Bad input is refused naming every field.
func (tx *Tx) draftOrder(ctx context.Context, in torg.OrderInput) (OrderDraft, error) {
	now := torg.Now()
	d := OrderDraft{in: in}
	o := &d.order
	*o = torg.Order{ID: newID(), Date: now, Status: torg.StatusNew, Comment: in.Comment, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := in.Validate(); err != nil {
		return d, err
	}
	var reads batch
	customer := tx.queueCustomer(&reads, in.CustomerID, in.CustomerCode)
	tx.queueResolve(&reads, "warehouses", in.WarehouseID, in.WarehouseCode, &o.WarehouseID)
	tx.queueProducts(&reads, productRefs(in.Lines))
	var fill []string
	if in.FillRegisters {
		col, v := refColumn(in.WarehouseID, in.WarehouseCode)
		reads.query(func(r rowScanner) error { var id string; err := r.Scan(&id); fill = append(fill, id); return err },
			"SELECT r.id FROM registers r JOIN warehouses w ON w.id = r.warehouse_id WHERE w."+col+" = ? AND r.auto_load_orders ORDER BY r.code", v)
	}
	accepts := tx.queueAccepting(&reads, in.RegisterIDs)
	if err := tx.run(ctx, &reads); err != nil {
		return d, err
	}
	var f torg.Fields
	o.CustomerID = customer.ID
	notFoundField(&f, "customer", in.CustomerID, o.CustomerID)
	notFoundField(&f, "warehouse", in.WarehouseID, o.WarehouseID)
	lines := tx.price(&f, in.Lines)
	checkAccepting(&f, "register_ids", in.RegisterIDs, accepts)
	if err := f.Err(); err != nil {
		return d, err
	}
	if in.Date.Set && !in.Date.Null { // null, like no date, means now
		o.Date = in.Date.Value
	}
	in.Status.ApplyTo(&o.Status)
	o.Date = o.Date.UTC().Truncate(time.Microsecond)
	if in.ExternalNumber.Set && !in.ExternalNumber.Null {
		o.ExternalNumber = &in.ExternalNumber.Value
	}
	o.Lines, o.Total, o.Registers, o.Posted = lines, torg.Total(lines), []torg.OrderRegister{}, in.Post
	o.ListRegisters(dedupe(in.RegisterIDs))
	o.ListRegisters(fill)
	if o.Posted {
		d.plan = o.Offer()
	}
	if d.plan.Snapshot {
		var err error
		if d.snapshot, err = tx.snapshot(ctx, o); err != nil { // without its number, which the writer takes
			return d, err
		}
	}
	return d, nil
}

// writeOrder takes the drafted order's number and writes the order, its lines, registers,
// reservation, snapshot and packages in one batch.
func (tx *Tx) writeOrder(ctx context.Context, d OrderDraft) (torg.Order, error) {
	o, in := d.order, d.in
	o.Lines, o.Registers = slices.Clone(o.Lines), slices.Clone(o.Registers) // a draft is written once, but stays whole
	var number int64                                                        // taken only for a valid order, so that numbers have no gaps from bad input
	if err := tx.queryRow(ctx, tx.d.nextOrderNumber).Scan(&number); err != nil {
		return o, err
	}
	o.Number = formatNumber(number)
	var writes batch
	writes.exec("INSERT INTO orders (id, number, external_number, date, customer_id, warehouse_id, status, comment, total,"+
		" posted, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		o.ID, number, o.ExternalNumber, micros(o.Date), o.CustomerID, o.WarehouseID, string(o.Status), o.Comment, int64(o.Total),
		o.Posted, o.Version, micros(o.CreatedAt), micros(o.UpdatedAt))
	queueLines(&writes, o.ID, o.Lines)
	plan := d.plan
	now := registerIDs(o.Registers)
	held := map[string]bool{} // the registers whose rows wait for their packages' seqs
	if tx.inGroup() {         // the rows of registers sent the order are written when their packages are numbered
		for _, d := range plan.Deliveries {
			if d.Send > 0 {
				held[d.RegisterID] = true
			}
		}
		now = slices.DeleteFunc(now, func(id string) bool { return held[id] })
	}
	queueRegisters(&writes, &o, now)
	var body string
	if plan.Snapshot {
		var err error
		if body, err = withNumber(d.snapshot, o.Number); err != nil {
			return o, err
		}
		writes.exec("INSERT INTO order_snapshots (order_id, version, body) VALUES (?, ?, ?) ON CONFLICT (order_id, version) DO NOTHING",
			o.ID, o.Version, body)
		plan.Snapshot = false
	}
	queued := len(tx.pending)
	if err := tx.queuePlan(ctx, &writes, &o, plan, true); err != nil {
		return o, err
	}
	if len(held) > 0 {
		rows := make(map[string]*orderRegisterRow, len(held))
		for i, r := range o.Registers {
			if held[r.RegisterID] {
				rows[r.RegisterID] = &orderRegisterRow{position: i, state: string(r.State), sentVersion: r.SentVersion, sends: r.Sends}
			}
		}
		for i := queued; i < len(tx.pending); i++ {
			if q := &tx.pending[i]; q.send.Valid {
				q.row = rows[q.registerID]
			}
		}
	}
	if err := tx.run(ctx, &writes); err != nil {
		return o, duplicate(translate(err), "external_number", in.ExternalNumber.Value)
	}
	if body != "" { // a new order's id is new: its snapshot is the stored one, for the registers' windows
		if tx.stored == nil {
			tx.stored = snapshots{}
		}
		tx.stored[bodyKey{o.ID, o.Version}] = json.RawMessage(body)
	}
	return o, nil // as stored: a new order has no claim, transaction or documents yet
}

// writeHeldRows writes the «ККМ» rows of new orders that wait for their packages' seqs, for the
// orders about to be read in the same transaction (which may change them next): with no seq yet,
// which numbering then records as for any other send.
func (tx *Tx) writeHeldRows(ctx context.Context, orders map[string]*torg.Order) error {
	var b batch
	var held []*queuedPackage
	for i := range tx.pending {
		if q := &tx.pending[i]; q.row != nil && orders[q.orderID] != nil {
			held = append(held, q)
		}
	}
	for part := range chunks(held, 200) {
		args := make([]any, 0, len(part)*6)
		for _, q := range part {
			args = append(args, q.orderID, q.registerID, q.row.position, q.row.state, q.row.sentVersion, q.row.sends)
			q.row = nil
		}
		b.exec("INSERT INTO order_registers (order_id, register_id, position, state, sent_version, sends) VALUES "+
			rowsOf(len(part), 6), args...)
	}
	return tx.run(ctx, &b)
}

// refColumn is the column and value a reference by id or by code looks up.
func refColumn(id, code string) (string, string) {
	if id == "" {
		return "code", code
	}
	return "id", id
}

// notFoundField names the field of a reference that found nothing.
func notFoundField(f *torg.Fields, noun, byID, found string) {
	if found == "" {
		field, col := noun+"_id", "id"
		if byID == "" {
			field, col = noun+"_code", "code"
		}
		f.Add(field, "no %s has this %s", noun, col)
	}
}

// queueResolve adds the lookup of the catalog item named by id or code; dest gets its id, or stays
// empty when there is none.
func (tx *Tx) queueResolve(b *batch, table, id, code string, dest *string) {
	col, v := refColumn(id, code)
	b.query(func(r rowScanner) error { return r.Scan(dest) }, "SELECT id FROM "+table+" WHERE "+col+" = ?", v)
}

// queueCustomer adds the lookup of the customer named by id or code, with what a snapshot shows of
// it; the customer is kept for the transaction's snapshots. The ID of the result stays empty when
// there is none.
func (tx *Tx) queueCustomer(b *batch, id, code string) *torg.CustomerRef {
	c := &torg.CustomerRef{}
	col, v := refColumn(id, code)
	b.query(func(r rowScanner) error {
		if err := r.Scan(&c.ID, &c.Code, &c.Name, &c.Phone); err != nil {
			return err
		}
		tx.customer = c
		return nil
	}, "SELECT id, code, name, phone FROM customers WHERE "+col+" = ?", v)
	return c
}

// queueAccepting adds the lookup of which of the registers work with orders; the map has an entry
// for each that exists.
func (tx *Tx) queueAccepting(b *batch, ids []string) map[string]bool {
	accepts := map[string]bool{}
	if len(ids) > 0 {
		b.query(func(r rowScanner) error {
			var id string
			var ok bool
			err := r.Scan(&id, &ok)
			accepts[id] = ok
			return err
		}, "SELECT id, accepts_orders FROM registers WHERE id IN ("+marks(len(ids))+")", anys(ids)...)
	}
	return accepts
}

func registerIDs(rs []torg.OrderRegister) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.RegisterID
	}
	return out
}

func dedupe(ids []string) []string {
	out := []string{}
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// resolve finds the id of the catalog item named by id or code, naming the field when none is found.
func (tx *Tx) resolve(ctx context.Context, f *torg.Fields, table, noun, id, code string) string {
	field, col, v := noun+"_id", "id", id
	if id == "" {
		field, col, v = noun+"_code", "code", code
	}
	var found string
	err := tx.queryRow(ctx, "SELECT id FROM "+table+" WHERE "+col+" = ?", v).Scan(&found)
	if err != nil {
		f.Add(field, "no %s has this %s", noun, col)
	}
	return found
}

// productInfo is what orders and snapshots need of a product.
type productInfo struct {
	id, code, name, unit string
	vat                  torg.VATRate
	price                torg.Money
}

// products reads the products with the ids or codes, keyed by both ("id:…", "code:…"). A product
// read once is not read again in the same transaction.
func (tx *Tx) products(ctx context.Context, ids, codes []string) (map[string]productInfo, error) {
	var b batch
	tx.queueProducts(&b, productsRef{ids, codes})
	return tx.prods, tx.run(ctx, &b)
}

// productsRef names products by id and by code.
type productsRef struct{ ids, codes []string }

// productRefs is what the lines name.
func productRefs(in []torg.OrderLineInput) productsRef {
	var r productsRef
	for _, l := range in {
		if l.ProductID != "" {
			r.ids = append(r.ids, l.ProductID)
		} else {
			r.codes = append(r.codes, l.ProductCode)
		}
	}
	return r
}

// queueProducts adds the read of the products not yet read in this transaction.
func (tx *Tx) queueProducts(b *batch, ref productsRef) {
	if tx.prods == nil {
		tx.prods = map[string]productInfo{}
	}
	var needIDs, needCodes []string
	for _, id := range ref.ids {
		if _, ok := tx.prods["id:"+id]; !ok {
			needIDs = append(needIDs, id)
		}
	}
	for _, c := range ref.codes {
		if _, ok := tx.prods["code:"+c]; !ok {
			needCodes = append(needCodes, c)
		}
	}
	if len(needIDs)+len(needCodes) == 0 {
		return
	}
	b.query(func(r rowScanner) error {
		var p productInfo
		if err := r.Scan(&p.id, &p.code, &p.name, &p.unit, &p.vat, &p.price); err != nil {
			return err
		}
		tx.prods["id:"+p.id], tx.prods["code:"+p.code] = p, p
		return nil
	}, "SELECT id, code, name, unit, vat_rate, price FROM products WHERE id IN ("+marks(len(needIDs))+
		") OR code IN ("+marks(len(needCodes))+")", append(anys(needIDs), anys(needCodes)...)...)
}

// priceLines turns a client's lines into order lines: products found, prices defaulted, amounts and
// VAT computed. Every line that breaks a rule is named in f.
func (tx *Tx) priceLines(ctx context.Context, f *torg.Fields, in []torg.OrderLineInput) ([]torg.OrderLine, error) {
	r := productRefs(in)
	if _, err := tx.products(ctx, r.ids, r.codes); err != nil {
		return nil, err
	}
	return tx.price(f, in), nil
}

// price turns a client's lines into order lines from the products already read.
func (tx *Tx) price(f *torg.Fields, in []torg.OrderLineInput) []torg.OrderLine {
	lines := make([]torg.OrderLine, len(in))
	for i, l := range in {
		field := "lines[" + strconv.Itoa(i) + "]"
		p, ok := tx.prods["id:"+l.ProductID]
		if l.ProductID == "" {
			p, ok = tx.prods["code:"+l.ProductCode]
		}
		if !ok {
			f.Add(field+".product_id", "no product has this id or code")
			continue
		}
		price := p.price
		l.Price.ApplyTo(&price)
		lines[i] = torg.OrderLine{LineNo: i + 1, ProductID: p.id, Quantity: l.Quantity, Price: price, Discount: l.Discount, VATRate: p.vat}
		torg.PriceLine(f, field, &lines[i])
	}
	return lines
}

func (tx *Tx) insertLines(ctx context.Context, orderID string, lines []torg.OrderLine) error {
	var b batch
	b.exec("DELETE FROM order_lines WHERE order_id = ?", orderID)
	queueLines(&b, orderID, lines)
	return tx.run(ctx, &b)
}

// queueLines adds the insert of the order's lines.
func queueLines(b *batch, orderID string, lines []torg.OrderLine) {
	args := make([]any, 0, len(lines)*9)
	for _, l := range lines {
		args = append(args, orderID, l.LineNo, l.ProductID, int64(l.Quantity), int64(l.Price), int64(l.Discount), int64(l.Amount),
			string(l.VATRate), int64(l.VATAmount))
	}
	b.exec("INSERT INTO order_lines (order_id, line_no, product_id, quantity, price, discount, amount, vat_rate, vat_amount)"+
		" VALUES "+rowsOf(len(lines), 9), args...)
}

// rowsOf is n rows of width placeholders for a multi-row INSERT.
func rowsOf(n, width int) string {
	row := "(" + marks(width) + ")"
	return row + strings.Repeat(", "+row, n-1)
}

// checkAddable names every register of ids that does not exist or does not work with orders (Add).
func (tx *Tx) checkAddable(ctx context.Context, f *torg.Fields, field string, ids []string) error {
	var b batch
	accepts := tx.queueAccepting(&b, ids)
	if err := tx.run(ctx, &b); err != nil {
		return err
	}
	checkAccepting(f, field, ids, accepts)
	return nil
}

// checkAccepting names every register of ids that does not exist or does not work with orders.
func checkAccepting(f *torg.Fields, field string, ids []string, accepts map[string]bool) {
	for i, id := range ids {
		name := field
		if field == "register_ids" {
			name = field + "[" + strconv.Itoa(i) + "]"
		}
		ok, found := accepts[id]
		switch {
		case !found:
			f.Add(name, "no register has this id")
		case !ok:
			f.Add(name, "this register does not work with customer orders (accepts_orders is false)")
		}
	}
}

// listRegisters adds registers to the order's «ККМ» tab, skipping those already listed.
func (tx *Tx) listRegisters(ctx context.Context, o *torg.Order, ids []string) error {
	return tx.insertRegisters(ctx, o, o.ListRegisters(ids))
}

// insertRegisters stores the order's rows of its «ККМ» tab for the registers, in the states the
// order has in memory.
func (tx *Tx) insertRegisters(ctx context.Context, o *torg.Order, ids []string) error {
	var b batch
	queueRegisters(&b, o, ids)
	return tx.run(ctx, &b)
}

// queueRegisters adds the insert of the order's «ККМ» rows for the registers.
func queueRegisters(b *batch, o *torg.Order, ids []string) {
	if len(ids) == 0 {
		return
	}
	listed := make(map[string]bool, len(ids))
	for _, id := range ids {
		listed[id] = true
	}
	var rows []int
	for i, r := range o.Registers {
		if listed[r.RegisterID] {
			rows = append(rows, i)
		}
	}
	for part := range chunks(rows, 500) { // a warehouse's thousands of registers within the parameters' limit
		args := make([]any, 0, len(part)*6)
		for _, i := range part {
			r := o.Registers[i]
			args = append(args, o.ID, r.RegisterID, i, string(r.State), r.SentVersion, r.Sends)
		}
		b.exec("INSERT INTO order_registers (order_id, register_id, position, state, sent_version, sends) VALUES "+
			rowsOf(len(part), 6), args...)
	}
}

// autoLoading lists the registers of the warehouse that load orders automatically (Fill).
func (tx *Tx) autoLoading(ctx context.Context, warehouseID string) ([]string, error) {
	return queryStrings(ctx, tx, "SELECT id FROM registers WHERE warehouse_id = ? AND auto_load_orders ORDER BY code", warehouseID)
}

// fill lists every register of the order's warehouse that loads orders automatically (Fill).
func (tx *Tx) fill(ctx context.Context, o *torg.Order) error {
	ids, err := tx.autoLoading(ctx, o.WarehouseID)
	if err != nil {
		return err
	}
	return tx.listRegisters(ctx, o, ids)
}

// editable locks the order for a change staff or an integrator make, refusing one that is sold,
// closed or cancelled.
func (tx *Tx) editable(ctx context.Context, id string) (torg.Order, error) {
	o, err := tx.order(ctx, id, true)
	if err != nil {
		return o, err
	}
	if !o.Status.Editable() {
		return o, torg.Errorf(torg.CodeStateConflict, "order %s is %s and cannot be changed", o.Number, o.Status)
	}
	return o, nil
}

// PatchOrder changes the order's status, comment, date, customer or lines. ifMatch, when not nil, is
// the version the client saw. A posted order is offered again in the same transaction.
func (tx *Tx) PatchOrder(ctx context.Context, id string, in torg.OrderPatch, ifMatch *int64) (torg.Order, error) {
	if err := in.Validate(); err != nil {
		return torg.Order{}, err
	}
	o, err := tx.order(ctx, id, true)
	if err != nil {
		return o, err
	}
	if ifMatch != nil && *ifMatch != o.Version {
		return o, torg.Errorf(torg.CodeStaleVersion, "order %s is at version %d, not %d", o.Number, o.Version, *ifMatch)
	}
	if !o.Status.Editable() {
		return o, torg.Errorf(torg.CodeStateConflict, "order %s is %s and cannot be changed", o.Number, o.Status)
	}
	changed, err := tx.applyPatch(ctx, &o, in)
	if err != nil || !changed {
		return o, err
	}
	o.Version++
	_, err = tx.exec(ctx, "UPDATE orders SET status = ?, comment = ?, date = ?, customer_id = ?, total = ?, version = ?, updated_at = ? WHERE id = ?",
		string(o.Status), o.Comment, micros(o.Date), o.CustomerID, int64(o.Total), o.Version, micros(torg.Now()), o.ID)
	if err != nil {
		return o, err
	}
	if in.Lines.Set {
		if err := tx.insertLines(ctx, o.ID, o.Lines); err != nil {
			return o, err
		}
	}
	if o.Posted || o.Status == torg.StatusCancelled {
		if err := tx.offer(ctx, &o); err != nil {
			return o, err
		}
	}
	if err := tx.emitCancelled(ctx, &o); err != nil {
		return o, err
	}
	return tx.Order(ctx, o.ID)
}

// applyPatch changes o in memory and reports whether anything differs.
func (tx *Tx) applyPatch(ctx context.Context, o *torg.Order, in torg.OrderPatch) (bool, error) {
	before := *o
	before.Lines = slices.Clone(o.Lines)
	var f torg.Fields
	if in.Status.Set && in.Status.Value != o.Status {
		if !o.Status.CanBecome(in.Status.Value) {
			return false, torg.Errorf(torg.CodeStateConflict, "order %s cannot go from %s to %s", o.Number, o.Status, in.Status.Value)
		}
		o.Status = in.Status.Value
	}
	in.Comment.ApplyTo(&o.Comment)
	if in.Date.Set {
		o.Date = in.Date.Value.UTC().Truncate(time.Microsecond)
	}
	if in.CustomerID.Set || in.CustomerCode.Set {
		o.CustomerID = tx.resolve(ctx, &f, "customers", "customer", in.CustomerID.Value, in.CustomerCode.Value)
	}
	if in.Lines.Set {
		lines, err := tx.priceLines(ctx, &f, in.Lines.Value)
		if err != nil {
			return false, err
		}
		o.Lines, o.Total = lines, torg.Total(lines)
	}
	if err := f.Err(); err != nil {
		return false, err
	}
	changed := o.Status != before.Status || o.Comment != before.Comment || !o.Date.Equal(before.Date) ||
		o.CustomerID != before.CustomerID || !slices.Equal(o.Lines, before.Lines)
	return changed, nil
}

// PostOrder posts the order («Провести»): an agreed order goes to its registers; any other is
// withdrawn from them. Posting again changes nothing.
func (tx *Tx) PostOrder(ctx context.Context, id string) (torg.Order, error) {
	o, err := tx.editable(ctx, id)
	if err != nil {
		return o, err
	}
	if err := tx.setPosted(ctx, &o, true); err != nil {
		return o, err
	}
	return tx.Order(ctx, id)
}

// UnpostOrder withdraws the order from every register and ends its reservation.
func (tx *Tx) UnpostOrder(ctx context.Context, id string) (torg.Order, error) {
	o, err := tx.order(ctx, id, true)
	if err != nil {
		return o, err
	}
	if o.Status == torg.StatusSold || o.Status == torg.StatusClosed {
		return o, torg.Errorf(torg.CodeStateConflict, "order %s is %s and cannot be unposted", o.Number, o.Status)
	}
	if err := tx.setPosted(ctx, &o, false); err != nil {
		return o, err
	}
	return tx.Order(ctx, id)
}

// CancelOrder cancels the order and withdraws it from every register. Cancelling again changes nothing.
func (tx *Tx) CancelOrder(ctx context.Context, id string) (torg.Order, error) {
	o, err := tx.order(ctx, id, true)
	if err != nil || o.Status == torg.StatusCancelled {
		return o, err
	}
	return tx.PatchOrder(ctx, id, torg.OrderPatch{Status: torg.Of(torg.StatusCancelled)}, nil)
}

// AddOrderRegister lists a register that accepts orders on the order (Add); a posted, agreed order is
// sent to it at once.
func (tx *Tx) AddOrderRegister(ctx context.Context, id, registerID string) (torg.Order, error) {
	o, err := tx.editable(ctx, id)
	if err != nil {
		return o, err
	}
	var f torg.Fields
	if err := tx.checkAddable(ctx, &f, "register_id", []string{registerID}); err != nil {
		return o, err
	}
	if err := f.Err(); err != nil {
		return o, err
	}
	return tx.afterListChange(ctx, &o, tx.listRegisters(ctx, &o, []string{registerID}))
}

// FillOrderRegisters lists every register of the order's warehouse that loads orders automatically (Fill).
func (tx *Tx) FillOrderRegisters(ctx context.Context, id string) (torg.Order, error) {
	o, err := tx.editable(ctx, id)
	if err != nil {
		return o, err
	}
	return tx.afterListChange(ctx, &o, tx.fill(ctx, &o))
}

func (tx *Tx) afterListChange(ctx context.Context, o *torg.Order, err error) (torg.Order, error) {
	if err != nil {
		return *o, err
	}
	if o.Posted {
		if err := tx.offer(ctx, o); err != nil {
			return *o, err
		}
	}
	return tx.Order(ctx, o.ID)
}

// RemoveOrderRegister takes a register off the order's list; if it holds the order it gets
// order.delete, and its claim ends.
func (tx *Tx) RemoveOrderRegister(ctx context.Context, id, registerID string) (torg.Order, error) {
	o, err := tx.editable(ctx, id)
	if err != nil {
		return o, err
	}
	p, err := o.RemoveRegister(registerID)
	if err != nil {
		return o, err
	}
	if err := tx.write(ctx, &o, p); err != nil {
		return o, err
	}
	if _, err := tx.exec(ctx, "DELETE FROM order_registers WHERE order_id = ? AND register_id = ?", id, registerID); err != nil {
		return o, err
	}
	return tx.Order(ctx, id)
}
