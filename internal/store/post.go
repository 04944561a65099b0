package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"torg"
)

// This file is where orders are posted: it writes the plans that the order's own functions in the
// root package make (order.go: Offer, SetPosted, RemoveRegister, TakeClaim, Sell, …) — the packages
// queued for the sequencer, each register's delivery state, the snapshot registers receive and the
// reservation — in the change's own transaction, in as few statements as the plan allows.

// write stores what the plan of a change of the order says, besides the order's own row, in one
// batch (one round trip on PostgreSQL).
func (tx *Tx) write(ctx context.Context, o *torg.Order, p torg.Plan) error {
	var b batch
	if err := tx.queuePlan(ctx, &b, o, p, false); err != nil {
		return err
	}
	return tx.run(ctx, &b)
}

// queuePlan adds the statements that store the plan to the batch; it reads first what a snapshot
// needs and this transaction has not read yet. fresh says that the order was made in this batch:
// it has no reservation yet, and its registers' rows are inserted in their planned states.
func (tx *Tx) queuePlan(ctx context.Context, b *batch, o *torg.Order, p torg.Plan, fresh bool) error {
	switch p.Reservation {
	case torg.ReservationMade:
		if !fresh {
			b.exec("DELETE FROM reservations WHERE order_id = ?", o.ID)
		}
		args := make([]any, 0, len(o.Lines)*5)
		for _, l := range o.Lines {
			args = append(args, o.ID, l.LineNo, o.WarehouseID, l.ProductID, int64(l.Quantity))
		}
		b.exec("INSERT INTO reservations (order_id, line_no, warehouse_id, product_id, quantity) VALUES "+rowsOf(len(o.Lines), 5), args...)
	case torg.ReservationEnded:
		b.exec("DELETE FROM reservations WHERE order_id = ?", o.ID)
	}
	if p.ClaimChanged {
		var reg, exp any
		if c := o.Claim; c != nil {
			reg, exp = c.RegisterID, micros(c.ExpiresAt)
		}
		b.exec("UPDATE orders SET claim_register_id = ?, claim_expires_at = ? WHERE id = ?", reg, exp, o.ID)
	}
	if p.Snapshot {
		body, err := tx.snapshot(ctx, o)
		if err != nil {
			return err
		}
		id, version := o.ID, o.Version
		b.query(func(r rowScanner) error { // a row only when inserted: then body is what registers read
			if tx.stored == nil {
				tx.stored = snapshots{}
			}
			tx.stored[bodyKey{id, version}] = json.RawMessage(body)
			var v int64
			return r.Scan(&v)
		}, "INSERT INTO order_snapshots (order_id, version, body) VALUES (?, ?, ?) ON CONFLICT (order_id, version) DO NOTHING RETURNING version",
			id, version, body)
	}
	if !fresh {
		queueStates(b, o, p.Sends())
	}
	tx.queueDeliveries(b, o, p.Deliveries)
	return nil
}

// offer brings the registers listed on the order in line with it (torg.Order.Offer) and writes the
// plan.
func (tx *Tx) offer(ctx context.Context, o *torg.Order) error {
	return tx.write(ctx, o, o.Offer())
}

// setPosted stores the posted flag and offers or withdraws the order accordingly.
func (tx *Tx) setPosted(ctx context.Context, o *torg.Order, posted bool) error {
	if o.Posted != posted {
		if _, err := tx.exec(ctx, "UPDATE orders SET posted = ?, updated_at = ? WHERE id = ?", posted, micros(torg.Now()), o.ID); err != nil {
			return err
		}
	}
	return tx.write(ctx, o, o.SetPosted(posted))
}

// queueStates adds the statements that store the delivery state each send leaves its register in:
// one for the order.upsert packages and one for the order.delete ones.
func queueStates(b *batch, o *torg.Order, sends []torg.Delivery) {
	byState := map[torg.DeliveryState][]any{}
	for _, d := range sends {
		state := torg.DeliverySent
		if d.Kind == torg.PackageDelete {
			state = torg.DeliveryWithdrawalSent
		}
		byState[state] = append(byState[state], d.RegisterID)
	}
	for _, state := range []torg.DeliveryState{torg.DeliverySent, torg.DeliveryWithdrawalSent} {
		if ids := byState[state]; len(ids) > 0 {
			b.exec("UPDATE order_registers SET state = ?, sent_version = ?, sends = sends + 1, package_seq = 0"+
				" WHERE order_id = ? AND register_id IN ("+marks(len(ids))+")", append([]any{string(state), o.Version, o.ID}, ids...)...)
		}
	}
}

