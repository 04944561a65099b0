package store

import (
	"context"
	"encoding/json"

	"torg"
)

// This file is where orders are posted: it writes the plans that the order's own functions in the
// root package make (order.go: Offer, SetPosted, RemoveRegister, TakeClaim, Sell, …) — the packages
// queued for the sequencer, each register's delivery state, the snapshot registers receive and the
// reservation — in the change's own transaction, in as few statements as the plan allows.

// write stores what the plan of a change of the order says, besides the order's own row. listed
// says that the order's registers rows were just inserted with their planned states.
func (tx *Tx) write(ctx context.Context, o *torg.Order, p torg.Plan, listed bool) error {
	switch p.Reservation {
	case torg.ReservationMade:
		if err := tx.reserve(ctx, o); err != nil {
			return err
		}
	case torg.ReservationEnded:
		if err := tx.unreserve(ctx, o.ID); err != nil {
			return err
		}
	}
	if p.ClaimChanged {
		if err := tx.setClaim(ctx, o); err != nil {
			return err
		}
	}
	if p.Snapshot {
		if err := tx.snapshot(ctx, o); err != nil {
			return err
		}
	}
	if !listed {
		if err := tx.writeStates(ctx, o, p.Sends()); err != nil {
			return err
		}
	}
	return tx.enqueue(ctx, o, p.Deliveries)
}

// offer brings the registers listed on the order in line with it (torg.Order.Offer) and writes the
// plan.
func (tx *Tx) offer(ctx context.Context, o *torg.Order) error {
	return tx.write(ctx, o, o.Offer(), false)
}

// setPosted stores the posted flag and offers or withdraws the order accordingly.
func (tx *Tx) setPosted(ctx context.Context, o *torg.Order, posted bool) error {
	if o.Posted != posted {
		if _, err := tx.exec(ctx, "UPDATE orders SET posted = ?, updated_at = ? WHERE id = ?", posted, micros(torg.Now()), o.ID); err != nil {
			return err
		}
	}
	return tx.write(ctx, o, o.SetPosted(posted), false)
}

// writeStates stores the delivery state each send leaves its register in: one statement for the
// order.upsert packages and one for the order.delete ones.
func (tx *Tx) writeStates(ctx context.Context, o *torg.Order, sends []torg.Delivery) error {
	byState := map[torg.DeliveryState][]any{}
	for _, d := range sends {
		state := torg.DeliverySent
		if d.Kind == torg.PackageDelete {
			state = torg.DeliveryWithdrawalSent
		}
		byState[state] = append(byState[state], d.RegisterID)
	}
	for _, state := range []torg.DeliveryState{torg.DeliverySent, torg.DeliveryWithdrawalSent} {
		ids := byState[state]
		if len(ids) == 0 {
			continue
		}
		_, err := tx.exec(ctx, "UPDATE order_registers SET state = ?, sent_version = ?, sends = sends + 1, package_seq = 0"+
			" WHERE order_id = ? AND register_id IN ("+marks(len(ids))+")", append([]any{string(state), o.Version, o.ID}, ids...)...)
		if err != nil {
			return err
		}
	}
	return nil
}

// enqueue queues the deliveries in one statement. They get their seq from the sequencer after this
// transaction commits (sequencer.go), so that no change of an order waits for another order's
// change to the same register.
func (tx *Tx) enqueue(ctx context.Context, o *torg.Order, ds []torg.Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	now := micros(torg.Now())
	args := make([]any, 0, len(ds)*9)
	for _, d := range ds {
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
	_, err := tx.exec(ctx, "INSERT INTO package_queue (register_id, kind, order_id, version, reason, claim_register_id, claim_expires_at,"+
		" send, created_at) VALUES "+rowsOf(len(ds), 9), args...)
	tx.queued += len(ds)
	return err
}

// snapshot stores what registers receive of the order's current version, once per version.
func (tx *Tx) snapshot(ctx context.Context, o *torg.Order) error {
	s := torg.OrderSnapshot{ID: o.ID, Number: o.Number, Version: o.Version, Date: o.Date, WarehouseID: o.WarehouseID,
		Comment: o.Comment, Total: o.Total, Lines: make([]torg.SnapshotLine, len(o.Lines))}
	err := tx.queryRow(ctx, "SELECT id, code, name, phone FROM customers WHERE id = ?", o.CustomerID).Scan(&s.Customer.ID, &s.Customer.Code,
		&s.Customer.Name, &s.Customer.Phone)
	if err != nil {
		return err
	}
	ids := make([]string, len(o.Lines))
	for i, l := range o.Lines {
		ids[i] = l.ProductID
	}
	prods, err := tx.products(ctx, ids, nil)
	if err != nil {
		return err
	}
	for i, l := range o.Lines {
		p := prods["id:"+l.ProductID]
		s.Lines[i] = torg.SnapshotLine{LineNo: l.LineNo, ProductID: l.ProductID, ProductCode: p.code, Name: p.name, Unit: p.unit,
			Quantity: l.Quantity, Price: l.Price, Discount: l.Discount, Amount: l.Amount, VATRate: l.VATRate}
	}
	body, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, "INSERT INTO order_snapshots (order_id, version, body) VALUES (?, ?, ?) ON CONFLICT (order_id, version) DO NOTHING",
		o.ID, o.Version, string(body))
	return err
}

// reserve makes the order's reservation equal its lines.
func (tx *Tx) reserve(ctx context.Context, o *torg.Order) error {
	if err := tx.unreserve(ctx, o.ID); err != nil {
		return err
	}
	args := make([]any, 0, len(o.Lines)*5)
	for _, l := range o.Lines {
		args = append(args, o.ID, l.LineNo, o.WarehouseID, l.ProductID, int64(l.Quantity))
	}
	_, err := tx.exec(ctx, "INSERT INTO reservations (order_id, line_no, warehouse_id, product_id, quantity) VALUES "+rowsOf(len(o.Lines), 5), args...)
	return err
}

// unreserve ends the order's reservation.
func (tx *Tx) unreserve(ctx context.Context, orderID string) error {
	_, err := tx.exec(ctx, "DELETE FROM reservations WHERE order_id = ?", orderID)
	return err
}

// setClaim stores the order's claim, or its end.
func (tx *Tx) setClaim(ctx context.Context, o *torg.Order) error {
	var reg, exp any
	if c := o.Claim; c != nil {
		reg, exp = c.RegisterID, micros(c.ExpiresAt)
	}
	_, err := tx.exec(ctx, "UPDATE orders SET claim_register_id = ?, claim_expires_at = ? WHERE id = ?", reg, exp, o.ID)
	return err
}

// Reserved is the quantity of the product that orders hold in the warehouse.
func (tx *Tx) Reserved(ctx context.Context, warehouseID, productID string) (torg.Quantity, error) {
	var q torg.Quantity
	err := tx.queryRow(ctx, "SELECT COALESCE(SUM(quantity), 0) FROM reservations WHERE warehouse_id = ? AND product_id = ?",
		warehouseID, productID).Scan(&q)
	return q, err
}