// queueDeliveries adds the statement that queues the deliveries. They get their seq from the
// sequencer after this transaction commits (sequencer.go), so that no change of an order waits for
// another order's change to the same register.
func (tx *Tx) queueDeliveries(b *batch, o *torg.Order, ds []torg.Delivery) {
	if len(ds) == 0 {
		return
	}
	now := micros(torg.Now())
	tx.queued += len(ds)
	if tx.inGroup() { // numbered at the end of the group's own transaction, from memory
		for _, d := range ds {
			q := queuedPackage{registerID: d.RegisterID, kind: d.Kind, orderID: o.ID, version: o.Version, created: now}
			q.reason = sql.NullString{String: d.Reason, Valid: d.Reason != ""}
			if d.Claim != nil {
				q.claimant = sql.NullString{String: d.Claim.RegisterID, Valid: true}
				q.expires = sql.NullInt64{Int64: micros(d.Claim.ExpiresAt), Valid: true}
			}
			q.send = sql.NullInt64{Int64: d.Send, Valid: d.Send > 0}
			tx.pending = append(tx.pending, q)
		}
		return
	}
	for part := range chunks(ds, 500) { // within the parameters' limit
		args := make([]any, 0, len(part)*9)
		for _, d := range part {
			var reason, claimant, expires, send any
			if d.Reason != "" {
				reason = d.Reason
			}
			if d.Claim != nil {
				claimant, expires = d.Claim.RegisterID, micros(d.Claim.ExpiresAt)
			}
			if d.Send > 0 {
				send = d.Send
			}
			args = append(args, d.RegisterID, d.Kind, o.ID, o.Version, reason, claimant, expires, send, now)
		}
		b.exec("INSERT INTO package_queue (register_id, kind, order_id, version, reason, claim_register_id, claim_expires_at,"+
			" send, created_at) VALUES "+rowsOf(len(part), 9), args...)
	}
}

// snapshot is what registers receive of the order's current version, as JSON.
func (tx *Tx) snapshot(ctx context.Context, o *torg.Order) (string, error) {
	s := torg.OrderSnapshot{ID: o.ID, Number: o.Number, Version: o.Version, Date: o.Date, WarehouseID: o.WarehouseID,
		Comment: o.Comment, Total: o.Total, Lines: make([]torg.SnapshotLine, len(o.Lines))}
	var reads batch
	if c := tx.customer; c != nil && c.ID == o.CustomerID {
		s.Customer = *c
	} else {
		reads.query(func(r rowScanner) error {
			return r.Scan(&s.Customer.ID, &s.Customer.Code, &s.Customer.Name, &s.Customer.Phone)
		},
			"SELECT id, code, name, phone FROM customers WHERE id = ?", o.CustomerID)
	}
	ids := make([]string, len(o.Lines))
	for i, l := range o.Lines {
		ids[i] = l.ProductID
	}
	tx.queueProducts(&reads, productsRef{ids: ids})
	if err := tx.run(ctx, &reads); err != nil {
		return "", err
	}
	if s.Customer.ID == "" {
		return "", notFound("customer", o.CustomerID)
	}
	for i, l := range o.Lines {
		p := tx.prods["id:"+l.ProductID]
		s.Lines[i] = torg.SnapshotLine{LineNo: l.LineNo, ProductID: l.ProductID, ProductCode: p.code, Name: p.name, Unit: p.unit,
			Quantity: l.Quantity, Price: l.Price, Discount: l.Discount, Amount: l.Amount, VATRate: l.VATRate}
	}
	body, err := json.Marshal(s)
	return string(body), err
}

// Reserved is the quantity of the product that orders hold in the warehouse.
func (tx *Tx) Reserved(ctx context.Context, warehouseID, productID string) (torg.Quantity, error) {
	var q torg.Quantity
	err := tx.queryRow(ctx, "SELECT COALESCE(SUM(quantity), 0) FROM reservations WHERE warehouse_id = ? AND product_id = ?",
		warehouseID, productID).Scan(&q)
	return q, err
}
